# mypy: disallow-subclassing-any=False
# (Flask-WTF is untyped; pyproject's override for "*.forms" does not reach forms/ packages.)
"""Forms for returns sent as Excel: the upload and its confirmation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField

from kern.forms import VersieField, xlsx_veld


class UploadForm(FlaskForm):
    bestand = xlsx_veld("Ingevuld sjabloon (.xlsx)", "Kies het ingevulde Excel-bestand.")


class BevestigForm(FlaskForm):
    versie = VersieField()
    basis = HiddenField()  # the return the preview compared with, "" for none

    @property
    def basis_id(self) -> int | None:
        waarde = (self.basis.data or "").strip()
        return int(waarde) if waarde.isdigit() else None
