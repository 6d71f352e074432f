"""The filters above every analysis page: a GET form, so that the address carries them (and
the export, which is the same address with ``formaat`` added)."""

from __future__ import annotations

from wtforms import SelectChoice, SelectField
from wtforms.validators import AnyOf, Optional

from gemeenten.forms import provincieveld
from gemeenten.inventarisatie.analyse import PROGRAMMAFILTERS, Filter
from gemeenten.models import Programma
from kern.forms import Formulier

GROEPEN = {
    Programma.VERSTERKINGSGELDEN: "Die versterkingsgelden ontvangen",
    Programma.ONDERWIJSAANPAK: "In het cohort van de onderwijsaanpak",
}


class FilterForm(Formulier):
    class Meta:
        csrf = False

    provincie = provincieveld()
    programma = SelectField(
        "Gemeenten",
        choices=[
            SelectChoice("", "Alle gemeenten"),
            *(SelectChoice(p.value, GROEPEN[p]) for p in PROGRAMMAFILTERS),
        ],
        validate_choice=False,
        validators=[
            Optional(),
            AnyOf([p.value for p in PROGRAMMAFILTERS], "Kies een groep gemeenten uit de lijst."),
        ],
    )

    def filter(self) -> Filter:
        """The filter the form asks for; a field with an error is left out (and shown)."""
        provincie = self.provincie.data if not self.provincie.errors else None
        programma = self.programma.data if not self.programma.errors else None
        return Filter(
            provincie=provincie or None, programma=Programma(programma) if programma else None
        )

    def beschrijving(self) -> list[tuple[str, str]]:
        """The filters in force, as (label, value) pairs for the page and the export."""
        filter = self.filter()
        paren = []
        if filter.provincie:
            paren.append(("Provincie", filter.provincie))
        if filter.programma is not None:
            paren.append(("Gemeenten", GROEPEN[filter.programma]))
        return paren


class VergelijkForm(FilterForm):
    """The filters and the other inventory to compare with (its choices set per inventory)."""

    met = SelectField("Vergelijk met", validate_choice=False)
