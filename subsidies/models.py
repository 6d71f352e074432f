from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kern.audit import Geaudit
from kern.db import Geld, Keuze, Model, tekst_enum, utcnow

if TYPE_CHECKING:
    from gemeenten.models import Gemeente

NUL = Decimal("0.00")


class Regeling(Geaudit, Model):
    """A grant scheme, such as the versterkingsgelden."""

    __tablename__ = "regelingen"
    __audit_soort__ = "regeling"

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(sa.String(150), unique=True)
    grondslag: Mapped[str] = mapped_column(sa.String(300))  # the legal basis
    kamerstuk: Mapped[str | None] = mapped_column(sa.String(60))  # "29 754, nr. 326"
    omschrijving: Mapped[str | None] = mapped_column(sa.Text)
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)

    jaren: Mapped[list[RegelingJaar]] = relationship(
        back_populates="regeling", order_by="RegelingJaar.jaar", cascade="all, delete-orphan"
    )
    doelen: Mapped[list[Bestedingsdoel]] = relationship(
        back_populates="regeling",
        order_by="Bestedingsdoel.volgorde, Bestedingsdoel.id",
        cascade="all, delete-orphan",
    )


class RegelingJaar(Geaudit, Model):
    """One year of a scheme, with its budget ceiling."""

    __tablename__ = "regelingjaren"
    __audit_soort__ = "regelingjaar"
    __table_args__ = (
        sa.UniqueConstraint("regeling_id", "jaar", name="uq_regelingjaren_regeling_jaar"),
        sa.CheckConstraint("plafond >= 0", name="plafond_niet_negatief"),
        sa.CheckConstraint("jaar BETWEEN 2000 AND 2100", name="jaar_redelijk"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    regeling_id: Mapped[int] = mapped_column(sa.ForeignKey("regelingen.id"), index=True)
    jaar: Mapped[int]
    plafond: Mapped[Decimal] = mapped_column(Geld())
    versie: Mapped[int] = mapped_column(default=1)

    regeling: Mapped[Regeling] = relationship(back_populates="jaren")
    beschikkingen: Mapped[list[Beschikking]] = relationship(back_populates="regeling_jaar")

    __mapper_args__ = {"version_id_col": versie}

    @property
    def label(self) -> str:
        return f"{self.regeling.naam} {self.jaar}"


class Bestedingsdoel(Geaudit, Model):
    """A purpose the money may be spent on, linked to measures of the action programme."""

    __tablename__ = "bestedingsdoelen"
    __audit_soort__ = "bestedingsdoel"
    __table_args__ = (sa.UniqueConstraint("regeling_id", "code", name="uq_bestedingsdoelen_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regeling_id: Mapped[int] = mapped_column(sa.ForeignKey("regelingen.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    naam: Mapped[str] = mapped_column(sa.String(120))
    maatregelen: Mapped[str | None] = mapped_column(sa.String(60))  # "26, 30"
    volgorde: Mapped[int] = mapped_column(default=0)

    regeling: Mapped[Regeling] = relationship(back_populates="doelen")


class BeschikkingStatus(Keuze):
    CONCEPT = "concept"
    BESCHIKT = "beschikt"
    GEWIJZIGD = "gewijzigd"
    INGETROKKEN = "ingetrokken"
    VASTGESTELD = "vastgesteld"

    @property
    def toestand(self) -> str:
        """For sentences: "Deze beschikking is {toestand}"."""
        return "nog een concept" if self is BeschikkingStatus.CONCEPT else self.value

    @property
    def telt_mee(self) -> bool:
        """A decision in this state is granted: decided, amended or settled (see `TOEGEKEND`)."""
        return self in TOEGEKEND


# The states in which a decision counts as granted: in the totals, against the ceiling and for
# membership of the versterkingsgelden. A draft is not granted yet; a withdrawn one no more.
TOEGEKEND = frozenset(
    {BeschikkingStatus.BESCHIKT, BeschikkingStatus.GEWIJZIGD, BeschikkingStatus.VASTGESTELD}
)


# Municipalities on whose behalf a lead municipality (hoofdaanvrager) receives a grant.
beschikking_deelnemers = sa.Table(
    "beschikking_deelnemers",
    Model.metadata,
    sa.Column("beschikking_id", sa.ForeignKey("beschikkingen.id"), primary_key=True),
    sa.Column("gemeente_id", sa.ForeignKey("gemeenten.id"), primary_key=True),
)


class Beschikking(Geaudit, Model):
    """The grant decision for one recipient and one year of a scheme.

    The recipient is a municipality, or a region led by a lead municipality (``gemeente``) on
    behalf of ``deelnemers``. ``bedrag`` None means "nog vast te stellen". Each decided or
    amended state is kept as a `BeschikkingVersie`.
    """

    __tablename__ = "beschikkingen"
    __audit_soort__ = "beschikking"
    __audit_relaties__ = ("deelnemers",)
    __table_args__ = (
        sa.UniqueConstraint(
            "regeling_jaar_id", "gemeente_id", name="uq_beschikkingen_ontvanger_per_jaar"
        ),
        sa.CheckConstraint("bedrag >= 0", name="bedrag_niet_negatief"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    regeling_jaar_id: Mapped[int] = mapped_column(sa.ForeignKey("regelingjaren.id"), index=True)
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeenten.id"), index=True)
    regio_naam: Mapped[str | None] = mapped_column(sa.String(120))
    kenmerk: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    datum: Mapped[date | None]
    bedrag: Mapped[Decimal | None] = mapped_column(Geld())
    status: Mapped[BeschikkingStatus] = mapped_column(
        tekst_enum(BeschikkingStatus, "beschikkingstatus"), default=BeschikkingStatus.CONCEPT
    )
    verantwoording_uiterlijk: Mapped[date]
    toelichting: Mapped[str | None] = mapped_column(sa.Text)
    versie: Mapped[int] = mapped_column(default=1)

    regeling_jaar: Mapped[RegelingJaar] = relationship(back_populates="beschikkingen")
    gemeente: Mapped[Gemeente] = relationship()
    deelnemers: Mapped[list[Gemeente]] = relationship(
        secondary=beschikking_deelnemers, order_by="Gemeente.naam"
    )
    doelbedragen: Mapped[list[Doelbedrag]] = relationship(
        back_populates="beschikking", cascade="all, delete-orphan"
    )
    versies: Mapped[list[BeschikkingVersie]] = relationship(
        back_populates="beschikking", order_by="BeschikkingVersie.volgnummer"
    )
    betalingen: Mapped[list[Betaling]] = relationship(
        back_populates="beschikking",
        order_by="Betaling.gepland_op, Betaling.id",
        cascade="all, delete-orphan",
    )
    verantwoordingen: Mapped[list[Verantwoording]] = relationship(
        back_populates="beschikking", order_by="Verantwoording.volgnummer"
    )
    vaststelling: Mapped[Vaststelling | None] = relationship(back_populates="beschikking")

    __mapper_args__ = {"version_id_col": versie}

    @property
    def ontvanger(self) -> str:
        if self.regio_naam:
            return f"{self.regio_naam} (hoofdaanvrager {self.gemeente.weergavenaam})"
        return self.gemeente.weergavenaam

    @hybrid_property
    def telt_mee(self) -> bool:
        """Counts as granted (and against the ceiling): decided, amended or settled.

        A hybrid, so that Python and SQL ask the same question.
        """
        return self.status.telt_mee

    @telt_mee.inplace.expression
    @classmethod
    def _telt_mee_expression(cls) -> sa.ColumnElement[bool]:
        return cls.status.in_(sorted(TOEGEKEND))

    @property
    def in_concept(self) -> bool:
        return self.status is BeschikkingStatus.CONCEPT

    @property
    def betaald(self) -> Decimal:
        """What the recipient has received on balance: payments out minus clawbacks in."""
        totaal = NUL
        for betaling in self.betalingen:
            totaal += betaling.netto_betaald
        return totaal

    @property
    def gepland(self) -> Decimal:
        """Payments planned, not yet made and not cancelled (clawbacks count negative)."""
        totaal = NUL
        for betaling in self.betalingen:
            if betaling.is_open:
                totaal += -betaling.bedrag if betaling.is_terugvordering else betaling.bedrag
        return totaal

    @property
    def openstaand(self) -> Decimal | None:
        """Granted but not yet paid; None while the amount is not yet set."""
        if self.bedrag is None:
            return None
        return self.bedrag - self.betaald

    @property
    def laatste_verantwoording(self) -> Verantwoording | None:
        return self.verantwoordingen[-1] if self.verantwoordingen else None


class BeschikkingVersie(Model):
    """A decided or amended state of a decision, kept when it is amended again."""

    __tablename__ = "beschikking_versies"
    __table_args__ = (
        sa.UniqueConstraint(
            "beschikking_id", "volgnummer", name="uq_beschikking_versies_volgnummer"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beschikking_id: Mapped[int] = mapped_column(sa.ForeignKey("beschikkingen.id"), index=True)
    volgnummer: Mapped[int]
    status: Mapped[BeschikkingStatus] = mapped_column(
        tekst_enum(BeschikkingStatus, "beschikkingversiestatus")
    )
    kenmerk: Mapped[str | None] = mapped_column(sa.String(60))
    datum: Mapped[date | None]
    bedrag: Mapped[Decimal | None] = mapped_column(Geld())
    # {"kennisbevordering": "100000.00", ...}
    doelbedragen: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    reden: Mapped[str | None] = mapped_column(sa.Text)
    vastgelegd_door: Mapped[str] = mapped_column(sa.String(254))
    vastgelegd_op: Mapped[datetime] = mapped_column(default=utcnow)

    beschikking: Mapped[Beschikking] = relationship(back_populates="versies")


class Doelbedrag(Geaudit, Model):
    """The part of a decision's amount granted for one purpose."""

    __tablename__ = "doelbedragen"
    __audit_soort__ = "doelbedrag"
    __table_args__ = (
        sa.UniqueConstraint("beschikking_id", "doel_id", name="uq_doelbedragen_doel"),
        sa.CheckConstraint("bedrag >= 0", name="bedrag_niet_negatief"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beschikking_id: Mapped[int] = mapped_column(sa.ForeignKey("beschikkingen.id"), index=True)
    doel_id: Mapped[int] = mapped_column(sa.ForeignKey("bestedingsdoelen.id"))
    bedrag: Mapped[Decimal] = mapped_column(Geld())

    beschikking: Mapped[Beschikking] = relationship(back_populates="doelbedragen")
    doel: Mapped[Bestedingsdoel] = relationship()


class BetalingSoort(Keuze):
    VOORSCHOT = "voorschot"
    NABETALING = "nabetaling"
    TERUGVORDERING = "terugvordering"


class Betaling(Geaudit, Model):
    """A planned or made payment on a decision; a clawback is money coming back.

    A planned payment that will not be made is cancelled, never deleted: it keeps its row with
    the reason, who cancelled it and when.
    """

    __tablename__ = "betalingen"
    __audit_soort__ = "betaling"
    __table_args__ = (
        sa.CheckConstraint("bedrag > 0", name="bedrag_positief"),
        sa.CheckConstraint(
            "betaald_op IS NULL OR geannuleerd_op IS NULL", name="betaald_of_geannuleerd"
        ),
        sa.CheckConstraint(
            "(betaald_op IS NULL) = (betaald_bedrag IS NULL)", name="betaald_met_bedrag"
        ),
        sa.CheckConstraint("betaald_bedrag > 0", name="betaald_bedrag_positief"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beschikking_id: Mapped[int] = mapped_column(sa.ForeignKey("beschikkingen.id"), index=True)
    soort: Mapped[BetalingSoort] = mapped_column(tekst_enum(BetalingSoort, "betalingsoort"))
    bedrag: Mapped[Decimal] = mapped_column(Geld())
    gepland_op: Mapped[date]
    betaald_op: Mapped[date | None]
    # What was actually paid (or received, for a clawback); set exactly when betaald_op is.
    betaald_bedrag: Mapped[Decimal | None] = mapped_column(Geld())
    betalingskenmerk: Mapped[str | None] = mapped_column(sa.String(60))  # the bank's reference
    omschrijving: Mapped[str | None] = mapped_column(sa.String(200))
    geannuleerd_op: Mapped[datetime | None]
    geannuleerd_door: Mapped[str | None] = mapped_column(sa.String(254))
    reden_annulering: Mapped[str | None] = mapped_column(sa.Text)
    versie: Mapped[int] = mapped_column(default=1)

    beschikking: Mapped[Beschikking] = relationship(back_populates="betalingen")

    __mapper_args__ = {"version_id_col": versie}

    @property
    def is_terugvordering(self) -> bool:
        return self.soort is BetalingSoort.TERUGVORDERING

    @property
    def is_open(self) -> bool:
        """Planned, and neither made nor cancelled."""
        return self.betaald_op is None and self.geannuleerd_op is None

    @property
    def netto_betaald(self) -> Decimal:
        """What this payment moved to the recipient: paid out positive, a clawback received
        negative, nothing while it is planned or when it was cancelled."""
        if self.betaald_bedrag is None:
            return NUL
        return -self.betaald_bedrag if self.is_terugvordering else self.betaald_bedrag

    @property
    def status(self) -> str:
        if self.geannuleerd_op is not None:
            return "geannuleerd"
        if self.betaald_op is not None:
            return "ontvangen" if self.is_terugvordering else "betaald"
        return "gepland"


# `Betaling.is_open` in SQL: planned, and neither made nor cancelled.
BETALING_OPEN = sa.and_(Betaling.betaald_op.is_(None), Betaling.geannuleerd_op.is_(None))
# Finance's work list: the open payments, the oldest planned date first, a page at a time; and
# the payments registered in a month.
sa.Index(
    "ix_betalingen_open",
    Betaling.gepland_op,
    Betaling.id,
    sqlite_where=BETALING_OPEN,
    postgresql_where=BETALING_OPEN,
)
sa.Index("ix_betalingen_betaald_op", Betaling.betaald_op, Betaling.id)


class VerantwoordingStatus(Keuze):
    INGEDIEND = "ingediend"
    GOEDGEKEURD = "goedgekeurd"
    TERUGGESTUURD = "teruggestuurd"
    VERVANGEN = "vervangen"  # a newer version was submitted before this one was reviewed


class Verantwoording(Geaudit, Model):
    """One submitted version of the spending return for a decision. Never overwritten."""

    __tablename__ = "verantwoordingen"
    __audit_soort__ = "verantwoording"
    __table_args__ = (
        sa.UniqueConstraint("beschikking_id", "volgnummer", name="uq_verantwoordingen_volgnummer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beschikking_id: Mapped[int] = mapped_column(sa.ForeignKey("beschikkingen.id"), index=True)
    volgnummer: Mapped[int]
    status: Mapped[VerantwoordingStatus] = mapped_column(
        tekst_enum(VerantwoordingStatus, "verantwoordingstatus"),
        default=VerantwoordingStatus.INGEDIEND,
    )
    eindverantwoording: Mapped[bool] = mapped_column(default=False)
    toelichting_afwijking: Mapped[str | None] = mapped_column(sa.Text)
    bron: Mapped[str] = mapped_column(sa.String(20), default="web")  # web or excel
    ingediend_door: Mapped[str] = mapped_column(sa.String(254))
    ingediend_op: Mapped[datetime] = mapped_column(default=utcnow)
    beoordeeld_door: Mapped[str | None] = mapped_column(sa.String(254))
    beoordeeld_op: Mapped[datetime | None]
    reactie: Mapped[str | None] = mapped_column(sa.Text)  # the officer's feedback or reason
    versie: Mapped[int] = mapped_column(default=1)

    beschikking: Mapped[Beschikking] = relationship(back_populates="verantwoordingen")
    regels: Mapped[list[VerantwoordingRegel]] = relationship(
        back_populates="verantwoording", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": versie}

    @property
    def besteed_in_jaar(self) -> Decimal:
        return sum((r.besteed_in_jaar for r in self.regels), NUL)

    @property
    def besteed_cumulatief(self) -> Decimal:
        return sum((r.besteed_cumulatief for r in self.regels), NUL)

    def regel_voor(self, doel_id: int) -> VerantwoordingRegel | None:
        return next((r for r in self.regels if r.doel_id == doel_id), None)


# The review work list: the returns waiting for review, the oldest first, a page at a time.
_INGEDIEND = Verantwoording.status == VerantwoordingStatus.INGEDIEND
sa.Index(
    "ix_verantwoordingen_ingediend",
    Verantwoording.ingediend_op,
    Verantwoording.id,
    sqlite_where=_INGEDIEND,
    postgresql_where=_INGEDIEND,
)


class VerantwoordingRegel(Geaudit, Model):
    """Spending on one purpose in a return."""

    __tablename__ = "verantwoording_regels"
    __audit_soort__ = "verantwoordingregel"
    __table_args__ = (
        sa.UniqueConstraint("verantwoording_id", "doel_id", name="uq_verantwoording_regels_doel"),
        sa.CheckConstraint("besteed_in_jaar >= 0", name="in_jaar_niet_negatief"),
        sa.CheckConstraint("besteed_cumulatief >= besteed_in_jaar", name="cumulatief_omvat_jaar"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    verantwoording_id: Mapped[int] = mapped_column(sa.ForeignKey("verantwoordingen.id"), index=True)
    doel_id: Mapped[int] = mapped_column(sa.ForeignKey("bestedingsdoelen.id"))
    besteed_in_jaar: Mapped[Decimal] = mapped_column(Geld())
    besteed_cumulatief: Mapped[Decimal] = mapped_column(Geld())

    verantwoording: Mapped[Verantwoording] = relationship(back_populates="regels")
    doel: Mapped[Bestedingsdoel] = relationship()


class Vaststelling(Geaudit, Model):
    """The settlement: the final amount, and what is still to be paid or reclaimed."""

    __tablename__ = "vaststellingen"
    __audit_soort__ = "vaststelling"
    __table_args__ = (
        sa.CheckConstraint("vastgesteld_bedrag >= 0", name="bedrag_niet_negatief"),
        sa.CheckConstraint("subsidiabel >= 0", name="subsidiabel_niet_negatief"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beschikking_id: Mapped[int] = mapped_column(sa.ForeignKey("beschikkingen.id"), unique=True)
    verantwoording_id: Mapped[int] = mapped_column(sa.ForeignKey("verantwoordingen.id"))
    subsidiabel: Mapped[Decimal] = mapped_column(Geld())  # eligible spending
    vastgesteld_bedrag: Mapped[Decimal] = mapped_column(Geld())
    betaald: Mapped[Decimal] = mapped_column(Geld())  # paid when settled
    # vastgesteld_bedrag - betaald: positive is an extra payment, negative a clawback.
    saldo: Mapped[Decimal] = mapped_column(Geld())
    datum: Mapped[date]
    vastgesteld_door: Mapped[str] = mapped_column(sa.String(254))
    vastgesteld_op: Mapped[datetime] = mapped_column(default=utcnow)

    beschikking: Mapped[Beschikking] = relationship(back_populates="vaststelling")
    verantwoording: Mapped[Verantwoording] = relationship()
