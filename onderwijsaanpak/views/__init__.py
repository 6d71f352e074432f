"""The onderwijsaanpak's pages, one module per part: the cohort and its phases, activities,
lessons from the pilots, reporting rounds.

A municipality's pages live under ``/onderwijsaanpak/gemeenten/<cbs_code>`` and load it through
`lid_of_404`: a municipality user asking for another municipality, or for an object of another
municipality under their own code, gets 404, as if it did not exist.
"""

from __future__ import annotations

from flask import Blueprint, abort

from gemeenten import services as register
from gemeenten.models import Gemeente
from kern import forms
from kern.accounts.access import gebruiker, heeft
from kern.accounts.rechten import Recht
from kern.forms import Formulier
from onderwijsaanpak import services
from onderwijsaanpak.models import Cohortlid
from onderwijsaanpak.services import Conflict, OnderwijsFout

bp = Blueprint("onderwijsaanpak", __name__, url_prefix="/onderwijsaanpak")


def lid_of_404(cbs_code: str) -> tuple[Gemeente, Cohortlid]:
    """The municipality and its place in the cohort; 404 when it never took part."""
    gemeente = register.gemeente_of_404(cbs_code)
    lid = services.cohortlid_van(gemeente)
    if lid is None:
        abort(404)
    return gemeente, lid


def van_gemeente_of_404(obj: object, gemeente: Gemeente) -> None:
    """An object named in the URL under ``gemeente`` must be that municipality's."""
    if obj is None or getattr(obj, "gemeente_id", None) != gemeente.id:
        abort(404)


def weiger(fout: OnderwijsFout, form: Formulier | None = None, obj: object = None) -> int:
    """Undo the change and tell the user why (`kern.forms.weiger`): 409 for a concurrent edit,
    400 for any other refusal."""
    return forms.weiger(fout, form, obj, conflict=isinstance(fout, Conflict))


def door() -> str:
    """Who acts, as recorded on phases, activities, lessons and reports."""
    return gebruiker().email


def mag_wijzigen() -> bool:
    """Does the user change the programme (the grant officer), not only read or submit?"""
    return heeft(Recht.PROGRAMMA_WIJZIGEN)


# The route modules register themselves on `bp`.
from onderwijsaanpak.views import (  # noqa: E402, F401
    activiteiten,
    activiteiten_import,
    cohort,
    lessen,
    rondes,
    voortgang,
)
