"""The import: the staged rows through the services, in the caller's one transaction.

`Resultaat` says what an import did, or (`gevolgen`) what it would do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from gemeenten.models import Gemeente
from kern import uploads
from kern.db import db
from kern.formatting import getal
from kern.uploads import Upload
from subsidies import services
from subsidies.historische_import.basis import (
    BETALING,
    GEWIJZIGD,
    NIEUW,
    TOEKENNING,
    VASTSTELLING,
    Voortgang,
    Wijziging,
    beschikkingen_van,
    euro,
    euro_of_open,
    hoort_bij,
    kenmerk,
)
from subsidies.historische_import.controle import verouderd
from subsidies.models import (
    Beschikking,
    BetalingSoort,
    Regeling,
    RegelingJaar,
    VerantwoordingStatus,
)


@dataclass
class Resultaat:
    """What an import did (or, in `upload.gegevens["gevolgen"]`, what it would do)."""

    beschikkingen_nieuw: int = 0
    beschikkingen_gewijzigd: int = 0
    betalingen: int = 0
    verantwoordingen: int = 0
    vaststellingen: int = 0

    def __str__(self) -> str:
        """``1 nieuwe beschikking, 0 gewijzigde beschikkingen, 2 betalingen en ...`` (the
        settlements only when there are any)."""
        delen = [
            _aantal(self.beschikkingen_nieuw, "nieuwe beschikking", "nieuwe beschikkingen"),
            _aantal(
                self.beschikkingen_gewijzigd, "gewijzigde beschikking", "gewijzigde beschikkingen"
            ),
            _aantal(self.betalingen, "betaling", "betalingen"),
            _aantal(
                self.verantwoordingen,
                "nieuwe versie van een verantwoording",
                "nieuwe versies van verantwoordingen",
            ),
        ]
        if self.vaststellingen:
            delen.append(_aantal(self.vaststellingen, "vaststelling", "vaststellingen"))
        return ", ".join(delen[:-1]) + " en " + delen[-1]


def _aantal(aantal: int, enkelvoud: str, meervoud: str) -> str:
    return f"{getal(aantal)} {enkelvoud if aantal == 1 else meervoud}"


def gevolgen(upload: Upload) -> Resultaat:
    """What confirming a checked upload would do."""
    return Resultaat(**upload.gegevens.get("gevolgen", {}))


def ingelezen(upload: Upload) -> Resultaat | None:
    """What the import of an imported upload did."""
    gedaan = upload.gegevens.get("resultaat")
    return None if gedaan is None else Resultaat(**gedaan)


GemeenteJaar = tuple[str, int]  # a CBS code and a year: one decision of the scheme


@dataclass
class _Toekenning:
    """A decision's staged grant rows: its amounts per purpose, or its total (None: not yet
    set), and its own fields where the file gives them."""

    doelbedragen: dict[int, Decimal] = field(default_factory=dict)
    met_totaal: bool = False
    totaal: Decimal | None = None
    datum: date | None = None
    kenmerk: str | None = None
    regio: str | None = None
    deelnemers: tuple[str, ...] | None = None
    regels: int = 0

    def neem_op(self, wijziging: Wijziging, doel_id: int | None) -> None:
        if doel_id is None:
            self.met_totaal, self.totaal = True, euro_of_open(wijziging.bedrag)
        else:
            self.doelbedragen[doel_id] = euro(wijziging.bedrag or 0)
        self.datum = wijziging.datum or self.datum
        self.kenmerk = wijziging.kenmerk or self.kenmerk
        self.regio = wijziging.regio or self.regio
        self.deelnemers = wijziging.deelnemers or self.deelnemers
        self.regels += 1


@dataclass
class _Werk:
    """The staged rows gathered per decision, in the order the import applies them."""

    toekenningen: dict[GemeenteJaar, _Toekenning] = field(
        default_factory=lambda: defaultdict(_Toekenning)
    )  # per decision
    betalingen: list[Wijziging] = field(default_factory=list)
    bestedingen: dict[GemeenteJaar, dict[int, services.Besteding]] = field(
        default_factory=lambda: defaultdict(dict)
    )  # per decision, the whole return to submit, per doel id
    bestedingsregels: dict[GemeenteJaar, int] = field(
        default_factory=lambda: defaultdict(int)
    )  # per decision, the staged spending rows (for the progress bar)
    vaststellingen: list[Wijziging] = field(default_factory=list)


def importeer(
    regeling: Regeling,
    upload: Upload,
    *,
    door: str,
    versie: int | None,
    vandaag: date,
    voortgang: Voortgang | None = None,
) -> Resultaat:
    """Import the staged rows through the services. Flushes; the caller commits once.

    Raises `services.SubsidieFout` (nothing of the file may then be kept: the caller rolls
    back) when the upload changed, is not checked, or anything of the scheme changed since the
    check; and whatever a service refuses.
    """
    if not hoort_bij(upload, regeling):
        raise services.SubsidieFout("Deze upload hoort niet bij deze regeling.")
    services.controleer_upload(
        upload, versie, anders="Deze upload is niet goedgekeurd en kan niet worden ingelezen."
    )
    if verouderd(regeling, upload):
        raise services.Conflict(
            "Sinds de controle van dit bestand zijn gegevens van deze regeling gewijzigd. Er is "
            "niets ingelezen; laat het bestand opnieuw controleren."
        )
    bestaand = {(b.gemeente.cbs_code, b.regeling_jaar.jaar): b for b in beschikkingen_van(regeling)}
    werk = _verzamel(regeling, upload, bestaand)
    voortgang = voortgang or (lambda _: None)
    resultaat = Resultaat()
    reden = f"Historische import van {upload.bestandsnaam} (upload {upload.id})."
    _ken_toe(
        regeling,
        werk,
        bestaand,
        resultaat,
        door=door,
        vandaag=vandaag,
        reden=reden,
        voortgang=voortgang,
    )
    _betaal(werk, bestaand, resultaat, voortgang)
    _dien_in(werk, bestaand, resultaat, door, voortgang)
    _stel_vast(werk, bestaand, resultaat, door, voortgang)
    upload.gegevens = {**upload.gegevens, "resultaat": asdict(resultaat)}
    uploads.markeer_geimporteerd(
        upload, door=door, resultaat=f"{getal(te_importeren(upload))} regels ingelezen"
    )
    return resultaat


def _verzamel(
    regeling: Regeling, upload: Upload, bestaand: dict[GemeenteJaar, Beschikking]
) -> _Werk:
    """The staged rows (only what is new or changes something), per decision."""
    doelen = {d.code: d for d in regeling.doelen}
    werk = _Werk()
    for _rij, gegevens in uploads.gestaged(upload):
        wijziging = Wijziging.van_json(gegevens)
        groep = (wijziging.cbs, wijziging.jaar)
        if wijziging.soort == TOEKENNING:
            doel_id = None if wijziging.doel is None else doelen[wijziging.doel].id
            werk.toekenningen[groep].neem_op(wijziging, doel_id)
        elif wijziging.soort == BETALING:
            werk.betalingen.append(wijziging)
        elif wijziging.soort == VASTSTELLING:
            werk.vaststellingen.append(wijziging)
        else:
            if groep not in werk.bestedingen and (vorige := bestaand.get(groep)) is not None:
                # The purposes the file left as they were are as the latest return has them
                # (the check compared the file with it, and nothing changed since).
                laatste = vorige.laatste_verantwoording
                for regel in laatste.regels if laatste else []:
                    werk.bestedingen[groep][regel.doel_id] = services.Besteding(
                        regel.besteed_in_jaar, regel.besteed_cumulatief
                    )
            werk.bestedingen[groep][doelen[wijziging.doel or ""].id] = services.Besteding(
                euro(wijziging.bedrag or 0), euro(wijziging.cumulatief or 0)
            )
            werk.bestedingsregels[groep] += 1
    return werk


def _ken_toe(
    regeling: Regeling,
    werk: _Werk,
    bestaand: dict[GemeenteJaar, Beschikking],
    resultaat: Resultaat,
    *,
    door: str,
    vandaag: date,
    reden: str,
    voortgang: Voortgang,
) -> None:
    """Make and decide the missing decisions, amend the others, per year and municipality.

    The ceiling: the check (`controle.Controle._plafonds`) asked `regels.plafond_tekort` about
    the file's totals per year, all changes together, and refused the file if any exceeds it;
    the officer then confirmed what the preview showed. The services are told so
    (`bevestig_overschrijding=True`) because applying the rows one by one would ask about
    states in between (a raise counted before a cut) that the file as a whole never has.
    """
    jaren = {j.jaar: j for j in regeling.jaren}
    codes = {c for c, _ in werk.toekenningen}
    for toekenning in werk.toekenningen.values():
        codes.update(toekenning.deelnemers or ())
    gemeenten = {
        gemeente.cbs_code: gemeente
        for gemeente in db.session.execute(
            sa.select(Gemeente).where(Gemeente.cbs_code.in_(codes))
        ).scalars()
    }
    for (cbs, jaar), nieuw in sorted(werk.toekenningen.items(), key=lambda i: (i[0][1], i[0][0])):
        beschikking = bestaand.get((cbs, jaar))
        deelnemers = None if nieuw.deelnemers is None else [gemeenten[c] for c in nieuw.deelnemers]
        if beschikking is None:
            bestaand[cbs, jaar] = _beschik(
                regeling,
                jaren[jaar],
                gemeenten[cbs],
                nieuw,
                deelnemers or [],
                door=door,
                vandaag=vandaag,
            )
            resultaat.beschikkingen_nieuw += 1
        else:
            _wijzig(beschikking, nieuw, deelnemers, door=door, reden=reden)
            resultaat.beschikkingen_gewijzigd += 1
        voortgang(nieuw.regels)


def _beschik(
    regeling: Regeling,
    regeling_jaar: RegelingJaar,
    gemeente: Gemeente,
    toekenning: _Toekenning,
    deelnemers: list[Gemeente],
    *,
    door: str,
    vandaag: date,
) -> Beschikking:
    """A new decision with the file's amounts, region and participants, decided on its own
    date with its own reference, or today with a generated one (ceiling: see `_ken_toe`)."""
    beschikking = services.maak_beschikking(
        regeling_jaar,
        gemeente,
        services.BeschikkingGegevens(
            bedrag=toekenning.totaal
            if toekenning.met_totaal
            else sum(toekenning.doelbedragen.values(), Decimal(0)),
            doelbedragen=toekenning.doelbedragen,
            regio_naam=toekenning.regio,
            deelnemers=deelnemers,
        ),
        bevestig_overschrijding=True,
    )
    services.beschik(
        beschikking,
        kenmerk=toekenning.kenmerk or kenmerk(regeling, regeling_jaar.jaar, gemeente.cbs_code),
        datum=toekenning.datum or vandaag,
        door=door,
        versie=beschikking.versie,
        bevestig_overschrijding=True,
    )
    return beschikking


def _wijzig(
    beschikking: Beschikking,
    toekenning: _Toekenning,
    deelnemers: list[Gemeente] | None,
    *,
    door: str,
    reden: str,
) -> None:
    """The decision amended: the file's amounts, the other purposes as they were; a new total
    replaces the split (the same total keeps it); region and participants where the file gives
    them (ceiling: see `_ken_toe`)."""
    verdeling = {d.doel_id: d.bedrag for d in beschikking.doelbedragen}
    if not toekenning.met_totaal:
        verdeling |= toekenning.doelbedragen
        bedrag: Decimal | None = sum(verdeling.values(), Decimal(0))
    else:
        bedrag = toekenning.totaal
        if bedrag != beschikking.bedrag:
            verdeling = {}
    services.wijzig_beschikking(
        beschikking,
        services.BeschikkingGegevens(
            bedrag=bedrag,
            doelbedragen=verdeling,
            regio_naam=toekenning.regio or beschikking.regio_naam,
            deelnemers=list(beschikking.deelnemers) if deelnemers is None else deelnemers,
            toelichting=beschikking.toelichting,
        ),
        door=door,
        versie=beschikking.versie,
        reden=reden,
        bevestig_overschrijding=True,
    )


def _betaal(
    werk: _Werk,
    bestaand: dict[GemeenteJaar, Beschikking],
    resultaat: Resultaat,
    voortgang: Voortgang,
) -> None:
    """Every new payment planned as an advance and registered as paid on its date."""
    for wijziging in werk.betalingen:
        assert wijziging.datum is not None
        betaling = services.plan_betaling(
            bestaand[wijziging.cbs, wijziging.jaar],
            soort=BetalingSoort.VOORSCHOT,
            bedrag=euro(wijziging.bedrag or 0),
            gepland_op=wijziging.datum,
            omschrijving="Historische import",
        )
        services.registreer_betaling(betaling, betaald_op=wijziging.datum, versie=betaling.versie)
        resultaat.betalingen += 1
        voortgang(1)


def _dien_in(
    werk: _Werk,
    bestaand: dict[GemeenteJaar, Beschikking],
    resultaat: Resultaat,
    door: str,
    voortgang: Voortgang,
) -> None:
    """Each changed return submitted as a new version, waiting for review like any other; of
    a year the file settles, as the final return (`_stel_vast` approves it)."""
    vast = {(w.cbs, w.jaar) for w in werk.vaststellingen}
    for groep in sorted(werk.bestedingsregels, key=lambda g: (g[1], g[0])):
        services.dien_in(
            bestaand[groep],
            bestedingen=werk.bestedingen[groep],
            eindverantwoording=groep in vast,
            toelichting=None,
            door=door,
            bron="import",
        )
        resultaat.verantwoordingen += 1
        voortgang(werk.bestedingsregels[groep])


def _stel_vast(
    werk: _Werk,
    bestaand: dict[GemeenteJaar, Beschikking],
    resultaat: Resultaat,
    door: str,
    voortgang: Voortgang,
) -> None:
    """A finished year: its return approved as the final one (the file's spending, or the
    latest return's submitted again as final), and the decision settled on the file's date,
    through the services as an officer would."""
    for wijziging in sorted(werk.vaststellingen, key=lambda w: (w.jaar, w.cbs)):
        assert wijziging.datum is not None
        beschikking = bestaand[wijziging.cbs, wijziging.jaar]
        if services.goedgekeurde_eindverantwoording(beschikking) is None:
            laatste = beschikking.laatste_verantwoording
            assert laatste is not None  # the check asked for the spending
            if not (
                laatste.eindverantwoording and laatste.status is VerantwoordingStatus.INGEDIEND
            ):
                laatste, _ = services.dien_in(
                    beschikking,
                    bestedingen={
                        r.doel_id: services.Besteding(r.besteed_in_jaar, r.besteed_cumulatief)
                        for r in laatste.regels
                    },
                    eindverantwoording=True,
                    toelichting=None,
                    door=door,
                    bron="import",
                )
            services.keur_goed(laatste, door=door, versie=laatste.versie)
        services.stel_vast(beschikking, datum=wijziging.datum, door=door, versie=beschikking.versie)
        resultaat.vaststellingen += 1
        voortgang(1)


def te_importeren(upload: Upload) -> int:
    """The staged rows an import works through (for a progress bar)."""
    aantallen = upload.gegevens.get("aantallen", {})
    return sum(a.get(NIEUW, 0) + a.get(GEWIJZIGD, 0) for a in aantallen.values())
