"""A whole inventory's answers sent as Excel (`gemeenten.inventarisatie.antwoorden_import`), for
officers: the template, the upload, its messages and error workbook, the preview, confirming
it. What every import's views share is in `kern.uploads_views`. Municipality users correct
their own answers by form, never a file with other municipalities in it."""

from __future__ import annotations

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from gemeenten.inventarisatie import antwoorden_import
from gemeenten.inventarisatie.forms.antwoorden_import import BevestigForm, UploadForm
from gemeenten.inventarisatie.models import Inventarisatie
from gemeenten.inventarisatie.services import Conflict, InventarisatieFout
from gemeenten.inventarisatie.views import bp, inventarisatie_of_404
from kern import paginering, uploads_views
from kern.accounts.access import gebruiker, toegang
from kern.accounts.rechten import Recht
from kern.bestanden import als_bijlage
from kern.db import db
from kern.formatting import getal
from kern.uploads import Upload, UploadStatus

PER_PAGINA = 100  # rows per page of the preview
UPLOAD = "/<int:inventarisatie_id>/import/<int:antwoordenupload_id>"

Antwoord = Response | tuple[str, int]


def _door() -> str:
    return gebruiker().email


def _upload_of_404(inventarisatie: Inventarisatie, upload_id: int) -> Upload:
    return uploads_views.upload_of_404(antwoorden_import, inventarisatie, upload_id)


def _upload_url(inventarisatie: Inventarisatie, upload: Upload) -> str:
    return url_for(
        "inventarisatie.antwoorden_import_upload",
        inventarisatie_id=inventarisatie.id,
        antwoordenupload_id=upload.id,
    )


@bp.route("/<int:inventarisatie_id>/antwoorden.xlsx", endpoint="antwoorden_import_sjabloon")
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def sjabloon(inventarisatie_id: int) -> Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    return als_bijlage(
        antwoorden_import.sjabloon(inventarisatie), antwoorden_import.bestandsnaam(inventarisatie)
    )


@bp.route("/<int:inventarisatie_id>/import", methods=["GET", "POST"], endpoint="antwoorden_import")
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def ontvangen(inventarisatie_id: int) -> Antwoord:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    return uploads_views.ontvangstpagina(
        "inventarisatie/antwoorden_import.html",
        UploadForm(),
        antwoorden_import,
        inventarisatie,
        door=_door,
        pagina=lambda upload: _upload_url(inventarisatie, upload),
        inventarisatie=inventarisatie,
    )


@bp.route(UPLOAD, endpoint="antwoorden_import_upload")
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def upload(inventarisatie_id: int, antwoordenupload_id: int) -> Antwoord:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    return _pagina(inventarisatie, _upload_of_404(inventarisatie, antwoordenupload_id))


def _pagina(inventarisatie: Inventarisatie, upload: Upload, status: int = 200) -> tuple[str, int]:
    voorvertoning = None
    if upload.status is UploadStatus.GECONTROLEERD:
        voorvertoning = antwoorden_import.voorvertoning(inventarisatie, upload)
    return uploads_views.uploadpagina(
        "inventarisatie/antwoorden_import_upload.html",
        upload,
        status=status,
        inventarisatie=inventarisatie,
        voorvertoning=voorvertoning,
        Wijziging=antwoorden_import.Wijziging,
        pagina=paginering.lijstpagina(voorvertoning.regels if voorvertoning else [], PER_PAGINA),
        # Drawn from the upload and the answers as they now are.
        form=BevestigForm(
            formdata=None,
            versie=upload.versie,
            stand=voorvertoning.stand if voorvertoning else "",
        ),
    )


@bp.route(f"{UPLOAD}/inlezen", methods=["POST"], endpoint="antwoorden_import_bevestigen")
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def bevestigen(inventarisatie_id: int, antwoordenupload_id: int) -> Antwoord:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    upload = _upload_of_404(inventarisatie, antwoordenupload_id)
    form = BevestigForm()
    if not form.validate_on_submit():
        flash("Het formulier is verlopen; bekijk de voorvertoning en bevestig opnieuw.", "fout")
        return _pagina(inventarisatie, upload, 400)
    try:
        gewijzigd = antwoorden_import.importeer(
            inventarisatie,
            upload,
            door=_door(),
            versie=form.versie.data,
            stand=form.stand.data,
        )
    except InventarisatieFout as fout:
        db.session.rollback()
        flash(str(fout), "fout")
        return _pagina(inventarisatie, upload, 409 if isinstance(fout, Conflict) else 400)
    db.session.commit()
    wat = "1 antwoord" if gewijzigd == 1 else f"{getal(gewijzigd)} antwoorden"
    flash(
        f"Ingelezen uit {upload.bestandsnaam}: {wat} toegevoegd, gewijzigd of verwijderd.", "succes"
    )
    return redirect(url_for("inventarisatie.per_thema", inventarisatie_id=inventarisatie.id))


@bp.route(f"{UPLOAD}/foutwerkmap.xlsx", endpoint="antwoorden_import_foutwerkmap")
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def foutwerkmap(inventarisatie_id: int, antwoordenupload_id: int) -> Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    upload = _upload_of_404(inventarisatie, antwoordenupload_id)
    return uploads_views.foutwerkmap(upload, _upload_url(inventarisatie, upload))


@bp.route(f"{UPLOAD}/origineel", endpoint="antwoorden_import_origineel")
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def origineel(inventarisatie_id: int, antwoordenupload_id: int) -> Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    return uploads_views.origineel(_upload_of_404(inventarisatie, antwoordenupload_id))
