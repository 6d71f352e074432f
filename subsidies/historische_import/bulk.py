"""Confirming an upload set-based: the whole file checked in memory, then written in bulk.

What `importeren._per_rij` does through the services one call per decision, payment and
return, `Inlezing` does for the whole file at once, in two steps:

    plan()      every decision of the file taken through the same steps, in memory: made and
                decided or amended, payments planned and registered, returns submitted,
                approved and settled; each step asks the services' own checks on values
                (`services.controleer_nieuw`, `controleer_wijziging`, `plannen_geweigerd`,
                `controleer_bestedingen`, `voorstel_geweigerd`, ...). A refusal raises
                `services.SubsidieFout` with the services' message before anything is written.
    schrijf()   the rows as they end, table by table, each in one multi-row INSERT (RETURNING
                the new ids, in the order given) or one executemany UPDATE; and the audit
                entries the `kern.audit` listener would have written for each step, in the
                order of the steps (`kern.audit.schrijf`).

The result is the row-by-row import's, table by table and entry by entry
(`tests/subsidies/test_historische_import_bulk.py` compares both on two databases). Decisions
and returns that existed are updated only if their version is still the one read (else
`services.Conflict`), as the ORM's version check would.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gemeenten.models import Gemeente
from kern import audit
from kern.db import Model, db, utcnow, voeg_veel_in
from subsidies import regels, services
from subsidies.historische_import.basis import Voortgang, Wijziging, euro, kenmerk
from subsidies.historische_import.werk import GemeenteJaar, Resultaat, Toekenning, Werk
from subsidies.models import (
    NUL,
    Beschikking,
    BeschikkingStatus,
    BeschikkingVersie,
    Bestedingsdoel,
    Betaling,
    BetalingSoort,
    Doelbedrag,
    Regeling,
    RegelingJaar,
    Vaststelling,
    Verantwoording,
    VerantwoordingRegel,
    VerantwoordingStatus,
    beschikking_deelnemers,
)

# The steps, in the order the import takes them; a step's audit entries are written after
# its rows, so that every object's entries keep the order of its changes.
TOEKENNEN, BETALEN, INDIENEN, VASTSTELLEN = range(4)


class _Rij(dict[str, Any]):
    """A row to insert; its "id" is set once it is. A column that refers to a row inserted
    in the same import holds that `_Rij` until then."""

    __slots__ = ()


def _id(waarde: Any) -> Any:
    return waarde["id"] if isinstance(waarde, _Rij) else waarde


@dataclass(eq=False)
class _Verantwoording:
    """A return version: one read from the database (``oud`` its columns then), or new."""

    rij: _Rij
    regels: dict[int, services.Besteding]  # per doel id
    oud: dict[str, Any] | None = None

    @property
    def status(self) -> VerantwoordingStatus:
        status: VerantwoordingStatus = self.rij["status"]
        return status


@dataclass(eq=False)
class _Beschikking:
    """A decision as the import leaves it; ``oud`` the columns read, for one that existed."""

    rij: _Rij
    gemeente: Gemeente
    regeling_jaar: RegelingJaar
    doelbedragen: dict[int, Decimal]
    deelnemers: list[Gemeente]
    versies: int
    betaald: Decimal
    gepland: Decimal
    open_betalingen: int
    verantwoordingen: list[_Verantwoording]
    oud: dict[str, Any] | None = None
    doelbedrag_ids: dict[int, int] = field(default_factory=dict)  # of those that existed
    oude_deelnemers: list[Gemeente] = field(default_factory=list)

    @property
    def status(self) -> BeschikkingStatus:
        status: BeschikkingStatus = self.rij["status"]
        return status

    @property
    def bedrag(self) -> Decimal | None:
        bedrag: Decimal | None = self.rij["bedrag"]
        return bedrag

    def eind_goedgekeurd(self) -> _Verantwoording | None:
        """As `services.goedgekeurde_eindverantwoording`."""
        for verantwoording in reversed(self.verantwoordingen):
            if (
                verantwoording.status is VerantwoordingStatus.GOEDGEKEURD
                and verantwoording.rij["eindverantwoording"]
            ):
                return verantwoording
        return None


@dataclass
class _Stap:
    """What one step writes besides the rows: its audit entries (object, action, changes;
    the object a `_Rij` until inserted) and how many staged rows it took (for the progress)."""

    audit: list[tuple[str, Any, str, dict[str, Any]]] = field(default_factory=list)
    regels: int = 0


class Inlezing:
    """One confirmation of one upload, planned in memory (`plan`) and written (`schrijf`)."""

    def __init__(
        self,
        regeling: Regeling,
        bestaand: Mapping[GemeenteJaar, Beschikking],
        *,
        door: str,
        vandaag: date,
        reden: str,
    ) -> None:
        self.regeling = regeling
        self.door, self.vandaag, self.reden = door, vandaag, reden
        self.nu = utcnow()
        self.doelen: Sequence[Bestedingsdoel] = regeling.doelen
        self.codes = {d.id: d.code for d in self.doelen}
        self.jaren = {j.jaar: j for j in regeling.jaren}
        self.resultaat = Resultaat()
        self.stappen = [_Stap() for _ in range(4)]
        self.stap = self.stappen[TOEKENNEN]
        versies = _versies(regeling) if bestaand else {}
        self.beschikkingen: dict[GemeenteJaar, _Beschikking] = {
            sleutel: _gelezen(b, versies) for sleutel, b in bestaand.items()
        }
        self.nieuw: dict[type[Model], list[_Rij]] = defaultdict(list)
        self.bezet: set[str] = set()  # decision numbers in use (those the import gives)
        self.doelbedragen_weg: list[int] = []
        self.doelbedragen_anders: list[dict[str, Any]] = []

    # --- In memory ----------------------------------------------------------------------

    def plan(self, werk: Werk) -> Resultaat:
        """Take every staged row through the services' checks, in the order the row-by-row
        import applies them; raises `services.SubsidieFout` on the first refusal."""
        self._ken_toe(werk)
        self.stap = self.stappen[BETALEN]
        for wijziging in werk.betalingen:
            self._betaal(wijziging)
        self.stap = self.stappen[INDIENEN]
        vast = {(w.cbs, w.jaar) for w in werk.vaststellingen}
        for groep in sorted(werk.bestedingsregels, key=lambda g: (g[1], g[0])):
            self._dien_in(self.beschikkingen[groep], werk.bestedingen[groep], groep in vast)
            self.resultaat.verantwoordingen += 1
            self.stap.regels += werk.bestedingsregels[groep]
        self.stap = self.stappen[VASTSTELLEN]
        for wijziging in sorted(werk.vaststellingen, key=lambda w: (w.jaar, w.cbs)):
            assert wijziging.datum is not None
            self._stel_vast(self.beschikkingen[wijziging.cbs, wijziging.jaar], wijziging.datum)
            self.resultaat.vaststellingen += 1
            self.stap.regels += 1
        return self.resultaat

    def _ken_toe(self, werk: Werk) -> None:
        """As `importeren._ken_toe`: the missing decisions made and decided, the others
        amended (the ceiling was checked over the whole file: see there)."""
        codes = {c for c, _ in werk.toekenningen}
        for toekenning in werk.toekenningen.values():
            codes.update(toekenning.deelnemers or ())
        gemeenten = {
            g.cbs_code: g
            for g in db.session.execute(sa.select(Gemeente).where(Gemeente.cbs_code.in_(codes)))
            .scalars()
            .all()
        }
        self.bezet = self._kenmerken_in_gebruik(werk, gemeenten)
        for (cbs, jaar), nieuw in sorted(
            werk.toekenningen.items(), key=lambda i: (i[0][1], i[0][0])
        ):
            deelnemers = (
                None if nieuw.deelnemers is None else [gemeenten[c] for c in nieuw.deelnemers]
            )
            beschikking = self.beschikkingen.get((cbs, jaar))
            if beschikking is None:
                self.beschikkingen[cbs, jaar] = self._beschik(
                    self.jaren[jaar], gemeenten[cbs], nieuw, deelnemers or []
                )
                self.resultaat.beschikkingen_nieuw += 1
            else:
                self._wijzig(beschikking, nieuw, deelnemers)
                self.resultaat.beschikkingen_gewijzigd += 1
            self.stap.regels += nieuw.regels

    def _kenmerken_in_gebruik(self, werk: Werk, gemeenten: Mapping[str, Gemeente]) -> set[str]:
        """Which of the decision numbers the new decisions would get are in use: one query,
        where `services.beschik` asks one a decision."""
        gewenst = {
            (t.kenmerk or kenmerk(self.regeling, jaar, cbs)).strip()
            for (cbs, jaar), t in werk.toekenningen.items()
            if (cbs, jaar) not in self.beschikkingen
        }
        if not gewenst:
            return set()
        return {
            nummer
            for nummer in db.session.execute(
                sa.select(Beschikking.kenmerk).where(Beschikking.kenmerk.in_(sorted(gewenst)))
            ).scalars()
            if nummer is not None
        }

    def _beschik(
        self,
        regeling_jaar: RegelingJaar,
        gemeente: Gemeente,
        toekenning: Toekenning,
        deelnemers: list[Gemeente],
    ) -> _Beschikking:
        """As `importeren._beschik`: `services.maak_beschikking`, then `services.beschik`."""
        gegevens = services.BeschikkingGegevens(
            bedrag=toekenning.bedrag,
            doelbedragen=toekenning.doelbedragen,
            regio_naam=toekenning.regio,
            deelnemers=deelnemers,
        )
        services.controleer_nieuw(regeling_jaar, gemeente, gegevens, heeft_al=False)
        rij = _Rij(
            id=None,
            regeling_jaar_id=regeling_jaar.id,
            gemeente_id=gemeente.id,
            regio_naam=(gegevens.regio_naam or "").strip() or None,
            kenmerk=None,
            datum=None,
            bedrag=gegevens.bedrag,
            status=BeschikkingStatus.CONCEPT,
            verantwoording_uiterlijk=services.standaard_uiterste_datum(regeling_jaar.jaar),
            toelichting=None,
            versie=1,
        )
        beschikking = _Beschikking(
            rij=rij,
            gemeente=gemeente,
            regeling_jaar=regeling_jaar,
            doelbedragen=dict(gegevens.doelbedragen),
            deelnemers=[g for g in deelnemers if g.id != gemeente.id],
            versies=0,
            betaald=NUL,
            gepland=NUL,
            open_betalingen=0,
            verantwoordingen=[],
        )
        self.nieuw[Beschikking].append(rij)
        gemaakt = dict(rij)  # as made: a draft, and its participants
        if beschikking.deelnemers:
            gemaakt["deelnemers"] = [[], audit.labels(beschikking.deelnemers)]
        self._audit(Beschikking, rij, "aangemaakt", gemaakt)
        for doel_id, bedrag in beschikking.doelbedragen.items():
            self._nieuw(Doelbedrag, beschikking_id=rij, doel_id=doel_id, bedrag=bedrag)

        nummer = services.controleer_kenmerk(
            toekenning.kenmerk or kenmerk(self.regeling, regeling_jaar.jaar, gemeente.cbs_code),
            self.bezet.__contains__,
        )
        self.bezet.add(nummer)
        self._verander(
            beschikking,
            kenmerk=nummer,
            datum=toekenning.datum or self.vandaag,
            status=BeschikkingStatus.BESCHIKT,
        )
        self._bewaar_versie(beschikking, None)
        return beschikking

    def _wijzig(
        self, beschikking: _Beschikking, toekenning: Toekenning, deelnemers: list[Gemeente] | None
    ) -> None:
        """As `importeren._wijzig`, through `services.wijzig_beschikking`'s checks."""
        bedrag, verdeling = toekenning.wijziging(beschikking.bedrag, beschikking.doelbedragen)
        gegevens = services.BeschikkingGegevens(
            bedrag=bedrag,
            doelbedragen=verdeling,
            regio_naam=toekenning.regio or beschikking.rij["regio_naam"],
            deelnemers=list(beschikking.deelnemers) if deelnemers is None else deelnemers,
            toelichting=beschikking.rij["toelichting"],
        )
        status = beschikking.status
        services.controleer_wijziging(status, beschikking.regeling_jaar, gegevens, self.reden)
        if (lager := services.lager_dan_betaald(status, bedrag, beschikking.betaald)) is not None:
            raise services.SubsidieFout(lager)
        oude_labels = audit.labels(beschikking.deelnemers)
        beschikking.deelnemers = [g for g in gegevens.deelnemers if g.id != beschikking.gemeente.id]
        nieuwe_labels = audit.labels(beschikking.deelnemers)
        self._verander(
            beschikking,
            {"deelnemers": [oude_labels, nieuwe_labels]} if oude_labels != nieuwe_labels else {},
            bedrag=bedrag,
            regio_naam=(gegevens.regio_naam or "").strip() or None,
            toelichting=(gegevens.toelichting or "").strip() or None,
            status=BeschikkingStatus.GEWIJZIGD if status in services.BESLOTEN else status,
        )
        self._zet_doelbedragen(beschikking, verdeling)
        if status in services.BESLOTEN:
            self._bewaar_versie(beschikking, self.reden)

    def _zet_doelbedragen(self, beschikking: _Beschikking, verdeling: dict[int, Decimal]) -> None:
        """The amounts per purpose of a decision that existed, as `services._zet_gegevens`
        leaves them: changed in place, added, and removed."""
        beschikking_id = beschikking.rij["id"]
        for doel_id, bedrag in verdeling.items():
            oud = beschikking.doelbedragen.get(doel_id)
            if oud is None:
                self._nieuw(
                    Doelbedrag, beschikking_id=beschikking_id, doel_id=doel_id, bedrag=bedrag
                )
            elif oud != bedrag:
                doelbedrag_id = beschikking.doelbedrag_ids[doel_id]
                self.doelbedragen_anders.append({"b_id": doelbedrag_id, "bedrag": bedrag})
                self._audit(
                    Doelbedrag,
                    doelbedrag_id,
                    "gewijzigd",
                    audit.gewijzigd({"bedrag": oud}, {"bedrag": bedrag}),
                )
        for doel_id in [d for d in beschikking.doelbedragen if d not in verdeling]:
            doelbedrag_id = beschikking.doelbedrag_ids[doel_id]
            self.doelbedragen_weg.append(doelbedrag_id)
            waarden = {
                "beschikking_id": beschikking_id,
                "doel_id": doel_id,
                "bedrag": beschikking.doelbedragen[doel_id],
            }
            self._audit(
                Doelbedrag, doelbedrag_id, "verwijderd", audit.verwijderd(Doelbedrag, waarden)
            )
        beschikking.doelbedragen = {
            **{d: verdeling[d] for d in beschikking.doelbedragen if d in verdeling},
            **{d: b for d, b in verdeling.items() if d not in beschikking.doelbedragen},
        }

    def _betaal(self, wijziging: Wijziging) -> None:
        """As `importeren._betaal`: `services.plan_betaling`, then `registreer_betaling` (whose
        checks a payment just planned at that amount always passes)."""
        assert wijziging.datum is not None
        beschikking = self.beschikkingen[wijziging.cbs, wijziging.jaar]
        bedrag = euro(wijziging.bedrag or 0)
        geweigerd = services.plannen_geweigerd(
            BetalingSoort.VOORSCHOT,
            bedrag,
            status=beschikking.status,
            toegekend=beschikking.bedrag,
            betaald=beschikking.betaald,
            gepland=beschikking.gepland,
        )
        if geweigerd is not None:
            raise services.SubsidieFout(geweigerd)
        rij = self._nieuwe_betaling(
            beschikking,
            soort=BetalingSoort.VOORSCHOT,
            bedrag=bedrag,
            gepland_op=wijziging.datum,
            omschrijving="Historische import",
        )
        self._verander_rij(Betaling, rij, {}, betaald_op=wijziging.datum, betaald_bedrag=bedrag)
        beschikking.betaald += bedrag
        self.resultaat.betalingen += 1
        self.stap.regels += 1

    def _dien_in(
        self,
        beschikking: _Beschikking,
        bestedingen: Mapping[int, services.Besteding],
        eindverantwoording: bool,
    ) -> _Verantwoording:
        """As `services.dien_in`, with its checks: a new version, the one waiting for review
        replaced."""
        eind = beschikking.eind_goedgekeurd() is not None
        geweigerd = services.indienen_geweigerd_bij(beschikking.status, eind)
        if geweigerd is not None:
            raise services.SubsidieFout(geweigerd)
        services.controleer_bestedingen(self.doelen, bestedingen, beschikking.regeling_jaar.jaar)
        for eerdere in beschikking.verantwoordingen:
            if eerdere.status is VerantwoordingStatus.INGEDIEND:
                self._verander_rij(
                    Verantwoording, eerdere.rij, {}, status=VerantwoordingStatus.VERVANGEN
                )
        rij = self._nieuw(
            Verantwoording,
            beschikking_id=beschikking.rij,
            volgnummer=len(beschikking.verantwoordingen) + 1,
            status=VerantwoordingStatus.INGEDIEND,
            eindverantwoording=eindverantwoording,
            toelichting_afwijking=None,
            bron="import",
            ingediend_door=self.door,
            ingediend_op=self.nu,
            beoordeeld_door=None,
            beoordeeld_op=None,
            reactie=None,
            versie=1,
        )
        verantwoording = _Verantwoording(
            rij=rij, regels={d.id: bestedingen[d.id] for d in self.doelen}
        )
        for doel in self.doelen:
            besteding = bestedingen[doel.id]
            self._nieuw(
                VerantwoordingRegel,
                verantwoording_id=rij,
                doel_id=doel.id,
                besteed_in_jaar=besteding.in_jaar,
                besteed_cumulatief=besteding.cumulatief,
            )
        beschikking.verantwoordingen.append(verantwoording)
        return verantwoording

    def _stel_vast(self, beschikking: _Beschikking, datum: date) -> None:
        """As `importeren._stel_vast`: the final return approved (submitted again as final
        first when the latest is not), then `services.stel_vast` with its checks."""
        eind = beschikking.eind_goedgekeurd()
        if eind is None:
            laatste = beschikking.verantwoordingen[-1]  # the check asked for the spending
            if not (
                laatste.rij["eindverantwoording"]
                and laatste.status is VerantwoordingStatus.INGEDIEND
            ):
                laatste = self._dien_in(beschikking, laatste.regels, True)
            # `services.keur_goed`: a version just submitted, or still waiting, is reviewable.
            self._verander_rij(
                Verantwoording,
                laatste.rij,
                {},
                status=VerantwoordingStatus.GOEDGEKEURD,
                beoordeeld_door=self.door,
                beoordeeld_op=self.nu,
                reactie=None,
            )
            eind = laatste
        geweigerd = services.voorstel_geweigerd(
            beschikking.status, beschikking.bedrag, True
        ) or services.vaststellen_geweigerd_bij(beschikking.open_betalingen, beschikking.gepland)
        if geweigerd is not None:
            raise services.SubsidieFout(geweigerd)
        assert beschikking.bedrag is not None
        subsidiabel = sum((b.cumulatief for b in eind.regels.values()), NUL)
        vastgesteld = regels.vast_te_stellen(beschikking.bedrag, subsidiabel)
        saldo = vastgesteld - beschikking.betaald
        self._verander(beschikking, status=BeschikkingStatus.VASTGESTELD)
        self._bewaar_versie(beschikking, services.reden_vastgesteld(vastgesteld))
        if (betaling := services.saldobetaling(saldo, datum)) is not None:
            self._nieuwe_betaling(beschikking, **betaling)
        self._nieuw(
            Vaststelling,
            beschikking_id=beschikking.rij,
            verantwoording_id=eind.rij,
            subsidiabel=subsidiabel,
            vastgesteld_bedrag=vastgesteld,
            betaald=beschikking.betaald,
            saldo=saldo,
            datum=datum,
            vastgesteld_door=self.door,
            vastgesteld_op=self.nu,
        )

    # --- The steps' bookkeeping ---------------------------------------------------------

    def _audit(self, model: type[Model], obj: Any, actie: str, wijzigingen: dict[str, Any]) -> None:
        self.stap.audit.append((model.__audit_soort__, obj, actie, wijzigingen))  # type: ignore[attr-defined]

    def _nieuw(self, model: type[Model], **waarden: Any) -> _Rij:
        """A new row of ``model`` (every column but the id), with its audit entry."""
        rij = _Rij(id=None, **waarden)
        self.nieuw[model].append(rij)
        self._audit(model, rij, "aangemaakt", dict(waarden))
        return rij

    def _nieuwe_betaling(self, beschikking: _Beschikking, **waarden: Any) -> _Rij:
        return self._nieuw(
            Betaling,
            beschikking_id=beschikking.rij,
            **{
                "betaald_op": None,
                "betaald_bedrag": None,
                "betalingskenmerk": None,
                "geannuleerd_op": None,
                "geannuleerd_door": None,
                "reden_annulering": None,
                "versie": 1,
                **waarden,
            },
        )

    def _verander_rij(
        self, model: type[Model], rij: _Rij, relaties: dict[str, Any], **waarden: Any
    ) -> None:
        """Change a row's columns as an ORM flush would: an audit entry of what differs (and
        of ``relaties``), and the version raised when a column changed."""
        wijzigingen = audit.gewijzigd(rij, waarden)
        if wijzigingen:
            rij.update(waarden)
            rij["versie"] += 1
        wijzigingen |= relaties
        if wijzigingen:
            self._audit(model, rij if rij["id"] is None else rij["id"], "gewijzigd", wijzigingen)

    def _verander(
        self, beschikking: _Beschikking, relaties: dict[str, Any] | None = None, **waarden: Any
    ) -> None:
        self._verander_rij(Beschikking, beschikking.rij, relaties or {}, **waarden)

    def _bewaar_versie(self, beschikking: _Beschikking, reden: str | None) -> None:
        """As `services._bewaar_versie`."""
        beschikking.versies += 1
        rij = beschikking.rij
        self.nieuw[BeschikkingVersie].append(
            _Rij(
                id=None,
                beschikking_id=rij,
                volgnummer=beschikking.versies,
                status=rij["status"],
                kenmerk=rij["kenmerk"],
                datum=rij["datum"],
                bedrag=rij["bedrag"],
                doelbedragen=services.versie_doelbedragen(self.codes, beschikking.doelbedragen),
                reden=reden,
                vastgelegd_door=self.door,
                vastgelegd_op=self.nu,
            )
        )

    # --- Writing ------------------------------------------------------------------------

    def schrijf(self, voortgang: Voortgang) -> None:
        """Write what `plan` made, a table at a time, and each step's audit entries after
        its rows. Flushes nothing of the session's own objects; expires them at the end."""
        sessie = db.session
        self._voeg_in(Beschikking)
        self._werk_bij(
            Beschikking,
            [b for b in self.beschikkingen.values() if b.oud is not None],
            ("regio_naam", "kenmerk", "datum", "bedrag", "status", "toelichting"),
        )
        self._deelnemers()
        self._voeg_in(Doelbedrag)
        tabel = _tabel(Doelbedrag)
        if self.doelbedragen_anders:
            sessie.execute(
                sa.update(tabel)
                .where(tabel.c.id == sa.bindparam("b_id"))
                .values(bedrag=sa.bindparam("bedrag")),
                self.doelbedragen_anders,
            )
        if self.doelbedragen_weg:
            sessie.execute(sa.delete(tabel).where(tabel.c.id.in_(self.doelbedragen_weg)))
        self._voeg_in(BeschikkingVersie, terug=False)
        self._audit_van(TOEKENNEN, voortgang)
        self._voeg_in(Betaling)
        self._audit_van(BETALEN, voortgang)
        self._voeg_in(Verantwoording)
        self._werk_bij(
            Verantwoording,
            [
                v
                for b in self.beschikkingen.values()
                for v in b.verantwoordingen
                if v.oud is not None
            ],
            ("status", "beoordeeld_door", "beoordeeld_op", "reactie"),
        )
        self._voeg_in(VerantwoordingRegel)
        self._audit_van(INDIENEN, voortgang)
        self._voeg_in(Vaststelling)
        self._audit_van(VASTSTELLEN, voortgang)
        sessie.expire_all()

    def _voeg_in(self, model: type[Model], *, terug: bool = True) -> None:
        """Insert the new rows of ``model`` at once (`kern.db.voeg_veel_in`: COPY on
        PostgreSQL), with their ids back in the order given."""
        rijen = self.nieuw.get(model)
        if not rijen:
            return
        kolommen = audit.kolomnamen(model)
        ids = voeg_veel_in(
            _tabel(model), [{k: _id(rij[k]) for k in kolommen} for rij in rijen], met_ids=terug
        )
        for rij, nieuw_id in zip(rijen, ids or (), strict=terug):
            rij["id"] = nieuw_id

    def _werk_bij(
        self,
        model: type[Model],
        objecten: Sequence[_Beschikking] | Sequence[_Verantwoording],
        kolommen: Iterable[str],
    ) -> None:
        """Update rows that existed and changed, each only if its version is still the one
        read (as the ORM's version check: `services.Conflict` otherwise)."""
        kolommen = tuple(kolommen)
        rijen = [
            {
                "b_id": o.rij["id"],
                "b_versie": o.oud["versie"],
                **{k: o.rij[k] for k in (*kolommen, "versie")},
            }
            for o in objecten
            if o.oud is not None and o.rij["versie"] != o.oud["versie"]
        ]
        if not rijen:
            return
        tabel = _tabel(model)
        resultaat: sa.CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
            sa.update(tabel)
            .where(tabel.c.id == sa.bindparam("b_id"), tabel.c.versie == sa.bindparam("b_versie"))
            .values({k: sa.bindparam(k) for k in (*kolommen, "versie")}),
            rijen,
        )
        if db.engine.dialect.supports_sane_multi_rowcount and resultaat.rowcount != len(rijen):
            raise services.Conflict(
                "Iemand anders heeft gegevens van deze regeling intussen gewijzigd. Er is niets "
                "ingelezen; laat het bestand opnieuw controleren."
            )

    def _deelnemers(self) -> None:
        tabel = beschikking_deelnemers
        erbij: list[dict[str, int]] = []
        eraf: list[dict[str, int]] = []
        for beschikking in self.beschikkingen.values():
            beschikking_id = beschikking.rij["id"]
            nu = {g.id for g in beschikking.deelnemers}
            was = {g.id for g in beschikking.oude_deelnemers}
            erbij += [
                {"beschikking_id": beschikking_id, "gemeente_id": g} for g in sorted(nu - was)
            ]
            eraf += [{"b_id": beschikking_id, "g_id": g} for g in sorted(was - nu)]
        if eraf:
            db.session.execute(
                sa.delete(tabel).where(
                    tabel.c.beschikking_id == sa.bindparam("b_id"),
                    tabel.c.gemeente_id == sa.bindparam("g_id"),
                ),
                eraf,
            )
        if erbij:
            db.session.execute(sa.insert(tabel), erbij)

    def _audit_van(self, stap: int, voortgang: Voortgang) -> None:
        """The step's audit entries, as the listener words them, in one insert."""
        entries: list[audit.Entry] = []
        for soort, obj, actie, wijzigingen in self.stappen[stap].audit:
            if actie == "aangemaakt":
                model = _MODELLEN[soort]
                relaties = {k: v for k, v in wijzigingen.items() if k in model.__audit_relaties__}
                waarden = {k: _id(v) for k, v in wijzigingen.items() if k not in relaties}
                wijzigingen = {**audit.aangemaakt(model, waarden), **relaties}
            entries.append((soort, _id(obj), actie, wijzigingen))
        audit.schrijf(entries)
        voortgang(self.stappen[stap].regels)


_MODELLEN: dict[str, Any] = {
    m.__audit_soort__: m
    for m in (Beschikking, Doelbedrag, Betaling, Verantwoording, VerantwoordingRegel, Vaststelling)
}


def _tabel(model: type[Model]) -> sa.Table:
    tabel: sa.Table = model.__table__  # type: ignore[assignment]
    return tabel


def _gelezen(beschikking: Beschikking, versies: Mapping[int, int]) -> _Beschikking:
    """A decision of the database as the import needs it (loaded by `beschikkingen_van`;
    ``versies``: the number of versions per decision id)."""
    rij = _Rij({k: getattr(beschikking, k) for k in ("id", *audit.kolomnamen(Beschikking))})
    return _Beschikking(
        rij=rij,
        oud=dict(rij),
        gemeente=beschikking.gemeente,
        regeling_jaar=beschikking.regeling_jaar,
        doelbedragen={d.doel_id: d.bedrag for d in beschikking.doelbedragen},
        doelbedrag_ids={d.doel_id: d.id for d in beschikking.doelbedragen},
        deelnemers=list(beschikking.deelnemers),
        oude_deelnemers=list(beschikking.deelnemers),
        versies=versies.get(beschikking.id, 0),
        betaald=beschikking.betaald,
        gepland=beschikking.gepland,
        open_betalingen=sum(1 for b in beschikking.betalingen if b.is_open),
        verantwoordingen=[_gelezen_verantwoording(v) for v in beschikking.verantwoordingen],
    )


def _versies(regeling: Regeling) -> dict[int, int]:
    """The number of versions of each decision of the scheme, in one query."""
    vraag = (
        sa.select(BeschikkingVersie.beschikking_id, sa.func.count(BeschikkingVersie.id))
        .join(Beschikking, Beschikking.id == BeschikkingVersie.beschikking_id)
        .join(RegelingJaar, RegelingJaar.id == Beschikking.regeling_jaar_id)
        .where(RegelingJaar.regeling_id == regeling.id)
        .group_by(BeschikkingVersie.beschikking_id)
    )
    return dict(db.session.execute(vraag).all())


def _gelezen_verantwoording(verantwoording: Verantwoording) -> _Verantwoording:
    rij = _Rij({k: getattr(verantwoording, k) for k in ("id", *audit.kolomnamen(Verantwoording))})
    return _Verantwoording(
        rij=rij,
        oud=dict(rij),
        regels={
            r.doel_id: services.Besteding(r.besteed_in_jaar, r.besteed_cumulatief)
            for r in verantwoording.regels
        },
    )


@contextmanager
def zonder_opruimen() -> Iterator[None]:
    """Python's cycle collector paused: a file of 100,000 rows builds a few million small
    objects, none in a cycle, and each full collection walked them all again (a third of the
    confirmation's time at 100,000 rows, bench/historische_import.py). Reference counting
    still frees everything; the collector runs again after."""
    aan = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if aan:
            gc.enable()


def lees_in(
    regeling: Regeling,
    werk: Werk,
    bestaand: Mapping[GemeenteJaar, Beschikking],
    *,
    door: str,
    vandaag: date,
    reden: str,
    vooraf: Callable[[Resultaat], None],
    voortgang: Voortgang,
) -> Resultaat:
    """Plan the whole file in memory, call ``vooraf`` with what it will do (before anything
    is written: the caller marks the upload imported there), then write it."""
    inlezing = Inlezing(regeling, bestaand, door=door, vandaag=vandaag, reden=reden)
    resultaat = inlezing.plan(werk)
    vooraf(resultaat)
    db.session.flush()  # before the rows: a second confirmation of the upload waits here
    inlezing.schrijf(voortgang)
    return resultaat
