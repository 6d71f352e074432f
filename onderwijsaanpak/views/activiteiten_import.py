"""Activities sent as Excel (`onderwijsaanpak.activiteiten_import`), for the municipality and
for an officer on its behalf: the template, the upload, its messages and error workbook, the
preview, confirming it. What every import's views share is in `kern.uploads_views`.

The municipality comes from the URL only, through `lid_of_404` (a municipality user asking
for another answers 404); the file must also say it is that municipality's template.
"""

from __future__ import annotations

from flask import flash, url_for
from werkzeug.wrappers import Response

from gemeenten.models import Gemeente
from kern import paginering, tijd, uploads_views
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.bestanden import als_bijlage
from kern.db import db
from kern.formatting import getal
from kern.uploads import Upload, UploadStatus
from onderwijsaanpak import activiteiten_import
from onderwijsaanpak.forms import BevestigForm, UploadForm
from onderwijsaanpak.models import Cohortlid
from onderwijsaanpak.services import OnderwijsFout
from onderwijsaanpak.views import bp, door, lid_of_404, weiger
from onderwijsaanpak.views.cohort import naar_gemeente

PER_PAGINA = 50  # rows per page of the preview
UPLOAD = "/gemeenten/<cbs_code>/activiteiten/uploads/<int:activiteitenupload_id>"

Antwoord = Response | tuple[str, int]


def _upload_of_404(gemeente: Gemeente, upload_id: int) -> Upload:
    return uploads_views.upload_of_404(activiteiten_import, gemeente, upload_id)


def _upload_url(gemeente: Gemeente, upload: Upload) -> str:
    return url_for(
        "onderwijsaanpak.activiteiten_import_upload",
        cbs_code=gemeente.cbs_code,
        activiteitenupload_id=upload.id,
    )


@bp.route("/gemeenten/<cbs_code>/activiteiten.xlsx", endpoint="activiteiten_import_sjabloon")
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def sjabloon(cbs_code: str) -> Response:
    gemeente, _ = lid_of_404(cbs_code)
    return als_bijlage(
        activiteiten_import.sjabloon(gemeente), activiteiten_import.bestandsnaam(gemeente)
    )


@bp.route(
    "/gemeenten/<cbs_code>/activiteiten/upload",
    methods=["GET", "POST"],
    endpoint="activiteiten_import",
)
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def ontvangen(cbs_code: str) -> Antwoord:
    gemeente, lid = lid_of_404(cbs_code)
    return uploads_views.ontvangstpagina(
        "onderwijsaanpak/activiteiten_import.html",
        UploadForm(),
        activiteiten_import,
        gemeente,
        door=door,
        pagina=lambda upload: _upload_url(gemeente, upload),
        toegestaan=lid.doet_mee,
        gemeente=gemeente,
        lid=lid,
    )


@bp.route(UPLOAD, endpoint="activiteiten_import_upload")
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def upload(cbs_code: str, activiteitenupload_id: int) -> Antwoord:
    gemeente, lid = lid_of_404(cbs_code)
    return _pagina(gemeente, lid, _upload_of_404(gemeente, activiteitenupload_id))


def _pagina(
    gemeente: Gemeente,
    lid: Cohortlid,
    upload: Upload,
    status: int = 200,
    form: BevestigForm | None = None,
) -> tuple[str, int]:
    voorvertoning = None
    pagina, paginas = paginering.paginanummer(), 1
    if upload.status is UploadStatus.GECONTROLEERD:
        voorvertoning = activiteiten_import.voorvertoning(gemeente, upload)
        paginas = max(1, -(-len(voorvertoning.regels) // PER_PAGINA))
        pagina = min(pagina, paginas)
    return uploads_views.uploadpagina(
        "onderwijsaanpak/activiteiten_import_upload.html",
        upload,
        status=status,
        gemeente=gemeente,
        lid=lid,
        voorvertoning=voorvertoning,
        regels=(
            voorvertoning.regels[(pagina - 1) * PER_PAGINA : pagina * PER_PAGINA]
            if voorvertoning
            else []
        ),
        pagina=pagina,
        paginas=paginas,
        # Drawn from the upload and the activities as they now are.
        form=BevestigForm(
            formdata=None,
            versie=upload.versie,
            stand=voorvertoning.stand if voorvertoning else "",
        ),
    )


@bp.route(f"{UPLOAD}/inlezen", methods=["POST"], endpoint="activiteiten_import_bevestigen")
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def bevestigen(cbs_code: str, activiteitenupload_id: int) -> Antwoord:
    gemeente, lid = lid_of_404(cbs_code)
    upload = _upload_of_404(gemeente, activiteitenupload_id)
    form = BevestigForm()
    if not form.validate_on_submit():
        flash("Het formulier is verlopen; bekijk de voorvertoning en bevestig opnieuw.", "fout")
        return _pagina(gemeente, lid, upload, 400)
    try:
        gemeld = activiteiten_import.importeer(
            gemeente,
            upload,
            door=door(),
            versie=form.versie.data,
            stand=form.stand.data,
            vandaag=tijd.vandaag(),
        )
    except OnderwijsFout as fout:
        return _pagina(gemeente, lid, upload, weiger(fout))
    db.session.commit()
    aantal = len(gemeld)
    wat = "1 activiteit" if aantal == 1 else f"{getal(aantal)} activiteiten"
    flash(f"Ingelezen: {wat} uit {upload.bestandsnaam}.", "succes")
    return naar_gemeente(lid, "activiteiten")


@bp.route(f"{UPLOAD}/foutwerkmap.xlsx", endpoint="activiteiten_import_foutwerkmap")
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def foutwerkmap(cbs_code: str, activiteitenupload_id: int) -> Response:
    gemeente, _ = lid_of_404(cbs_code)
    upload = _upload_of_404(gemeente, activiteitenupload_id)
    return uploads_views.foutwerkmap(upload, _upload_url(gemeente, upload))


@bp.route(f"{UPLOAD}/origineel", endpoint="activiteiten_import_origineel")
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def origineel(cbs_code: str, activiteitenupload_id: int) -> Response:
    gemeente, _ = lid_of_404(cbs_code)
    return uploads_views.origineel(_upload_of_404(gemeente, activiteitenupload_id))
