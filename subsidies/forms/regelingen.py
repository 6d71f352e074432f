"""Forms for schemes: a new scheme, its years and ceilings, its spending purposes."""

from __future__ import annotations

from typing import Any

from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from kern.forms import BedragField, Formulier, VersieField

EERSTE_JAAR = 2000
LAATSTE_JAAR = 2100


def _jaar_in_bereik(form: Any, field: IntegerField) -> None:
    # Only a year that was read: text that is not a number already has its message.
    if field.data is not None and not EERSTE_JAAR <= field.data <= LAATSTE_JAAR:
        raise ValidationError(f"Een jaar ligt tussen {EERSTE_JAAR} en {LAATSTE_JAAR}.")


def jaarveld(label: str = "Jaar") -> Any:
    return IntegerField(
        label,
        invalid_value_message="Een jaar is een getal, zoals 2015.",
        validators=[InputRequired("Vul een jaar in."), _jaar_in_bereik],
    )


def plafondveld(label: str = "Plafond (€)") -> BedragField:
    return BedragField(
        label,
        description="Het budget voor dit jaar, bijvoorbeeld 5.000.000,00.",
        validators=[InputRequired("Vul het plafond in.")],
    )


class RegelingForm(Formulier):
    naam = StringField(
        "Naam",
        validators=[
            DataRequired("Vul een naam in."),
            Length(max=150, message="Een naam is hooguit 150 tekens lang."),
        ],
    )
    grondslag = StringField(
        "Grondslag",
        description="De wettelijke grondslag, bijvoorbeeld de Kaderwet SZW-subsidies.",
        validators=[
            DataRequired("Vul de grondslag in."),
            Length(max=300, message="Een grondslag is hooguit 300 tekens lang."),
        ],
    )
    kamerstuk = StringField(
        "Kamerstuk (optioneel)",
        description="Zoals 29 754, nr. 326.",
        validators=[
            Optional(),
            Length(max=60, message="Een kamerstukverwijzing is hooguit 60 tekens lang."),
        ],
    )
    omschrijving = TextAreaField(
        "Omschrijving (optioneel)",
        validators=[
            Optional(),
            Length(max=5000, message="Een omschrijving is hooguit 5000 tekens lang."),
        ],
    )
    jaar = jaarveld("Eerste jaar")
    plafond = plafondveld()


class JaarForm(Formulier):
    jaar = jaarveld()
    plafond = plafondveld()


class PlafondForm(Formulier):
    """Change one year's ceiling; drawn once per year with the prefix ``jaar<id>``."""

    plafond = plafondveld("Nieuw plafond (€)")
    versie = VersieField()


class DoelForm(Formulier):
    code = StringField(
        "Code",
        description="Kleine letters, cijfers en liggende streepjes, zoals nazorg_terugkeerders.",
        validators=[
            DataRequired("Vul een code in."),
            Length(max=40, message="Een code is hooguit 40 tekens lang."),
            Regexp(
                r"^[a-z0-9_]+$",
                message="Een code bestaat uit kleine letters, cijfers en liggende streepjes.",
            ),
        ],
    )
    naam = StringField(
        "Naam",
        validators=[
            DataRequired("Vul een naam in."),
            Length(max=120, message="Een naam is hooguit 120 tekens lang."),
        ],
    )
    maatregelen = StringField(
        "Maatregelen (optioneel)",
        description="De nummers van de maatregelen van het actieprogramma, zoals 26, 30.",
        validators=[
            Optional(),
            Length(max=60, message="Maatregelen zijn hooguit 60 tekens lang."),
        ],
    )
