"""Forms for decisions and their payments.

A decision's form gets one amount field per spending purpose of its scheme, so its class is
built per scheme with `beschikking_form`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from kern.forms import BedragField, DatumField, Formulier, VersieField
from subsidies.models import Bestedingsdoel, BetalingSoort

DOELVELD = "doel_"

F = TypeVar("F", bound="BeschikkingForm")


def datumveld(label: str, *, verplicht: bool = True, **kwargs: Any) -> DatumField:
    return DatumField(
        label,
        validators=[InputRequired("Vul een datum in.") if verplicht else Optional()],
        **kwargs,
    )


def _id(waarde: Any) -> int | None:
    """Coerce a submitted id; the empty choice is None. Raises ValueError on anything else."""
    if waarde is None or waarde == "":
        return None
    return int(waarde)


class BeschikkingForm(Formulier):
    """What a decision holds; `NieuweBeschikkingForm` and `WijzigBeschikkingForm` add to it."""

    regio_naam = StringField(
        "Naam van de regio (optioneel)",
        description="Alleen als de gemeente als hoofdaanvrager ontvangt namens een regio.",
        validators=[
            Optional(),
            Length(max=120, message="Een regionaam is hooguit 120 tekens lang."),
        ],
    )
    deelnemers = SelectMultipleField(
        "Deelnemende gemeenten (optioneel)",
        description=(
            "De gemeenten namens wie de hoofdaanvrager ontvangt. Houd Ctrl (of Cmd) ingedrukt "
            "om meer gemeenten te kiezen."
        ),
        coerce=int,
        invalid_value_message="Kies deelnemende gemeenten uit de lijst.",
        invalid_choice_message="Kies deelnemende gemeenten uit de lijst.",
    )
    bedrag = BedragField(
        "Toegekend bedrag (€, optioneel)",
        description="Laat leeg als het bedrag nog vast te stellen is.",
        validators=[Optional()],
    )
    toelichting = TextAreaField(
        "Toelichting (optioneel)",
        validators=[
            Optional(),
            Length(max=5000, message="Een toelichting is hooguit 5000 tekens lang."),
        ],
    )
    bevestig_overschrijding = BooleanField(
        "Ik bevestig dat deze beschikking het plafond van het jaar overschrijdt"
    )

    def doelvelden(self) -> list[BedragField]:
        return [veld for veld in self if veld.name.startswith(DOELVELD)]

    def doelbedragen(self) -> dict[int, Decimal]:
        """Purpose id -> amount, for the purposes that were filled in."""
        return {
            int(veld.short_name.removeprefix(DOELVELD)): veld.data
            for veld in self.doelvelden()
            if veld.data is not None
        }


class NieuweBeschikkingForm(BeschikkingForm):
    gemeente_id = SelectField(
        "Ontvangende gemeente (of hoofdaanvrager)",
        coerce=_id,
        invalid_value_message="Kies een gemeente uit de lijst.",
        invalid_choice_message="Kies een gemeente uit de lijst.",
        validators=[InputRequired("Kies de ontvangende gemeente.")],
    )


class WijzigBeschikkingForm(BeschikkingForm):
    reden = TextAreaField(
        "Reden van de wijziging",
        description="Verplicht voor een beschikking die al is genomen; komt in de beschikking.",
        validators=[
            Optional(),
            Length(max=5000, message="Een reden is hooguit 5000 tekens lang."),
        ],
    )
    datum = datumveld("Datum van de wijzigingsbeschikking (optioneel)", verplicht=False)
    versie = VersieField()


def beschikking_form(soort: type[F], doelen: Iterable[Bestedingsdoel], **kwargs: Any) -> F:
    """An instance of ``soort`` with an amount field per purpose, named ``doel_<id>``."""

    class MetDoelen(soort):  # type: ignore[valid-type,misc]
        pass

    for doel in doelen:
        setattr(
            MetDoelen,
            f"{DOELVELD}{doel.id}",
            BedragField(doel.naam, validators=[Optional()]),
        )
    form: F = MetDoelen(**kwargs)
    return form


class BeschikkenForm(Formulier):
    kenmerk = StringField(
        "Kenmerk",
        description="Het nummer van de beschikking, zoals 2015-0000123456.",
        validators=[
            DataRequired("Vul het kenmerk van de beschikking in."),
            Length(max=60, message="Een kenmerk is hooguit 60 tekens lang."),
        ],
    )
    datum = datumveld("Datum van de beschikking")
    bevestig_overschrijding = BooleanField(
        "Ik bevestig dat deze beschikking het plafond van het jaar overschrijdt"
    )
    versie = VersieField()


class IntrekkenForm(Formulier):
    reden = TextAreaField(
        "Reden van de intrekking",
        validators=[
            DataRequired("Geef de reden van de intrekking."),
            Length(max=5000, message="Een reden is hooguit 5000 tekens lang."),
        ],
    )
    versie = VersieField()


class BetalingForm(Formulier):
    soort = SelectField(
        "Soort",
        choices=[SelectChoice(s.value, s.label) for s in BetalingSoort],
        invalid_choice_message="Kies een soort betaling uit de lijst.",
        validators=[InputRequired("Kies een soort betaling.")],
    )
    bedrag = BedragField("Bedrag (€)", validators=[InputRequired("Vul een bedrag in.")])
    gepland_op = datumveld("Gepland op")
    omschrijving = StringField(
        "Omschrijving (optioneel)",
        validators=[
            Optional(),
            Length(max=200, message="Een omschrijving is hooguit 200 tekens lang."),
        ],
    )

    def gekozen(self) -> BetalingSoort:
        return BetalingSoort(self.soort.data)


class AnnuleerForm(Formulier):
    reden = TextAreaField(
        "Reden van de annulering",
        validators=[
            DataRequired("Geef de reden van de annulering."),
            Length(max=5000, message="Een reden is hooguit 5000 tekens lang."),
        ],
    )
    versie = VersieField()
