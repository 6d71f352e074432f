"""Forms of the needs inventory: a municipality's answers, a row per theme."""

from __future__ import annotations

from typing import Any

from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired

from gemeenten.inventarisatie import regels
from gemeenten.inventarisatie.models import PRIORITEITEN
from gemeenten.inventarisatie.services import AntwoordRegel
from kern.forms import NEDERLANDS, DatumField, Formulier, VersieField

# --- Answers --------------------------------------------------------------------------------

BEHOEFTE_KEUZES = [SelectChoice("ja", "Ja"), SelectChoice("nee", "Nee")]
PRIORITEIT_KEUZES = [
    SelectChoice("", "geen"),
    *(SelectChoice(str(p), str(p)) for p in PRIORITEITEN),
]


class AntwoordRij(Form):
    """One theme's row: need yes or no, priority, description, contact person."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            return NEDERLANDS

    thema_id = HiddenField()
    behoefte = RadioField("Behoefte", choices=BEHOEFTE_KEUZES, validate_choice=False)
    prioriteit = SelectField("Prioriteit", choices=PRIORITEIT_KEUZES, validate_choice=False)
    toelichting = TextAreaField("Toelichting")
    contactpersoon = StringField("Contactpersoon")

    def regel(self) -> AntwoordRegel | None:
        """The row as the service takes it; None, with the message on the field, when a value
        is not one of the choices (a priority of 1 to 5, need yes or no)."""
        behoefte = {"ja": True, "nee": False, "": None, None: None}.get(self.behoefte.data, ...)
        if behoefte is ...:
            self.behoefte.errors = [*self.behoefte.errors, regels.BEHOEFTE_ONTBREEKT]
        prioriteit: int | None = None
        tekst = (self.prioriteit.data or "").strip()
        if tekst:
            if tekst.isascii() and tekst.isdigit() and len(tekst) < 4:
                prioriteit = int(tekst)
            else:
                self.prioriteit.errors = [*self.prioriteit.errors, regels.PRIORITEIT_BEREIK]
        if self.behoefte.errors or self.prioriteit.errors:
            return None
        return AntwoordRegel(
            thema_id=int(self.thema_id.data),
            behoefte=behoefte,  # type: ignore[arg-type]
            prioriteit=prioriteit,
            toelichting=self.toelichting.data,
            contactpersoon=self.contactpersoon.data,
        )


class AntwoordenForm(Formulier):
    """A municipality's answers: one row per theme of the inventory."""

    rijen = FieldList(FormField(AntwoordRij))
    beantwoord_op = DatumField(
        "Beantwoord op",
        description="De datum waarop de gemeente de vragenlijst beantwoordde.",
        validators=[InputRequired("Vul in wanneer de gemeente antwoordde.")],
    )
    versie = VersieField()


class GemeenteAntwoordenForm(AntwoordenForm):
    """The same for a municipality user: the date is the day they first save."""

    beantwoord_op = None  # type: ignore[assignment]
