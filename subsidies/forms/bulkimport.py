# mypy: disallow-subclassing-any=False
# (Flask-WTF is untyped; pyproject's override for "*.forms" does not reach forms/ packages.)
"""Forms for the historical import: the upload, checking again, and the confirmation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from kern.forms import VersieField


class BulkimportForm(FlaskForm):
    # The content is checked, not the name: the accept attribute only helps the file dialog.
    bestand = FileField(
        "Excel-bestand (.xlsx)",
        validators=[FileRequired("Kies het Excel-bestand met de historische gegevens.")],
        render_kw={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )


class BevestigForm(FlaskForm):
    versie = VersieField()  # the upload's version the preview showed


class OpnieuwForm(FlaskForm):
    """Check a stored upload again against the database as it is now (only CSRF)."""
