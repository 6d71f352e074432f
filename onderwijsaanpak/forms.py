"""Forms of the onderwijsaanpak: the cohort and its phases, activities, lessons, rounds.

The forms check what a form can (required fields, lengths, choices, dates); the rules that need
the database or today's date are the services', whose refusal names the field it is about.
"""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from kern import tijd
from kern.forms import AantalField, DatumField, Formulier, VersieField, xlsx_veld
from onderwijsaanpak import regels
from onderwijsaanpak.models import DEELNEMENDE_FASEN, ActiviteitSoort, Fase, Niveau


def _id(waarde: Any) -> int | None:
    """A submitted id; the empty choice is None. Raises ValueError on anything else."""
    if waarde is None or waarde == "":
        return None
    return int(waarde)


def _lengte(maximum: int, wat: str) -> Length:
    return Length(max=maximum, message=f"{wat} is hooguit {maximum} tekens lang.")


def datumveld(label: str, melding: str | None = None, **kwargs: Any) -> DatumField:
    """A date; required when ``melding`` says what to fill in."""
    return DatumField(
        label, validators=[InputRequired(melding) if melding else Optional()], **kwargs
    )


def keuzeveld(
    soort: type[RadioField] | type[SelectField],
    label: str,
    keuzes: list[SelectChoice],
    melding: str,
    **kwargs: Any,
) -> Any:
    """A choice checked against its options, with a message that says what to do."""
    return soort(
        label,
        choices=keuzes,
        validate_choice=False,
        validators=[InputRequired(melding), AnyOf([k.value for k in keuzes], melding)],
        **kwargs,
    )


# --- The cohort and its phases --------------------------------------------------------------


class OpnameForm(Formulier):
    """Take a municipality into the cohort."""

    gemeente_id = SelectField(
        "Gemeente",
        coerce=_id,
        invalid_value_message="Kies een gemeente uit de lijst.",
        invalid_choice_message="Kies een gemeente uit de lijst.",
        validators=[InputRequired("Kies een gemeente.")],
    )
    fase = keuzeveld(
        RadioField,
        "Fase",
        [SelectChoice(f.value, f.label) for f in DEELNEMENDE_FASEN],
        "Kies de pilot of de uitrol.",
    )
    gepland_start = datumveld("Geplande start", "Vul de geplande start in.")
    gestart_op = datumveld(
        "Werkelijke start (optioneel)", description="Laat leeg zolang de fase niet is begonnen."
    )
    toelichting = StringField(
        "Toelichting (optioneel)", validators=[Optional(), _lengte(200, "Een toelichting")]
    )

    @property
    def gekozen_fase(self) -> Fase:
        return Fase(self.fase.data)


class FaseForm(Formulier):
    """Move a member to another phase; the choices are set per member (`voor`)."""

    naar = keuzeveld(RadioField, "Naar", [], "Kies de nieuwe fase.")
    gepland_start = datumveld(
        "Geplande start (met ingang van)", "Vul de datum in waarop de nieuwe fase ingaat."
    )
    gestart_op = datumveld(
        "Werkelijke start (optioneel)", description="Laat leeg zolang de fase niet is begonnen."
    )
    reden = TextAreaField(
        "Reden",
        description="Waarom de gemeente van fase verandert; blijft zichtbaar in de geschiedenis.",
        validators=[
            InputRequired("Geef de reden."),
            _lengte(regels.TOELICHTING_MAX, "Een reden"),
        ],
    )
    versie = VersieField()

    @classmethod
    def voor(cls, huidige: Fase, **kwargs: Any) -> FaseForm:
        form = cls(**kwargs)
        keuzes = [SelectChoice(f.value, f.label) for f in Fase if f is not huidige]
        form.naar.choices = keuzes
        form.naar.validators = [
            InputRequired("Kies de nieuwe fase."),
            AnyOf([k.value for k in keuzes], "Kies de nieuwe fase uit de lijst."),
        ]
        return form

    @property
    def gekozen_fase(self) -> Fase:
        return Fase(self.naar.data)


class StartdataForm(Formulier):
    gepland_start = datumveld("Geplande start", "Vul de geplande start in.")
    gestart_op = datumveld(
        "Werkelijke start (optioneel)", description="Laat leeg zolang de fase niet is begonnen."
    )
    versie = VersieField()


# --- Activities -----------------------------------------------------------------------------


class ActiviteitForm(Formulier):
    soort = keuzeveld(
        RadioField,
        "Soort activiteit",
        [SelectChoice(s.value, s.label) for s in ActiviteitSoort],
        "Kies de soort activiteit.",
    )
    datum = datumveld("Datum", "Vul de datum van de activiteit in.", default=tijd.vandaag)
    school = StringField(
        "School of schoolbestuur",
        validators=[
            InputRequired(regels.SCHOOL_ONTBREEKT),
            _lengte(regels.SCHOOL_MAX, "Een naam"),
        ],
    )
    brin = StringField(
        "BRIN-code (optioneel)",
        description="Twee cijfers en twee letters, zoals 12AB; met vestiging 12AB01.",
        validators=[Optional(), _lengte(10, "Een BRIN-code")],
    )
    niveau = keuzeveld(
        RadioField,
        "Onderwijsniveau",
        [SelectChoice(n.value, n.label) for n in Niveau],
        "Kies VO of MBO.",
    )
    deelnemers = AantalField(
        "Aantal deelnemers",
        description="Schoolbestuurders, onderwijsprofessionals of leerlingen die meededen.",
        validators=[InputRequired("Vul het aantal deelnemers in.")],
    )
    aanbieder = StringField(
        "Aanbieder (optioneel)",
        description="Wie de training of activiteit gaf.",
        validators=[Optional(), _lengte(regels.AANBIEDER_MAX, "Een aanbieder")],
    )
    opmerkingen = TextAreaField(
        "Opmerkingen (optioneel)",
        validators=[Optional(), _lengte(regels.OPMERKINGEN_MAX, "Een opmerking")],
    )

    @property
    def gekozen_soort(self) -> ActiviteitSoort:
        return ActiviteitSoort(self.soort.data)

    @property
    def gekozen_niveau(self) -> Niveau:
        return Niveau(self.niveau.data)


class ActiviteitWijzigForm(ActiviteitForm):
    versie = VersieField()


class VersieForm(Formulier):
    """A button that acts on one version of a record: remove an activity, close a round."""

    versie = VersieField()


class UploadForm(Formulier):
    """Activities sent as Excel (`onderwijsaanpak.activiteiten_import`)."""

    bestand = xlsx_veld("Ingevuld sjabloon (.xlsx)", "Kies het ingevulde Excel-bestand.")


class BevestigForm(Formulier):
    """Confirm an upload: its version and the municipality's activities as the preview
    compared them (`activiteiten_import.stand`)."""

    versie = VersieField()
    stand = HiddenField(validators=[InputRequired("Laad de voorvertoning opnieuw.")])


# --- Lessons --------------------------------------------------------------------------------


class LesForm(Formulier):
    thema = StringField(
        "Thema",
        description="Bijvoorbeeld: ouders betrekken, signalen herkennen, samenwerking met zorg.",
        validators=[InputRequired("Vul het thema in."), _lengte(regels.THEMA_MAX, "Een thema")],
    )
    tekst = TextAreaField(
        "Les",
        validators=[InputRequired("Beschrijf de les."), _lengte(regels.LES_MAX, "Een les")],
    )
    datum = datumveld("Datum", "Vul de datum in.", default=tijd.vandaag)
    in_uitrol = BooleanField("Overgenomen in de uitrol")


class LesWijzigForm(LesForm):
    versie = VersieField()


# --- Reporting rounds -----------------------------------------------------------------------


class RondeForm(Formulier):
    naam = StringField(
        "Naam",
        description="Bijvoorbeeld: Schooljaar 2016-2017, of Eerste helft 2017.",
        validators=[
            InputRequired("Geef de ronde een naam."),
            _lengte(regels.RONDENAAM_MAX, "Een naam"),
        ],
    )
    periode_van = datumveld("Periode van", "Vul het begin van de periode in.")
    periode_tot = datumveld("Periode tot en met", "Vul het einde van de periode in.")
    uiterlijk = datumveld("Uiterlijk rapporteren op", "Vul de uiterste datum in.")


class RondeWijzigForm(RondeForm):
    versie = VersieField()


class IndienForm(Formulier):
    toelichting = TextAreaField(
        "Toelichting (optioneel)",
        description="Wat het ministerie bij deze activiteiten moet weten.",
        validators=[Optional(), _lengte(regels.TOELICHTING_MAX, "Een toelichting")],
    )


class GoedkeurForm(Formulier):
    versie = VersieField()
    reactie = TextAreaField(
        "Opmerking voor de gemeente (optioneel)",
        validators=[Optional(), _lengte(regels.TOELICHTING_MAX, "Een opmerking")],
    )


class TerugstuurForm(Formulier):
    versie = VersieField()
    reden = TextAreaField(
        "Wat moet de gemeente aanvullen of verbeteren?",
        validators=[
            InputRequired("Geef aan wat de gemeente moet verbeteren."),
            _lengte(regels.TOELICHTING_MAX, "Een reden"),
        ],
    )
