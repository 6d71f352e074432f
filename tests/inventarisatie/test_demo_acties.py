"""The demo's actions of the national government on the 2015 quickscan: some themes and some
single needs covered, others not, so that the pages about the response say something; labelled
as demo, loaded once."""

from __future__ import annotations

from sqlalchemy import func, select

from gemeenten.inventarisatie.analyse import Filter, zonder_actie
from gemeenten.inventarisatie.demo import KWIKSCAN
from gemeenten.inventarisatie.models import Actie, Inventarisatie, Organisatie
from kern.accounts.models import Rol
from tests.inventarisatie.test_demo import laden
from tests.pagina import tekst


def _acties(db) -> list[Actie]:
    return list(db.session.execute(select(Actie).order_by(Actie.id)).scalars())


def test_the_quickscan_has_demo_actions_and_needs_still_without_one(db, runner, login_as):
    uitvoer = laden(runner)

    acties = _acties(db)
    quickscan = db.session.execute(
        select(Inventarisatie).where(Inventarisatie.naam == KWIKSCAN.naam)
    ).scalar_one()
    assert "Behoefte-inventarisatie: 5 acties van het Rijk" in uitvoer
    assert len(acties) == 5
    assert all(a.demo and a.inventarisatie_id == quickscan.id for a in acties)
    assert {a.organisatie for a in acties} == set(Organisatie)
    assert any(a.behoeften and not a.themas for a in acties)  # on single needs only
    open_ = zonder_actie(quickscan, Filter())
    assert open_, "every need covered: the page of needs without an action would say nothing"
    assert "Uitreizigers en terugkeerders" in {b.thema.naam for b in open_}
    pagina = tekst(login_as(Rol.FINANCIEN).get(f"/behoefte-inventarisatie/{quickscan.id}/acties"))
    assert "demogegevens" in pagina


def test_loading_twice_adds_no_action(db, runner):
    laden(runner)
    voor = db.session.execute(select(func.count(Actie.id))).scalar_one()

    uitvoer = laden(runner)

    assert db.session.execute(select(func.count(Actie.id))).scalar_one() == voor
    assert "acties van het Rijk waren er al" in uitvoer
