"""The needs inventory's pages, one module per part: inventories, parts and themes,
invitations and the response, a municipality's answers.

Everything lives under ``/behoefte-inventarisatie``; an inventory's pages under
``/behoefte-inventarisatie/<inventarisatie_id>``, a municipality's answers under
``.../gemeenten/<cbs_code>``, loaded through `deelnemer_of_404`: a municipality user asking for
another municipality, or for an inventory they were not invited to, gets 404.
"""

from __future__ import annotations

from flask import Blueprint, abort

from gemeenten import services as register
from gemeenten.inventarisatie import services
from gemeenten.inventarisatie.models import Deelnemer, Inventarisatie
from gemeenten.inventarisatie.services import Conflict, InventarisatieFout
from kern import forms
from kern.accounts.access import gebruiker, heeft
from kern.accounts.rechten import Recht
from kern.db import db
from kern.forms import Formulier

bp = Blueprint("inventarisatie", __name__, url_prefix="/behoefte-inventarisatie")


def inventarisatie_of_404(inventarisatie_id: int) -> Inventarisatie:
    inventarisatie = db.session.get(Inventarisatie, inventarisatie_id)
    if inventarisatie is None:
        abort(404)
    return inventarisatie


def deelnemer_of_404(inventarisatie_id: int, cbs_code: str) -> Deelnemer:
    """The municipality's place in the inventory; 404 when the user may not see the
    municipality or it was not invited."""
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    gemeente = register.gemeente_of_404(cbs_code)
    deelnemer = services.deelnemer_van(inventarisatie, gemeente)
    if deelnemer is None:
        abort(404)
    return deelnemer


def van_inventarisatie_of_404(obj: object, inventarisatie: Inventarisatie) -> None:
    """An object named in the URL under ``inventarisatie`` must be that inventory's."""
    if obj is None or getattr(obj, "inventarisatie_id", None) != inventarisatie.id:
        abort(404)


def weiger(fout: InventarisatieFout, form: Formulier | None = None, obj: object = None) -> int:
    """Undo the change and tell the user why (`kern.forms.weiger`): 409 for a concurrent edit,
    400 for any other refusal."""
    return forms.weiger(fout, form, obj, conflict=isinstance(fout, Conflict))


def door() -> str:
    """Who acts, as recorded on inventories and answers."""
    return gebruiker().email


def mag_wijzigen() -> bool:
    """Does the user change the programme (the grant officer), not only read or submit?"""
    return heeft(Recht.PROGRAMMA_WIJZIGEN)


# The route modules register themselves on `bp`.
from gemeenten.inventarisatie.views import (  # noqa: E402, F401
    acties,
    analyse,
    antwoorden,
    antwoorden_import,
    deelnemers,
    inventarisaties,
    themas,
)
