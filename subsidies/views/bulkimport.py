"""The historical import of a scheme, for officers: upload, messages, preview, confirm."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kern import errors, tijd, uploads, uploads_views
from kern.accounts.access import toegang
from kern.accounts.models import Rol
from kern.bestanden import als_bijlage
from kern.db import db
from kern.uploads import Upload, UploadStatus
from subsidies import bulkimport, services
from subsidies.forms.bulkimport import BevestigForm, BulkimportForm, OpnieuwForm
from subsidies.models import Regeling
from subsidies.views import bp, door, weiger

MAX_GETOOND = 200  # messages on the page; the error workbook has them all
# Rows one confirmation may import: each goes through the services (about 3 ms a row), and a
# request must end well within the server's timeout. Larger files go through the CLI.
MAX_VIA_WEBSITE = 3_000

Antwoord = Response | tuple[str, int] | str


_TE_GROOT = (
    f"Dit bestand heeft meer dan {MAX_VIA_WEBSITE:,} regels om in te lezen; dat kan niet via de "
    "website. Er is niets ingelezen."
).replace(",", ".")


def _upload_of_404(regeling: Regeling, import_id: int) -> Upload:
    upload = db.session.get(Upload, import_id)
    if upload is None or not bulkimport.hoort_bij(upload, regeling):
        abort(404)
    return upload


def _upload_url(upload: Upload) -> str:
    return url_for(
        "subsidies.historische_import_upload", regeling_id=int(upload.sleutel), import_id=upload.id
    )


@bp.route("/regelingen/<int:regeling_id>/import", methods=["GET", "POST"])
@toegang(Rol.BELEIDSMEDEWERKER)
def historische_import(regeling_id: int) -> Antwoord:
    regeling = db.get_or_404(Regeling, regeling_id)
    form = BulkimportForm()
    if form.validate_on_submit():
        return uploads_views.ontvang(
            form.bestand.data,
            soort=bulkimport.SOORT,
            sleutel=bulkimport.sleutel(regeling),
            door=door(),
            controleer=lambda upload, inhoud: bulkimport.controleer(
                regeling, upload, inhoud=inhoud
            ),
            pagina=_upload_url,
        )
    return render_template(
        "subsidies/bulkimport.html",
        regeling=regeling,
        form=form,
        uploads=uploads.van(bulkimport.SOORT, bulkimport.sleutel(regeling)),
        upload_url=_upload_url,
    ), 400 if form.is_submitted() else 200


@bp.route("/regelingen/<int:regeling_id>/import/sjabloon.xlsx")
@toegang(Rol.BELEIDSMEDEWERKER)
def historische_import_sjabloon(regeling_id: int) -> Response:
    regeling = db.get_or_404(Regeling, regeling_id)
    return als_bijlage(bulkimport.sjabloon(regeling), f"historische-import-{regeling.id}.xlsx")


def _pagina() -> int:
    waarde = request.args.get("pagina", "1")
    return max(int(waarde), 1) if waarde.isdigit() else 1


def _upload_pagina(
    regeling: Regeling, upload: Upload, form: BevestigForm | None = None, status: int = 200
) -> tuple[str, int]:
    pagina = None
    verouderd = te_groot = False
    if upload.status is UploadStatus.GECONTROLEERD:
        te_groot = bulkimport.te_importeren(upload) > MAX_VIA_WEBSITE
        verouderd = bulkimport.verouderd(regeling, upload)
        pagina = db.paginate(
            bulkimport.wijzigingen(upload),
            page=_pagina(),
            per_page=bulkimport.PER_PAGINA,
            max_per_page=bulkimport.PER_PAGINA,
            error_out=False,
        )
        if form is None:
            form = BevestigForm(formdata=None, versie=upload.versie)
    return render_template(
        "subsidies/bulkimport_upload.html",
        regeling=regeling,
        upload=upload,
        fouten=upload.fouten[:MAX_GETOOND],
        waarschuwingen=upload.waarschuwingen[:MAX_GETOOND],
        met_cellen=any(m.get("cel") for m in upload.meldingen),
        aantallen=upload.gegevens.get("aantallen", {}),
        gevolgen=bulkimport.gevolgen(upload),
        ingelezen=bulkimport.ingelezen(upload),
        pagina=pagina,
        regels=bulkimport.voorbeeldregels(pagina.items) if pagina else [],
        verouderd=verouderd,
        te_groot=te_groot,
        max_via_website=MAX_VIA_WEBSITE,
        form=form,
        opnieuw_form=OpnieuwForm(formdata=None),
        soorten=bulkimport.SOORTEN,
    ), status


@bp.route("/regelingen/<int:regeling_id>/import/<int:import_id>")
@toegang(Rol.BELEIDSMEDEWERKER)
def historische_import_upload(regeling_id: int, import_id: int) -> Antwoord:
    regeling = db.get_or_404(Regeling, regeling_id)
    return _upload_pagina(regeling, _upload_of_404(regeling, import_id))


@bp.route("/regelingen/<int:regeling_id>/import/<int:import_id>/bevestigen", methods=["POST"])
@toegang(Rol.BELEIDSMEDEWERKER)
def historische_import_bevestigen(regeling_id: int, import_id: int) -> Antwoord:
    regeling = db.get_or_404(Regeling, regeling_id)
    upload = _upload_of_404(regeling, import_id)
    form = BevestigForm()
    if not form.validate_on_submit():
        flash("Het formulier is verlopen; bekijk de voorvertoning en bevestig opnieuw.", "fout")
        return _upload_pagina(regeling, upload, status=400)
    if bulkimport.te_importeren(upload) > MAX_VIA_WEBSITE:
        flash(_TE_GROOT, "fout")
        return _upload_pagina(regeling, upload, status=400)
    try:
        resultaat = bulkimport.importeer(
            regeling, upload, door=door(), versie=form.versie.data, vandaag=tijd.vandaag()
        )
    except services.SubsidieFout as fout:
        status = weiger(fout)  # rolls back: nothing of the file is kept
        return _upload_pagina(regeling, _upload_of_404(regeling, import_id), status=status)
    db.session.commit()
    flash(f"Het bestand is ingelezen: {resultaat}.", "succes")
    return redirect(_upload_url(upload))


@bp.route("/regelingen/<int:regeling_id>/import/<int:import_id>/opnieuw", methods=["POST"])
@toegang(Rol.BELEIDSMEDEWERKER)
def historische_import_opnieuw(regeling_id: int, import_id: int) -> Antwoord:
    regeling = db.get_or_404(Regeling, regeling_id)
    upload = _upload_of_404(regeling, import_id)
    if not OpnieuwForm().validate_on_submit():
        flash("Het formulier is verlopen; probeer het opnieuw.", "fout")
        return _upload_pagina(regeling, upload, status=400)
    # A failure rolls back: the earlier check and its staged rows stay as they were.
    errors.bij_storing(
        _upload_url(upload),
        "Het opnieuw controleren is mislukt door een fout in de toepassing; er is niets "
        "veranderd. Probeer het later opnieuw.",
    )
    try:
        bulkimport.controleer(regeling, upload)
    except services.SubsidieFout as fout:
        return _upload_pagina(regeling, upload, status=weiger(fout))
    db.session.commit()
    flash("Het bestand is opnieuw gecontroleerd.", "succes")
    return redirect(_upload_url(upload))


@bp.route("/regelingen/<int:regeling_id>/import/<int:import_id>/foutwerkmap.xlsx")
@toegang(Rol.BELEIDSMEDEWERKER)
def historische_import_foutwerkmap(regeling_id: int, import_id: int) -> Response:
    regeling = db.get_or_404(Regeling, regeling_id)
    upload = _upload_of_404(regeling, import_id)
    inhoud = bulkimport.foutwerkmap(upload)
    if inhoud is None:
        flash(
            "Dit bestand is geen leesbare Excel-werkmap; de meldingen staan op deze pagina.",
            "fout",
        )
        return redirect(_upload_url(upload))
    return als_bijlage(inhoud, f"meldingen-{upload.bestandsnaam.removesuffix('.xlsx')}.xlsx")
