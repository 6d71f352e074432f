"""The filters above an overview: a GET form, so no CSRF token."""

from __future__ import annotations

from wtforms import HiddenField, SearchField, SelectChoice, SelectField
from wtforms.validators import AnyOf, Length, Optional

from kern.forms import Formulier
from subsidies.models import BeschikkingStatus, VerantwoordingStatus
from subsidies.overzicht import GEEN_VERANTWOORDING, TERMIJNEN, Filter, Sortering

STATUS_WAARDEN = [s.value for s in BeschikkingStatus]
VERANTWOORDING_WAARDEN = [GEEN_VERANTWOORDING, *(s.value for s in VerantwoordingStatus)]
RICHTINGEN = ["oplopend", "aflopend"]


class OverzichtFilterForm(Formulier):
    class Meta:
        csrf = False

    q = SearchField(
        "Zoek op gemeente",
        validators=[
            Optional(),
            Length(max=100, message="Een zoekterm is hooguit 100 tekens lang."),
        ],
    )
    status = SelectField(
        "Status van de beschikking",
        choices=[
            SelectChoice("", "Alle statussen"),
            *(SelectChoice(s.value, s.label) for s in BeschikkingStatus),
        ],
        validate_choice=False,
        validators=[Optional(), AnyOf(STATUS_WAARDEN, "Kies een status uit de lijst.")],
    )
    verantwoording = SelectField(
        "Verantwoording",
        choices=[
            SelectChoice("", "Alle"),
            SelectChoice(GEEN_VERANTWOORDING, "Nog niet ingediend"),
            *(SelectChoice(s.value, s.label) for s in VerantwoordingStatus),
        ],
        validate_choice=False,
        validators=[
            Optional(),
            AnyOf(VERANTWOORDING_WAARDEN, "Kies een status van de verantwoording uit de lijst."),
        ],
    )
    termijn = SelectField(
        "Termijn",
        choices=[SelectChoice("", "Alle"), *(SelectChoice(t, t.capitalize()) for t in TERMIJNEN)],
        validate_choice=False,
        validators=[Optional(), AnyOf(list(TERMIJNEN), "Kies een termijn uit de lijst.")],
    )
    # The sort order survives a new filter; the column headers set it.
    sorteer = HiddenField(
        validators=[
            Optional(),
            Length(max=60, message="Onbekende kolom om op te sorteren."),
        ]
    )
    richting = HiddenField(
        validators=[Optional(), AnyOf(RICHTINGEN, "Sorteer oplopend of aflopend.")]
    )

    def _geldig(self, naam: str) -> str:
        veld = self[naam]
        return "" if veld.errors else str(veld.data or "")

    def filter(self) -> Filter:
        """The valid filters; an invalid one is shown with its message and then ignored."""
        status = self._geldig("status")
        return Filter(
            zoekterm=self._geldig("q").strip(),
            status=BeschikkingStatus(status) if status else None,
            verantwoording=self._geldig("verantwoording") or None,
            termijn=self._geldig("termijn") or None,
        )

    def gekozen(self) -> list[tuple[str, str]]:
        """The valid filters as (label, value as shown), for an export's explanation."""
        uit = []
        if zoekterm := self._geldig("q").strip():
            uit.append((str(self.q.label.text), zoekterm))
        for veld in (self.status, self.verantwoording, self.termijn):
            if waarde := self._geldig(veld.name):
                keuzes = {str(k.value): k.label for k in veld.choices}
                uit.append((str(veld.label.text), keuzes[waarde]))
        return uit

    def sortering(self) -> Sortering:
        return Sortering(
            kolom=self._geldig("sorteer") or "gemeente",
            aflopend=self._geldig("richting") == "aflopend",
        )
