"""The onderwijsaanpak's progress: per municipality and per phase, what its activities reached.

Two aggregate queries, whatever the size of the cohort: one gives every cohort member with the
counts of its activities (a member without activities has zeros), one the participants per
phase per month for the chart of reach over time. Totals per phase and overall are sums of the
members' rows, so they are exactly what the table adds up to.

A member counts in its current phase (`Cohortlid.fase`); a member whose participation ended
keeps its activities, under *Deelname beëindigd*. Schools and school boards are told apart by
name (case ignored) within a municipality: the same school in two municipalities counts in
both, so that a phase's figure is the sum of its municipalities'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager

from gemeenten.models import Gemeente
from kern.db import db
from onderwijsaanpak.models import Activiteit, ActiviteitSoort, Cohortlid, Fase

STANDAARD_MAANDEN = 6  # without activity for this long, a member is flagged
MAX_MAANDEN = 60
FASEN = (Fase.PILOT, Fase.UITROL, Fase.BEEINDIGD)


@dataclass(frozen=True)
class Bereik:
    """What a set of activities reached."""

    trainingen: int = 0  # trainings held, for school boards and for professionals
    professionals: int = 0  # participants in the trainings for education professionals
    schoolbesturen: int = 0  # school boards trained
    leerlingen: int = 0  # participants in citizenship and debate activities
    scholen: int = 0  # schools with a training for professionals or a pupils' activity
    deelnemers: int = 0  # every participant

    def __add__(self, ander: Bereik) -> Bereik:
        return Bereik(*(getattr(self, k) + getattr(ander, k) for k in self.__dataclass_fields__))


@dataclass(frozen=True)
class Regel:
    """One cohort member: its reach, its last activity, and whether it has gone quiet."""

    lid: Cohortlid
    bereik: Bereik
    laatste_activiteit: date | None
    stil: bool  # taking part, and no activity since the cut-off date

    @property
    def gemeente(self) -> Gemeente:
        return self.lid.gemeente


@dataclass(frozen=True)
class Fasetotaal:
    """A phase's members added up; ``fase`` None: every phase."""

    fase: Fase | None
    gemeenten: int
    bereik: Bereik
    laatste_activiteit: date | None
    stil: int


@dataclass(frozen=True)
class Punt:
    """A quarter and, per phase, the participants reached up to and including it."""

    jaar: int
    kwartaal: int
    cumulatief: dict[Fase, int]

    @property
    def label(self) -> str:
        return f"{self.jaar} K{self.kwartaal}"


@dataclass(frozen=True)
class Voortgang:
    vandaag: date
    maanden: int
    peildatum: date  # activity before this day is 'not recent'
    regels: list[Regel]
    per_fase: list[Fasetotaal]
    totaal: Fasetotaal  # over every phase
    verloop: list[Punt] = field(default_factory=list)
    fasen_in_verloop: list[Fase] = field(default_factory=list)

    @property
    def stil(self) -> list[Regel]:
        return [r for r in self.regels if r.stil]


def maanden_terug(datum: date, maanden: int) -> date:
    """The same day ``maanden`` months earlier, or that month's last day when it is shorter."""
    index = datum.year * 12 + datum.month - 1 - maanden
    jaar, maand = divmod(index, 12)
    maand += 1
    volgende = date(jaar + (maand == 12), maand % 12 + 1, 1)
    laatste_dag = (volgende - date.resolution).day
    return date(jaar, maand, min(datum.day, laatste_dag))


def _som_als(
    voorwaarde: sa.ColumnElement[bool], waarde: sa.ColumnExpressionArgument[int]
) -> sa.ColumnElement[int]:
    return func.coalesce(func.sum(case((voorwaarde, waarde), else_=0)), 0)


def _aantal_verschillend(voorwaarde: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return func.count(sa.distinct(case((voorwaarde, func.lower(Activiteit.school)), else_=None)))


def _per_gemeente() -> sa.Subquery:
    soort = Activiteit.soort
    training = soort.in_(
        (ActiviteitSoort.TRAINING_SCHOOLBESTUUR, ActiviteitSoort.TRAINING_PROFESSIONALS)
    )
    return (
        select(
            Activiteit.gemeente_id.label("gemeente_id"),
            _som_als(training, sa.literal(1)).label("trainingen"),
            _som_als(soort == ActiviteitSoort.TRAINING_PROFESSIONALS, Activiteit.deelnemers).label(
                "professionals"
            ),
            _aantal_verschillend(soort == ActiviteitSoort.TRAINING_SCHOOLBESTUUR).label(
                "schoolbesturen"
            ),
            _som_als(soort == ActiviteitSoort.BURGERSCHAP, Activiteit.deelnemers).label(
                "leerlingen"
            ),
            _aantal_verschillend(soort != ActiviteitSoort.TRAINING_SCHOOLBESTUUR).label("scholen"),
            func.sum(Activiteit.deelnemers).label("deelnemers"),
            func.max(Activiteit.datum).label("laatste"),
        )
        .group_by(Activiteit.gemeente_id)
        .subquery()
    )


def _sorteer(regel: Regel) -> tuple[int, str]:
    return FASEN.index(regel.lid.fase), regel.gemeente.naam


def _totaal(fase: Fase | None, regels: Sequence[Regel]) -> Fasetotaal:
    bereik = Bereik()
    for regel in regels:
        bereik += regel.bereik
    data = [r.laatste_activiteit for r in regels if r.laatste_activiteit is not None]
    return Fasetotaal(
        fase, len(regels), bereik, max(data, default=None), sum(r.stil for r in regels)
    )


def voortgang(vandaag: date, maanden: int = STANDAARD_MAANDEN) -> Voortgang:
    """The progress overview as on ``vandaag``, flagging members quiet for ``maanden``."""
    peildatum = maanden_terug(vandaag, maanden)
    sub = _per_gemeente()
    kolommen = ("trainingen", "professionals", "schoolbesturen", "leerlingen", "scholen")
    query = (
        select(Cohortlid, *(sub.c[k] for k in (*kolommen, "deelnemers", "laatste")))
        .join(Cohortlid.gemeente)
        .outerjoin(sub, sub.c.gemeente_id == Cohortlid.gemeente_id)
        .options(contains_eager(Cohortlid.gemeente))
    )
    regels = []
    for lid, *waarden, laatste in db.session.execute(query):
        bereik = Bereik(*(int(w or 0) for w in waarden))
        stil = lid.doet_mee and (laatste is None or laatste < peildatum)
        regels.append(Regel(lid, bereik, laatste, stil))
    regels.sort(key=_sorteer)
    per_fase = [
        _totaal(fase, [r for r in regels if r.lid.fase is fase])
        for fase in FASEN
        if any(r.lid.fase is fase for r in regels)
    ]
    verloop, fasen = _verloop()
    return Voortgang(
        vandaag=vandaag,
        maanden=maanden,
        peildatum=peildatum,
        regels=regels,
        per_fase=per_fase,
        totaal=_totaal(None, regels),
        verloop=verloop,
        fasen_in_verloop=fasen,
    )


def _verloop() -> tuple[list[Punt], list[Fase]]:
    """Participants reached per phase, cumulative per quarter, from the first quarter with an
    activity to the last; a quarter without activity repeats the figure before it."""
    jaar = sa.extract("year", Activiteit.datum)
    maand = sa.extract("month", Activiteit.datum)
    query = (
        select(Cohortlid.fase, jaar, maand, func.sum(Activiteit.deelnemers))
        .join(Activiteit, Activiteit.gemeente_id == Cohortlid.gemeente_id)
        .group_by(Cohortlid.fase, jaar, maand)
    )
    per_kwartaal: dict[tuple[int, int], dict[Fase, int]] = {}
    fasen: set[Fase] = set()
    for fase, j, m, aantal in db.session.execute(query):
        sleutel = (int(j), (int(m) - 1) // 3 + 1)
        per_fase = per_kwartaal.setdefault(sleutel, {})
        per_fase[fase] = per_fase.get(fase, 0) + int(aantal)
        fasen.add(fase)
    if not per_kwartaal:
        return [], []
    volgorde = [f for f in FASEN if f in fasen]
    (jaar_nu, kwartaal_nu), laatste = min(per_kwartaal), max(per_kwartaal)
    stand = dict.fromkeys(volgorde, 0)
    punten = []
    while (jaar_nu, kwartaal_nu) <= laatste:
        for fase, aantal in per_kwartaal.get((jaar_nu, kwartaal_nu), {}).items():
            stand[fase] += aantal
        punten.append(Punt(jaar_nu, kwartaal_nu, dict(stand)))
        jaar_nu, kwartaal_nu = (jaar_nu + 1, 1) if kwartaal_nu == 4 else (jaar_nu, kwartaal_nu + 1)
    return punten, volgorde
