"""Lists that grow with the data come a page at a time (`subsidies.views.pagina_van`): the
decisions of a year, with the whole year's totals, and the returns waiting for review; their
exports have every row."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from kern import paginering, uploads
from subsidies import historische_import, services
from subsidies.models import BetalingSoort, RegelingJaar
from tests.gemeenten.factories import maak_gemeente
from tests.pagina import tekst
from tests.subsidies.factories import maak_beschikking, maak_regeling, maak_verantwoording

NAMEN = ("Almere", "Breda", "Culemborg", "Delft", "Ede")  # in this order on the page


@pytest.fixture
def vijf(db, monkeypatch):
    """Five decisions of 2015, two on a page: Almere 10,000, Breda 20,000 and so on to Ede's
    50,000, a draft; Almere and Breda were paid, and 2,000 of Breda's came back."""
    monkeypatch.setattr(paginering, "PER_PAGINA", 2)
    regeling = maak_regeling()
    for nummer, naam in enumerate(reversed(NAMEN)):  # made in another order than shown
        gemeente = maak_gemeente(f"GM{nummer + 1:04d}", naam, "Utrecht")
        maak_beschikking(gemeente, regeling, Decimal((5 - nummer) * 10_000), beschikt=naam != "Ede")
    for beschikking in regeling.jaren[0].beschikkingen:
        if beschikking.gemeente.naam in ("Almere", "Breda"):
            betaling = services.plan_betaling(
                beschikking,
                soort=BetalingSoort.VOORSCHOT,
                bedrag=beschikking.bedrag,
                gepland_op=date(2015, 11, 1),
            )
            services.registreer_betaling(betaling, betaald_op=date(2015, 11, 1), versie=1)
    breda = next(b for b in regeling.jaren[0].beschikkingen if b.gemeente.naam == "Breda")
    terug = services.plan_betaling(
        breda, soort=BetalingSoort.TERUGVORDERING, bedrag=Decimal(2000), gepland_op=date(2016, 1, 1)
    )
    services.registreer_betaling(terug, betaald_op=date(2016, 1, 1), versie=1)
    return regeling.jaren[0].id


def rijen(pagina: str) -> list[str]:
    return re.findall(
        r'<th scope="row"><a href="/versterkingsgelden/beschikkingen/\d+">([^<]+)</a>', pagina
    )


def test_the_first_page_shows_two_and_the_totals_of_all_five(officier, vijf):
    pagina = officier.get(f"/versterkingsgelden/jaren/{vijf}")

    assert pagina.status_code == 200
    assert rijen(pagina.text) == ["Almere", "Breda"]
    inhoud = tekst(pagina)
    assert "Beschikkingen voor Versterkingsgelden 2015 (1–2 van 5, pagina 1 van 3)" in inhoud
    # Granted: all but Ede's draft; paid: 10,000 + 20,000 - 2,000 back.
    assert re.search(
        "Totaal van alle 5 beschikkingen toegekend.*?\u20ac\xa0100.000,00 \u20ac\xa028.000,00",
        inhoud,
    )
    assert 'rel="next"' in pagina.text
    assert 'rel="prev"' not in pagina.text


def test_the_last_page_has_the_rest_and_no_next(officier, vijf):
    pagina = officier.get(f"/versterkingsgelden/jaren/{vijf}?pagina=3")

    assert rijen(pagina.text) == ["Ede"]
    assert "Pagina 3 van 3" in tekst(pagina)
    assert 'rel="prev"' in pagina.text
    assert 'rel="next"' not in pagina.text


def test_a_page_beyond_the_last_is_not_found(officier, vijf):
    assert officier.get(f"/versterkingsgelden/jaren/{vijf}?pagina=4").status_code == 404


@pytest.mark.parametrize(
    "waarde", ["nul", "-1", "0", "1.5", "", "\u0662", "99999999999999999999", "1e3"]
)
def test_a_page_that_is_no_page_number_shows_the_first(officier, vijf, waarde):
    pagina = officier.get(f"/versterkingsgelden/jaren/{vijf}?pagina={waarde}")

    assert pagina.status_code == 200
    assert rijen(pagina.text) == ["Almere", "Breda"]


def test_the_export_has_every_decision_of_the_year(officier, vijf):
    antwoord = officier.get(f"/versterkingsgelden/jaren/{vijf}?formaat=csv")

    assert antwoord.status_code == 200
    for naam in NAMEN:
        assert naam in antwoord.text


@pytest.fixture
def drie_wachtend(vijf, db):
    """Returns of Almere, Breda and Culemborg waiting for review, submitted in that order."""
    for naam in ("Almere", "Breda", "Culemborg"):
        beschikking = next(
            b for b in db.session.get(RegelingJaar, vijf).beschikkingen if b.gemeente.naam == naam
        )
        maak_verantwoording(beschikking, Decimal(1000))
    db.session.commit()


def wachtend(pagina: str) -> list[str]:
    return re.findall(r'<a href="/versterkingsgelden/verantwoordingen/\d+">([^<]+)</a>', pagina)


def test_the_review_list_shows_a_page_and_counts_all(officier, drie_wachtend):
    eerste = officier.get("/versterkingsgelden/te-beoordelen")
    tweede = officier.get("/versterkingsgelden/te-beoordelen?pagina=2")

    assert wachtend(eerste.text) == ["Almere", "Breda"]
    assert (
        "3 ingediende versies wachten op beoordeling; de oudste staat bovenaan (hier 1–2)."
        in tekst(eerste)
    )
    assert wachtend(tweede.text) == ["Culemborg"]
    assert "Pagina 2 van 2" in tekst(tweede)


def test_the_review_export_has_every_waiting_return(officier, drie_wachtend):
    antwoord = officier.get("/versterkingsgelden/te-beoordelen?formaat=csv")

    assert antwoord.status_code == 200
    for naam in ("Almere", "Breda", "Culemborg"):
        assert naam in antwoord.text


# --- Finance's work list --------------------------------------------------------------------

WERKLIJST = "/versterkingsgelden/betalingen"


def te_betalen(pagina: str) -> list[str]:
    deel = re.search(r'<h2 id="te-betalen">(.*?)<h2 id="terug-te-vorderen">', pagina, re.S)
    assert deel is not None
    return re.findall(r'<th scope="row">([^<]+)</th>', deel[1])


@pytest.fixture
def werklijst(demo, op_1_juni_2016, monkeypatch):
    """The demo's three advances to pay (Rotterdam, Arnhem, Huizen), two on a page."""
    monkeypatch.setattr(paginering, "PER_PAGINA", 2)


@pytest.mark.usefixtures("werklijst")
def test_the_payments_to_make_come_a_page_at_a_time_with_the_totals_of_all(financien):
    regeling = re.search(r'<option value="(\d+)"', financien.get(WERKLIJST).text)[1]  # type: ignore[index]
    eerste = financien.get(f"{WERKLIJST}?regeling={regeling}")
    tweede = financien.get(f"{WERKLIJST}?regeling={regeling}&pagina_te_betalen=2")

    assert te_betalen(eerste.text) == ["Rotterdam", "Arnhem"]
    assert te_betalen(tweede.text) == ["Huizen"]
    for pagina in (eerste, tweede):
        assert "Totaal (3), waarvan achterstallig 3: €\xa0522.000,00" in tekst(pagina)
    assert "Te betalen (1–2 van 3)" in tekst(eerste)
    # The next page keeps the filter; the clawback's part has a page of its own.
    assert (
        f'href="{WERKLIJST}?regeling={regeling}&amp;pagina_te_betalen=2" rel="next"' in eerste.text
    )
    assert (
        f'href="{WERKLIJST}?regeling={regeling}&amp;pagina_te_betalen=1" rel="prev"' in tweede.text
    )
    assert "Den Haag" in tekst(tweede)


@pytest.mark.usefixtures("werklijst")
@pytest.mark.parametrize("waarde", ["drie", "-2", "\u0662", "99999999999999999999"])
def test_a_work_list_page_that_is_no_page_number_shows_the_first(financien, waarde):
    pagina = financien.get(f"{WERKLIJST}?pagina_te_betalen={waarde}")

    assert pagina.status_code == 200
    assert te_betalen(pagina.text) == ["Rotterdam", "Arnhem"]


@pytest.mark.usefixtures("werklijst")
def test_a_work_list_page_beyond_the_last_is_not_found(financien):
    assert financien.get(f"{WERKLIJST}?pagina_te_betalen=3").status_code == 404
    assert financien.get(f"{WERKLIJST}?pagina_terug=2").status_code == 404


@pytest.mark.usefixtures("werklijst")
def test_the_work_list_export_has_every_payment_whatever_the_page(financien):
    antwoord = financien.get(f"{WERKLIJST}?pagina_te_betalen=2&formaat=csv")

    assert antwoord.status_code == 200
    for naam in ("Rotterdam", "Arnhem", "Huizen"):
        assert naam in antwoord.text


# --- Earlier uploads ------------------------------------------------------------------------


def test_earlier_uploads_come_a_page_at_a_time_newest_first(db, officier, monkeypatch):
    monkeypatch.setattr(paginering, "PER_PAGINA", 2)
    regeling = maak_regeling()
    db.session.commit()  # the originals are kept through a session of their own
    for nummer in range(1, 4):  # three different files, oldest first
        uploads.ontvang(
            f"bestand {nummer}".encode(),
            soort=historische_import.SOORT,
            sleutel=historische_import.sleutel(regeling),
            bestandsnaam=f"historie-{nummer}.xlsx",
            door="beleid@example.invalid",
        )
    db.session.commit()
    adres = f"/versterkingsgelden/regelingen/{regeling.id}/import"

    eerste, tweede = officier.get(adres), officier.get(f"{adres}?pagina=2")

    assert re.findall(r">(historie-\d)\.xlsx</a>", eerste.text) == ["historie-3", "historie-2"]
    assert "Eerdere uploads (1–2 van 3, nieuwste eerst)" in tekst(eerste)
    assert f'href="{adres}?pagina=2" rel="next"' in eerste.text
    assert re.findall(r">(historie-\d)\.xlsx</a>", tweede.text) == ["historie-1"]
    assert officier.get(f"{adres}?pagina=3").status_code == 404
    assert officier.get(f"{adres}?pagina=x").status_code == 200
