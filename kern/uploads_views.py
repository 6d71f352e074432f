"""What every upload view does, whatever the domain: receive a file and check it.

`ontvang` keeps the original (`kern.uploads.ontvang`, committed through its own session), has
the domain check it and commits the request's unit of work once; an unexpected failure during
the check sends the user to the upload's page (`kern.errors.bij_storing`), where the original
is kept with the message that it could not be checked, and sending it again checks it again.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from kern import errors, uploads
from kern.db import db
from kern.uploads import Upload


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
