# mypy: disallow-subclassing-any=False
# (Flask-WTF is untyped; pyproject's override for "*.forms" does not reach forms/ packages.)
"""Forms for the historical import: the upload, checking again, and the confirmation."""

from __future__ import annotations

from flask_wtf import FlaskForm

from kern.forms import VersieField, xlsx_veld


class BulkimportForm(FlaskForm):
    bestand = xlsx_veld(
        "Excel-bestand (.xlsx)", "Kies het Excel-bestand met de historische gegevens."
    )


class BevestigForm(FlaskForm):
    versie = VersieField()  # the upload's version the preview showed


class OpnieuwForm(FlaskForm):
    """Check a stored upload again against the database as it is now (only CSRF)."""
