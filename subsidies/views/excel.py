"""Excel files of the versterkingsgelden: the pre-filled return template, and returns uploaded
as Excel (upload, messages and error workbook, preview, confirm)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kern import uploads, uploads_views
from kern.accounts.access import toegang
from kern.accounts.models import Rol
from kern.bestanden import als_bijlage
from kern.db import db
from kern.excel import ExcelFout
from kern.excel.foutwerkmap import foutwerkmap
from kern.uploads import Upload, UploadStatus
from subsidies import excel, excel_import, services
from subsidies.forms.excel import BevestigForm, UploadForm
from subsidies.models import Beschikking
from subsidies.views import beschikking_of_404, bp, door, weiger

PER_PAGINA = 50  # changed rows per page of the preview
MAX_GETOOND = 200  # messages shown on the page; the error workbook has them all

Antwoord = Response | tuple[str, int] | str


@bp.route("/beschikkingen/<int:beschikking_id>/verantwoording.xlsx")
@toegang(Rol.GEMEENTE, Rol.BELEIDSMEDEWERKER)
def verantwoording_sjabloon(beschikking_id: int) -> Response:
    beschikking = beschikking_of_404(beschikking_id)
    if beschikking.status not in services.BESLOTEN:
        flash(
            f"Deze beschikking is {beschikking.status.toestand}; er is geen Excel-sjabloon "
            "voor de verantwoording.",
            "fout",
        )
        return redirect(url_for("subsidies.beschikking", beschikking_id=beschikking.id))
    return als_bijlage(excel.verantwoording_sjabloon(beschikking), excel.bestandsnaam(beschikking))


# --- Uploading a return -----------------------------------------------------------------------


@bp.route("/beschikkingen/<int:beschikking_id>/verantwoording/upload", methods=["GET", "POST"])
@toegang(Rol.GEMEENTE, Rol.BELEIDSMEDEWERKER)
def verantwoording_upload(beschikking_id: int) -> Antwoord:
    # The decision comes from the URL only; the file must also say it is this decision's.
    beschikking = beschikking_of_404(beschikking_id)
    form = UploadForm()
    geweigerd = services.indienen_geweigerd(beschikking)
    if request.method == "POST" and geweigerd is None and form.validate_on_submit():
        return uploads_views.ontvang(
            form.bestand.data,
            soort=excel_import.SOORT,
            sleutel=excel_import.sleutel(beschikking),
            door=door(),
            controleer=lambda upload, inhoud: excel_import.controleer(beschikking, upload, inhoud),
            pagina=lambda upload: _upload_url(upload, beschikking),
        )
    return render_template(
        "subsidies/verantwoording_upload.html",
        beschikking=beschikking,
        form=form,
        geweigerd=geweigerd,
        uploads=uploads.van(excel_import.SOORT, excel_import.sleutel(beschikking)),
        upload_url=lambda u: _upload_url(u, beschikking),
    ), 400 if request.method == "POST" else 200


def _upload_url(upload: Upload, beschikking: Beschikking) -> str:
    return url_for("subsidies.upload", beschikking_id=beschikking.id, upload_id=upload.id)


def _upload_of_404(beschikking: Beschikking, upload_id: int) -> Upload:
    upload = db.session.get(Upload, upload_id)
    if upload is None or not excel_import.hoort_bij(upload, beschikking):
        abort(404)
    return upload


def _pagina() -> int:
    waarde = request.args.get("pagina", "1")
    return max(int(waarde), 1) if waarde.isdigit() else 1


@bp.route("/beschikkingen/<int:beschikking_id>/uploads/<int:upload_id>")
@toegang(Rol.GEMEENTE, Rol.BELEIDSMEDEWERKER)
def upload(beschikking_id: int, upload_id: int) -> Antwoord:
    beschikking = beschikking_of_404(beschikking_id)
    return _upload_pagina(beschikking, _upload_of_404(beschikking, upload_id))


def _upload_pagina(
    beschikking: Beschikking, upload: Upload, form: BevestigForm | None = None, status: int = 200
) -> tuple[str, int]:
    voorvertoning = None
    pagina, paginas = _pagina(), 1
    verouderd = excel_import.verouderd(upload, beschikking)
    if upload.status is UploadStatus.GECONTROLEERD:
        if not verouderd:
            voorvertoning = excel_import.voorvertoning(upload, beschikking)
            paginas = max(1, -(-len(voorvertoning.gewijzigd) // PER_PAGINA))
            pagina = min(pagina, paginas)
        # Drawn from the upload as it now is: its version is all the form carries.
        form = form or BevestigForm(formdata=None, versie=upload.versie)
    return render_template(
        "subsidies/upload.html",
        beschikking=beschikking,
        upload=upload,
        fouten=upload.fouten[:MAX_GETOOND],
        waarschuwingen=upload.waarschuwingen[:MAX_GETOOND],
        met_cellen=any(m.get("blad") for m in upload.meldingen),
        voorvertoning=voorvertoning,
        gewijzigd=(
            voorvertoning.gewijzigd[(pagina - 1) * PER_PAGINA : pagina * PER_PAGINA]
            if voorvertoning
            else []
        ),
        pagina=pagina,
        paginas=paginas,
        form=form,
        verouderd=verouderd,
        huidige=beschikking.laatste_verantwoording,
        geweigerd=services.indienen_geweigerd(beschikking),
        resultaat_id=_resultaat_id(upload),
        waarde=_getoond,
    ), status


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


@bp.route("/beschikkingen/<int:beschikking_id>/uploads/<int:upload_id>/inlezen", methods=["POST"])
@toegang(Rol.GEMEENTE, Rol.BELEIDSMEDEWERKER)
def upload_inlezen(beschikking_id: int, upload_id: int) -> Antwoord:
    beschikking = beschikking_of_404(beschikking_id)
    upload = _upload_of_404(beschikking, upload_id)
    form = BevestigForm()
    if not form.validate_on_submit():
        flash("Het formulier is verlopen; bekijk de voorvertoning en bevestig opnieuw.", "fout")
        return _upload_pagina(beschikking, upload, status=400)
    try:
        verantwoording, waarschuwingen = excel_import.importeer(
            upload, beschikking, door=door(), versie=form.versie.data
        )
    except services.SubsidieFout as fout:
        status = weiger(fout)
        upload = _upload_of_404(beschikking, upload_id)
        return _upload_pagina(beschikking, upload, status=status)
    db.session.commit()
    soort = "eindverantwoording" if verantwoording.eindverantwoording else "verantwoording"
    flash(
        f"Het bestand is ingelezen als versie {verantwoording.volgnummer} van de {soort}. Die "
        "wacht op beoordeling door het ministerie.",
        "succes",
    )
    for waarschuwing in waarschuwingen:
        flash(f"Let op: {waarschuwing}", "info")
    return redirect(url_for("subsidies.verantwoording", verantwoording_id=verantwoording.id))


@bp.route("/beschikkingen/<int:beschikking_id>/uploads/<int:upload_id>/opnieuw", methods=["POST"])
@toegang(Rol.GEMEENTE, Rol.BELEIDSMEDEWERKER)
def upload_opnieuw(beschikking_id: int, upload_id: int) -> Antwoord:
    """Check a stale upload again against the current return, and show that preview."""
    beschikking = beschikking_of_404(beschikking_id)
    upload = _upload_of_404(beschikking, upload_id)
    form = BevestigForm()
    if not form.validate_on_submit():
        flash("Het formulier is verlopen; open de upload opnieuw.", "fout")
        return _upload_pagina(beschikking, upload, status=400)
    try:
        excel_import.controleer_opnieuw(upload, beschikking, versie=form.versie.data)
    except services.SubsidieFout as fout:
        status = weiger(fout)
        upload = _upload_of_404(beschikking, upload_id)
        return _upload_pagina(beschikking, upload, status=status)
    db.session.commit()
    flash(
        "Het bestand is opnieuw gecontroleerd tegen de huidige verantwoording. Bekijk wat er "
        "verandert en bevestig als dat klopt.",
        "info",
    )
    return redirect(_upload_url(upload, beschikking))


@bp.route("/beschikkingen/<int:beschikking_id>/uploads/<int:upload_id>/foutwerkmap.xlsx")
@toegang(Rol.GEMEENTE, Rol.BELEIDSMEDEWERKER)
def upload_foutwerkmap(beschikking_id: int, upload_id: int) -> Response:
    beschikking = beschikking_of_404(beschikking_id)
    upload = _upload_of_404(beschikking, upload_id)
    try:
        inhoud = foutwerkmap(upload.inhoud, upload.alle_meldingen)
    except ExcelFout:
        flash(
            "Dit bestand is geen leesbare Excel-werkmap; de meldingen staan op deze pagina.",
            "fout",
        )
        return redirect(_upload_url(upload, beschikking))
    return als_bijlage(inhoud, f"meldingen-{upload.bestandsnaam.removesuffix('.xlsx')}.xlsx")


@bp.route("/beschikkingen/<int:beschikking_id>/uploads/<int:upload_id>/origineel")
@toegang(Rol.GEMEENTE, Rol.BELEIDSMEDEWERKER)
def upload_origineel(beschikking_id: int, upload_id: int) -> Response:
    """The file exactly as it was uploaded (as an attachment, never shown in the browser)."""
    beschikking = beschikking_of_404(beschikking_id)
    upload = _upload_of_404(beschikking, upload_id)
    return als_bijlage(upload.inhoud, upload.bestandsnaam, "application/octet-stream")
