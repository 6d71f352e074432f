from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from gemeenten.models import PROGRAMMA_LABELS, PROVINCIES, Programma
from kern.forms import DatumField, Formulier

# Every choice is checked here with a message that says what to do.
PROGRAMMA_WAARDEN = [p.value for p in Programma]


def provincieveld() -> SelectField:
    """A filter on a province: all of them, or one of the twelve."""
    return SelectField(
        "Provincie",
        choices=[SelectChoice("", "Alle provincies"), *(SelectChoice(p) for p in PROVINCIES)],
        validate_choice=False,
        validators=[Optional(), AnyOf(PROVINCIES, "Kies een provincie uit de lijst.")],
    )


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
    provincie = provincieveld()
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


class CbsLijstForm(Formulier):
    """CBS's list "Gemeentelijke indeling op 1 januari", as ``flask gemeenten importeer``
    takes it: the file, its date when its name has none, and the mergers."""

    bestand = FileField(
        "De lijst van CBS (.csv of .xlsx)",
        validators=[FileRequired("Kies het bestand met de lijst van CBS.")],
        render_kw={"accept": ".csv,.xlsx"},
    )
    peildatum = DatumField(
        "Peildatum (optioneel)",
        description="De datum van de lijst; leeg: uit de bestandsnaam (gemeenten-2025-01-01).",
        validators=[Optional()],
    )
    opvolgers = TextAreaField(
        "Herindelingen (optioneel)",
        description="Per regel een gemeente die opgaat in een andere: OUD=NIEUW, zoals "
        "GM0738=GM1959.",
        validators=[
            Optional(),
            Length(max=20_000, message="Hooguit 20.000 tekens."),
        ],
    )
