from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy.orm import Mapped, mapped_column, relationship
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


class Gebruiker(Model):
    """A person who signs in.

    The session cookie carries the token of one of the user's `Sessie` rows, not the primary
    key: each sign-in is a session of its own, that ends on its own (signing out, idle, too old)
    or with all the others (a new password, blocking, "overal afmelden").
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
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    laatst_aangemeld_op: Mapped[datetime | None]
    # The second factor (kern/accounts/tweede_factor.py): the TOTP secret in base32 (None: none
    # yet, or reset), when its first code confirmed it (None: not yet enrolled), and the last
    # time step a code was accepted for, so that no code works twice.
    totp_geheim: Mapped[str | None] = mapped_column(sa.String(32))
    totp_ingesteld_op: Mapped[datetime | None]
    totp_laatste_stap: Mapped[int | None] = mapped_column(sa.BigInteger)

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
        """What the session cookie carries: the token of this request's session."""
        return str(g.get("sessietoken", ""))

    def zet_wachtwoord(self, wachtwoord: str) -> None:
        methode = current_app.config["WACHTWOORD_HASH"] if has_app_context() else "scrypt"
        self.wachtwoord_hash = generate_password_hash(wachtwoord, method=methode)

    def controleer_wachtwoord(self, wachtwoord: str) -> bool:
        return check_password_hash(self.wachtwoord_hash, wachtwoord)

    def heeft_rol(self, *rollen: Rol) -> bool:
        return self.rol in rollen


def nieuw_sessietoken() -> str:
    return secrets.token_urlsafe(32)


def sleutel_van(token: str) -> str:
    """What the database keeps of a session token: its SHA-256, so that a copy of the table
    opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


class Sessie(Model):
    """One sign-in: from the moment the password checked out until signing out, idling too
    long, reaching its maximum age, or being ended by a new password, blocking, a role change,
    a reset of the second factor or "overal afmelden". Until its second factor is given
    (``tweede_factor_op`` is None) it opens no page but the second factor's own.
    Ended sessions are kept for the overview."""

    __tablename__ = "sessies"

    id: Mapped[int] = mapped_column(primary_key=True)
    sleutel: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sleutel_van(token)
    gebruiker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("gebruikers.id", ondelete="CASCADE"), index=True
    )
    begonnen_op: Mapped[datetime] = mapped_column(default=utcnow)
    laatst_actief_op: Mapped[datetime] = mapped_column(default=utcnow)
    adres: Mapped[str] = mapped_column(sa.String(45), default="")
    browser: Mapped[str] = mapped_column(sa.String(200), default="")
    beeindigd_op: Mapped[datetime | None]
    tweede_factor_op: Mapped[datetime | None]  # None: password checked, second factor pending
    gebruiker: Mapped[Gebruiker] = relationship()

    @property
    def lopend(self) -> bool:
        return self.beeindigd_op is None

    @property
    def voltooid(self) -> bool:
        """Both factors given: the session opens the pages its user's role may."""
        return self.tweede_factor_op is not None


class Herstelcode(Model):
    """One of a user's single-use recovery codes, for when the phone with the app is gone.
    Only its SHA-256 is kept: a code has 80 random bits, so a copy of the table reveals none."""

    __tablename__ = "herstelcodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    gebruiker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("gebruikers.id", ondelete="CASCADE"), index=True
    )
    sleutel: Mapped[str] = mapped_column(sa.String(64))
    gebruikt_op: Mapped[datetime | None]
