"""The audit trail of grant data, in words: what changed, from what to what, by whom.

`kern.audit` keeps the raw entries; this module finds the objects that belong together (a
decision and everything under it, deleted rows included; a scheme with its years and purposes)
and shows each value the way the rest of the site does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from kern import audit
from kern.audit import AuditRegel
from kern.db import db
from kern.formatting import datum, datumtijd, geld
from kern.paginering import pagina_van
from subsidies.models import (
    Beschikking,
    BeschikkingStatus,
    BetalingSoort,
    Regeling,
    VerantwoordingStatus,
)

SOORTEN = {
    "beschikking": "Beschikking",
    "doelbedrag": "Bedrag per doel",
    "betaling": "Betaling",
    "verantwoording": "Verantwoording",
    "verantwoordingregel": "Regel van verantwoording",
    "vaststelling": "Vaststelling",
    "regeling": "Regeling",
    "regelingjaar": "Jaar",
    "bestedingsdoel": "Bestedingsdoel",
}
GELDVELDEN = {
    "bedrag",
    "plafond",
    "besteed_in_jaar",
    "besteed_cumulatief",
    "subsidiabel",
    "vastgesteld_bedrag",
    "betaald",
    "betaald_bedrag",
    "saldo",
}
DATUMVELDEN = {"datum", "gepland_op", "betaald_op", "verantwoording_uiterlijk"}
TIJDSTIPVELDEN = {"ingediend_op", "beoordeeld_op", "vastgesteld_op", "geannuleerd_op"}
STATUSSEN: dict[tuple[str, str], Any] = {
    ("beschikking", "status"): BeschikkingStatus,
    ("betaling", "soort"): BetalingSoort,
    ("verantwoording", "status"): VerantwoordingStatus,
}
VERBORGEN = {"versie"}  # the lock counter changes with every edit and tells a reader nothing


@dataclass(frozen=True)
class Wijziging:
    veld: str
    oud: str
    nieuw: str


@dataclass(frozen=True)
class Spoor:
    regel: AuditRegel
    wat: str
    wijzigingen: list[Wijziging]


def _ooit_aangemaakt(soort: str, ouderveld: str, ouder_ids: set[int]) -> set[int]:
    """Ids of every ``soort`` ever created under one of ``ouder_ids``, deleted ones too."""
    if not ouder_ids:
        return set()
    ouder = AuditRegel.wijzigingen[(ouderveld, 1)].as_integer()
    return set(
        db.session.execute(
            select(AuditRegel.object_id).where(
                AuditRegel.soort == soort,
                AuditRegel.actie == "aangemaakt",
                ouder.in_(ouder_ids),
            )
        ).scalars()
    )


def _objecten(beschikking: Beschikking) -> list[tuple[str, int]]:
    """(audit soort, id) of the decision and of everything that hangs under it."""
    ids = {beschikking.id}
    doelbedragen = {d.id for d in beschikking.doelbedragen}
    doelbedragen |= _ooit_aangemaakt("doelbedrag", "beschikking_id", ids)
    betalingen = {b.id for b in beschikking.betalingen}
    betalingen |= _ooit_aangemaakt("betaling", "beschikking_id", ids)
    verantwoordingen = {v.id for v in beschikking.verantwoordingen}
    verantwoordingen |= _ooit_aangemaakt("verantwoording", "beschikking_id", ids)
    regels = {r.id for v in beschikking.verantwoordingen for r in v.regels}
    regels |= _ooit_aangemaakt("verantwoordingregel", "verantwoording_id", verantwoordingen)
    vaststellingen = {beschikking.vaststelling.id} if beschikking.vaststelling else set()
    vaststellingen |= _ooit_aangemaakt("vaststelling", "beschikking_id", ids)
    return [
        ("beschikking", beschikking.id),
        *(("doelbedrag", i) for i in sorted(doelbedragen)),
        *(("betaling", i) for i in sorted(betalingen)),
        *(("verantwoording", i) for i in sorted(verantwoordingen)),
        *(("verantwoordingregel", i) for i in sorted(regels)),
        *(("vaststelling", i) for i in sorted(vaststellingen)),
    ]


def _waarde(soort: str, veld: str, waarde: Any) -> str:
    """An audited value (text, as `kern.audit` keeps it) the way the rest of the site shows it."""
    if waarde is None:
        return "—"
    if isinstance(waarde, bool):
        return "ja" if waarde else "nee"
    if isinstance(waarde, list):  # a collection, such as a region's participants
        return ", ".join(str(w) for w in waarde) or "—"
    if veld in GELDVELDEN:
        return geld(Decimal(str(waarde)))
    if (soort, veld) in STATUSSEN:
        try:
            return str(STATUSSEN[(soort, veld)](waarde).label)
        except ValueError:
            return str(waarde)
    try:
        if veld in DATUMVELDEN:
            return datum(date.fromisoformat(str(waarde)))
        if veld in TIJDSTIPVELDEN:
            return datumtijd(datetime.fromisoformat(str(waarde)))
    except ValueError:
        pass
    return str(waarde)


def _wat(soort: str, object_id: int, eerste: AuditRegel | None, doelnamen: dict[int, str]) -> str:
    """A name for the object, from its first entry (it may no longer exist)."""
    gemaakt = eerste.wijzigingen if eerste is not None else {}

    def nieuw(veld: str) -> Any:
        paar = gemaakt.get(veld)
        return paar[1] if isinstance(paar, list) and len(paar) == 2 else None

    naam = SOORTEN.get(soort, soort)
    if soort in ("doelbedrag", "verantwoordingregel") and nieuw("doel_id") in doelnamen:
        naam = f"{naam}: {doelnamen[nieuw('doel_id')]}"
    elif soort == "betaling" and nieuw("soort"):
        naam = f"{naam} ({_waarde('betaling', 'soort', nieuw('soort')).lower()})"
    elif soort == "verantwoording" and nieuw("volgnummer"):
        naam = f"{naam} versie {nieuw('volgnummer')}"
    return f"{naam} (nr. {object_id})"


def _spoor(regel: AuditRegel, wat: str) -> Spoor:
    wijzigingen = [
        Wijziging(
            veld=veld.replace("_", " "),
            oud=_waarde(regel.soort, veld, oud),
            nieuw=_waarde(regel.soort, veld, nieuw),
        )
        for veld, (oud, nieuw) in regel.wijzigingen.items()
        if veld not in VERBORGEN and not (oud is None and nieuw is None)
    ]
    return Spoor(regel=regel, wat=wat, wijzigingen=wijzigingen)


@dataclass(frozen=True)
class Pagina:
    """A page of a trail, newest first: the entries in words, and the page (its numbers)."""

    sporen: list[Spoor]
    pagina: Pagination


def _pagina(objecten: list[tuple[str, int]], doelnamen: dict[int, str]) -> Pagina:
    pagina = pagina_van(audit.nieuwste_eerst(objecten))
    regels: list[AuditRegel] = list(pagina.items)
    eerste = audit.eerste_van({(r.soort, r.object_id) for r in regels})
    sporen = [
        _spoor(r, _wat(r.soort, r.object_id, eerste.get((r.soort, r.object_id)), doelnamen))
        for r in regels
    ]
    return Pagina(sporen, pagina)


def van_beschikking(beschikking: Beschikking) -> Pagina:
    """The trail of a decision and of everything under it, newest first, a page of it."""
    doelnamen = {d.id: d.naam for d in beschikking.regeling_jaar.regeling.doelen}
    return _pagina(_objecten(beschikking), doelnamen)


def van_regeling(regeling: Regeling) -> Pagina:
    """The trail of a scheme, its years (ceilings) and its purposes, newest first, a page of
    it."""
    objecten = [
        ("regeling", regeling.id),
        *(("regelingjaar", j.id) for j in regeling.jaren),
        *(("bestedingsdoel", d.id) for d in regeling.doelen),
    ]
    return _pagina(objecten, {d.id: d.naam for d in regeling.doelen})
