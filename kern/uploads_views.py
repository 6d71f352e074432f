"""The views every Excel import shares, whatever the domain: receive, show, hand back.

A domain's import view (`subsidies/views/verantwoording_import.py` is one) declares its routes
and access, finds its own object and calls these for what is the same everywhere:

- `ontvangstpagina`: the page with the upload form and the earlier uploads; a valid upload is
  received (`ontvang`): the original kept (`kern.uploads.ontvang`, committed through its own
  session), checked by the domain's ``controleer``, the request's work committed once, and the
  user sent to the upload's page. An unexpected failure during the check sends the user there
  too (`kern.errors.bij_storing`): the original is kept with the message that it could not be
  checked, and sending the same file again checks it again.
- `upload_of_404`: the upload named in the URL, if it belongs to the domain's object.
- `uploadpagina`: the upload's page with its messages (the first `MAX_GETOOND`; the error
  workbook has them all); the domain adds its preview, a page at a time (`lijstpagina`,
  `paginanummer`: `kern.paginering`).
- `foutwerkmap` and `origineel`: the user's file with the messages marked, the file as sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from flask import abort, flash, redirect, render_template
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from kern import errors, uploads
from kern.bestanden import als_bijlage
from kern.db import db
from kern.excel import ExcelFout
from kern.excel.foutwerkmap import foutwerkmap as gemarkeerd
from kern.paginering import pagina_van
from kern.uploads import Upload

MAX_GETOOND = 200  # messages shown on an upload's page; the error workbook has them all

Pagina = tuple[str, int]
Object = TypeVar("Object", contravariant=True)
T = TypeVar("T")


class DomeinImport(Protocol[Object]):
    """What a domain's import package names, the same in each (`subsidies.verantwoording_import`
    is one): the uploads' purpose, and per object of the domain that files are uploaded for (a
    decision, a scheme) the key, whether an upload is its, and the check of a new upload."""

    SOORT: str

    def sleutel(self, obj: Object, /) -> str: ...

    def hoort_bij(self, upload: Upload, obj: Object, /) -> bool: ...

    def controleer(self, obj: Object, upload: Upload, inhoud: bytes, /) -> None: ...


class UploadFormulier(Protocol):
    """A form with a file field `bestand` (`kern.forms.xlsx_veld`)."""

    bestand: Any

    def validate_on_submit(self) -> bool: ...

    def is_submitted(self) -> bool: ...


def ontvangstpagina(
    template: str,
    form: UploadFormulier,
    domein: DomeinImport[Object],
    obj: Object,
    *,
    door: Callable[[], str],
    pagina: Callable[[Upload], str],
    toegestaan: bool = True,
    **context: Any,
) -> Response | Pagina:
    """The upload form for ``obj`` with its earlier uploads; a valid upload is received
    (`ontvang`) and checked by ``domein``, unless the domain does not allow one now
    (``toegestaan``; the template says why)."""
    sleutel = domein.sleutel(obj)
    if toegestaan and form.validate_on_submit():
        return ontvang(
            form.bestand.data,
            soort=domein.SOORT,
            sleutel=sleutel,
            door=door(),
            controleer=lambda upload, inhoud: domein.controleer(obj, upload, inhoud),
            pagina=pagina,
        )
    return render_template(
        template,
        form=form,
        uploads=pagina_van(uploads.van(domein.SOORT, sleutel)),
        upload_url=pagina,
        **context,
    ), 400 if form.is_submitted() else 200


def ontvang(
    bestand: FileStorage,
    *,
    soort: str,
    sleutel: str,
    door: str,
    controleer: Callable[[Upload, bytes], object],
    pagina: Callable[[Upload], str],
) -> Response:
    """Keep ``bestand``, check it with ``controleer`` when it is new (or a retry), commit, and
    redirect to its ``pagina``; the identical file sent before is named as such."""
    inhoud = bestand.read()
    upload, nieuw = uploads.ontvang(
        inhoud, soort=soort, sleutel=sleutel, bestandsnaam=bestand.filename or "", door=door
    )
    url = pagina(upload)
    if not nieuw:
        flash(uploads.al_eerder(upload), "info")
        return redirect(url)
    errors.bij_storing(url)
    controleer(upload, inhoud)
    db.session.commit()
    return redirect(url)


def upload_of_404(domein: DomeinImport[Object], obj: Object, upload_id: int) -> Upload:
    """The upload with ``upload_id``, when it is one of ``obj`` (`DomeinImport.hoort_bij`)."""
    upload = db.session.get(Upload, upload_id)
    if upload is None or not domein.hoort_bij(upload, obj):
        abort(404)
    return upload


def uploadpagina(
    template: str,
    upload: Upload,
    *,
    status: int = 200,
    foutwerkmap_bij: str = "cel",
    **context: Any,
) -> Pagina:
    """An upload's page: the upload, its errors and warnings (the first `MAX_GETOOND`), and
    ``met_cellen``: whether a message names a place in the file (``foutwerkmap_bij``: a
    "cel", or only a "blad"), so that the error workbook is worth offering."""
    return render_template(
        template,
        upload=upload,
        fouten=upload.fouten[:MAX_GETOOND],
        waarschuwingen=upload.waarschuwingen[:MAX_GETOOND],
        met_cellen=any(m.get(foutwerkmap_bij) for m in upload.meldingen),
        **context,
    ), status


def foutwerkmap(upload: Upload, terug: str) -> Response:
    """The user's file with the messages marked; back to ``terug`` (the upload's page, where
    the messages are) when the file is no workbook at all."""
    try:
        inhoud = gemarkeerd(upload.inhoud, upload.alle_meldingen)
    except ExcelFout:
        flash(
            "Dit bestand is geen leesbare Excel-werkmap; de meldingen staan op deze pagina.",
            "fout",
        )
        return redirect(terug)
    return als_bijlage(inhoud, f"meldingen-{upload.bestandsnaam.removesuffix('.xlsx')}.xlsx")


def origineel(upload: Upload) -> Response:
    """The file exactly as it was uploaded (as an attachment, never shown in the browser)."""
    return als_bijlage(upload.inhoud, upload.bestandsnaam, "application/octet-stream")
