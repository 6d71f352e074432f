from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kern.audit import Versiebepalend
from kern.db import Model, tekst_enum, utcnow

PROVINCIES = (
    "Drenthe",
    "Flevoland",
    "Friesland",
    "Gelderland",
    "Groningen",
    "Limburg",
    "Noord-Brabant",
    "Noord-Holland",
    "Overijssel",
    "Utrecht",
    "Zeeland",
    "Zuid-Holland",
)


class Programma(enum.StrEnum):
    VERSTERKINGSGELDEN = "versterkingsgelden"
    ONDERWIJSAANPAK = "onderwijsaanpak"
    BEHOEFTE_INVENTARISATIE = "behoefte_inventarisatie"

    @property
    def label(self) -> str:
        return PROGRAMMA_LABELS[self]


PROGRAMMA_LABELS = {
    Programma.VERSTERKINGSGELDEN: "Versterkingsgelden",
    Programma.ONDERWIJSAANPAK: "Onderwijsaanpak",
    Programma.BEHOEFTE_INVENTARISATIE: "Behoefte-inventarisatie",
}


class Gemeente(Versiebepalend, Model):
    __tablename__ = "gemeenten"
    __table_args__ = (
        sa.CheckConstraint("cbs_code LIKE 'GM____'", name="cbs_code_vorm"),
        sa.CheckConstraint(
            "geldig_tot IS NULL OR geldig_van IS NULL OR geldig_tot >= geldig_van",
            name="geldigheid_oplopend",
        ),
        sa.CheckConstraint("opvolger_id IS NULL OR opvolger_id <> id", name="niet_eigen_opvolger"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cbs_code: Mapped[str] = mapped_column(sa.String(6), unique=True)
    naam: Mapped[str] = mapped_column(sa.String(100), index=True)
    # The name people use when it differs from CBS's: 's-Gravenhage is "Den Haag".
    roepnaam: Mapped[str | None] = mapped_column(sa.String(100))
    provincie: Mapped[str] = mapped_column(sa.String(40))
    # None: valid since before the first list the register imported.
    geldig_van: Mapped[date | None]
    # None: still exists. Otherwise the last day it existed.
    geldig_tot: Mapped[date | None]
    opvolger_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gemeenten.id"), index=True)

    opvolger: Mapped[Gemeente | None] = relationship(remote_side=[id], back_populates="voorgangers")
    voorgangers: Mapped[list[Gemeente]] = relationship(
        back_populates="opvolger", order_by="Gemeente.naam"
    )
    deelnames: Mapped[list[Deelname]] = relationship(
        back_populates="gemeente", cascade="all, delete-orphan", order_by="Deelname.programma"
    )
    mutaties: Mapped[list[GemeenteMutatie]] = relationship(
        back_populates="gemeente", order_by="GemeenteMutatie.id"
    )

    def __repr__(self) -> str:
        return f"<Gemeente {self.cbs_code} {self.naam}>"

    @hybrid_property
    def actief(self) -> bool:
        return self.geldig_tot is None

    @actief.inplace.expression
    @classmethod
    def _actief_expression(cls) -> sa.ColumnElement[bool]:
        return cls.geldig_tot.is_(None)

    @property
    def weergavenaam(self) -> str:
        """The name to show: CBS's name, with the common name where that differs."""
        if self.roepnaam and self.roepnaam != self.naam:
            return f"{self.roepnaam} ({self.naam})"
        return self.naam

    @property
    def label(self) -> str:
        return f"{self.cbs_code} {self.weergavenaam}"

    def keten(self) -> list[Gemeente]:
        """This municipality and every successor after it, in order."""
        keten: list[Gemeente] = [self]
        while keten[-1].opvolger is not None and keten[-1].opvolger not in keten:
            keten.append(keten[-1].opvolger)
        return keten

    def rechtsopvolger(self) -> Gemeente:
        """The municipality that carries this one's rights today (itself while it exists)."""
        huidige: Gemeente = self
        gezien = {huidige.id}
        while huidige.opvolger is not None and huidige.opvolger.id not in gezien:
            huidige = huidige.opvolger
            gezien.add(huidige.id)
        return huidige


class Deelname(Model):
    """A municipality takes part in a programme."""

    __tablename__ = "deelnames"
    __table_args__ = (
        sa.UniqueConstraint("gemeente_id", "programma", name="uq_deelnames_gemeente_programma"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeenten.id"))
    programma: Mapped[Programma] = mapped_column(
        tekst_enum(Programma, "programma", 30),
        index=True,
    )
    toelichting: Mapped[str | None] = mapped_column(sa.String(200))
    # Demo data is labelled as such on every screen that shows it.
    demo: Mapped[bool] = mapped_column(default=False)

    gemeente: Mapped[Gemeente] = relationship(back_populates="deelnames")


class CbsImport(Model):
    """One import of CBS's list "Gemeentelijke indeling op 1 januari"."""

    __tablename__ = "cbs_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    peildatum: Mapped[date] = mapped_column(index=True)
    bestandsnaam: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uitgevoerd_op: Mapped[datetime] = mapped_column(default=utcnow)
    uitgevoerd_door: Mapped[str] = mapped_column(sa.String(254))

    mutaties: Mapped[list[GemeenteMutatie]] = relationship(
        back_populates="cbs_import", order_by="GemeenteMutatie.id"
    )


class MutatieSoort(enum.StrEnum):
    TOEGEVOEGD = "toegevoegd"
    HERNOEMD = "hernoemd"
    PROVINCIE = "provincie"
    BEEINDIGD = "beeindigd"
    OPVOLGER = "opvolger"
    DEELNAME = "deelname"


class GemeenteMutatie(Model):
    """A change to the register, by an import or by hand: the register's own history."""

    __tablename__ = "gemeente_mutaties"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: changed by hand, not by an import.
    cbs_import_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cbs_imports.id"), index=True)
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeenten.id"), index=True)
    soort: Mapped[MutatieSoort] = mapped_column(tekst_enum(MutatieSoort, "mutatiesoort"))
    oud: Mapped[str | None] = mapped_column(sa.String(100))
    nieuw: Mapped[str | None] = mapped_column(sa.String(100))
    uitgevoerd_op: Mapped[datetime] = mapped_column(default=utcnow)
    uitgevoerd_door: Mapped[str] = mapped_column(sa.String(254))

    cbs_import: Mapped[CbsImport | None] = relationship(back_populates="mutaties")
    gemeente: Mapped[Gemeente] = relationship(back_populates="mutaties")
