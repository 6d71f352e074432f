# mypy: disallow-subclassing-any=False
# (Flask-WTF is untyped; pyproject's override for "*.forms" does not reach forms/ packages.)
"""Forms for returns sent as Excel: the upload and its confirmation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField

from kern.forms import VersieField


class UploadForm(FlaskForm):
    # The content is checked, not the name: the accept attribute only helps the file dialog.
    bestand = FileField(
        "Ingevuld sjabloon (.xlsx)",
        validators=[FileRequired("Kies het ingevulde Excel-bestand.")],
        render_kw={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )


class BevestigForm(FlaskForm):
    versie = VersieField()
    basis = HiddenField()  # the return the preview compared with, "" for none

    @property
    def basis_id(self) -> int | None:
        waarde = (self.basis.data or "").strip()
        return int(waarde) if waarde.isdigit() else None
