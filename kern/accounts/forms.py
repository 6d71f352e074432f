from __future__ import annotations

from wtforms import EmailField, PasswordField, SearchField, SelectChoice, SelectField, StringField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from kern.accounts import wachtwoorden
from kern.accounts.models import ROL_LABELS, Rol
from kern.beveiligingslog import Gebeurtenis, Resultaat
from kern.forms import DatumField, Formulier

_email_lengte = Length(max=254, message="Een e-mailadres is hooguit 254 tekens lang.")


def _aanvaardbaar(wachtwoord: str, email: str) -> None:
    if (reden := wachtwoorden.bezwaar(wachtwoord, email)) is not None:
        raise ValidationError(reden)


class AanmeldForm(Formulier):
    email = EmailField(
        "E-mailadres", validators=[DataRequired("Vul uw e-mailadres in."), _email_lengte]
    )
    wachtwoord = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in.")])


class CodeForm(Formulier):
    """The second factor: six digits from the app, or a recovery code."""

    code = StringField(
        "Code",
        validators=[
            DataRequired("Vul de code uit uw app in, of een herstelcode."),
            Length(max=40, message="Een code is hooguit 40 tekens lang."),
        ],
    )


class WachtwoordForm(Formulier):
    huidig = PasswordField(
        "Huidig wachtwoord", validators=[DataRequired("Vul uw huidige wachtwoord in.")]
    )
    nieuw = PasswordField(
        "Nieuw wachtwoord",
        validators=[
            DataRequired("Vul een nieuw wachtwoord in."),
        ],
    )
    herhaling = PasswordField(
        "Herhaal het nieuwe wachtwoord",
        validators=[EqualTo("nieuw", "De twee nieuwe wachtwoorden zijn niet gelijk.")],
    )

    def __init__(self, email: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._email = email  # the account's, which the new password may not contain

    def validate_nieuw(self, field: PasswordField) -> None:
        _aanvaardbaar(field.data, self._email)


class RolForm(Formulier):
    """A role, and the municipality that goes with the municipality's role; the caller fills
    ``gemeente_id.choices`` (`kern.accounts.views.gemeentekeuzes`)."""

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

    def validate_gemeente_id(self, field: SelectField) -> None:
        if self.rol.data == Rol.GEMEENTE.value and not field.data:
            raise ValidationError("Kies de gemeente van deze medewerker.")
        if self.rol.data != Rol.GEMEENTE.value and field.data:
            raise ValidationError("Alleen medewerkers van een gemeente horen bij een gemeente.")


class NieuweGebruikerForm(RolForm):
    naam = StringField(
        "Naam",
        validators=[
            DataRequired("Vul een naam in."),
            Length(max=120, message="Een naam is hooguit 120 tekens lang."),
        ],
    )
    email = EmailField(
        "E-mailadres",
        validators=[
            DataRequired("Vul een e-mailadres in."),
            Email("Dit is geen geldig e-mailadres.", check_deliverability=False),
            _email_lengte,
        ],
    )
    wachtwoord = PasswordField(
        "Eerste wachtwoord",
        description="De gebruiker kan het na aanmelden zelf wijzigen.",
        validators=[
            DataRequired("Vul een eerste wachtwoord in."),
        ],
    )

    def validate_wachtwoord(self, field: PasswordField) -> None:
        _aanvaardbaar(field.data, self.email.data or "")


class BeveiligingslogForm(Formulier):
    """The security log's filters; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    gebeurtenis = SelectField(
        "Gebeurtenis",
        choices=[
            SelectChoice("", "Alle gebeurtenissen"),
            *(SelectChoice(g.value) for g in Gebeurtenis),
        ],
        validate_choice=False,
        validators=[
            Optional(),
            AnyOf([g.value for g in Gebeurtenis], "Kies een gebeurtenis uit de lijst."),
        ],
    )
    resultaat = SelectField(
        "Resultaat",
        choices=[SelectChoice("", "Alle resultaten"), *(SelectChoice(r.value) for r in Resultaat)],
        validate_choice=False,
        validators=[
            Optional(),
            AnyOf([r.value for r in Resultaat], "Kies een resultaat uit de lijst."),
        ],
    )
    wie = SearchField(
        "Door (e-mailadres of een deel ervan)",
        validators=[Optional(), Length(max=254, message="Hooguit 254 tekens.")],
    )
    van = DatumField("Vanaf", validators=[Optional()])
    tot = DatumField("Tot en met", validators=[Optional()])

    def validate_tot(self, field: DatumField) -> None:
        if field.data and self.van.data and field.data < self.van.data:
            raise ValidationError("De einddatum ligt voor de begindatum.")
