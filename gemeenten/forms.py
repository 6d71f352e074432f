from __future__ import annotations

from wtforms import BooleanField, SearchField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from gemeenten.models import PROGRAMMA_LABELS, PROVINCIES, Programma
from kern.forms import Formulier

# Every choice is checked here with a message that says what to do.
PROGRAMMA_WAARDEN = [p.value for p in Programma]


class ZoekForm(Formulier):
    """The filters above the list; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(
        "Zoek op naam of CBS-code",
        validators=[
            Optional(),
            Length(max=100, message="Een zoekterm is hooguit 100 tekens lang."),
        ],
    )
    provincie = SelectField(
        "Provincie",
        choices=[SelectChoice("", "Alle provincies"), *(SelectChoice(p) for p in PROVINCIES)],
        validate_choice=False,
        validators=[Optional(), AnyOf(PROVINCIES, "Kies een provincie uit de lijst.")],
    )
    programma = SelectField(
        "Programma",
        choices=[
            SelectChoice("", "Alle programma's"),
            *(SelectChoice(p.value, label) for p, label in PROGRAMMA_LABELS.items()),
        ],
        validate_choice=False,
        validators=[Optional(), AnyOf(PROGRAMMA_WAARDEN, "Kies een programma uit de lijst.")],
    )
    ook_beeindigd = BooleanField("Ook beëindigde gemeenten")


class DeelnameForm(Formulier):
    programma = SelectField(
        "Programma",
        choices=[SelectChoice(p.value, label) for p, label in PROGRAMMA_LABELS.items()],
        validate_choice=False,
        validators=[
            InputRequired("Kies een programma."),
            AnyOf(PROGRAMMA_WAARDEN, "Kies een programma uit de lijst."),
        ],
    )
    toelichting = StringField(
        "Toelichting (optioneel)",
        validators=[
            Optional(),
            Length(max=200, message="Een toelichting is hooguit 200 tekens lang."),
        ],
    )

    def gekozen(self) -> Programma:
        return Programma(self.programma.data)
