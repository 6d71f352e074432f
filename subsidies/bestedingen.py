"""The spending summary: what was granted, paid, spent and settled, per recipient and year, with
every return line and every payment behind it, for finance.

Words: a *samenvatting* row per decision (recipient and year of a scheme), as in the year's
overview (`subsidies.overzicht`), with the settlement's *nabetaling* (positive) or
*terugvordering* (negative) apart from the *saldo* (settled or granted minus paid, as it stands).
*Details* are the lines of every submitted return, every version; *betalingen* every payment,
planned, made or cancelled. Drafts are no decisions yet and are left out of all three.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import contains_eager

from gemeenten.models import Gemeente
from kern.db import db
from subsidies import demo, overzicht
from subsidies.models import (
    NUL,
    Beschikking,
    BeschikkingStatus,
    Bestedingsdoel,
    Betaling,
    Regeling,
    RegelingJaar,
    Verantwoording,
    VerantwoordingRegel,
    VerantwoordingStatus,
)

# Rows fetched from the database at a time while a sheet is written.
PER_KEER = 2000


@dataclass(frozen=True)
class Filter:
    regeling_id: int | None = None
    van: int | None = None  # the first year, inclusive
    tot: int | None = None  # the last year, inclusive
    provincie: str | None = None  # of the recipient (the lead municipality of a region)
    gemeente_ids: Sequence[int] = field(default_factory=tuple)  # recipients; empty: all

    def voorwaarden(self) -> list[ColumnElement[bool]]:
        """The filter as conditions on a query that joins the decision, its year and its
        recipient."""
        uit: list[ColumnElement[bool]] = [Beschikking.status != BeschikkingStatus.CONCEPT]
        if self.regeling_id is not None:
            uit.append(RegelingJaar.regeling_id == self.regeling_id)
        if self.van is not None:
            uit.append(RegelingJaar.jaar >= self.van)
        if self.tot is not None:
            uit.append(RegelingJaar.jaar <= self.tot)
        if self.provincie:
            uit.append(Gemeente.provincie == self.provincie)
        if self.gemeente_ids:
            uit.append(Beschikking.gemeente_id.in_(self.gemeente_ids))
        return uit


def _gefilterd(query: Any, filter: Filter) -> Any:
    """``query`` (a select from decisions, or through them) under the filter."""
    return (
        query.join(Beschikking.regeling_jaar)
        .join(RegelingJaar.regeling)
        .join(Beschikking.gemeente)
        .where(*filter.voorwaarden())
    )


# By the name the recipient is known by (a region's name, a municipality's common name), as the
# year's overview sorts; the same key in Python (`_volgorde`) and in SQL.
VOLGORDE = (
    func.lower(func.coalesce(Beschikking.regio_naam, Gemeente.roepnaam, Gemeente.naam)),
    RegelingJaar.jaar,
    Regeling.naam,
    Beschikking.id,
)


def _volgorde(b: Beschikking) -> tuple[str, int, str, int]:
    naam = b.regio_naam or b.gemeente.roepnaam or b.gemeente.naam
    return (naam.lower(), b.regeling_jaar.jaar, b.regeling_jaar.regeling.naam, b.id)


# --- Samenvatting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Doel:
    """A spending purpose as a column: the same code in several schemes is one column."""

    code: str
    naam: str
    ids: frozenset[int]


@dataclass(frozen=True)
class Rij:
    cijfers: overzicht.Rij
    besteed_per_doel: dict[str, Decimal]  # doel code -> cumulative spending

    @property
    def beschikking(self) -> Beschikking:
        return self.cijfers.beschikking

    @property
    def nabetaling_of_terugvordering(self) -> Decimal | None:
        vaststelling = self.beschikking.vaststelling
        return vaststelling.saldo if vaststelling is not None else None


@dataclass(frozen=True)
class Samenvatting:
    doelen: list[Doel]
    rijen: list[Rij]
    totalen: overzicht.Totalen

    def besteed_totaal(self, doel: Doel) -> Decimal:
        return overzicht.som(r.besteed_per_doel.get(doel.code) for r in self.rijen)

    @property
    def nabetalingen_en_terugvorderingen(self) -> Decimal:
        return overzicht.som(r.nabetaling_of_terugvordering for r in self.rijen)


def _doelen(regeling_ids: set[int]) -> list[Doel]:
    gevonden: dict[str, tuple[str, set[int]]] = {}
    for doel in db.session.scalars(
        select(Bestedingsdoel)
        .where(Bestedingsdoel.regeling_id.in_(regeling_ids))
        .order_by(Bestedingsdoel.volgorde, Bestedingsdoel.id)
    ):
        gevonden.setdefault(doel.code, (doel.naam, set()))[1].add(doel.id)
    return [Doel(code, naam, frozenset(ids)) for code, (naam, ids) in gevonden.items()]


def samenvatting(filter: Filter, vandaag: date) -> Samenvatting:
    """Every decision under the filter, in the order of `VOLGORDE`."""
    ids = select(Beschikking.id).select_from(Beschikking)
    beschikkingen = overzicht.laad(Beschikking.id.in_(_gefilterd(ids, filter)), met_regeling=True)
    doelen = _doelen({b.regeling_jaar.regeling_id for b in beschikkingen})
    rijen = rijen_van(beschikkingen, doelen, vandaag)
    return Samenvatting(doelen, rijen, overzicht.totalen([r.cijfers for r in rijen]))


def rijen_van(beschikkingen: list[Beschikking], doelen: list[Doel], vandaag: date) -> list[Rij]:
    """The rows of these decisions (loaded by `overzicht.laad` with their scheme), in the order
    of `VOLGORDE`."""
    code_van = {doel_id: d.code for d in doelen for doel_id in d.ids}
    rijen = []
    for beschikking in sorted(beschikkingen, key=_volgorde):
        cijfers = overzicht.rij(beschikking, vandaag)
        per_code: dict[str, Decimal] = {}
        for doel_id, bedrag in cijfers.besteed_per_doel.items():
            code = code_van[doel_id]
            per_code[code] = per_code.get(code, NUL) + bedrag
        rijen.append(Rij(cijfers, per_code))
    return rijen


@dataclass(frozen=True)
class Stand:
    """The summary's figures over the whole filter, without its rows: plain values, kept per
    data version (`kern.cache`) while the page shows one page of rows."""

    doelen: list[Doel]
    aantal: int
    totalen: overzicht.Totalen
    besteed_per_code: dict[str, Decimal]
    nabetalingen_en_terugvorderingen: Decimal
    is_demo: bool  # the demo scheme is among them

    def besteed_totaal(self, doel: Doel) -> Decimal:
        return self.besteed_per_code[doel.code]


def stand(filter: Filter, vandaag: date) -> Stand:
    sv = samenvatting(filter, vandaag)
    return Stand(
        doelen=sv.doelen,
        aantal=len(sv.rijen),
        totalen=sv.totalen,
        besteed_per_code={d.code: sv.besteed_totaal(d) for d in sv.doelen},
        nabetalingen_en_terugvorderingen=sv.nabetalingen_en_terugvorderingen,
        is_demo=any(demo.is_demo(r.beschikking.regeling_jaar.regeling) for r in sv.rijen),
    )


def beschikkingen(filter: Filter) -> Select[Any]:
    """The decisions under the filter in the order of `VOLGORDE`, to take a page of."""
    query: Select[Any] = _gefilterd(select(Beschikking), filter)
    return query.order_by(*VOLGORDE)


# --- Details and payments, streamed ---------------------------------------------------------


class Regel(NamedTuple):
    """One line of a submitted return (a named tuple: a large export makes 100,000 of them)."""

    ontvanger: str
    cbs_code: str
    regeling: str
    jaar: int
    kenmerk: str | None
    doel: str
    besteed_in_jaar: Decimal
    besteed_cumulatief: Decimal
    versie: int
    status: VerantwoordingStatus
    eindverantwoording: bool
    ingediend_op: datetime
    beoordeeld_op: datetime | None

    @property
    def goedgekeurd_op(self) -> datetime | None:
        return self.beoordeeld_op if self.status is VerantwoordingStatus.GOEDGEKEURD else None


def ontvanger(regio_naam: str | None, naam: str, roepnaam: str | None) -> str:
    """`Beschikking.ontvanger` from the columns alone."""
    gemeente = f"{roepnaam} ({naam})" if roepnaam and roepnaam != naam else naam
    return f"{regio_naam} (hoofdaanvrager {gemeente})" if regio_naam else gemeente


def regels(filter: Filter) -> Iterator[Regel]:
    """Every line of every submitted return under the filter, a few thousand at a time."""
    query = _gefilterd(
        select(
            Beschikking.regio_naam,
            Gemeente.naam,
            Gemeente.roepnaam,
            Gemeente.cbs_code,
            Regeling.naam,
            RegelingJaar.jaar,
            Beschikking.kenmerk,
            Bestedingsdoel.naam,
            VerantwoordingRegel.besteed_in_jaar,
            VerantwoordingRegel.besteed_cumulatief,
            Verantwoording.volgnummer,
            Verantwoording.status,
            Verantwoording.eindverantwoording,
            Verantwoording.ingediend_op,
            Verantwoording.beoordeeld_op,
        )
        .select_from(VerantwoordingRegel)
        .join(VerantwoordingRegel.verantwoording)
        .join(VerantwoordingRegel.doel)
        .join(Verantwoording.beschikking),
        filter,
    ).order_by(*VOLGORDE, Verantwoording.volgnummer, Bestedingsdoel.volgorde, Bestedingsdoel.id)
    # Through the connection, not the ORM: plain rows, a few thousand at a time.
    for r in db.session.connection().execute(query.execution_options(yield_per=PER_KEER)):
        yield Regel(ontvanger(r[0], r[1], r[2]), *r[3:])


def betalingen(filter: Filter) -> Iterator[Betaling]:
    """Every payment under the filter: planned, made and cancelled."""
    query = (
        _gefilterd(select(Betaling).join(Betaling.beschikking), filter)
        .options(
            contains_eager(Betaling.beschikking).contains_eager(Beschikking.gemeente),
            contains_eager(Betaling.beschikking)
            .contains_eager(Beschikking.regeling_jaar)
            .contains_eager(RegelingJaar.regeling),
        )
        .order_by(*VOLGORDE, Betaling.gepland_op, Betaling.id)
    )
    yield from db.session.scalars(query.execution_options(yield_per=PER_KEER))


# --- The filters' choices -------------------------------------------------------------------


def ontvangende_gemeenten() -> list[Gemeente]:
    """The municipalities that received a decision (drafts aside), by name."""
    ids = select(Beschikking.gemeente_id).where(Beschikking.status != BeschikkingStatus.CONCEPT)
    return list(
        db.session.scalars(select(Gemeente).where(Gemeente.id.in_(ids)).order_by(Gemeente.naam))
    )


def provincies() -> list[str]:
    return sorted({g.provincie for g in ontvangende_gemeenten() if g.provincie})
