"""The onderwijsaanpak's data: the cohort and its phases, activities, lessons, reporting rounds.

A municipality belongs to the cohort through one `Cohortlid`, whose phase history is a list of
`Faseperiode` rows: each move (into the pilot, the rollout, or out of the approach) adds one,
with who recorded it, when and why, and its planned and actual start. `Activiteit` rows belong
to a municipality, not to a round: a `Rapportage` in a `Rapportageronde` covers the activities
dated in the round's period.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kern.audit import Geaudit
from kern.db import Keuze, Model, tekst_enum, utcnow
from kern.tijd import TIJDZONE

if TYPE_CHECKING:
    from gemeenten.models import Gemeente


class Fase(Keuze):
    PILOT = "pilot"
    UITROL = "uitrol"
    BEEINDIGD = "beeindigd"  # no longer taking part

    @property
    def label(self) -> str:
        return FASE_LABELS[self]

    @property
    def doet_mee(self) -> bool:
        return self is not Fase.BEEINDIGD


FASE_LABELS = {Fase.PILOT: "Pilot", Fase.UITROL: "Uitrol", Fase.BEEINDIGD: "Deelname beëindigd"}
DEELNEMENDE_FASEN = (Fase.PILOT, Fase.UITROL)


class Cohortlid(Geaudit, Model):
    """A municipality in the onderwijsaanpak, with its current phase.

    ``fase`` is the phase of the last `Faseperiode`, kept here for queries; the services
    change both together.
    """

    __tablename__ = "cohortleden"
    __audit_soort__ = "cohortlid"

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeenten.id"), unique=True)
    fase: Mapped[Fase] = mapped_column(tekst_enum(Fase, "fase"), index=True)
    toelichting: Mapped[str | None] = mapped_column(sa.String(200))
    # Demo data is labelled as such on every screen that shows it.
    demo: Mapped[bool] = mapped_column(default=False)
    opgenomen_door: Mapped[str] = mapped_column(sa.String(254))
    opgenomen_op: Mapped[datetime] = mapped_column(default=utcnow)
    versie: Mapped[int] = mapped_column(default=1)

    gemeente: Mapped[Gemeente] = relationship()
    perioden: Mapped[list[Faseperiode]] = relationship(
        back_populates="cohortlid",
        order_by="Faseperiode.volgnummer",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": versie}

    @hybrid_property
    def doet_mee(self) -> bool:
        """Takes part now: in the pilot or the rollout."""
        return self.fase.doet_mee

    @doet_mee.inplace.expression
    @classmethod
    def _doet_mee_expression(cls) -> sa.ColumnElement[bool]:
        return cls.fase.in_(DEELNEMENDE_FASEN)

    @property
    def huidige_periode(self) -> Faseperiode:
        return self.perioden[-1]

    def fase_op(self, datum: date) -> Fase:
        """The phase on ``datum``: that of the last period begun by then (`Faseperiode.ingang`),
        and before the first period began, the first period's phase."""
        gevonden = self.perioden[0].fase
        for periode in self.perioden:
            if periode.ingang <= datum:
                gevonden = periode.fase
        return gevonden

    @property
    def was_pilot(self) -> bool:
        return any(p.fase is Fase.PILOT for p in self.perioden)


class Faseperiode(Geaudit, Model):
    """One phase of a cohort member: from the move into it until the next move."""

    __tablename__ = "faseperioden"
    __audit_soort__ = "faseperiode"
    __table_args__ = (
        sa.UniqueConstraint("cohortlid_id", "volgnummer", name="uq_faseperioden_volgnummer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohortlid_id: Mapped[int] = mapped_column(sa.ForeignKey("cohortleden.id"), index=True)
    volgnummer: Mapped[int]
    fase: Mapped[Fase] = mapped_column(tekst_enum(Fase, "faseperiodefase"))
    gepland_start: Mapped[date]
    gestart_op: Mapped[date | None]  # the actual start; None: not (yet) known
    reden: Mapped[str | None] = mapped_column(sa.Text)  # why the move; optional on joining
    vastgelegd_door: Mapped[str] = mapped_column(sa.String(254))
    vastgelegd_op: Mapped[datetime] = mapped_column(default=utcnow)
    versie: Mapped[int] = mapped_column(default=1)

    cohortlid: Mapped[Cohortlid] = relationship(back_populates="perioden")

    __mapper_args__ = {"version_id_col": versie}

    @property
    def ingang(self) -> date:
        """The day the phase applies from: the actual start, else the planned one."""
        return self.gestart_op or self.gepland_start


class ActiviteitSoort(Keuze):
    TRAINING_SCHOOLBESTUUR = "training_schoolbestuur"
    TRAINING_PROFESSIONALS = "training_professionals"
    BURGERSCHAP = "burgerschap"

    @property
    def label(self) -> str:
        return SOORT_LABELS[self]

    @property
    def is_training(self) -> bool:
        return self is not ActiviteitSoort.BURGERSCHAP


SOORT_LABELS = {
    ActiviteitSoort.TRAINING_SCHOOLBESTUUR: "Training voor schoolbesturen",
    ActiviteitSoort.TRAINING_PROFESSIONALS: "Training voor onderwijsprofessionals",
    ActiviteitSoort.BURGERSCHAP: "Burgerschaps- of debatactiviteit voor leerlingen",
}


class Niveau(Keuze):
    VO = "vo"
    MBO = "mbo"

    @property
    def label(self) -> str:
        return self.value.upper()


class Activiteit(Geaudit, Model):
    """A training or pupils' activity held in a municipality, as it reported it."""

    __tablename__ = "activiteiten"
    __audit_soort__ = "activiteit"
    __table_args__ = (
        sa.CheckConstraint("deelnemers > 0", name="deelnemers_positief"),
        sa.Index("ix_activiteiten_gemeente_datum", "gemeente_id", "datum"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeenten.id"))
    soort: Mapped[ActiviteitSoort] = mapped_column(
        tekst_enum(ActiviteitSoort, "activiteitsoort", 30)
    )
    datum: Mapped[date]
    school: Mapped[str] = mapped_column(sa.String(200))  # a school or a school board
    brin: Mapped[str | None] = mapped_column(sa.String(6))  # 12AB, or 12AB01 for a location
    niveau: Mapped[Niveau] = mapped_column(tekst_enum(Niveau, "niveau", 5))
    deelnemers: Mapped[int]
    aanbieder: Mapped[str | None] = mapped_column(sa.String(200))  # who gave it
    opmerkingen: Mapped[str | None] = mapped_column(sa.Text)
    bron: Mapped[str] = mapped_column(sa.String(20), default="web")  # web or excel
    gemeld_door: Mapped[str] = mapped_column(sa.String(254))
    gemeld_op: Mapped[datetime] = mapped_column(default=utcnow)
    versie: Mapped[int] = mapped_column(default=1)

    gemeente: Mapped[Gemeente] = relationship()

    __mapper_args__ = {"version_id_col": versie}


class Les(Geaudit, Model):
    """A lesson learned in a pilot municipality; ``in_uitrol``: taken into the rollout."""

    __tablename__ = "lessen"
    __audit_soort__ = "les"

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeenten.id"), index=True)
    thema: Mapped[str] = mapped_column(sa.String(120))
    tekst: Mapped[str] = mapped_column(sa.Text)
    datum: Mapped[date]
    in_uitrol: Mapped[bool] = mapped_column(default=False)
    vastgelegd_door: Mapped[str] = mapped_column(sa.String(254))
    vastgelegd_op: Mapped[datetime] = mapped_column(default=utcnow)
    versie: Mapped[int] = mapped_column(default=1)

    gemeente: Mapped[Gemeente] = relationship()

    __mapper_args__ = {"version_id_col": versie}


class Rapportageronde(Geaudit, Model):
    """A round in which the cohort reports the activities of a period, by a due date."""

    __tablename__ = "rapportagerondes"
    __audit_soort__ = "rapportageronde"
    __table_args__ = (sa.CheckConstraint("periode_tot >= periode_van", name="periode_oplopend"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(sa.String(120), unique=True)
    periode_van: Mapped[date]
    periode_tot: Mapped[date]  # inclusive
    uiterlijk: Mapped[date]  # the due date
    demo: Mapped[bool] = mapped_column(default=False)
    geopend_door: Mapped[str] = mapped_column(sa.String(254))
    geopend_op: Mapped[datetime] = mapped_column(default=utcnow)
    gesloten_door: Mapped[str | None] = mapped_column(sa.String(254))
    gesloten_op: Mapped[datetime | None]
    versie: Mapped[int] = mapped_column(default=1)

    rapportages: Mapped[list[Rapportage]] = relationship(
        back_populates="ronde", order_by="Rapportage.volgnummer"
    )

    __mapper_args__ = {"version_id_col": versie}

    @hybrid_property
    def is_open(self) -> bool:
        return self.gesloten_op is None

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls) -> sa.ColumnElement[bool]:
        return cls.gesloten_op.is_(None)

    def omvat(self, datum: date) -> bool:
        return self.periode_van <= datum <= self.periode_tot


class RapportageStatus(Keuze):
    INGEDIEND = "ingediend"
    GOEDGEKEURD = "goedgekeurd"
    TERUGGESTUURD = "teruggestuurd"


class Rapportage(Geaudit, Model):
    """One submission of a municipality's report in a round; every submission is a new row.

    The counts are those of the activities in the round's period when it was submitted.
    """

    __tablename__ = "rapportages"
    __audit_soort__ = "rapportage"
    __table_args__ = (
        sa.UniqueConstraint(
            "ronde_id", "gemeente_id", "volgnummer", name="uq_rapportages_volgnummer"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ronde_id: Mapped[int] = mapped_column(sa.ForeignKey("rapportagerondes.id"), index=True)
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeenten.id"), index=True)
    volgnummer: Mapped[int]
    status: Mapped[RapportageStatus] = mapped_column(
        tekst_enum(RapportageStatus, "rapportagestatus"), default=RapportageStatus.INGEDIEND
    )
    aantal_activiteiten: Mapped[int]
    deelnemers: Mapped[int]
    toelichting: Mapped[str | None] = mapped_column(sa.Text)
    ingediend_door: Mapped[str] = mapped_column(sa.String(254))
    ingediend_op: Mapped[datetime] = mapped_column(default=utcnow)
    beoordeeld_door: Mapped[str | None] = mapped_column(sa.String(254))
    beoordeeld_op: Mapped[datetime | None]
    reactie: Mapped[str | None] = mapped_column(sa.Text)  # the officer's remark or reason
    versie: Mapped[int] = mapped_column(default=1)

    ronde: Mapped[Rapportageronde] = relationship(back_populates="rapportages")
    gemeente: Mapped[Gemeente] = relationship()

    __mapper_args__ = {"version_id_col": versie}

    @property
    def na_de_termijn(self) -> bool:
        """Submitted after the round's due date (a Dutch date)."""
        return self.ingediend_op.astimezone(TIJDZONE).date() > self.ronde.uiterlijk
