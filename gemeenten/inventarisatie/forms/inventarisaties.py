"""Forms of the needs inventory: inventories, parts and themes, invitations.

The forms check what a form can (required fields, lengths, choices, dates); the rules that need
the database are the services', whose refusal names the field it is about.
"""

from __future__ import annotations

from typing import Any

from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from gemeenten.inventarisatie import regels
from kern.forms import AantalField, DatumField, Formulier, VersieField


def _lengte(maximum: int, wat: str) -> Length:
    return Length(max=maximum, message=f"{wat} is hooguit {maximum} tekens lang.")


# --- Inventories ----------------------------------------------------------------------------


class InventarisatieForm(Formulier):
    naam = StringField(
        "Naam",
        validators=[InputRequired("Geef de inventarisatie een naam."), _lengte(200, "Een naam")],
    )
    datum = DatumField(
        "Datum", validators=[InputRequired("Vul de datum van de inventarisatie in.")]
    )
    kamerstuk = StringField(
        "Kamerstuk (optioneel)",
        description="Het Kamerstuk waarin de inventarisatie staat, zoals 29 754, nr. 323.",
        validators=[Optional(), _lengte(regels.KAMERSTUK_MAX, "Een Kamerstuk")],
    )
    uiterlijk = DatumField(
        "Antwoorden uiterlijk (optioneel)",
        description="Tot wanneer gemeenten hun antwoorden kunnen geven, als de inventarisatie "
        "voor hen open is.",
        validators=[Optional()],
    )


class InventarisatieWijzigForm(InventarisatieForm):
    versie = VersieField()


class VersieForm(Formulier):
    """A button that changes one record: removing, withdrawing."""

    versie = VersieField()


class OpenForm(VersieForm):
    """Open the inventory for the municipalities ("ja") or close it ("nee")."""

    open = HiddenField(
        validators=[
            InputRequired("Kies openen of sluiten."),
            AnyOf(["ja", "nee"], "Kies openen of sluiten."),
        ]
    )


# --- Parts and themes -----------------------------------------------------------------------


class DeelForm(Formulier):
    naam = StringField(
        "Naam",
        description="Bijvoorbeeld problematiek, capaciteit en beleid, kennisopbouw of lokale "
        "behoeften.",
        validators=[InputRequired("Geef het deel een naam."), _lengte(regels.DEEL_MAX, "Een naam")],
    )
    volgorde = AantalField(
        "Volgnummer (optioneel)",
        description="De plaats van het deel in de vragenlijst; leeg: achteraan.",
        validators=[Optional()],
    )


class DeelWijzigForm(DeelForm):
    versie = VersieField()


def _id(waarde: Any) -> int | None:
    """A submitted id; the empty choice is None. Raises ValueError on anything else."""
    if waarde is None or waarde == "":
        return None
    return int(waarde)


class ThemaForm(Formulier):
    deel_id = SelectField(
        "Deel",
        coerce=_id,
        invalid_value_message="Kies een deel uit de lijst.",
        invalid_choice_message="Kies een deel uit de lijst.",
        validators=[InputRequired("Kies het deel waarin het thema hoort.")],
    )
    naam = StringField(
        "Naam",
        description="Bijvoorbeeld kennis, training, advies, netwerk sleutelfiguren, "
        "samenwerking of financiering.",
        validators=[
            InputRequired("Geef het thema een naam."),
            _lengte(regels.THEMA_MAX, "Een naam"),
        ],
    )
    omschrijving = TextAreaField(
        "Omschrijving (optioneel)",
        validators=[Optional(), _lengte(regels.TOELICHTING_MAX, "Een omschrijving")],
    )
    volgorde = AantalField(
        "Volgnummer (optioneel)",
        description="De plaats van het thema in zijn deel; leeg: achteraan.",
        validators=[Optional()],
    )


class ThemaWijzigForm(ThemaForm):
    versie = VersieField()


# --- Invitations ----------------------------------------------------------------------------


class UitnodigForm(Formulier):
    gemeente_ids = SelectMultipleField(
        "Gemeenten",
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        invalid_choice_message="Kies gemeenten uit de lijst.",
        validators=[InputRequired("Kies ten minste één gemeente.")],
    )
    uitgenodigd_op = DatumField(
        "Uitgenodigd op", validators=[InputRequired("Vul de datum van de uitnodiging in.")]
    )
