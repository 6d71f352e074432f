from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from kern.accounts.models import ROL_LABELS, Rol
from kern.accounts.services import MINIMALE_WACHTWOORDLENGTE


class AanmeldForm(FlaskForm):
    email = EmailField(
        "E-mailadres", validators=[DataRequired("Vul uw e-mailadres in."), Length(max=254)]
    )
    wachtwoord = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in.")])


class WachtwoordForm(FlaskForm):
    huidig = PasswordField(
        "Huidig wachtwoord", validators=[DataRequired("Vul uw huidige wachtwoord in.")]
    )
    nieuw = PasswordField(
        "Nieuw wachtwoord",
        validators=[
            DataRequired("Vul een nieuw wachtwoord in."),
            Length(
                min=MINIMALE_WACHTWOORDLENGTE,
                max=200,
                message=f"Een wachtwoord heeft minstens {MINIMALE_WACHTWOORDLENGTE} tekens.",
            ),
        ],
    )
    herhaling = PasswordField(
        "Herhaal het nieuwe wachtwoord",
        validators=[EqualTo("nieuw", "De twee nieuwe wachtwoorden zijn niet gelijk.")],
    )


class NieuweGebruikerForm(FlaskForm):
    naam = StringField("Naam", validators=[DataRequired("Vul een naam in."), Length(max=120)])
    email = EmailField(
        "E-mailadres",
        validators=[
            DataRequired("Vul een e-mailadres in."),
            Email("Dit is geen geldig e-mailadres.", check_deliverability=False),
            Length(max=254),
        ],
    )
    rol = SelectField(
        "Rol",
        choices=[SelectChoice(rol.value, ROL_LABELS[rol]) for rol in Rol],
        validators=[InputRequired("Kies een rol.")],
    )
    gemeente_id = SelectField(
        "Gemeente (alleen voor medewerkers van een gemeente)",
        coerce=int,
        validate_choice=True,
    )
    wachtwoord = PasswordField(
        "Eerste wachtwoord",
        description="De gebruiker kan het na aanmelden zelf wijzigen.",
        validators=[
            DataRequired("Vul een eerste wachtwoord in."),
            Length(
                min=MINIMALE_WACHTWOORDLENGTE,
                max=200,
                message=f"Een wachtwoord heeft minstens {MINIMALE_WACHTWOORDLENGTE} tekens.",
            ),
        ],
    )

    def validate_gemeente_id(self, field: SelectField) -> None:
        if self.rol.data == Rol.GEMEENTE.value and not field.data:
            raise ValidationError("Kies de gemeente van deze medewerker.")
        if self.rol.data != Rol.GEMEENTE.value and field.data:
            raise ValidationError("Alleen medewerkers van een gemeente horen bij een gemeente.")
