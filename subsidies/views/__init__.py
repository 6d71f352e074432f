"""The versterkingsgelden pages, one module per part of the grant cycle.

Every view loads its objects through the `*_of_404` helpers below: a municipality user asking
for anything of another municipality gets 404, as if it did not exist. What a municipality took
over in a merger is its own (`gemeenten.services.zichtbaar_of_404`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, flash
from werkzeug.wrappers import Response

from gemeenten.models import Gemeente
from gemeenten.services import zichtbaar_of_404
from kern.accounts.access import gebruiker
from kern.db import db
from subsidies.models import Beschikking, Betaling, RegelingJaar, Verantwoording
from subsidies.services import Conflict, SubsidieFout

T = TypeVar("T")
M = TypeVar("M")

bp = Blueprint("subsidies", __name__, url_prefix="/versterkingsgelden")


def beschikking_of_404(beschikking_id: int) -> Beschikking:
    return _zichtbaar_of_404(Beschikking, beschikking_id, lambda b: b.gemeente)


def betaling_of_404(betaling_id: int) -> Betaling:
    return _zichtbaar_of_404(Betaling, betaling_id, lambda b: b.beschikking.gemeente)


def verantwoording_of_404(verantwoording_id: int) -> Verantwoording:
    return _zichtbaar_of_404(Verantwoording, verantwoording_id, lambda v: v.beschikking.gemeente)


def _zichtbaar_of_404(model: type[M], id_: int, gemeente: Callable[[M], Gemeente]) -> M:
    """The object, when it exists and belongs to a municipality the user may see; else 404."""
    gevonden = db.session.get(model, id_)
    if gevonden is None:
        abort(404)
    zichtbaar_of_404(gemeente(gevonden))
    return gevonden


def jaar_of_404(jaar_id: int) -> RegelingJaar:
    return db.get_or_404(RegelingJaar, jaar_id)


def weiger(fout: SubsidieFout, form: Any = None, obj: Any = None) -> int:
    """Undo the change, tell the user why, and give the status to answer with: 409 for a
    concurrent edit (the form then carries the current version, so that a second try is an
    informed one), 400 for any other refusal."""
    db.session.rollback()
    flash(str(fout), "fout")
    if isinstance(fout, Conflict):
        if form is not None and obj is not None:
            form.versie.data = obj.versie
        return 409
    return 400


def uploadstap(
    form: Any,
    *,
    verlopen: str,
    doe: Callable[[], T],
    gedaan: Callable[[T], Response],
    pagina: Callable[[int], tuple[str, int]],
) -> Response | tuple[str, int]:
    """A step on an upload's page (confirm it, check it again): ``doe`` it and commit, then
    answer with ``gedaan``. An expired form (400) or a refusal (`weiger`: rolled back) shows
    the upload's ``pagina`` again with the message."""
    if not form.validate_on_submit():
        flash(verlopen, "fout")
        return pagina(400)
    try:
        uitkomst = doe()
    except SubsidieFout as fout:
        return pagina(weiger(fout))
    db.session.commit()
    return gedaan(uitkomst)


def door() -> str:
    """Who acts, as recorded on decisions, returns and settlements."""
    return gebruiker().email


# The route modules register themselves on `bp`.
from subsidies.views import (  # noqa: E402
    beschikkingen,  # noqa: F401
    bestedingen,  # noqa: F401
    betalingen,  # noqa: F401
    historische_import,  # noqa: F401
    overzichten,  # noqa: F401
    regelingen,  # noqa: F401
    verantwoording_import,  # noqa: F401
    verantwoordingen,  # noqa: F401
)
