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

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import joinedload

from kern.db import db
from subsidies.models import (
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


def _betalingen(filter: Filter, *voorwaarden: ColumnElement[bool]) -> Select[Any]:
    query = (
        select(Betaling)
        .join(Betaling.beschikking)
        .join(Beschikking.regeling_jaar)
        .where(*voorwaarden)
        .options(
            joinedload(Betaling.beschikking).joinedload(Beschikking.gemeente),
            joinedload(Betaling.beschikking)
            .joinedload(Beschikking.regeling_jaar)
            .joinedload(RegelingJaar.regeling),
        )
    )
    if filter.regeling_id is not None:
        query = query.where(RegelingJaar.regeling_id == filter.regeling_id)
    if filter.jaar is not None:
        query = query.where(RegelingJaar.jaar == filter.jaar)
    return query


OPEN = and_(Betaling.betaald_op.is_(None), Betaling.geannuleerd_op.is_(None))


def te_betalen(filter: Filter) -> list[Betaling]:
    """Advances and extra payments still to make, the oldest planned date first."""
    query = _betalingen(filter, OPEN, Betaling.soort != BetalingSoort.TERUGVORDERING)
    return list(db.session.scalars(query.order_by(Betaling.gepland_op, Betaling.id)))


def terug_te_vorderen(filter: Filter) -> list[Betaling]:
    """Clawbacks still to collect, the oldest planned date first."""
    query = _betalingen(filter, OPEN, Betaling.soort == BetalingSoort.TERUGVORDERING)
    return list(db.session.scalars(query.order_by(Betaling.gepland_op, Betaling.id)))


def geregistreerd(filter: Filter, van: date, tot: date) -> list[Betaling]:
    """Payments and clawbacks registered with a date from ``van`` up to (not including)
    ``tot``, in date order."""
    query = _betalingen(filter, Betaling.betaald_op >= van, Betaling.betaald_op < tot)
    return list(db.session.scalars(query.order_by(Betaling.betaald_op, Betaling.id)))


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
class Werklijst:
    vandaag: date
    te_betalen: list[Betaling]
    terug_te_vorderen: list[Betaling]
    geregistreerd: list[Betaling]  # this month
    maand_begin: date

    gepland = staticmethod(gepland)
    betaald = staticmethod(betaald)

    def achterstallig(self, betaling: Betaling) -> bool:
        return betaling.gepland_op < self.vandaag

    @property
    def achterstallig_te_betalen(self) -> list[Betaling]:
        return [b for b in self.te_betalen if self.achterstallig(b)]

    @property
    def achterstallig_terug(self) -> list[Betaling]:
        return [b for b in self.terug_te_vorderen if self.achterstallig(b)]

    @property
    def uitbetaald(self) -> list[Betaling]:
        return [b for b in self.geregistreerd if not b.is_terugvordering]

    @property
    def ontvangen(self) -> list[Betaling]:
        return [b for b in self.geregistreerd if b.is_terugvordering]


def werklijst(filter: Filter, vandaag: date) -> Werklijst:
    begin, volgende = maand(vandaag)
    return Werklijst(
        vandaag=vandaag,
        te_betalen=te_betalen(filter),
        terug_te_vorderen=terug_te_vorderen(filter),
        geregistreerd=geregistreerd(filter, begin, volgende),
        maand_begin=begin,
    )


def regelingen() -> list[Regeling]:
    return list(db.session.scalars(select(Regeling).order_by(Regeling.naam)))


def jaren() -> list[int]:
    return list(
        db.session.scalars(select(RegelingJaar.jaar).distinct().order_by(RegelingJaar.jaar))
    )
