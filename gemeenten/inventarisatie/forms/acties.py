"""The form of an action of the national government: what, by whom, status and date, and the
themes and single needs it responds to (their choices are set per inventory, `voor`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from gemeenten.inventarisatie.acties import OMSCHRIJVING_MAX, ORGANISATIE_MAX
from gemeenten.inventarisatie.models import ActieStatus, Antwoord, Organisatie, Thema
from kern.forms import DatumField, Formulier, VersieField


class Vinkjes(SelectMultipleField):
    """Several choices as checkboxes; an unknown or malformed id is refused with the field's
    message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label: str, melding: str, **kwargs: Any) -> None:
        super().__init__(label, coerce=int, **kwargs)
        self.melding = melding

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.melding) from None

    def pre_validate(self, form: Any) -> None:
        bekend = {keuze[0] for keuze in self.iter_choices()}
        if any(waarde not in bekend for waarde in self.data or ()):
            raise ValidationError(self.melding)


def _keuze(soort: type[Organisatie] | type[ActieStatus], melding: str) -> RadioField:
    waarden = [k.value for k in soort]
    return RadioField(
        choices=[SelectChoice(k.value, k.label) for k in soort],
        validate_choice=False,
        validators=[InputRequired(melding), AnyOf(waarden, melding)],
    )


class ActieForm(Formulier):
    omschrijving = TextAreaField(
        "Omschrijving",
        description="Wat het Rijk doet: een training, advies, een bijeenkomst, geld, ...",
        validators=[
            InputRequired("Beschrijf de actie."),
            Length(
                max=OMSCHRIJVING_MAX,
                message=f"Een omschrijving is hooguit {OMSCHRIJVING_MAX} tekens lang.",
            ),
        ],
    )
    organisatie = _keuze(Organisatie, "Kies de organisatie die de actie uitvoert.")
    organisatie_anders = StringField(
        "Naam van de andere organisatie",
        description="Alleen bij Anders.",
        validators=[
            Optional(),
            Length(
                max=ORGANISATIE_MAX,
                message=f"Een naam is hooguit {ORGANISATIE_MAX} tekens lang.",
            ),
        ],
    )
    status = _keuze(ActieStatus, "Kies de status: gepland, lopend of afgerond.")
    datum = DatumField(
        "Datum",
        description="Gepland: wanneer de actie begint. Lopend: sinds wanneer. Afgerond: wanneer.",
        validators=[InputRequired("Vul de datum in.")],
    )
    themas = Vinkjes(
        "Thema's",
        "Kies thema's uit de lijst.",
        description="De actie is een antwoord op de behoefte van elke gemeente op dit thema.",
    )
    behoeften = Vinkjes(
        "Afzonderlijke behoeften",
        "Kies behoeften uit de lijst.",
        description="De actie is een antwoord op de behoefte van deze gemeenten.",
    )

    @classmethod
    def voor(cls, themas: Sequence[Thema], behoeften: Sequence[Antwoord], **kwargs: Any) -> Any:
        form = cls(**kwargs)
        form.themas.choices = [(t.id, t.naam) for t in themas]
        form.behoeften.choices = [(a.id, behoefte_label(a)) for a in behoeften]
        return form

    @property
    def gekozen_organisatie(self) -> Organisatie:
        return Organisatie(self.organisatie.data)

    @property
    def gekozen_status(self) -> ActieStatus:
        return ActieStatus(self.status.data)


class ActieWijzigForm(ActieForm):
    versie = VersieField()


class VerwijderForm(Formulier):
    versie = VersieField()


def behoefte_label(antwoord: Antwoord) -> str:
    """A need as a choice: "Amsterdam (prioriteit 4)"; the theme is the group it is shown in."""
    prioriteit = f"prioriteit {antwoord.prioriteit}" if antwoord.prioriteit else "geen prioriteit"
    return f"{antwoord.gemeente.weergavenaam} ({prioriteit})"
