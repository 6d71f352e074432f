"""Control characters in what a browser sends: refused in one place, with a Dutch 400.

A NUL byte cannot be stored in a PostgreSQL text column, so before this check it reached the
database and answered 500; other control characters are never meant either. Tab, newline and
carriage return are allowed in form values and query arguments (multi-line text).
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kern.accounts.models import Gebruiker, Rol
from kern.db import db
from kern.uploads import Upload
from subsidies.models import Regeling
from tests.kern.factories import WACHTWOORD, maak_gebruiker
from tests.subsidies.factories import maak_beschikking, maak_regeling

WEIGERING = "Het verzoek bevat een stuurteken"


def aantal(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _geweigerd(antwoord, waar: str) -> None:
    assert antwoord.status_code == 400
    html = antwoord.text
    assert "Ongeldig verzoek" in html
    assert WEIGERING in html
    assert waar in html
    assert "er is niets gewijzigd" in html


@pytest.mark.parametrize(
    "pad",
    ["/gemeenten/GM0344%00", "/gemeenten/GM%000344/deelnames", "/bestaat%01niet"],
)
def test_a_control_character_in_the_path_is_refused(officier, utrecht, pad):
    _geweigerd(officier.get(pad), "het adres")


@pytest.mark.parametrize("zoekterm", ["Utr%00echt", "%1b[31m", "a%7fb"])
def test_a_control_character_in_the_search_box_is_refused(officier, utrecht, zoekterm):
    _geweigerd(officier.get(f"/gemeenten/?q={zoekterm}"), "het adres")


def test_a_nul_in_the_login_form_is_refused_for_an_anonymous_visitor(db, client):
    maak_gebruiker(Rol.BEHEERDER, email="beheer@voorbeeld.nl")

    antwoord = client.post(
        "/aanmelden", data={"email": "beheer@voorbeeld.nl\x00", "wachtwoord": WACHTWOORD}
    )

    _geweigerd(antwoord, "wat u hebt ingevuld")
    assert client.get("/").status_code == 302  # still not signed in


@pytest.mark.parametrize("teken", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_a_text_field_is_refused_and_nothing_is_saved(db, login_as, teken):
    beheerder = login_as(Rol.BEHEERDER)
    voor = aantal(Gebruiker)

    antwoord = beheerder.post(
        "/beheer/gebruikers/nieuw",
        data={
            "naam": f"Nieuwe{teken}Collega",
            "email": "nieuw@voorbeeld.nl",
            "rol": "financien",
            "gemeente_id": "0",
            "wachtwoord": "een-lang-wachtwoord",
            "wachtwoord_herhaald": "een-lang-wachtwoord",
        },
    )

    _geweigerd(antwoord, "wat u hebt ingevuld")
    assert aantal(Gebruiker) == voor


def test_tabs_and_line_breaks_in_multi_line_text_are_kept(db, officier):
    antwoord = officier.post(
        "/versterkingsgelden/regelingen/nieuw",
        data={
            "naam": "Versterkingsgelden 2015",
            "grondslag": "Kaderwet SZW-subsidies",
            "omschrijving": "Eerste regel\r\n\tingesprongen tweede regel",
            "jaar": "2015",
            "plafond": "5.000.000",
        },
    )

    assert antwoord.status_code == 302
    regeling = db.session.execute(select(Regeling)).scalar_one()
    assert regeling.omschrijving == "Eerste regel\r\n\tingesprongen tweede regel"


def test_a_nul_in_an_uploads_file_name_is_refused_and_nothing_is_stored(db, login_as, amsterdam):
    beschikking = maak_beschikking(amsterdam, maak_regeling(), Decimal("920000.00"), kenmerk="VG-1")
    klerk = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    antwoord = klerk.post(
        f"/versterkingsgelden/beschikkingen/{beschikking.id}/verantwoording/upload",
        data={"bestand": (io.BytesIO(b"PK\x03\x04 geen werkmap"), "verantwoording\x00.xlsx")},
        content_type="multipart/form-data",
    )

    _geweigerd(antwoord, "de naam van het bestand")
    assert aantal(Upload) == 0


def test_an_address_of_10_kb_is_a_dutch_414(officier, utrecht):
    antwoord = officier.get("/gemeenten/?q=" + "a" * 10 * 1024)

    assert antwoord.status_code == 414
    html = antwoord.text
    assert "Adres te lang" in html
    assert "Het adres van deze pagina is te lang" in html


def test_a_long_address_below_the_limit_is_served(officier, utrecht):
    antwoord = officier.get("/gemeenten/?q=" + "a" * 4000)

    assert antwoord.status_code == 200
