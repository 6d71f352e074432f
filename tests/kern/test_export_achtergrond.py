"""An export made by a background job (kern.export_achtergrond): started from the page's own
export, made as its user, fetched from the user's own status page; nobody else's, nothing the
user's browser could not get, one at a time."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kern.accounts.models import Rol
from kern.taken import Achtergrondtaak, TaakStatus
from tests.formulieren import formulier
from tests.pagina import meldingen, tekst

STAND = "/exports/achtergrond"


@pytest.fixture
def met_wachtrij() -> None:
    """A queue on SQLite with no worker (`app_config`): the job waits."""


@pytest.fixture
def app_config(app_config, request, tmp_path):
    if "met_wachtrij" in request.fixturenames:
        app_config.update(TAKEN_WACHTRIJ="sqlite", TAKEN_SQLITE=str(tmp_path / "taken.sqlite"))
    return app_config


def start(client, pagina: str):
    """Open ``pagina`` and press "op de achtergrond maken"."""
    geopend = client.get(pagina)
    assert geopend.status_code == 200
    f = formulier(geopend.text, STAND, pagina)
    return client.post(f.actie, data=f.velden)


def bladen(inhoud: bytes) -> dict[str, list[tuple[object, ...]]]:
    werkmap = load_workbook(io.BytesIO(inhoud))
    return {
        blad.title: list(blad.iter_rows(values_only=True))
        for blad in werkmap.worksheets
        if blad.title != "Toelichting"  # says when it was made
    }


def aantal_taken(db) -> int:
    return db.session.execute(select(func.count()).select_from(Achtergrondtaak)).scalar_one()


def test_an_officer_has_the_register_exported_in_the_background(db, officier, amsterdam, rotterdam):
    antwoord = start(officier, "/gemeenten/?zoek=r")

    assert antwoord.status_code == 302
    assert antwoord.location.endswith(STAND)
    pagina = officier.get(STAND)
    assert "De export is klaar: gemeenten-" in tekst(pagina)
    assert 'http-equiv="refresh"' not in pagina.text
    bestand = officier.get(f"{STAND}/bestand")
    assert bestand.status_code == 200
    assert bestand.headers["Content-Disposition"].startswith("attachment; filename=gemeenten-")
    direct = officier.get("/gemeenten/?zoek=r&formaat=xlsx")
    assert bladen(bestand.data) == bladen(direct.data)  # the same export, the same filter
    taak = db.session.execute(select(Achtergrondtaak)).scalar_one()
    assert taak.gegevens == {"adres": "/gemeenten/?zoek=r&formaat=xlsx"}


def test_nobody_else_sees_or_fetches_anothers_export(db, officier, login_as, amsterdam):
    start(officier, "/gemeenten/")
    for rol in (Rol.FINANCIEN, Rol.BELEIDSMEDEWERKER):
        ander = login_as(rol)
        assert "U heeft nog geen export op de achtergrond laten maken" in tekst(ander.get(STAND))
        opgehaald = ander.get(f"{STAND}/bestand", follow_redirects=True)
        assert opgehaald.mimetype == "text/html"
        assert ("info", "Er is geen export om op te halen.") in meldingen(opgehaald)


def test_a_job_gets_only_what_its_users_browser_would(db, login_as, amsterdam, rotterdam):
    klerk = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    # Another municipality's spending, and the register: neither is for a municipality user.
    for adres in ("/versterkingsgelden/gemeenten/GM0599/bestedingen", "/gemeenten/"):
        klerk.post(STAND, data={"adres": adres})
        pagina = klerk.get(STAND)
        assert "De export (gestart " in tekst(pagina)
        assert "is mislukt: deze export kan niet (meer) worden gemaakt" in tekst(pagina)
        assert "downloaden" not in pagina.text
    assert klerk.get(f"{STAND}/bestand").status_code == 302

    klerk.post(STAND, data={"adres": "/versterkingsgelden/gemeenten/GM0363/bestedingen"})
    assert "De export is klaar" in tekst(klerk.get(STAND))
    assert klerk.get(f"{STAND}/bestand").status_code == 200
    assert [t.status for t in db.session.execute(select(Achtergrondtaak)).scalars()] == [
        TaakStatus.MISLUKT,
        TaakStatus.MISLUKT,
        TaakStatus.KLAAR,
    ]


@pytest.mark.parametrize(
    "adres",
    [
        "https://elders.example/gemeenten/",
        "//elders.example/gemeenten/",
        "/aanmelden",
        "/bestaat-niet",
        "gemeenten/",
        "",
    ],
)
def test_an_address_that_is_no_export_is_refused(db, officier, adres):
    antwoord = officier.post(STAND, data={"adres": adres}, follow_redirects=True)

    assert (
        "fout",
        "Deze export kan niet op de achtergrond worden gemaakt; er is niets gestart.",
    ) in meldingen(antwoord)
    assert aantal_taken(db) == 0


def test_one_export_at_a_time_and_the_page_refreshes_while_it_waits(
    db, officier, met_wachtrij, amsterdam
):
    start(officier, "/gemeenten/")
    wacht = officier.get(STAND)
    assert 'http-equiv="refresh"' in wacht.text
    assert "De export wacht op de verwerker" in tekst(wacht)

    tweede = officier.post(STAND, data={"adres": "/onderwijsaanpak/lessen"})

    assert meldingen(officier.get(tweede.location))[0][1].startswith(
        "U maakt al een export op de achtergrond (gestart op "
    )
    assert aantal_taken(db) == 1
