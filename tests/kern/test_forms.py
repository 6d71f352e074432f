"""The kernel's form fields, on their own."""

from __future__ import annotations

import inspect
from decimal import Decimal

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import EmailField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from kern.forms import AantalField, BedragField, Formulier


class _Bedragen(Formulier):
    class Meta:
        csrf = False

    verplicht = BedragField("Bedrag", validators=[InputRequired("Vul een bedrag in.")])
    vrij = BedragField("Optioneel", validators=[Optional()])


@pytest.mark.parametrize("leeg", ["", " ", "\t", "  \u00a0 "])
def test_an_amount_of_only_whitespace_is_empty_and_required_says_so(app, leeg):
    with app.test_request_context(method="POST"):
        form = _Bedragen(formdata=MultiDict({"verplicht": leeg, "vrij": leeg}))

        assert not form.validate()
        assert form.errors == {"verplicht": ["Vul een bedrag in."]}
        assert form.verplicht.data is None
        assert form.vrij.data is None


def test_an_amount_with_spaces_around_it_is_read(app):
    with app.test_request_context(method="POST"):
        form = _Bedragen(formdata=MultiDict({"verplicht": " 1.234,56 ", "vrij": ""}))

        assert form.validate()
        assert form.verplicht.data == Decimal("1234.56")


class _Aantallen(Formulier):
    class Meta:
        csrf = False

    aantal = AantalField("Aantal", validators=[InputRequired("Vul een aantal in.")])


@pytest.mark.parametrize(
    ("ingevuld", "gelezen"), [("25", 25), (" 7 ", 7), ("0", 0), ("000120", 120)]
)
def test_a_count_is_read_from_the_digits_0_to_9(app, ingevuld, gelezen):
    with app.test_request_context(method="POST"):
        form = _Aantallen(formdata=MultiDict({"aantal": ingevuld}))

        assert form.validate()
        assert form.aantal.data == gelezen


@pytest.mark.parametrize(
    "ingevuld",
    ["-3", "+3", "2,5", "2.5", "1.000", "1_000", "1e3", "١٢٣", "１２３", "Ⅻ", "drie", "1234567890"],
)
def test_a_count_in_any_other_notation_is_refused(app, ingevuld):
    with app.test_request_context(method="POST"):
        form = _Aantallen(formdata=MultiDict({"aantal": ingevuld}))

        assert not form.validate()
        assert form.errors == {"aantal": ["Vul een heel getal in, met alleen cijfers, zoals 25."]}
        assert form.aantal.data is None


def test_a_count_of_only_whitespace_is_empty_and_required_says_so(app):
    with app.test_request_context(method="POST"):
        form = _Aantallen(formdata=MultiDict({"aantal": " \t "}))

        assert not form.validate()
        assert form.errors == {"aantal": ["Vul een aantal in."]}


class _ZonderEigenMeldingen(Formulier):
    """Validators without a message of their own: WTForms' built-in messages."""

    class Meta:
        csrf = False

    naam = StringField("Naam", validators=[DataRequired(), Length(max=5)])
    email = EmailField("E-mail", validators=[Email(check_deliverability=False)])
    aantal = IntegerField("Aantal", validators=[NumberRange(min=1, max=10)])
    keuze = SelectField("Keuze", choices=[SelectChoice("a", "A")])
    getal = IntegerField("Getal")


def test_wtforms_built_in_messages_are_dutch(app):
    with app.test_request_context(method="POST"):
        form = _ZonderEigenMeldingen(
            formdata=MultiDict(
                {"naam": "te lang", "email": "geen", "aantal": "11", "keuze": "b", "getal": "x"}
            )
        )

        assert not form.validate()
        assert form.errors == {
            "naam": ["Veld mag niet langer zijn dan 5 karakters."],
            "email": ["Ongeldig e-mailadres."],
            "aantal": ["Nummer moet tussen 1 en 10 liggen."],
            "keuze": ["Ongeldige keuze."],
            "getal": ["Ongeldig getal."],
        }
        leeg = _ZonderEigenMeldingen(formdata=MultiDict({"aantal": "5", "keuze": "a"}))
        assert not leeg.validate()
        assert leeg.errors["naam"] == ["Dit veld is vereist."]


def _alle_subklassen(klasse: type) -> set[type]:
    return {k for sub in klasse.__subclasses__() for k in {sub, *_alle_subklassen(sub)}}


def test_every_form_of_the_application_is_a_formulier(app):
    """A form built on FlaskForm directly would show WTForms' messages in English."""
    van_de_applicatie = {
        k
        for k in _alle_subklassen(FlaskForm)
        if inspect.getmodule(k).__name__.split(".")[0]
        in ("kern", "gemeenten", "subsidies", "onderwijsaanpak")
    }

    assert len(van_de_applicatie) > 10  # the domains' forms were imported by create_app
    assert {k.__qualname__ for k in van_de_applicatie if not issubclass(k, Formulier)} == set()
