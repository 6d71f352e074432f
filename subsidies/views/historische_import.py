"""The historical import of a scheme (`subsidies.historische_import`), for officers: the empty
template, the upload, its messages and error workbook, the paginated preview, confirming it,
checking it again. What every import's views share is in `kern.uploads_views`."""

from __future__ import annotations

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from kern import errors, tijd, uploads_views
from kern.accounts.access import toegang
from kern.accounts.models import Rol
from kern.bestanden import als_bijlage
from kern.db import db
from kern.uploads import Upload, UploadStatus
from subsidies import historische_import, services
from subsidies.forms.historische_import import BevestigForm, OpnieuwForm, UploadForm
from subsidies.models import Regeling
from subsidies.views import bp, door, uploadstap

# Rows one confirmation may import: each goes through the services (about 3 ms a row), and a
# request must end well within the server's timeout. Larger files go through the CLI.
MAX_VIA_WEBSITE = 3_000
IMPORT = "/regelingen/<int:regeling_id>/import"
UPLOAD = f"{IMPORT}/<int:import_id>"

Antwoord = Response | tuple[str, int]


_TE_GROOT = (
    f"Dit bestand heeft meer dan {MAX_VIA_WEBSITE:,} regels om in te lezen; dat kan niet via de "
    "website. Er is niets ingelezen."
).replace(",", ".")


def _upload_of_404(regeling: Regeling, import_id: int) -> Upload:
    return uploads_views.upload_of_404(historische_import, regeling, import_id)


def _upload_url(upload: Upload) -> str:
    return url_for(
        "subsidies.historische_import_upload", regeling_id=int(upload.sleutel), import_id=upload.id
    )


@bp.route(f"{IMPORT}/sjabloon.xlsx", endpoint="historische_import_sjabloon")
@toegang(Rol.BELEIDSMEDEWERKER)
def sjabloon(regeling_id: int) -> Response:
    regeling = db.get_or_404(Regeling, regeling_id)
    return als_bijlage(
        historische_import.sjabloon(regeling), f"historische-import-{regeling.id}.xlsx"
    )


@bp.route(IMPORT, methods=["GET", "POST"], endpoint="historische_import")
@toegang(Rol.BELEIDSMEDEWERKER)
def ontvangen(regeling_id: int) -> Antwoord:
    regeling = db.get_or_404(Regeling, regeling_id)
    return uploads_views.ontvangstpagina(
        "subsidies/historische_import.html",
        UploadForm(),
        historische_import,
        regeling,
        door=door,
        pagina=_upload_url,
        regeling=regeling,
    )


@bp.route(UPLOAD, endpoint="historische_import_upload")
@toegang(Rol.BELEIDSMEDEWERKER)
def upload(regeling_id: int, import_id: int) -> Antwoord:
    regeling = db.get_or_404(Regeling, regeling_id)
    return _pagina(regeling, _upload_of_404(regeling, import_id))


def _pagina(regeling: Regeling, upload: Upload, status: int = 200) -> tuple[str, int]:
    pagina = None
    verouderd = te_groot = False
    if upload.status is UploadStatus.GECONTROLEERD:
        te_groot = historische_import.te_importeren(upload) > MAX_VIA_WEBSITE
        verouderd = historische_import.verouderd(regeling, upload)
        pagina = db.paginate(
            historische_import.wijzigingen(upload),
            page=uploads_views.paginanummer(),
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
        te_groot=te_groot,
        max_via_website=MAX_VIA_WEBSITE,
        # Drawn from the upload as it now is: its version is all the form carries.
        form=BevestigForm(formdata=None, versie=upload.versie),
        opnieuw_form=OpnieuwForm(formdata=None),
        soorten=historische_import.SOORTEN,
    )


@bp.route(f"{UPLOAD}/bevestigen", methods=["POST"], endpoint="historische_import_bevestigen")
@toegang(Rol.BELEIDSMEDEWERKER)
def bevestigen(regeling_id: int, import_id: int) -> Antwoord:
    regeling = db.get_or_404(Regeling, regeling_id)
    upload = _upload_of_404(regeling, import_id)
    form = BevestigForm()

    def importeer() -> historische_import.Resultaat:
        if historische_import.te_importeren(upload) > MAX_VIA_WEBSITE:
            raise services.SubsidieFout(_TE_GROOT)
        return historische_import.importeer(
            regeling, upload, door=door(), versie=form.versie.data, vandaag=tijd.vandaag()
        )

    def gedaan(resultaat: historische_import.Resultaat) -> Response:
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
@toegang(Rol.BELEIDSMEDEWERKER)
def opnieuw(regeling_id: int, import_id: int) -> Antwoord:
    regeling = db.get_or_404(Regeling, regeling_id)
    upload = _upload_of_404(regeling, import_id)

    def controleer() -> None:
        # A failure rolls back: the earlier check and its staged rows stay as they were.
        errors.bij_storing(
            _upload_url(upload),
            "Het opnieuw controleren is mislukt door een fout in de toepassing; er is niets "
            "veranderd. Probeer het later opnieuw.",
        )
        historische_import.controleer(regeling, upload)

    def gedaan(_: None) -> Response:
        flash("Het bestand is opnieuw gecontroleerd.", "succes")
        return redirect(_upload_url(upload))

    return uploadstap(
        OpnieuwForm(),
        verlopen="Het formulier is verlopen; probeer het opnieuw.",
        doe=controleer,
        gedaan=gedaan,
        pagina=lambda status: _pagina(regeling, upload, status),
    )


@bp.route(f"{UPLOAD}/foutwerkmap.xlsx", endpoint="historische_import_foutwerkmap")
@toegang(Rol.BELEIDSMEDEWERKER)
def foutwerkmap(regeling_id: int, import_id: int) -> Response:
    regeling = db.get_or_404(Regeling, regeling_id)
    upload = _upload_of_404(regeling, import_id)
    return uploads_views.foutwerkmap(upload, _upload_url(upload))
