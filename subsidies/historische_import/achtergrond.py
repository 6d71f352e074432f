"""The check and the confirmation of a large file as background jobs (`kern.taken`).

One rule decides where a step runs (`op_de_achtergrond`): a file of more rows than a request
should work through is checked, or imported, by a job; a smaller one in the request, as
before. `controleer` and `lees_in` are the steps as the views take them, whichever way they
run. The job is the scheme's (kind `SOORT`, key the scheme's id, the upload named): one check
or import per scheme at a time, in a job or in a request, and the upload's page shows it to
every officer, whoever started it and whatever browser they use.

A job's work is the same `controle.controleer` and `importeren.importeer` as the request's and
the command line's, in one transaction with the job marked done: a worker killed halfway
leaves neither the rows nor "klaar" behind, and the upload's page says the job was
interrupted (`kern.taken`).
"""

from __future__ import annotations

from datetime import date

from flask import Flask

from kern import taken
from kern.db import db
from kern.formatting import getal
from kern.taken import Achtergrondtaak, Voortgang
from kern.uploads import Upload, UploadStatus
from subsidies import services
from subsidies.historische_import.basis import SOORT, sleutel
from subsidies.historische_import.controle import controleer as controleer_nu
from subsidies.historische_import.importeren import Resultaat, importeer, te_importeren
from subsidies.models import Regeling

CONTROLEREN, INLEZEN = "controleren", "inlezen"

# Above these a step runs as a job. Checking is fast (100,000 rows in about 4 s, the bench),
# importing is not (each row through the services): the first a few seconds of a request, the
# second the 3,000 rows the website took before it had jobs.
CONTROLEREN_VANAF = 20_000  # rows, estimated from the file's size (`BYTES_PER_REGEL`)
INLEZEN_VANAF = 3_000  # rows to import (new and changed)
BYTES_PER_REGEL = 25  # a compressed row of the template, as bench/excel_import.py writes them

BEZET = "Er loopt al een controle of import van een bestand voor deze regeling"


def registreer(app: Flask) -> None:
    taken.registreer(app, SOORT, CONTROLEREN, _controleer)
    taken.registreer(app, SOORT, INLEZEN, _lees_in)


def op_de_achtergrond(upload: Upload, stap: str) -> bool:
    """Whether ``stap`` on ``upload`` (`CONTROLEREN` the file, `INLEZEN` its staged rows) runs
    as a job rather than in the request."""
    if stap == INLEZEN:
        return te_importeren(upload) > INLEZEN_VANAF
    return upload.grootte // BYTES_PER_REGEL > CONTROLEREN_VANAF


def controleer(
    regeling: Regeling,
    upload: Upload,
    inhoud: bytes | None = None,
    *,
    door: str,
    gebruiker_id: int | None,
) -> Achtergrondtaak | None:
    """Check ``upload`` now, or start a job that does (returned). Raises
    `services.SubsidieFout` while another check or import of the scheme runs. Flushes."""
    niet_bezet(regeling)
    if not op_de_achtergrond(upload, CONTROLEREN):
        controleer_nu(regeling, upload, inhoud)
        return None
    return _start(regeling, upload, CONTROLEREN, door=door, gebruiker_id=gebruiker_id)


def lees_in(
    regeling: Regeling,
    upload: Upload,
    *,
    door: str,
    gebruiker_id: int | None,
    versie: int | None,
    vandaag: date,
) -> Resultaat | Achtergrondtaak:
    """Import the staged rows of ``upload`` now (the result), or start a job that does (the
    job). Raises `services.SubsidieFout` when the upload cannot be imported, the form showed
    another version of it, or another check or import of the scheme runs. Flushes."""
    niet_bezet(regeling)
    if not op_de_achtergrond(upload, INLEZEN):
        return importeer(regeling, upload, door=door, versie=versie, vandaag=vandaag)
    # A form for another version, or an upload imported already, is refused now; `importeer`
    # asks again when the job runs, with whether the scheme changed since the check.
    services.controleer_upload(
        upload, versie, anders="Deze upload is niet goedgekeurd en kan niet worden ingelezen."
    )
    return _start(
        regeling,
        upload,
        INLEZEN,
        door=door,
        gebruiker_id=gebruiker_id,
        totaal=te_importeren(upload),
        gegevens={"versie": versie, "vandaag": vandaag.isoformat()},
    )


def niet_bezet(regeling: Regeling) -> None:
    """Refuse (`services.SubsidieFout`) while a check or import of ``regeling`` runs as a job:
    for work on the scheme's uploads in a request or a command."""
    try:
        taken.weiger_als_bezet(SOORT, sleutel(regeling), BEZET)
    except taken.Bezet as fout:
        raise services.SubsidieFout(str(fout)) from None


def _start(
    regeling: Regeling,
    upload: Upload,
    stap: str,
    *,
    door: str,
    gebruiker_id: int | None,
    totaal: int | None = None,
    gegevens: dict[str, object] | None = None,
) -> Achtergrondtaak:
    try:
        return taken.start(
            SOORT,
            sleutel(regeling),
            stap,
            door=door,
            bezet=BEZET,
            gebruiker_id=gebruiker_id,
            upload_id=upload.id,
            totaal=totaal,
            gegevens=dict(gegevens or {}),
        )
    except taken.Bezet as fout:
        raise services.SubsidieFout(str(fout)) from None


# --- The work, in the worker -------------------------------------------------------------------


def _laad(taak: Achtergrondtaak) -> tuple[Regeling, Upload]:
    regeling = db.session.get(Regeling, int(taak.sleutel))
    upload = None if taak.upload_id is None else db.session.get(Upload, taak.upload_id)
    if regeling is None or upload is None:
        raise taken.Mislukt("De regeling of de upload bestaat niet meer.")
    return regeling, upload


def _controleer(taak: Achtergrondtaak, voortgang: Voortgang) -> str:
    regeling, upload = _laad(taak)
    try:
        controleer_nu(regeling, upload, voortgang=voortgang.controleer)
    except services.SubsidieFout as fout:
        raise taken.Mislukt(str(fout)) from None
    if upload.status is UploadStatus.GECONTROLEERD:
        return "Het bestand is gecontroleerd en goedgekeurd."
    fouten = upload.aantal_fouten
    return f"Het bestand is afgekeurd: {getal(fouten)} {'fout' if fouten == 1 else 'fouten'}."


def _lees_in(taak: Achtergrondtaak, voortgang: Voortgang) -> str:
    regeling, upload = _laad(taak)
    try:
        resultaat = importeer(
            regeling,
            upload,
            door=taak.door,
            versie=taak.gegevens.get("versie"),
            vandaag=date.fromisoformat(taak.gegevens["vandaag"]),
            voortgang=voortgang.lees_in,
        )
    except services.SubsidieFout as fout:
        raise taken.Mislukt(
            f"Het bestand is niet ingelezen; er is niets veranderd. {fout}"
        ) from None
    return f"Het bestand is ingelezen: {resultaat}."
