"""The needs inventory on a municipality's page: the inventories it was invited to, its
answers, and what it still has to answer."""

from __future__ import annotations

from datetime import date

import pytest

from kern.accounts.models import Rol
from tests.inventarisatie.factories import maak_antwoord, maak_deelnemer, maak_inventarisatie
from tests.pagina import tekst

pytestmark = pytest.mark.usefixtures("klok")


def test_the_page_shows_the_inventories_and_what_is_to_answer(login_as, quickscan, amsterdam):
    quickscan.inventarisatie.open_voor_gemeenten = True
    quickscan.inventarisatie.demo = True
    maak_antwoord(quickscan.kennis, amsterdam, prioriteit=4)
    maak_antwoord(quickscan.training, amsterdam, behoefte=False, prioriteit=None)
    later = maak_inventarisatie("Inventarisatie 2017", date(2017, 3, 1))
    maak_deelnemer(later, amsterdam, beantwoord_op=date(2017, 4, 1))
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    pagina = tekst(gemeente.get("/", follow_redirects=True))

    assert (
        "Te rapporteren Behoefte-inventarisatie: Quickscan 2015 beantwoorden, uiterlijk "
        "1 december 2015" in pagina
    )
    assert (
        "Quickscan 2015 demogegevens 1 juni 2015 Nog niet 1 van 2 thema's Bekijken en "
        "corrigeren: Quickscan 2015 (open tot en met 1 december 2015)" in pagina
    )
    assert "Inventarisatie 2017 1 juni 2015 1 april 2017 0 van 0 thema's Bekijken" in pagina
    assert pagina.index("Inventarisatie 2017") < pagina.index("Quickscan 2015 demogegevens")


def test_an_answered_or_closed_inventory_is_nothing_to_do(login_as, quickscan, amsterdam):
    quickscan.amsterdam.beantwoord_op = date(2015, 10, 1)
    quickscan.inventarisatie.open_voor_gemeenten = True
    gesloten = maak_inventarisatie("Gesloten", uiterlijk=date(2015, 12, 1))
    maak_deelnemer(gesloten, amsterdam)

    pagina = tekst(login_as(Rol.GEMEENTE, gemeente=amsterdam).get("/", follow_redirects=True))

    assert "beantwoorden" not in pagina
    assert "Gesloten 1 juni 2015 Nog niet" in pagina


def test_a_late_answer_is_marked(login_as, quickscan, amsterdam):
    quickscan.inventarisatie.open_voor_gemeenten = True
    quickscan.inventarisatie.uiterlijk = date(2015, 10, 15)

    pagina = tekst(login_as(Rol.GEMEENTE, gemeente=amsterdam).get("/", follow_redirects=True))

    assert "Te laat: Behoefte-inventarisatie: Quickscan 2015 beantwoorden" in pagina


def test_a_municipality_never_invited_has_no_section(login_as, quickscan, den_haag):
    pagina = login_as(Rol.BELEIDSMEDEWERKER).get(f"/gemeenten/{den_haag.cbs_code}")

    assert pagina.status_code == 200
    assert 'id="behoefte-inventarisatie"' not in pagina.text
