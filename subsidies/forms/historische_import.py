# mypy: disallow-subclassing-any=False
# (Flask-WTF is untyped; pyproject's override for "*.forms" does not reach forms/ packages.)
"""Forms for the historical import: the upload, checking again, and the confirmation."""

from __future__ import annotations

from kern.forms import Formulier, VersieField, xlsx_veld


class UploadForm(Formulier):
    bestand = xlsx_veld(
        "Excel-bestand (.xlsx)", "Kies het Excel-bestand met de historische gegevens."
    )


class BevestigForm(Formulier):
    versie = VersieField()  # the upload's version the preview showed


class OpnieuwForm(Formulier):
    """Check a stored upload again against the database as it is now (only CSRF)."""
