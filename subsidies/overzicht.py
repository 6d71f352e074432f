"""The overviews: one row per decision, with what was granted, paid, spent and settled.

Everything is computed in Python from objects loaded in a fixed number of queries (the
decisions with their payments, returns with lines, and settlement), so that an overview of
twenty recipients costs as many statements as one of two. Money stays `Decimal` throughout.

Words: *toegekend* (granted: only decided, amended or settled decisions, `Beschikking.telt_mee`;
a draft is *in concept* and shown apart), *betaald* (paid on balance), *besteed* (spent,
cumulative, from the most relevant return), *vastgesteld* (settled), *saldo* (settled or granted
minus paid: positive is still to pay, negative is to reclaim), *termijn* (where the return stands
against its due date: "te laat", "binnenkort", "op tijd", "ingediend" or "n.v.t.").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload, selectinload

from gemeenten.models import Gemeente
from kern.db import db
from subsidies import services
from subsidies.models import (
    NUL,
    Beschikking,
    BeschikkingStatus,
    Bestedingsdoel,
    RegelingJaar,
    Verantwoording,
    VerantwoordingStatus,
)

# The deadline flags, most urgent first; their order is also the sort order.
TERMIJNEN = ("te laat", "binnenkort", "op tijd", "ingediend", "n.v.t.")
# The filter value for decisions without any return yet.
GEEN_VERANTWOORDING = "geen"
VERANTWOORDING_VOLGORDE = (
    GEEN_VERANTWOORDING,
    *(s.value for s in VerantwoordingStatus),
)


def relevante_verantwoording(beschikking: Beschikking) -> Verantwoording | None:
    """The return whose figures count: the latest approved, else the latest awaiting review.

    A return that was sent back or replaced has figures nobody accepted; it does not count.
    """
    for status in (VerantwoordingStatus.GOEDGEKEURD, VerantwoordingStatus.INGEDIEND):
        for verantwoording in reversed(beschikking.verantwoordingen):
            if verantwoording.status is status:
                return verantwoording
    return None


@dataclass(frozen=True)
class Rij:
    """One decision in an overview."""

    beschikking: Beschikking
    toegekend: Decimal | None  # None: "nog vast te stellen", or a draft (see `concept`)
    betaald: Decimal
    besteed_per_doel: dict[int, Decimal]  # doel id -> cumulative spending; empty: no return
    besteed: Decimal | None
    vastgesteld: Decimal | None
    saldo: Decimal | None
    verantwoording: Verantwoording | None  # the latest, whatever its status
    termijn: str

    @property
    def ontvanger(self) -> str:
        return self.beschikking.ontvanger

    @property
    def concept(self) -> bool:
        """A draft grants nothing yet; its amount is shown apart, as "in concept"."""
        return self.beschikking.in_concept

    @property
    def in_concept(self) -> Decimal | None:
        return self.beschikking.bedrag if self.concept else None

    @property
    def verantwoordingstatus(self) -> str:
        """The return's status as a filter and sort value."""
        if self.verantwoording is None:
            return GEEN_VERANTWOORDING
        return self.verantwoording.status.value

    @property
    def verantwoordingslabel(self) -> str:
        if self.verantwoording is None:
            return "Nog niet ingediend"
        label = self.verantwoording.status.label
        return f"{label} (eindverantwoording)" if self.verantwoording.eindverantwoording else label


def rij(beschikking: Beschikking, vandaag: date) -> Rij:
    # A withdrawn decision grants nothing any more: what was paid is to be reclaimed. A draft
    # grants nothing yet: it has no amount granted and no balance.
    if beschikking.status is BeschikkingStatus.INGETROKKEN:
        toegekend: Decimal | None = NUL
    elif beschikking.in_concept:
        toegekend = None
    else:
        toegekend = beschikking.bedrag
    betaald = beschikking.betaald
    relevant = relevante_verantwoording(beschikking)
    per_doel = {r.doel_id: r.besteed_cumulatief for r in relevant.regels} if relevant else {}
    vastgesteld = beschikking.vaststelling.vastgesteld_bedrag if beschikking.vaststelling else None
    if vastgesteld is not None:
        saldo: Decimal | None = vastgesteld - betaald
    elif toegekend is not None:
        saldo = toegekend - betaald
    else:
        saldo = None
    return Rij(
        beschikking=beschikking,
        toegekend=toegekend,
        betaald=betaald,
        besteed_per_doel=per_doel,
        besteed=relevant.besteed_cumulatief if relevant else None,
        vastgesteld=vastgesteld,
        saldo=saldo,
        verantwoording=beschikking.laatste_verantwoording,
        termijn=services.termijn(beschikking, vandaag),
    )


def laad(*voorwaarden: ColumnElement[bool], met_regeling: bool = False) -> list[Beschikking]:
    """Decisions with everything a row needs, in a fixed number of queries."""
    opties: list[Any] = [
        joinedload(Beschikking.gemeente),
        selectinload(Beschikking.betalingen),
        selectinload(Beschikking.verantwoordingen).selectinload(Verantwoording.regels),
        selectinload(Beschikking.vaststelling),
    ]
    if met_regeling:
        opties.append(joinedload(Beschikking.regeling_jaar).joinedload(RegelingJaar.regeling))
    return list(
        db.session.execute(select(Beschikking).where(*voorwaarden).options(*opties)).scalars()
    )


# --- Totals ---------------------------------------------------------------------------------


def som(waarden: Iterable[Decimal | None]) -> Decimal:
    return sum((w for w in waarden if w is not None), NUL)


@dataclass(frozen=True)
class Totalen:
    toegekend: Decimal
    nog_vast_te_stellen: int  # granted rows whose amount is not yet set
    in_concept: Decimal  # the amounts of the drafts, not part of toegekend
    concepten: int
    betaald: Decimal
    besteed_per_doel: dict[int, Decimal]
    besteed: Decimal
    vastgesteld: Decimal
    saldo: Decimal


def totalen(rijen: Sequence[Rij], doelen: Sequence[Bestedingsdoel] = ()) -> Totalen:
    return Totalen(
        toegekend=som(r.toegekend for r in rijen),
        nog_vast_te_stellen=sum(1 for r in rijen if r.toegekend is None and not r.concept),
        in_concept=som(r.in_concept for r in rijen),
        concepten=sum(1 for r in rijen if r.concept),
        betaald=som(r.betaald for r in rijen),
        besteed_per_doel={d.id: som(r.besteed_per_doel.get(d.id) for r in rijen) for d in doelen},
        besteed=som(r.besteed for r in rijen),
        vastgesteld=som(r.vastgesteld for r in rijen),
        saldo=som(r.saldo for r in rijen),
    )


# --- Columns, sorting and filters -----------------------------------------------------------


@dataclass(frozen=True)
class Kolom:
    sleutel: str  # the value of ?sorteer=
    kop: str
    waarde: Callable[[Rij], Any]  # None sorts below everything else
    getal: bool = False


def _statusvolgorde(rij: Rij) -> int:
    return list(BeschikkingStatus).index(rij.beschikking.status)


def kolommen(doelen: Sequence[Bestedingsdoel]) -> list[Kolom]:
    """The overview's columns, in the order of the table."""

    def doelkolom(doel: Bestedingsdoel) -> Kolom:
        return Kolom(
            f"doel-{doel.code}",
            f"Besteed: {doel.naam.lower()}",
            lambda r: r.besteed_per_doel.get(doel.id),
            getal=True,
        )

    return [
        Kolom("gemeente", "Gemeente", lambda r: r.ontvanger.casefold()),
        Kolom("kenmerk", "Kenmerk", lambda r: r.beschikking.kenmerk),
        Kolom("status", "Status", _statusvolgorde),
        Kolom("toegekend", "Toegekend", lambda r: r.toegekend, getal=True),
        Kolom("betaald", "Betaald", lambda r: r.betaald, getal=True),
        *(doelkolom(d) for d in doelen),
        Kolom("besteed", "Besteed totaal", lambda r: r.besteed, getal=True),
        Kolom("vastgesteld", "Vastgesteld", lambda r: r.vastgesteld, getal=True),
        Kolom("saldo", "Saldo", lambda r: r.saldo, getal=True),
        Kolom(
            "verantwoording",
            "Verantwoording",
            lambda r: VERANTWOORDING_VOLGORDE.index(r.verantwoordingstatus),
        ),
        Kolom("termijn", "Termijn", lambda r: TERMIJNEN.index(r.termijn)),
    ]


@dataclass(frozen=True)
class Sortering:
    kolom: str = "gemeente"
    aflopend: bool = False


def sorteer(rijen: Iterable[Rij], kolom: Kolom, aflopend: bool) -> list[Rij]:
    """Sort on one column, ties by recipient; an unknown value (None) counts as the lowest."""

    def sleutel(rij: Rij) -> tuple[bool, Any]:
        waarde = kolom.waarde(rij)
        return (waarde is not None, waarde if waarde is not None else 0)

    op_naam = sorted(rijen, key=lambda r: r.ontvanger.casefold())
    return sorted(op_naam, key=sleutel, reverse=aflopend)  # stable: ties stay by name


@dataclass(frozen=True)
class Filter:
    zoekterm: str = ""
    status: BeschikkingStatus | None = None
    verantwoording: str | None = None  # a VerantwoordingStatus value or GEEN_VERANTWOORDING
    termijn: str | None = None

    def laat_door(self, rij: Rij) -> bool:
        if self.status is not None and rij.beschikking.status is not self.status:
            return False
        if self.verantwoording and rij.verantwoordingstatus != self.verantwoording:
            return False
        if self.termijn and rij.termijn != self.termijn:
            return False
        return not self.zoekterm or _past_bij(rij.beschikking, self.zoekterm)


def _past_bij(beschikking: Beschikking, zoekterm: str) -> bool:
    gemeente = beschikking.gemeente
    namen = (gemeente.naam, gemeente.roepnaam, gemeente.cbs_code, beschikking.regio_naam)
    term = zoekterm.strip().casefold()
    return any(term in naam.casefold() for naam in namen if naam)


# --- The overview of one year of a scheme ---------------------------------------------------


@dataclass(frozen=True)
class Overzicht:
    regeling_jaar: RegelingJaar
    doelen: list[Bestedingsdoel]
    kolommen: list[Kolom]
    sortering: Sortering
    rijen: list[Rij]  # filtered and sorted
    totalen: Totalen
    aantal_beschikkingen: int  # before filtering

    @property
    def gefilterd(self) -> bool:
        return len(self.rijen) != self.aantal_beschikkingen


def overzicht(
    regeling_jaar: RegelingJaar,
    *,
    vandaag: date,
    filter: Filter | None = None,
    sortering: Sortering | None = None,
) -> Overzicht:
    """One row per decision of the year; an unknown sort column falls back to the recipient."""
    filter = filter or Filter()
    sortering = sortering or Sortering()
    doelen = list(regeling_jaar.regeling.doelen)
    alle_kolommen = kolommen(doelen)
    kolom = next((k for k in alle_kolommen if k.sleutel == sortering.kolom), None)
    if kolom is None:
        kolom, sortering = alle_kolommen[0], Sortering()
    beschikkingen = laad(Beschikking.regeling_jaar_id == regeling_jaar.id)
    rijen = sorteer(
        (r for b in beschikkingen if filter.laat_door(r := rij(b, vandaag))),
        kolom,
        sortering.aflopend,
    )
    return Overzicht(
        regeling_jaar=regeling_jaar,
        doelen=doelen,
        kolommen=alle_kolommen,
        sortering=sortering,
        rijen=rijen,
        totalen=totalen(rijen, doelen),
        aantal_beschikkingen=len(beschikkingen),
    )


# --- A municipality's history ---------------------------------------------------------------


def met_voorgangers(gemeente: Gemeente) -> list[Gemeente]:
    """The municipality and every municipality that went into it, however long ago."""
    gevonden: dict[int, Gemeente] = {}
    te_doen = [gemeente]
    while te_doen:
        huidige = te_doen.pop()
        if huidige.id in gevonden:
            continue
        gevonden[huidige.id] = huidige
        te_doen.extend(huidige.voorgangers)
    return list(gevonden.values())


def geschiedenis(gemeente: Gemeente, *, vandaag: date) -> list[Rij]:
    """Every decision of the municipality and its predecessors, newest year first."""
    ids = [g.id for g in met_voorgangers(gemeente)]
    beschikkingen = laad(Beschikking.gemeente_id.in_(ids), met_regeling=True)
    beschikkingen.sort(key=lambda b: (b.regeling_jaar.regeling.naam, b.gemeente.naam))
    beschikkingen.sort(key=lambda b: b.regeling_jaar.jaar, reverse=True)
    return [rij(b, vandaag) for b in beschikkingen]
