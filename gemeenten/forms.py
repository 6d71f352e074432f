from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SearchField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from gemeenten.models import PROGRAMMA_LABELS, PROVINCIES, Programma


class ZoekForm(FlaskForm):
    """The filters above the list; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField("Zoek op naam of CBS-code", validators=[Optional(), Length(max=100)])
    provincie = SelectField(
        "Provincie",
        choices=[("", "Alle provincies"), *((p, p) for p in PROVINCIES)],
        validators=[Optional()],
    )
    programma = SelectField(
        "Programma",
        choices=[
            ("", "Alle programma's"),
            *((p.value, label) for p, label in PROGRAMMA_LABELS.items()),
        ],
        validators=[Optional()],
    )
    ook_beeindigd = BooleanField("Ook beëindigde gemeenten")


class DeelnameForm(FlaskForm):
    programma = SelectField(
        "Programma",
        choices=[(p.value, label) for p, label in PROGRAMMA_LABELS.items()],
        validators=[InputRequired("Kies een programma.")],
    )
    toelichting = StringField("Toelichting (optioneel)", validators=[Optional(), Length(max=200)])

    def gekozen(self) -> Programma:
        return Programma(self.programma.data)
