from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from kern.db import Model, tekst_enum, utcnow


class Rol(enum.StrEnum):
    BELEIDSMEDEWERKER = "beleidsmedewerker"
    GEMEENTE = "gemeente"
    FINANCIEN = "financien"
    BEHEERDER = "beheerder"

    @property
    def label(self) -> str:
        return ROL_LABELS[self]


ROL_LABELS = {
    Rol.BELEIDSMEDEWERKER: "Beleidsmedewerker",
    Rol.GEMEENTE: "Medewerker gemeente",
    Rol.FINANCIEN: "Financiën",
    Rol.BEHEERDER: "Beheerder",
}


def nieuwe_sessiesleutel() -> str:
    return secrets.token_hex(16)


class Gebruiker(Model):
    """A person who signs in.

    The session cookie carries ``sessiesleutel``, not the primary key: changing the password or
    blocking the user replaces it and so ends every session of that user at once. A second
    factor fits between checking the password and `services.aanmelden`; server-side sessions
    can replace the key with a session table without touching the views.
    """

    __tablename__ = "gebruikers"
    __table_args__ = (
        # A municipality user belongs to exactly one municipality; nobody else belongs to one.
        sa.CheckConstraint(
            "(rol = 'gemeente') = (gemeente_id IS NOT NULL)",
            name="gemeente_alleen_bij_rol_gemeente",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    naam: Mapped[str] = mapped_column(sa.String(120))
    wachtwoord_hash: Mapped[str] = mapped_column(sa.String(255))
    rol: Mapped[Rol] = mapped_column(tekst_enum(Rol, "rol"))
    # The domain model lives in `gemeenten`; the kernel only knows the key.
    gemeente_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gemeenten.id"), index=True)
    actief: Mapped[bool] = mapped_column(default=True)
    sessiesleutel: Mapped[str] = mapped_column(
        sa.String(32), unique=True, default=nieuwe_sessiesleutel
    )
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    laatst_aangemeld_op: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Gebruiker {self.email} ({self.rol})>"

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.actief

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.sessiesleutel

    def zet_wachtwoord(self, wachtwoord: str) -> None:
        methode = current_app.config["WACHTWOORD_HASH"] if has_app_context() else "scrypt"
        self.wachtwoord_hash = generate_password_hash(wachtwoord, method=methode)
        self.beeindig_sessies()

    def beeindig_sessies(self) -> None:
        """A new session key: no cookie carrying the old one opens anything any more."""
        self.sessiesleutel = nieuwe_sessiesleutel()

    def controleer_wachtwoord(self, wachtwoord: str) -> bool:
        return check_password_hash(self.wachtwoord_hash, wachtwoord)

    def heeft_rol(self, *rollen: Rol) -> bool:
        return self.rol in rollen
