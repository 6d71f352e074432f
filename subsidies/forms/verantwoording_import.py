# mypy: disallow-subclassing-any=False
# (Flask-WTF is untyped; pyproject's override for "*.forms" does not reach forms/ packages.)
"""Forms for returns sent as Excel: the upload and its confirmation."""

from __future__ import annotations

from kern.forms import Formulier, VersieField, xlsx_veld


class UploadForm(Formulier):
    bestand = xlsx_veld("Ingevuld sjabloon (.xlsx)", "Kies het ingevulde Excel-bestand.")


class BevestigForm(Formulier):
    """Confirm an upload, or check a stale one again: the upload's version is all it carries
    (the return it was checked against is kept with the upload, not in the page)."""

    versie = VersieField()
