"""Schemes through the web forms: a new scheme, its years and ceilings, its purposes."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kern.accounts.models import Rol
from kern.db import db
from subsidies.models import Bestedingsdoel, Regeling, RegelingJaar
from tests.gemeenten.factories import maak_gemeente
from tests.pagina import csrf_token, foutmeldingen, meldingen, tekst, versie_in
from tests.subsidies.factories import maak_beschikking

# --- Helpers the decision tests share -------------------------------------------------------


def nieuwe_regeling(client: FlaskClient, **velden: str):
    data = {
        "naam": "Versterkingsgelden 2015",
        "grondslag": "Kaderwet SZW-subsidies",
        "kamerstuk": "29 754, nr. 326",
        "omschrijving": "Versterking van de lokale aanpak van radicalisering.",
        "jaar": "2015",
        "plafond": "5.000.000",
    }
    data.update(velden)
    return client.post("/versterkingsgelden/regelingen/nieuw", data=data)


def aantal(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


# --- A new scheme ---------------------------------------------------------------------------


def test_an_officer_creates_a_scheme_with_its_first_year_and_the_standard_purposes(db, officier):
    antwoord = nieuwe_regeling(officier)

    assert antwoord.status_code == 302
    regeling = db.session.execute(select(Regeling)).scalar_one()
    assert antwoord.location.endswith(f"/versterkingsgelden/regelingen/{regeling.id}")
    assert regeling.naam == "Versterkingsgelden 2015"
    assert regeling.kamerstuk == "29 754, nr. 326"
    assert [(j.jaar, j.plafond) for j in regeling.jaren] == [(2015, Decimal("5000000.00"))]
    assert [(d.code, d.maatregelen) for d in regeling.doelen] == [
        ("kennisbevordering", "26"),
        ("vroegsignalering", "26, 30"),
        ("persoonsgerichte_aanpak", "30"),
    ]

    pagina = officier.get(antwoord.location)
    inhoud = tekst(pagina)
    assert ("succes", "Regeling Versterkingsgelden 2015 aangemaakt.") in meldingen(pagina)
    assert "€\xa05.000.000,00" in inhoud
    assert "Persoonsgerichte aanpak" in inhoud
    assert f'href="/versterkingsgelden/jaren/{regeling.jaren[0].id}/overzicht"' in pagina.text
    assert "Plafond 2015 wijzigen" in inhoud


@pytest.mark.parametrize(
    ("veld", "waarde", "melding"),
    [
        ("naam", "   ", "Vul een naam in."),
        ("grondslag", "", "Vul de grondslag in."),
        ("jaar", "twintig", "Een jaar is een getal, zoals 2015."),
        ("jaar", "1815", "Een jaar ligt tussen 2000 en 2100."),
        ("plafond", "", "Vul het plafond in."),
        ("plafond", " ", "Vul het plafond in."),
        ("plafond", "-5", '"-5" is negatief; een bedrag is nul of meer.'),
        ("plafond", "1.234,5x", '"1.234,5x" is geen bedrag.'),
        ("plafond", "12,345", '"12,345" heeft meer dan twee decimalen.'),
        ("plafond", "9999999999999", '"9999999999999" is groter dan het hoogst mogelijke bedrag.'),
    ],
)
def test_a_scheme_with_wrong_input_is_refused_in_dutch_and_nothing_is_saved(
    officier, veld, waarde, melding
):
    antwoord = nieuwe_regeling(officier, **{veld: waarde})

    assert antwoord.status_code == 400
    assert melding in foutmeldingen(antwoord)
    assert "Het formulier is niet verwerkt." in tekst(antwoord)
    assert aantal(Regeling) == 0
    assert aantal(RegelingJaar) == 0


def test_a_second_scheme_with_the_same_name_is_refused(officier):
    nieuwe_regeling(officier)

    antwoord = nieuwe_regeling(officier, jaar="2016")

    assert antwoord.status_code == 400
    assert (
        "fout",
        "Er bestaat al een regeling met de naam Versterkingsgelden 2015.",
    ) in meldingen(antwoord)
    assert aantal(Regeling) == 1
    assert aantal(RegelingJaar) == 1


def test_the_list_shows_schemes_to_the_ministry_and_the_new_link_only_to_officers(
    officier, login_as
):
    nieuwe_regeling(officier)
    financien = login_as(Rol.FINANCIEN)

    als_medewerker = officier.get("/versterkingsgelden/")
    als_financien = financien.get("/versterkingsgelden/")

    assert "Versterkingsgelden 2015" in tekst(als_medewerker)
    assert "Nieuwe regeling" in tekst(als_medewerker)
    assert "Versterkingsgelden 2015" in tekst(als_financien)
    assert "Nieuwe regeling" not in tekst(als_financien)
    assert "Plafond 2015 wijzigen" not in tekst(financien.get("/versterkingsgelden/regelingen/1"))


def test_the_menu_has_versterkingsgelden_marked_current_on_its_pages(officier):
    nieuwe_regeling(officier)

    pagina = officier.get("/versterkingsgelden/").text
    elders = officier.get("/").text

    assert re.search(r'href="/versterkingsgelden/" aria-current="page">Versterkingsgelden<', pagina)
    assert 'href="/versterkingsgelden/">Versterkingsgelden<' in elders


def test_a_municipality_user_has_no_menu_item_and_no_list(login_as, amsterdam):
    client = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    assert 'href="/versterkingsgelden/"' not in client.get("/gemeenten/GM0363").text
    assert client.get("/versterkingsgelden/").status_code == 403


# --- Years and ceilings ---------------------------------------------------------------------


def test_an_officer_adds_a_year_with_its_ceiling(officier, regeling):
    antwoord = officier.post(
        f"/versterkingsgelden/regelingen/{regeling.id}/jaren",
        data={"jaar": "2016", "plafond": "€ 6.250.000,50"},
    )

    assert antwoord.status_code == 302
    assert [(j.jaar, j.plafond) for j in regeling.jaren] == [
        (2015, Decimal("1000000.00")),
        (2016, Decimal("6250000.50")),
    ]
    assert "€\xa06.250.000,50" in tekst(officier.get(antwoord.location))


@pytest.mark.parametrize(
    ("data", "melding"),
    [
        ({"jaar": "2015", "plafond": "100"}, "Versterkingsgelden heeft al een jaar 2015."),
        ({"jaar": "2016", "plafond": "1.234,5x"}, '"1.234,5x" is geen bedrag.'),
        ({"jaar": "2016", "plafond": "-5"}, '"-5" is negatief; een bedrag is nul of meer.'),
        ({"jaar": "2016,5", "plafond": "100"}, "Een jaar is een getal, zoals 2015."),
        ({}, "Vul een jaar in."),
        ({"jaar": "2016", "plafond": " \t"}, "Vul het plafond in."),
    ],
)
def test_a_wrong_year_is_refused_and_nothing_is_added(officier, regeling, data, melding):
    antwoord = officier.post(f"/versterkingsgelden/regelingen/{regeling.id}/jaren", data=data)

    assert antwoord.status_code == 400
    assert melding in foutmeldingen(antwoord) + [m for _, m in meldingen(antwoord)]
    assert aantal(RegelingJaar) == 1


def test_an_officer_changes_a_ceiling(officier, regeling):
    jaar = regeling.jaren[0]
    pagina = officier.get(f"/versterkingsgelden/regelingen/{regeling.id}")

    antwoord = officier.post(
        f"/versterkingsgelden/jaren/{jaar.id}/plafond",
        data={
            f"jaar{jaar.id}-plafond": "1.500.000",
            f"jaar{jaar.id}-versie": versie_in(pagina, f"jaar{jaar.id}"),
        },
    )

    assert antwoord.status_code == 302
    assert jaar.plafond == Decimal("1500000.00")
    assert ("succes", "Het plafond voor 2015 is gewijzigd.") in meldingen(
        officier.get(antwoord.location)
    )


def test_a_ceiling_below_what_is_granted_is_refused(officier, regeling):
    maak_beschikking(maak_gemeente(), regeling, Decimal("800000.00"))
    jaar = regeling.jaren[0]

    antwoord = officier.post(
        f"/versterkingsgelden/jaren/{jaar.id}/plafond",
        data={f"jaar{jaar.id}-plafond": "799.999,99", f"jaar{jaar.id}-versie": str(jaar.versie)},
    )

    assert antwoord.status_code == 400
    assert (
        "fout",
        "Er is al €\xa0800.000,00 toegekend; het plafond kan niet lager worden.",
    ) in meldingen(antwoord)
    assert jaar.plafond == Decimal("1000000.00")


def test_two_officers_changing_one_ceiling_the_second_is_refused_with_409(
    officier, regeling, login_as
):
    jaar = regeling.jaren[0]
    collega = login_as(Rol.BELEIDSMEDEWERKER)
    url = f"/versterkingsgelden/regelingen/{regeling.id}"
    mijn_versie = versie_in(officier.get(url), f"jaar{jaar.id}")
    haar_versie = versie_in(collega.get(url), f"jaar{jaar.id}")

    eerste = collega.post(
        f"/versterkingsgelden/jaren/{jaar.id}/plafond",
        data={f"jaar{jaar.id}-plafond": "2.000.000", f"jaar{jaar.id}-versie": haar_versie},
    )
    tweede = officier.post(
        f"/versterkingsgelden/jaren/{jaar.id}/plafond",
        data={f"jaar{jaar.id}-plafond": "3.000.000", f"jaar{jaar.id}-versie": mijn_versie},
    )

    assert eerste.status_code == 302
    assert tweede.status_code == 409
    assert any(
        "Iemand anders heeft dit jaar van de regeling intussen gewijzigd" in m
        for _, m in meldingen(tweede)
    )
    assert "€\xa02.000.000,00" in tekst(tweede)  # the current ceiling is on the page
    assert jaar.plafond == Decimal("2000000.00")


def test_a_ceiling_form_without_its_version_is_refused(officier, regeling):
    jaar = regeling.jaren[0]

    antwoord = officier.post(
        f"/versterkingsgelden/jaren/{jaar.id}/plafond",
        data={f"jaar{jaar.id}-plafond": "2.000.000", f"jaar{jaar.id}-versie": "vier"},
    )

    assert antwoord.status_code == 400
    assert "Ongeldige versie; laad de pagina opnieuw." in foutmeldingen(antwoord)
    assert jaar.plafond == Decimal("1000000.00")


def test_a_ceiling_of_only_spaces_is_refused_and_nothing_changes(officier, regeling):
    jaar = regeling.jaren[0]
    pagina = officier.get(f"/versterkingsgelden/regelingen/{regeling.id}")

    antwoord = officier.post(
        f"/versterkingsgelden/jaren/{jaar.id}/plafond",
        data={
            f"jaar{jaar.id}-plafond": " ",
            f"jaar{jaar.id}-versie": versie_in(pagina, f"jaar{jaar.id}"),
        },
    )

    assert antwoord.status_code == 400
    assert "Vul het plafond in." in foutmeldingen(antwoord)
    assert jaar.plafond == Decimal("1000000.00")


# --- Purposes -------------------------------------------------------------------------------


def test_an_officer_adds_a_purpose_with_its_measures(officier, regeling):
    antwoord = officier.post(
        f"/versterkingsgelden/regelingen/{regeling.id}/doelen",
        data={"code": "nazorg", "naam": "Nazorg terugkeerders", "maatregelen": "30"},
    )

    assert antwoord.status_code == 302
    assert [d.code for d in regeling.doelen][-1] == "nazorg"
    assert regeling.doelen[-1].volgorde == 4
    assert "Nazorg terugkeerders" in tekst(officier.get(antwoord.location))


@pytest.mark.parametrize(
    ("data", "melding"),
    [
        (
            {"code": "vroegsignalering", "naam": "Nog eens"},
            "Versterkingsgelden heeft al een bestedingsdoel vroegsignalering.",
        ),
        (
            {"code": "Nazorg!", "naam": "Nazorg"},
            "Een code bestaat uit kleine letters, cijfers en liggende streepjes.",
        ),
        ({"code": "nazorg", "naam": ""}, "Vul een naam in."),
    ],
)
def test_a_wrong_purpose_is_refused(officier, regeling, data, melding):
    antwoord = officier.post(f"/versterkingsgelden/regelingen/{regeling.id}/doelen", data=data)

    assert antwoord.status_code == 400
    assert melding in foutmeldingen(antwoord) + [m for _, m in meldingen(antwoord)]
    assert aantal(Bestedingsdoel) == 3


def test_finance_may_read_a_scheme_but_not_change_it(regeling, financien):
    pagina = financien.get(f"/versterkingsgelden/regelingen/{regeling.id}")
    poging = financien.post(
        f"/versterkingsgelden/regelingen/{regeling.id}/doelen",
        data={"code": "nazorg", "naam": "Nazorg"},
    )

    assert pagina.status_code == 200
    assert "Bestedingsdoel toevoegen" not in tekst(pagina)
    assert poging.status_code == 403
    assert aantal(Bestedingsdoel) == 3


@pytest.mark.csrf
def test_the_ceiling_forms_carry_their_own_csrf_token(officier, regeling):
    jaar = regeling.jaren[0]
    pagina = officier.get(f"/versterkingsgelden/regelingen/{regeling.id}")
    token = csrf_token(pagina, f"jaar{jaar.id}-csrf_token")
    data = {f"jaar{jaar.id}-plafond": "2.000.000", f"jaar{jaar.id}-versie": str(jaar.versie)}

    zonder = officier.post(f"/versterkingsgelden/jaren/{jaar.id}/plafond", data=data)
    met = officier.post(
        f"/versterkingsgelden/jaren/{jaar.id}/plafond",
        data={**data, f"jaar{jaar.id}-csrf_token": token},
    )

    assert zonder.status_code == 400
    assert met.status_code == 302
    assert jaar.plafond == Decimal("2000000.00")
