"""The historical import of a scheme (`subsidies.historische_import`), for officers: the empty
template, the upload, its messages and error workbook, the paginated preview, confirming it,
checking it again. What every import's views share is in `kern.uploads_views`.

A large file is checked and imported by a background job (`historische_import.achtergrond`
decides); the upload's page is then the job's status page: it shows the progress and refreshes
itself (a meta refresh: no script) until the job ends, then its outcome."""

from __future__ import annotations

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from kern import errors, paginering, taken, tijd, uploads_views
from kern.accounts.access import gebruiker, toegang
from kern.accounts.rechten import Recht
from kern.bestanden import als_bijlage
from kern.db import db
from kern.uploads import Upload, UploadStatus
from subsidies import historische_import
from subsidies.forms.historische_import import BevestigForm, OpnieuwForm, UploadForm
from subsidies.historische_import import achtergrond
from subsidies.models import Regeling
from subsidies.services import SubsidieFout
from subsidies.views import bp, door, uploadstap

VERVERS_NA = 3  # seconds between two loads of the page while a job runs
IMPORT = "/regelingen/<int:regeling_id>/import"
UPLOAD = f"{IMPORT}/<int:import_id>"

Antwoord = Response | tuple[str, int]


def _upload_of_404(regeling: Regeling, import_id: int) -> Upload:
    return uploads_views.upload_of_404(historische_import, regeling, import_id)


def _upload_url(upload: Upload) -> str:
    return url_for(
        "subsidies.historische_import_upload", regeling_id=int(upload.sleutel), import_id=upload.id
    )


@bp.route(f"{IMPORT}/sjabloon.xlsx", endpoint="historische_import_sjabloon")
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def sjabloon(regeling_id: int) -> Response:
    regeling = db.get_or_404(Regeling, regeling_id)
    return als_bijlage(
        historische_import.sjabloon(regeling), f"historische-import-{regeling.id}.xlsx"
    )


@bp.route(IMPORT, methods=["GET", "POST"], endpoint="historische_import")
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def ontvangen(regeling_id: int) -> Antwoord:
    regeling = db.get_or_404(Regeling, regeling_id)
    return uploads_views.ontvangstpagina(
        "subsidies/historische_import.html",
        UploadForm(),
        _Import(),
        regeling,
        door=door,
        pagina=_upload_url,
        regeling=regeling,
    )


class _Import:
    """The historical import as `uploads_views` receives a file: checked in the request, or
    by a job for a large one."""

    SOORT = historische_import.SOORT

    def sleutel(self, regeling: Regeling, /) -> str:
        return historische_import.sleutel(regeling)

    def hoort_bij(self, upload: Upload, regeling: Regeling, /) -> bool:
        return historische_import.hoort_bij(upload, regeling)

    def controleer(self, regeling: Regeling, upload: Upload, inhoud: bytes, /) -> None:
        try:
            _controleer(regeling, upload, inhoud)
        except SubsidieFout as fout:  # another check or import runs: the file is kept unchecked
            flash(str(fout), "fout")


def _controleer(
    regeling: Regeling, upload: Upload, inhoud: bytes | None = None
) -> taken.Achtergrondtaak | None:
    return achtergrond.controleer(
        regeling, upload, inhoud, door=door(), gebruiker_id=gebruiker().id
    )


def _gestart(taak: taken.Achtergrondtaak, wat: str) -> None:
    """What the user is told after starting ``taak``, committed: it runs (on the upload's page:
    how far), or, without a queue (it ran in this request), that it is done; a failure the
    page itself shows."""
    if taak.actief:
        flash(
            f"Het bestand is groot en wordt op de achtergrond {wat}. Deze pagina laat zien hoe "
            "ver dat is; u kunt hem sluiten en later terugkomen.",
            "info",
        )
    elif taak.status is taken.TaakStatus.KLAAR and taak.melding:
        flash(taak.melding, "succes")


@bp.route(UPLOAD, endpoint="historische_import_upload")
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def upload(regeling_id: int, import_id: int) -> Antwoord:
    regeling = db.get_or_404(Regeling, regeling_id)
    return _pagina(regeling, _upload_of_404(regeling, import_id))


def _pagina(regeling: Regeling, upload: Upload, status: int = 200) -> tuple[str, int]:
    pagina = None
    verouderd = False
    stand = _stand(upload)
    if upload.status is UploadStatus.GECONTROLEERD:
        verouderd = historische_import.verouderd(regeling, upload)
        pagina = db.paginate(
            historische_import.wijzigingen(upload),
            page=paginering.paginanummer(),
            per_page=historische_import.PER_PAGINA,
            max_per_page=historische_import.PER_PAGINA,
            error_out=False,
        )
    return uploads_views.uploadpagina(
        "subsidies/historische_import_upload.html",
        upload,
        status=status,
        regeling=regeling,
        aantallen=upload.gegevens.get("aantallen", {}),
        gevolgen=historische_import.gevolgen(upload),
        ingelezen=historische_import.ingelezen(upload),
        pagina=pagina,
        regels=historische_import.voorbeeldregels(pagina.items) if pagina else [],
        verouderd=verouderd,
        stand=stand,
        ververs_na=VERVERS_NA,
        # Drawn from the upload as it now is: its version is all the form carries.
        form=BevestigForm(formdata=None, versie=upload.versie),
        opnieuw_form=OpnieuwForm(formdata=None),
        soorten=historische_import.SOORTEN,
    )


def _stand(upload: Upload) -> taken.Stand | None:
    """The upload's job, to show: while it waits or runs, and when it failed after the
    upload's last check (a failed check leaves the upload "could not be checked", a failed
    import leaves it checked)."""
    taak = taken.laatste_van_upload(upload.id)
    if taak is None:
        return None
    stand = taken.bekijk(taak)
    if taak.actief:
        return stand
    mislukt = taak.status is taken.TaakStatus.MISLUKT
    gecontroleerd = upload.gecontroleerd_op
    if mislukt and (
        gecontroleerd is None or (taak.klaar_op or taak.aangemaakt_op) >= gecontroleerd
    ):
        return stand
    return None


@bp.route(f"{UPLOAD}/bevestigen", methods=["POST"], endpoint="historische_import_bevestigen")
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def bevestigen(regeling_id: int, import_id: int) -> Antwoord:
    regeling = db.get_or_404(Regeling, regeling_id)
    upload = _upload_of_404(regeling, import_id)
    form = BevestigForm()

    def importeer() -> historische_import.Resultaat | taken.Achtergrondtaak:
        return achtergrond.lees_in(
            regeling,
            upload,
            door=door(),
            gebruiker_id=gebruiker().id,
            versie=form.versie.data,
            vandaag=tijd.vandaag(),
        )

    def gedaan(resultaat: historische_import.Resultaat | taken.Achtergrondtaak) -> Response:
        if isinstance(resultaat, taken.Achtergrondtaak):
            _gestart(resultaat, "ingelezen")
        else:
            flash(f"Het bestand is ingelezen: {resultaat}.", "succes")
        return redirect(_upload_url(upload))

    return uploadstap(
        form,
        verlopen="Het formulier is verlopen; bekijk de voorvertoning en bevestig opnieuw.",
        doe=importeer,
        gedaan=gedaan,
        pagina=lambda status: _pagina(regeling, upload, status),
    )


@bp.route(f"{UPLOAD}/opnieuw", methods=["POST"], endpoint="historische_import_opnieuw")
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def opnieuw(regeling_id: int, import_id: int) -> Antwoord:
    regeling = db.get_or_404(Regeling, regeling_id)
    upload = _upload_of_404(regeling, import_id)

    def controleer() -> taken.Achtergrondtaak | None:
        # A failure rolls back: the earlier check and its staged rows stay as they were.
        errors.bij_storing(
            _upload_url(upload),
            "Het opnieuw controleren is mislukt door een fout in de toepassing; er is niets "
            "veranderd. Probeer het later opnieuw.",
        )
        return _controleer(regeling, upload)

    def gedaan(taak: taken.Achtergrondtaak | None) -> Response:
        if taak is None:
            flash("Het bestand is opnieuw gecontroleerd.", "succes")
        else:
            _gestart(taak, "gecontroleerd")
        return redirect(_upload_url(upload))

    return uploadstap(
        OpnieuwForm(),
        verlopen="Het formulier is verlopen; probeer het opnieuw.",
        doe=controleer,
        gedaan=gedaan,
        pagina=lambda status: _pagina(regeling, upload, status),
    )


@bp.route(f"{UPLOAD}/foutwerkmap.xlsx", endpoint="historische_import_foutwerkmap")
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def foutwerkmap(regeling_id: int, import_id: int) -> Response:
    regeling = db.get_or_404(Regeling, regeling_id)
    upload = _upload_of_404(regeling, import_id)
    return uploads_views.foutwerkmap(upload, _upload_url(upload))
