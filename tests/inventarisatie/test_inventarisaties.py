"""The inventories' pages as an officer, finance and a municipality user."""

from __future__ import annotations

from datetime import date

from kern.accounts.models import Rol
from tests.inventarisatie.factories import maak_deelnemer, maak_inventarisatie
from tests.pagina import tekst


def test_an_officer_sees_every_inventory_with_its_response(login_as, amsterdam, rotterdam):
    quickscan = maak_inventarisatie(demo=True)
    maak_deelnemer(quickscan, amsterdam, beantwoord_op=date(2015, 7, 1))
    maak_deelnemer(quickscan, rotterdam)
    maak_inventarisatie("Inventarisatie 2017", date(2017, 3, 1), kamerstuk=None)

    pagina = tekst(login_as(Rol.BELEIDSMEDEWERKER).get("/behoefte-inventarisatie/"))

    assert "Inventarisatie 2017 1 maart 2017 — 0 0 Gesloten" in pagina
    assert "Quickscan 2015 demogegevens 12 oktober 2015 29 754, nr. 323 2 1 Gesloten" in pagina
    assert pagina.index("Inventarisatie 2017") < pagina.index("Quickscan 2015")


def test_the_list_says_when_there_is_no_inventory(login_as, db):
    pagina = tekst(login_as(Rol.FINANCIEN).get("/behoefte-inventarisatie/"))

    assert "Er is nog geen inventarisatie vastgelegd." in pagina


def test_a_municipality_user_may_not_see_the_list(login_as, amsterdam):
    assert (
        login_as(Rol.GEMEENTE, gemeente=amsterdam).get("/behoefte-inventarisatie/").status_code
        == 403
    )
