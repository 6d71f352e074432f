"""The return sent as Excel (`subsidies.verantwoording_import`), for the municipality and for an
officer on its behalf: the pre-filled template, the upload, its messages and error workbook, the
preview, confirming it, checking a stale one again. What every import's views share is in
`kern.uploads_views`."""

from __future__ import annotations

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from kern import paginering, uploads_views
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.bestanden import als_bijlage
from kern.uploads import Upload, UploadStatus
from subsidies import services, verantwoording_import
from subsidies.forms.verantwoording_import import BevestigForm, UploadForm
from subsidies.models import Beschikking, Verantwoording
from subsidies.views import beschikking_of_404, bp, door, uploadstap

PER_PAGINA = 50  # changed rows per page of the preview
UPLOAD = "/beschikkingen/<int:beschikking_id>/uploads/<int:upload_id>"

Antwoord = Response | tuple[str, int]


def _upload_of_404(beschikking: Beschikking, upload_id: int) -> Upload:
    return uploads_views.upload_of_404(verantwoording_import, beschikking, upload_id)


def _upload_url(beschikking: Beschikking, upload: Upload) -> str:
    return url_for(
        "subsidies.verantwoording_import_upload", beschikking_id=beschikking.id, upload_id=upload.id
    )


@bp.route(
    "/beschikkingen/<int:beschikking_id>/verantwoording.xlsx",
    endpoint="verantwoording_import_sjabloon",
)
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def sjabloon(beschikking_id: int) -> Response:
    beschikking = beschikking_of_404(beschikking_id)
    if beschikking.status not in services.BESLOTEN:
        flash(
            f"Deze beschikking is {beschikking.status.toestand}; er is geen Excel-sjabloon "
            "voor de verantwoording.",
            "fout",
        )
        return redirect(url_for("subsidies.beschikking", beschikking_id=beschikking.id))
    return als_bijlage(
        verantwoording_import.sjabloon(beschikking), verantwoording_import.bestandsnaam(beschikking)
    )


@bp.route(
    "/beschikkingen/<int:beschikking_id>/verantwoording/upload",
    methods=["GET", "POST"],
    endpoint="verantwoording_import",
)
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def ontvangen(beschikking_id: int) -> Antwoord:
    # The decision comes from the URL only; the file must also say it is this decision's.
    beschikking = beschikking_of_404(beschikking_id)
    geweigerd = services.indienen_geweigerd(beschikking)
    return uploads_views.ontvangstpagina(
        "subsidies/verantwoording_import.html",
        UploadForm(),
        verantwoording_import,
        beschikking,
        door=door,
        pagina=lambda upload: _upload_url(beschikking, upload),
        toegestaan=geweigerd is None,
        beschikking=beschikking,
        geweigerd=geweigerd,
    )


@bp.route(UPLOAD, endpoint="verantwoording_import_upload")
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def upload(beschikking_id: int, upload_id: int) -> Antwoord:
    beschikking = beschikking_of_404(beschikking_id)
    return _pagina(beschikking, _upload_of_404(beschikking, upload_id))


def _pagina(beschikking: Beschikking, upload: Upload, status: int = 200) -> tuple[str, int]:
    voorvertoning = None
    pagina, paginas = paginering.paginanummer(), 1
    verouderd = verantwoording_import.verouderd(beschikking, upload)
    if upload.status is UploadStatus.GECONTROLEERD and not verouderd:
        voorvertoning = verantwoording_import.voorvertoning(beschikking, upload)
        paginas = max(1, -(-len(voorvertoning.gewijzigd) // PER_PAGINA))
        pagina = min(pagina, paginas)
    return uploads_views.uploadpagina(
        "subsidies/verantwoording_import_upload.html",
        upload,
        status=status,
        foutwerkmap_bij="blad",
        beschikking=beschikking,
        voorvertoning=voorvertoning,
        gewijzigd=(
            voorvertoning.gewijzigd[(pagina - 1) * PER_PAGINA : pagina * PER_PAGINA]
            if voorvertoning
            else []
        ),
        pagina=pagina,
        paginas=paginas,
        # Drawn from the upload as it now is: its version is all the form carries.
        form=BevestigForm(formdata=None, versie=upload.versie),
        verouderd=verouderd,
        huidige=beschikking.laatste_verantwoording,
        geweigerd=services.indienen_geweigerd(beschikking),
        resultaat_id=_resultaat_id(upload),
        waarde=_getoond,
    )


def _getoond(waarde: object) -> str:
    """A value of the return as a whole, as the preview shows it."""
    if waarde is None or waarde == "":
        return "—"
    if isinstance(waarde, bool):
        return "Ja" if waarde else "Nee"
    return str(waarde)


def _resultaat_id(upload: Upload) -> int | None:
    soort, _, id_ = (upload.resultaat or "").partition(":")
    return int(id_) if soort == "verantwoording" and id_.isdigit() else None


@bp.route(f"{UPLOAD}/inlezen", methods=["POST"], endpoint="verantwoording_import_bevestigen")
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def bevestigen(beschikking_id: int, upload_id: int) -> Antwoord:
    beschikking = beschikking_of_404(beschikking_id)
    upload = _upload_of_404(beschikking, upload_id)
    form = BevestigForm()
    return uploadstap(
        form,
        verlopen="Het formulier is verlopen; bekijk de voorvertoning en bevestig opnieuw.",
        doe=lambda: verantwoording_import.importeer(
            beschikking, upload, door=door(), versie=form.versie.data
        ),
        gedaan=_ingediend,
        pagina=lambda status: _pagina(beschikking, upload, status),
    )


def _ingediend(ingediend: tuple[Verantwoording, list[str]]) -> Response:
    verantwoording, waarschuwingen = ingediend
    soort = "eindverantwoording" if verantwoording.eindverantwoording else "verantwoording"
    flash(
        f"Het bestand is ingelezen als versie {verantwoording.volgnummer} van de {soort}. Die "
        "wacht op beoordeling door het ministerie.",
        "succes",
    )
    for waarschuwing in waarschuwingen:
        flash(f"Let op: {waarschuwing}", "info")
    return redirect(url_for("subsidies.verantwoording", verantwoording_id=verantwoording.id))


@bp.route(f"{UPLOAD}/opnieuw", methods=["POST"], endpoint="verantwoording_import_opnieuw")
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def opnieuw(beschikking_id: int, upload_id: int) -> Antwoord:
    """Check a stale upload again against the current return, and show that preview."""
    beschikking = beschikking_of_404(beschikking_id)
    upload = _upload_of_404(beschikking, upload_id)
    form = BevestigForm()

    def gedaan(_: None) -> Response:
        flash(
            "Het bestand is opnieuw gecontroleerd tegen de huidige verantwoording. Bekijk wat er "
            "verandert en bevestig als dat klopt.",
            "info",
        )
        return redirect(_upload_url(beschikking, upload))

    return uploadstap(
        form,
        verlopen="Het formulier is verlopen; open de upload opnieuw.",
        doe=lambda: verantwoording_import.controleer_opnieuw(
            beschikking, upload, versie=form.versie.data
        ),
        gedaan=gedaan,
        pagina=lambda status: _pagina(beschikking, upload, status),
    )


@bp.route(f"{UPLOAD}/foutwerkmap.xlsx", endpoint="verantwoording_import_foutwerkmap")
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def foutwerkmap(beschikking_id: int, upload_id: int) -> Response:
    beschikking = beschikking_of_404(beschikking_id)
    upload = _upload_of_404(beschikking, upload_id)
    return uploads_views.foutwerkmap(upload, _upload_url(beschikking, upload))


@bp.route(f"{UPLOAD}/origineel", endpoint="verantwoording_import_origineel")
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def origineel(beschikking_id: int, upload_id: int) -> Response:
    beschikking = beschikking_of_404(beschikking_id)
    return uploads_views.origineel(_upload_of_404(beschikking, upload_id))
