"""The import: the staged rows through the services, in the caller's one transaction.

`Resultaat` says what an import did, or (`gevolgen`) what it would do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
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
    Voortgang,
    beschikkingen_van,
    euro,
    hoort_bij,
    kenmerk,
)
from subsidies.historische_import.controle import verouderd
from subsidies.models import BetalingSoort, Regeling


@dataclass
class Resultaat:
    """What an import did (or, in `upload.gegevens["gevolgen"]`, what it would do)."""

    beschikkingen_nieuw: int = 0
    beschikkingen_gewijzigd: int = 0
    betalingen: int = 0
    verantwoordingen: int = 0

    def __str__(self) -> str:
        """``1 nieuwe beschikking, 0 gewijzigde beschikkingen, 2 betalingen en ...``"""
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
    jaren = {j.jaar: j for j in regeling.jaren}
    doelen = {d.code: d for d in regeling.doelen}
    bestaand = {(b.gemeente.cbs_code, b.regeling_jaar.jaar): b for b in beschikkingen_van(regeling)}
    toekenningen: dict[tuple[str, int], dict[int, Decimal]] = defaultdict(dict)
    betalingen: list[tuple[str, int, Decimal, date]] = []
    bestedingen: dict[tuple[str, int], dict[int, services.Besteding]] = defaultdict(dict)
    besteding_gewijzigd: dict[tuple[str, int], int] = defaultdict(int)  # changed rows
    for _rij, g in uploads.gestaged(upload):  # only what is new or changes something
        groep = (g["cbs"], g["jaar"])
        if g["soort"] == TOEKENNING:
            toekenningen[groep][doelen[g["doel"]].id] = euro(g["bedrag"])
        elif g["soort"] == BETALING:
            betalingen.append((*groep, euro(g["bedrag"]), date.fromisoformat(g["datum"])))
        else:
            if groep not in bestedingen and (vorige := bestaand.get(groep)) is not None:
                # The purposes the file left as they were are as the latest return has them
                # (the check compared the file with it, and nothing changed since).
                laatste = vorige.laatste_verantwoording
                for regel in laatste.regels if laatste else []:
                    bestedingen[groep][regel.doel_id] = services.Besteding(
                        regel.besteed_in_jaar, regel.besteed_cumulatief
                    )
            bestedingen[groep][doelen[g["doel"]].id] = services.Besteding(
                euro(g["bedrag"]), euro(g["cumulatief"])
            )
            besteding_gewijzigd[groep] += 1

    resultaat = Resultaat()
    gemeenten = {
        g.cbs_code: g
        for g in db.session.execute(
            sa.select(Gemeente).where(Gemeente.cbs_code.in_({c for c, _ in toekenningen}))
        ).scalars()
    }
    reden = f"Historische import van {upload.bestandsnaam} (upload {upload.id})."
    # The ceiling: the check (`controle._plafonds`) asked `regels.plafond_tekort` about the
    # file's totals per year, all changes together, and refused the file if any exceeds it;
    # the officer then confirmed what the preview showed. The services are told so
    # (`bevestig_overschrijding=True`) because applying the rows one by one would ask about
    # states in between (a raise counted before a cut) that the file as a whole never has.
    for (cbs, jaar), nieuw in sorted(toekenningen.items(), key=lambda i: (i[0][1], i[0][0])):
        beschikking = bestaand.get((cbs, jaar))
        if beschikking is None:
            beschikking = services.maak_beschikking(
                jaren[jaar],
                gemeenten[cbs],
                services.BeschikkingGegevens(
                    bedrag=sum(nieuw.values(), Decimal(0)), doelbedragen=nieuw
                ),
                bevestig_overschrijding=True,  # see above
            )
            services.beschik(
                beschikking,
                kenmerk=kenmerk(regeling, jaar, cbs),
                datum=vandaag,
                door=door,
                versie=beschikking.versie,
                bevestig_overschrijding=True,  # see above
            )
            bestaand[cbs, jaar] = beschikking
            resultaat.beschikkingen_nieuw += 1
        else:
            verdeling = {d.doel_id: d.bedrag for d in beschikking.doelbedragen} | nieuw
            services.wijzig_beschikking(
                beschikking,
                services.BeschikkingGegevens(
                    bedrag=sum(verdeling.values(), Decimal(0)),
                    doelbedragen=verdeling,
                    regio_naam=beschikking.regio_naam,
                    deelnemers=list(beschikking.deelnemers),
                    toelichting=beschikking.toelichting,
                ),
                door=door,
                versie=beschikking.versie,
                reden=reden,
                bevestig_overschrijding=True,  # see above
            )
            resultaat.beschikkingen_gewijzigd += 1
        if voortgang is not None:
            voortgang(len(nieuw))
    for cbs, jaar, bedrag, op in betalingen:
        beschikking = bestaand[cbs, jaar]
        betaling = services.plan_betaling(
            beschikking,
            soort=BetalingSoort.VOORSCHOT,
            bedrag=bedrag,
            gepland_op=op,
            omschrijving="Historische import",
        )
        services.registreer_betaling(betaling, betaald_op=op, versie=betaling.versie)
        resultaat.betalingen += 1
        if voortgang is not None:
            voortgang(1)
    for groep in sorted(besteding_gewijzigd, key=lambda g: (g[1], g[0])):
        services.dien_in(
            bestaand[groep],
            bestedingen=bestedingen[groep],
            eindverantwoording=False,
            toelichting=None,
            door=door,
            bron="import",
        )
        resultaat.verantwoordingen += 1
        if voortgang is not None:
            voortgang(besteding_gewijzigd[groep])
    upload.gegevens = {**upload.gegevens, "resultaat": asdict(resultaat)}
    uploads.markeer_geimporteerd(
        upload, door=door, resultaat=f"{getal(te_importeren(upload))} regels ingelezen"
    )
    return resultaat


def te_importeren(upload: Upload) -> int:
    """The staged rows an import works through (for a progress bar)."""
    aantallen = upload.gegevens.get("aantallen", {})
    return sum(a.get(NIEUW, 0) + a.get(GEWIJZIGD, 0) for a in aantallen.values())
