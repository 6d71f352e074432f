"""Finance's work list: the payments to make, the clawbacks to collect, and what was registered.

Words: *te betalen* (advances and extra payments planned and not yet made, the oldest planned
date first, so that what is overdue, *achterstallig*, comes first), *terug te vorderen*
(clawbacks planned and not yet received), *geregistreerd* (payments and clawbacks whose date of
payment falls in a given month). A cancelled payment is in none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, case, false, func, select, type_coerce
from sqlalchemy.orm import contains_eager

from kern.db import Geld, db
from subsidies.models import (
    BETALING_OPEN,
    NUL,
    Beschikking,
    Betaling,
    BetalingSoort,
    Regeling,
    RegelingJaar,
)


@dataclass(frozen=True)
class Filter:
    regeling_id: int | None = None
    jaar: int | None = None


def _gefilterd(query: Select[Any], filter: Filter) -> Select[Any]:
    """``query`` (from payments) joined to their decision's year, under the filter."""
    query = query.join(Betaling.beschikking).join(Beschikking.regeling_jaar)
    if filter.regeling_id is not None:
        query = query.where(RegelingJaar.regeling_id == filter.regeling_id)
    if filter.jaar is not None:
        query = query.where(RegelingJaar.jaar == filter.jaar)
    return query


def _betalingen(filter: Filter, *voorwaarden: ColumnElement[bool]) -> Select[Any]:
    return (
        _gefilterd(select(Betaling), filter)
        .where(*voorwaarden)
        .options(
            # The decision and its year from the filter's own joins, not joined a second time.
            contains_eager(Betaling.beschikking).joinedload(Beschikking.gemeente),
            contains_eager(Betaling.beschikking)
            .contains_eager(Beschikking.regeling_jaar)
            .joinedload(RegelingJaar.regeling),
        )
    )


OPEN = BETALING_OPEN
UIT = Betaling.soort != BetalingSoort.TERUGVORDERING
TERUG = Betaling.soort == BetalingSoort.TERUGVORDERING


def te_betalen(filter: Filter) -> Select[Any]:
    """Advances and extra payments still to make, the oldest planned date first."""
    return _betalingen(filter, OPEN, UIT).order_by(Betaling.gepland_op, Betaling.id)


def terug_te_vorderen(filter: Filter) -> Select[Any]:
    """Clawbacks still to collect, the oldest planned date first."""
    return _betalingen(filter, OPEN, TERUG).order_by(Betaling.gepland_op, Betaling.id)


def open_betalingen(filter: Filter) -> Select[Any]:
    """Both of them: every planned payment not yet made, the oldest planned date first."""
    return _betalingen(filter, OPEN).order_by(Betaling.gepland_op, Betaling.id)


def geregistreerd(filter: Filter, van: date, tot: date) -> Select[Any]:
    """Payments and clawbacks registered with a date from ``van`` up to (not including)
    ``tot``, in date order."""
    return _betalingen(filter, Betaling.betaald_op >= van, Betaling.betaald_op < tot).order_by(
        Betaling.betaald_op, Betaling.id
    )


@dataclass(frozen=True)
class Stand:
    """A part of the work list in numbers, over the whole filter (not a page of it): how many
    payments and their amount, and how many of them are overdue and their amount."""

    aantal: int = 0
    bedrag: Decimal = NUL
    achterstallig: int = 0
    achterstallig_bedrag: Decimal = NUL


def _stand(
    filter: Filter, bedrag: Any, vandaag: date | None, *voorwaarden: ColumnElement[bool]
) -> Stand:
    """Count and add up ``bedrag`` of the payments under the filter and ``voorwaarden``, in
    SQL; with ``vandaag``, also those planned before it."""
    te_laat = Betaling.gepland_op < vandaag if vandaag is not None else false()
    query = _gefilterd(
        select(
            func.count(Betaling.id),
            func.sum(bedrag),
            func.count(case((te_laat, Betaling.id))),
            func.sum(type_coerce(case((te_laat, bedrag)), Geld())),
        ),
        filter,
    ).where(*voorwaarden)
    aantal, som, achterstallig, achterstallig_som = db.session.execute(query).one()
    return Stand(aantal, som or NUL, achterstallig, achterstallig_som or NUL)


GROOTSTE_ID = 2**63 - 1  # no database here holds a larger key; SQLite cannot even compare one


def met_ids(ids: Sequence[int]) -> list[Betaling]:
    """The payments with these ids, in the work list's order (a batch); an id no payment can
    have finds nothing."""
    mogelijk = [i for i in ids if 0 < i <= GROOTSTE_ID]
    query = _betalingen(Filter(), Betaling.id.in_(mogelijk))
    return list(db.session.scalars(query.order_by(Betaling.gepland_op, Betaling.id)))


def maand(vandaag: date) -> tuple[date, date]:
    """The first day of ``vandaag``'s month and of the month after."""
    begin = vandaag.replace(day=1)
    volgende = date(begin.year + begin.month // 12, begin.month % 12 + 1, 1)
    return begin, volgende


def gepland(betalingen: Sequence[Betaling]) -> Decimal:
    """The planned amounts added up."""
    return sum((b.bedrag for b in betalingen), NUL)


def betaald(betalingen: Sequence[Betaling]) -> Decimal:
    """The amounts actually paid (or received) added up."""
    return sum((b.betaald_bedrag or NUL for b in betalingen), NUL)


@dataclass(frozen=True)
class Rij:
    """A payment as the work list and its export show it: plain values, so that a page of them
    can be kept per data version (`kern.paginering.bewaarde_pagina`)."""

    id: int
    beschikking_id: int
    soort: BetalingSoort
    bedrag: Decimal
    gepland_op: date
    betaald_op: date | None
    betaald_bedrag: Decimal | None
    betalingskenmerk: str | None
    omschrijving: str | None
    ontvanger: str
    regeling: str
    jaar: int
    regeling_jaar: str  # its label
    kenmerk: str | None  # the decision's

    @classmethod
    def van(cls, b: Betaling) -> Rij:
        beschikking = b.beschikking
        return cls(
            id=b.id,
            beschikking_id=b.beschikking_id,
            soort=b.soort,
            bedrag=b.bedrag,
            gepland_op=b.gepland_op,
            betaald_op=b.betaald_op,
            betaald_bedrag=b.betaald_bedrag,
            betalingskenmerk=b.betalingskenmerk,
            omschrijving=b.omschrijving,
            ontvanger=beschikking.ontvanger,
            regeling=beschikking.regeling_jaar.regeling.naam,
            jaar=beschikking.regeling_jaar.jaar,
            regeling_jaar=beschikking.regeling_jaar.label,
            kenmerk=beschikking.kenmerk,
        )

    @property
    def is_terugvordering(self) -> bool:
        return self.soort is BetalingSoort.TERUGVORDERING


@dataclass(frozen=True)
class Werklijst:
    """The work list's figures over the whole filter; its rows come a page at a time from
    `te_betalen`, `terug_te_vorderen` and `geregistreerd`."""

    filter: Filter
    vandaag: date
    maand_begin: date
    maand_einde: date  # the first day of the next month
    te_betalen: Stand
    terug_te_vorderen: Stand
    uitbetaald: Stand  # registered this month
    ontvangen: Stand  # registered this month

    def achterstallig(self, betaling: Rij) -> bool:
        return betaling.gepland_op < self.vandaag

    @property
    def geregistreerd(self) -> int:
        return self.uitbetaald.aantal + self.ontvangen.aantal


def werklijst(filter: Filter, vandaag: date) -> Werklijst:
    begin, volgende = maand(vandaag)
    deze_maand = (Betaling.betaald_op >= begin, Betaling.betaald_op < volgende)
    return Werklijst(
        filter=filter,
        vandaag=vandaag,
        maand_begin=begin,
        maand_einde=volgende,
        te_betalen=_stand(filter, Betaling.bedrag, vandaag, OPEN, UIT),
        terug_te_vorderen=_stand(filter, Betaling.bedrag, vandaag, OPEN, TERUG),
        uitbetaald=_stand(filter, Betaling.betaald_bedrag, None, *deze_maand, UIT),
        ontvangen=_stand(filter, Betaling.betaald_bedrag, None, *deze_maand, TERUG),
    )


def regelingen() -> list[Regeling]:
    return list(db.session.scalars(select(Regeling).order_by(Regeling.naam)))


def jaren() -> list[int]:
    return list(
        db.session.scalars(select(RegelingJaar.jaar).distinct().order_by(RegelingJaar.jaar))
    )
