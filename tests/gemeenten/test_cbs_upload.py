"""An administrator loads CBS's list from the browser (the page beside ``flask gemeenten
importeer``)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from gemeenten.models import CbsImport, Gemeente
from kern.accounts.models import Gebruiker, Rol
from tests.formulieren import formulier
from tests.gemeenten.lijsten import aantal, cbs_csv

LIJST = [
    ("GM0363", "Amsterdam", "Noord-Holland"),
    ("GM0518", "'s-Gravenhage", "Zuid-Holland"),
    ("GM0373", "Bergen (NH.)", "Noord-Holland"),
]
PAGINA = "/gemeenten/cbs-lijst"


def stuur(client, inhoud: bytes, naam: str = "gemeenten-2018-01-01.csv", **velden: str):
    geopend = client.get(PAGINA)
    assert geopend.status_code == 200
    f = formulier(geopend.text, PAGINA, PAGINA)
    return client.post(
        f.actie,
        data={**f.velden, **velden, "bestand": (io.BytesIO(inhoud), naam)},
        content_type="multipart/form-data",
    )


@pytest.mark.csrf
def test_an_administrator_loads_the_list_from_the_browser(db, login_as):
    beheerder = login_as(Rol.BEHEERDER)

    antwoord = stuur(beheerder, cbs_csv(LIJST))

    assert antwoord.status_code == 302
    pagina = beheerder.get(antwoord.location).text.replace("&#39;", "'")
    assert (
        "Lijst van 01-01-2018 ingelezen: 3 toegevoegd, 0 hernoemd, 0 naar een andere provincie, "
        "0 beëindigd." in pagina
    )
    assert aantal(Gemeente) == 3
    den_haag = db.session.execute(select(Gemeente).filter_by(cbs_code="GM0518")).scalar_one()
    assert den_haag.roepnaam == "Den Haag"
    log = db.session.execute(select(CbsImport)).scalar_one()
    assert log.bestandsnaam == "gemeenten-2018-01-01.csv"
    beheer = db.session.execute(select(Gebruiker).filter_by(rol=Rol.BEHEERDER)).scalar_one()
    assert log.uitgevoerd_door == beheer.email


@pytest.mark.csrf
def test_a_list_with_mistakes_shows_every_one_and_changes_nothing(db, login_as):
    beheerder = login_as(Rol.BEHEERDER)

    antwoord = stuur(
        beheerder,
        cbs_csv([("GM0363", "Amsterdam", "Noord-Holland"), ("GM9", "", "Atlantis")]),
    )

    assert antwoord.status_code == 400
    tekst = antwoord.text.replace("&#39;", "'")
    assert "Regel 3: de gemeentenaam ontbreekt." in tekst
    assert "Regel 3: 'Atlantis' is geen provincie." in tekst
    assert aantal(Gemeente) == 0


@pytest.mark.csrf
def test_the_list_date_can_be_given_and_a_merger_named(db, login_as):
    beheerder = login_as(Rol.BEHEERDER)
    assert stuur(beheerder, cbs_csv(LIJST)).status_code == 302

    antwoord = stuur(
        beheerder,
        cbs_csv(
            [("GM0363", "Amsterdam", "Noord-Holland"), ("GM0518", "'s-Gravenhage", "Zuid-Holland")]
        ),
        naam="lijst.csv",
        peildatum="01-01-2019",
        opvolgers="GM0373=GM0363",
    )

    assert antwoord.status_code == 302, antwoord.text
    bergen = db.session.execute(select(Gemeente).filter_by(cbs_code="GM0373")).scalar_one()
    assert bergen.opvolger.cbs_code == "GM0363"


def test_the_register_links_to_the_page_for_an_administrator_only(db, login_as):
    assert PAGINA in login_as(Rol.BEHEERDER).get("/gemeenten/").text
    assert PAGINA not in login_as(Rol.BELEIDSMEDEWERKER).get("/gemeenten/").text


def test_only_an_administrator_loads_the_list(db, login_as):
    for rol in (Rol.BELEIDSMEDEWERKER, Rol.FINANCIEN):
        assert login_as(rol).get(PAGINA).status_code == 403
