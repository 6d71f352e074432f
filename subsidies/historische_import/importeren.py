"""The import of the staged rows, in the caller's one transaction: set-based (`bulk`), or
row by row through the services (`per_rij=True`: the reference the bulk path is compared with).

`Resultaat` says what an import did, or (`gevolgen`) what it would do.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import sqlalchemy as sa

from gemeenten.models import Gemeente
from kern import uploads
from kern.db import db
from kern.formatting import getal
from kern.uploads import Upload
from subsidies import services
from subsidies.historische_import import bulk
from subsidies.historische_import.basis import (
    GEWIJZIGD,
    NIEUW,
    Voortgang,
    beschikkingen_van,
    euro,
    hoort_bij,
    kenmerk,
)
from subsidies.historische_import.controle import verouderd
from subsidies.historische_import.werk import GemeenteJaar, Resultaat, Toekenning, Werk, verzamel
from subsidies.models import (
    Beschikking,
    BetalingSoort,
    Regeling,
    RegelingJaar,
    VerantwoordingStatus,
)

__all__ = ["Resultaat", "gevolgen", "importeer", "ingelezen", "te_importeren"]


def gevolgen(upload: Upload) -> Resultaat:
    """What confirming a checked upload would do."""
    return Resultaat(**upload.gegevens.get("gevolgen", {}))


def ingelezen(upload: Upload) -> Resultaat | None:
    """What the import of an imported upload did."""
    gedaan = upload.gegevens.get("resultaat")
    return None if gedaan is None else Resultaat(**gedaan)


def importeer(
    regeling: Regeling,
    upload: Upload,
    *,
    door: str,
    versie: int | None,
    vandaag: date,
    voortgang: Voortgang | None = None,
    per_rij: bool = False,
) -> Resultaat:
    """Import the staged rows. Flushes; the caller commits once.

    The whole file is checked in memory against the services' rules and written in bulk
    (`bulk`); with ``per_rij`` each decision, payment and return goes through the services one
    call at a time instead, with the same result (compared in the tests). Raises
    `services.SubsidieFout` (nothing of the file may then be kept: the caller rolls back) when
    the upload changed, is not checked, or anything of the scheme changed since the check; and
    whatever a service's rule refuses.
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
    voortgang = voortgang or (lambda _: None)
    reden = f"Historische import van {upload.bestandsnaam} (upload {upload.id})."
    if not per_rij:
        with bulk.zonder_opruimen():
            return bulk.lees_in(
                regeling,
                verzamel(regeling, upload, bestaand),
                bestaand,
                door=door,
                vandaag=vandaag,
                reden=reden,
                vooraf=lambda resultaat: _markeer(upload, resultaat, door),
                voortgang=voortgang,
            )
    werk = verzamel(regeling, upload, bestaand)
    resultaat = Resultaat()
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
    _markeer(upload, resultaat, door)
    return resultaat


def _markeer(upload: Upload, resultaat: Resultaat, door: str) -> None:
    upload.gegevens = {**upload.gegevens, "resultaat": asdict(resultaat)}
    uploads.markeer_geimporteerd(
        upload, door=door, resultaat=f"{getal(te_importeren(upload))} regels ingelezen"
    )


def _ken_toe(
    regeling: Regeling,
    werk: Werk,
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
    toekenning: Toekenning,
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
            bedrag=toekenning.bedrag,
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
    toekenning: Toekenning,
    deelnemers: list[Gemeente] | None,
    *,
    door: str,
    reden: str,
) -> None:
    """The decision amended: the file's amounts, the other purposes as they were; a new total
    replaces the split (the same total keeps it); region and participants where the file gives
    them (ceiling: see `_ken_toe`)."""
    bedrag, verdeling = toekenning.wijziging(
        beschikking.bedrag, {d.doel_id: d.bedrag for d in beschikking.doelbedragen}
    )
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
    werk: Werk,
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
    werk: Werk,
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
    werk: Werk,
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
