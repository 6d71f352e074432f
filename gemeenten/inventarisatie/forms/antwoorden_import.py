"""The forms of the answers import (`gemeenten.inventarisatie.antwoorden_import`)."""

from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import InputRequired

from kern.forms import Formulier, VersieField, xlsx_veld


class UploadForm(Formulier):
    bestand = xlsx_veld("Ingevuld sjabloon (.xlsx)", "Kies het ingevulde Excel-bestand.")


class BevestigForm(Formulier):
    """Confirm an upload: its version and the inventory's answers as the preview compared
    them (`antwoorden_import.stand`)."""

    versie = VersieField()
    stand = HiddenField(validators=[InputRequired("Laad de voorvertoning opnieuw.")])
