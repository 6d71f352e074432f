"""The actions' pages: the list for the ministry, and an officer who records, changes and removes
an action by form; what the database holds afterwards."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from gemeenten.inventarisatie.models import Actie, ActieStatus, Antwoord, Organisatie
from kern import tijd
from kern.accounts.models import Rol
from kern.db import db
from tests.inventarisatie.factories import maak_inventarisatie, thema
from tests.pagina import foutmeldingen, meldingen, tekst, versie_in


@pytest.fixture(autouse=True)
def vandaag(monkeypatch):
    monkeypatch.setattr(tijd, "vandaag", lambda: date(2016, 6, 1))


def _url(bekend, pad: str = "") -> str:
    return f"/behoefte-inventarisatie/{bekend.inventarisatie.id}/acties{pad}"


def _behoefte(bekend, gemeente: str, themanaam: str) -> Antwoord:
    return db.session.execute(
        select(Antwoord).where(
            Antwoord.gemeente_id == bekend.gemeenten[gemeente].id,
            Antwoord.thema_id == thema(bekend.inventarisatie, themanaam).id,
        )
    ).scalar_one()


def test_the_ministry_sees_every_action_with_what_it_covers(financien, bekend):
    pagina = tekst(financien.get(_url(bekend)))

    assert "2 acties, de laatste datum eerst" in pagina
    assert "Netwerk sleutelfiguren" in pagina
    assert "Amsterdam: Kennis" in pagina
    assert "Nieuwe actie" not in pagina  # finance reads, officers record


def test_an_officer_records_an_action_opened_from_a_need(officier, bekend):
    behoefte = _behoefte(bekend, "Rotterdam", "Kennis")
    formulier = officier.get(_url(bekend, f"/nieuw?behoefte={behoefte.id}"))
    assert re.search(
        rf'<input checked id="behoeften-\d+" name="behoeften" type="checkbox" '
        rf'value="{behoefte.id}">',
        formulier.text,
    )

    antwoord = officier.post(
        _url(bekend, "/nieuw"),
        data={
            "omschrijving": "Expertbijeenkomst voor Rotterdam",
            "organisatie": "anders",
            "organisatie_anders": "VNG",
            "status": "gepland",
            "datum": "1-9-2016",
            "behoeften": [str(behoefte.id)],
        },
        follow_redirects=True,
    )

    assert meldingen(antwoord) == [("succes", "Actie vastgelegd: Expertbijeenkomst voor Rotterdam")]
    actie = db.session.execute(
        select(Actie).where(Actie.omschrijving == "Expertbijeenkomst voor Rotterdam")
    ).scalar_one()
    assert (actie.uitvoerder, actie.status, actie.behoeften) == (
        "VNG",
        ActieStatus.GEPLAND,
        [behoefte],
    )
    zonder = tekst(
        officier.get(f"/behoefte-inventarisatie/{bekend.inventarisatie.id}/analyse/zonder-actie")
    )
    assert "Kennis (Kennisopbouw): 1 behoefte" in zonder


def test_a_refused_action_is_shown_beside_its_field_and_nothing_is_stored(officier, bekend):
    antwoord = officier.post(
        _url(bekend, "/nieuw"),
        data={
            "omschrijving": "Iets",
            "organisatie": "anders",
            "status": "afgerond",
            "datum": "2-6-2016",
        },
    )

    assert antwoord.status_code == 400
    assert foutmeldingen(antwoord) == ["Noem de organisatie die de actie uitvoert."]
    assert len(db.session.execute(select(Actie)).all()) == 2


def test_a_theme_of_another_inventory_is_no_choice(officier, bekend):
    antwoord = officier.post(
        _url(bekend, "/nieuw"),
        data={
            "omschrijving": "x",
            "organisatie": "nctv",
            "status": "gepland",
            "datum": "1-9-2016",
            "themas": ["999"],
        },
    )

    assert antwoord.status_code == 400
    assert "Kies thema's uit de lijst." in tekst(antwoord)


def test_an_officer_changes_an_action_and_a_stale_form_is_refused(officier, bekend):
    actie = bekend.actie_op_thema
    adres = _url(bekend, f"/{actie.id}")
    versie = versie_in(officier.get(adres))
    gegevens = {
        "omschrijving": "Netwerkbijeenkomsten sleutelfiguren",
        "organisatie": "szw",
        "status": "afgerond",
        "datum": "15-5-2016",
        "themas": [str(thema(bekend.inventarisatie, "Netwerk sleutelfiguren").id)],
        "versie": versie,
    }

    eerste = officier.post(adres, data=gegevens, follow_redirects=True)
    tweede = officier.post(adres, data={**gegevens, "omschrijving": "Later"})

    assert meldingen(eerste) == [("succes", "Actie gewijzigd.")]
    assert tweede.status_code == 409
    assert "Iemand anders heeft deze actie intussen gewijzigd." in tekst(tweede)
    actie = db.session.get(Actie, actie.id)
    assert (actie.omschrijving, actie.organisatie) == (
        "Netwerkbijeenkomsten sleutelfiguren",
        Organisatie.SZW,
    )
    assert "gewijzigd door" in tekst(officier.get(adres))


def test_an_officer_removes_an_action(officier, bekend):
    actie_id = bekend.actie_op_behoefte.id
    versie = versie_in(officier.get(_url(bekend, f"/{actie_id}")))

    antwoord = officier.post(
        _url(bekend, f"/{actie_id}/verwijderen"), data={"versie": versie}, follow_redirects=True
    )

    assert meldingen(antwoord) == [("succes", "Actie verwijderd.")]
    assert db.session.get(Actie, actie_id) is None


def test_an_action_of_another_inventory_is_404(officier, bekend):
    ander = maak_inventarisatie("Ander")

    adres = f"/behoefte-inventarisatie/{ander.id}/acties/{bekend.actie_op_thema.id}"
    assert officier.get(adres).status_code == 404
    assert officier.post(adres + "/verwijderen", data={"versie": "1"}).status_code == 404
    assert db.session.get(Actie, bekend.actie_op_thema.id) is not None


def test_finance_and_municipalities_may_not_record_actions(login_as, financien, bekend):
    gemeente = login_as(Rol.GEMEENTE, gemeente=bekend.gemeenten["Amsterdam"])

    for client in (financien, gemeente):
        assert client.get(_url(bekend, "/nieuw")).status_code == 403
        assert client.post(_url(bekend, "/nieuw"), data={"omschrijving": "x"}).status_code == 403


def test_a_municipality_sees_the_actions_on_its_own_needs_and_no_one_elses(login_as, bekend):
    rotterdam = login_as(Rol.GEMEENTE, gemeente=bekend.gemeenten["Rotterdam"])
    amsterdam = login_as(Rol.GEMEENTE, gemeente=bekend.gemeenten["Amsterdam"])
    adres = f"/behoefte-inventarisatie/{bekend.inventarisatie.id}/gemeenten"

    voor_rotterdam = tekst(rotterdam.get(f"{adres}/GM0599"))
    voor_amsterdam = tekst(amsterdam.get(f"{adres}/GM0363"))

    # The action on the theme Netwerk covers Rotterdam's need there; the one on Amsterdam's
    # need on Kennis is Amsterdam's alone.
    assert "Acties van het Rijk op de behoeften van Rotterdam" in voor_rotterdam
    assert "op: Netwerk sleutelfiguren" in voor_rotterdam
    assert voor_rotterdam.count("Train-de-trainer sleutelfiguren") == 1
    assert "op: Kennis" in voor_amsterdam
    assert "Rotterdam" not in voor_amsterdam
    gouda = login_as(Rol.GEMEENTE, gemeente=bekend.gemeenten["Gouda"])  # no need at all
    assert "Er is nog geen actie van het Rijk op de behoeften van Gouda." in tekst(
        gouda.get(f"{adres}/GM0513")
    )
