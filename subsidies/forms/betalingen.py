"""Forms for finance's work: registering payments, one or a batch, and the work list's filters."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from kern.forms import BedragField, Formulier, VersieField
from subsidies.forms.beschikkingen import datumveld
from subsidies.models import Regeling


def kenmerkveld() -> StringField:
    return StringField(
        "Betalingskenmerk (optioneel)",
        description="Het kenmerk van de bank of het betaalsysteem, om de betaling terug te vinden.",
        validators=[
            Optional(),
            Length(max=60, message="Een betalingskenmerk is hooguit 60 tekens lang."),
        ],
    )


class BetaaldForm(Formulier):
    """Register one payment: the date, the amount that actually went out, the reference.

    Sent twice: first to see what will be recorded, then with ``bevestigd`` to record it.
    """

    betaald_op = datumveld("Betaald op")
    bedrag = BedragField(
        "Betaald bedrag (€)", validators=[InputRequired("Vul het bedrag in dat is betaald.")]
    )
    betalingskenmerk = kenmerkveld()
    versie = VersieField()
    bevestigd = HiddenField()


class BatchBetaaldForm(Formulier):
    """Register the chosen planned payments at their planned amounts, on one date."""

    betalingen = SelectMultipleField(
        "Betalingen",
        coerce=int,
        validate_choice=False,  # the view checks that each exists and is still planned
        validators=[DataRequired("Kies minstens één betaling.")],
    )
    betaald_op = datumveld("Betaald of ontvangen op")
    betalingskenmerk = kenmerkveld()
    bevestigd = HiddenField()


class KeuzeFilters(Formulier):
    """Filters above a list, each a choice from a list the view sets: a GET form, so no CSRF
    token. An invalid choice is shown with its message and then ignored."""

    class Meta:
        csrf = False

    def zet(self, naam: str, leeg: str, opties: list[tuple[str, str]], melding: str) -> None:
        """The choices of field ``naam`` (if the page shows it): "all" (``leeg``) and
        ``opties`` as (value, label)."""
        if naam not in self:
            return
        veld = self[naam]
        veld.choices = [SelectChoice("", leeg), *(SelectChoice(w, label) for w, label in opties)]
        veld.validators = [Optional(), AnyOf([w for w, _ in opties], melding)]

    def geldig(self, naam: str) -> str:
        """A valid filter's value, or empty."""
        veld = self[naam]
        return "" if veld.errors or not veld.data else str(veld.data)

    def geldig_getal(self, naam: str) -> int | None:
        waarde = self.geldig(naam)
        return int(waarde) if waarde else None

    def gekozen(self) -> list[tuple[str, str]]:
        """The valid filters as (label, the choice as shown), for an export's explanation."""
        return [
            (str(veld.label.text), {str(k.value): k.label for k in veld.choices}[veld.data])
            for veld in self
            if self.geldig(veld.name)
        ]


class WerklijstFilterForm(KeuzeFilters):
    regeling = SelectField("Regeling", validate_choice=False, validators=[Optional()])
    jaar = SelectField("Jaar", validate_choice=False, validators=[Optional()])

    def zet_keuzes(self, regelingen: list[Regeling], jaren: list[int]) -> None:
        self.zet(
            "regeling",
            "Alle regelingen",
            [(str(r.id), r.naam) for r in regelingen],
            "Kies een regeling uit de lijst.",
        )
        self.zet("jaar", "Alle jaren", [(str(j), str(j)) for j in jaren], JAAR_UIT_DE_LIJST)


JAAR_UIT_DE_LIJST = "Kies een jaar uit de lijst."


class BestedingenFilterForm(KeuzeFilters):
    """The spending summary's filters: a scheme, a year or range of years, a province, a
    municipality (only where the page is not about one municipality already)."""

    regeling = SelectField("Regeling", validate_choice=False, validators=[Optional()])
    van = SelectField("Van jaar", validate_choice=False, validators=[Optional()])
    tot = SelectField("Tot en met jaar", validate_choice=False, validators=[Optional()])
    provincie = SelectField("Provincie", validate_choice=False, validators=[Optional()])
    gemeente = SelectField("Gemeente", validate_choice=False, validators=[Optional()])

    def zet_keuzes(
        self,
        regelingen: list[Regeling],
        jaren: list[int],
        provincies: list[str],
        gemeenten: list[tuple[str, str]],  # (cbs code, label)
    ) -> None:
        self.zet(
            "regeling",
            "Alle regelingen",
            [(str(r.id), r.naam) for r in regelingen],
            "Kies een regeling uit de lijst.",
        )
        jaaropties = [(str(j), str(j)) for j in jaren]
        self.zet("van", "Vanaf het begin", jaaropties, JAAR_UIT_DE_LIJST)
        self.zet("tot", "Tot nu", jaaropties, JAAR_UIT_DE_LIJST)
        self.zet(
            "provincie",
            "Alle provincies",
            [(p, p) for p in provincies],
            "Kies een provincie uit de lijst.",
        )
        self.zet("gemeente", "Alle gemeenten", gemeenten, "Kies een gemeente uit de lijst.")

    def validate(self, extra_validators: Any = None) -> bool:
        geldig: bool = super().validate(extra_validators)
        van, tot = self.geldig_getal("van"), self.geldig_getal("tot")
        if van is not None and tot is not None and van > tot:
            self.tot.errors = [*self.tot.errors, "Het laatste jaar ligt voor het eerste."]
            return False
        return geldig
