"""The main menu and the start-page tiles, as each role sees them.

Domains register their entries (`kern.navigatie`); the page shows an entry exactly when the
user may open its endpoint (`mag()`). The tests read the rendered pages.
"""

from __future__ import annotations

import re

import pytest
from flask import Blueprint, render_template_string

from kern import navigatie
from kern.accounts.access import rollen_van, toegang
from kern.accounts.models import Rol
from kern.accounts.rechten import Recht, heeft
from kern.navigatie import Menuitem, Tegel

OVERZICHT = ("Overzicht", "/")
GEMEENTEN = ("Gemeenten", "/gemeenten/")
VERSTERKINGSGELDEN = ("Versterkingsgelden", "/versterkingsgelden/")
BETALINGEN = ("Betalingen", "/versterkingsgelden/betalingen")
TE_BEOORDELEN = ("Te beoordelen", "/versterkingsgelden/te-beoordelen")
ONDERWIJSAANPAK = ("Onderwijsaanpak", "/onderwijsaanpak/")
INVENTARISATIE = ("Behoefte-inventarisatie", "/behoefte-inventarisatie/")
GEBRUIKERS = ("Gebruikers", "/beheer/gebruikers")

TEGEL_GEMEENTEN = "Gemeenten"
TEGEL_ONDERWIJSAANPAK = "Onderwijsaanpak"
TEGEL_INVENTARISATIE = "Behoefte-inventarisatie"
TEGEL_GEBRUIKERS = "Gebruikers"
TEGEL_BEVEILIGINGSLOG = "Beveiligingslog"
TEGEL_BETALINGEN = "Betalingen"
TEGEL_BESTEDINGEN = "Bestedingsoverzicht"
TEGEL_WACHTWOORD = "Wachtwoord wijzigen"


def menu(pagina: str) -> list[tuple[str, str]]:
    """(label, href) of every main-menu entry, in order."""
    return [(label, href) for label, href, _ in _menu_links(pagina)]


def huidig(pagina: str) -> list[str]:
    """The labels of the menu entries marked as the current page."""
    return [label for label, _, is_huidig in _menu_links(pagina) if is_huidig]


def _menu_links(pagina: str) -> list[tuple[str, str, bool]]:
    nav = re.search(r'<nav aria-label="Hoofdmenu">(.*?)</nav>', pagina, re.S)
    assert nav is not None, "no main menu on the page"
    return [
        (label, href, bool(current))
        for href, current, label in re.findall(
            r'<a href="([^"]*)"( aria-current="page")?>([^<]*)</a>', nav.group(1)
        )
    ]


def tegels(pagina: str) -> list[tuple[str, str, str]]:
    """(title, href, text) of every tile on the start page, in order."""
    return re.findall(
        r'<li class="tegel">\s*<h2><a href="([^"]*)">([^<]*)</a></h2>\s*<p>([^<]*)</p>', pagina
    )


def titels(pagina: str) -> list[str]:
    return [titel for _, titel, _ in tegels(pagina)]


@pytest.mark.parametrize(
    ("rol", "verwacht_menu", "verwachte_tegels"),
    [
        (
            Rol.BELEIDSMEDEWERKER,
            [
                OVERZICHT,
                GEMEENTEN,
                VERSTERKINGSGELDEN,
                BETALINGEN,
                TE_BEOORDELEN,
                ONDERWIJSAANPAK,
                INVENTARISATIE,
            ],
            [
                TEGEL_GEMEENTEN,
                TEGEL_BETALINGEN,
                TEGEL_BESTEDINGEN,
                TEGEL_ONDERWIJSAANPAK,
                TEGEL_INVENTARISATIE,
                TEGEL_WACHTWOORD,
            ],
        ),
        # Financiën may open the returns waiting for review, so the menu offers them.
        (
            Rol.FINANCIEN,
            [
                OVERZICHT,
                GEMEENTEN,
                VERSTERKINGSGELDEN,
                BETALINGEN,
                TE_BEOORDELEN,
                ONDERWIJSAANPAK,
                INVENTARISATIE,
            ],
            [
                TEGEL_GEMEENTEN,
                TEGEL_BETALINGEN,
                TEGEL_BESTEDINGEN,
                TEGEL_ONDERWIJSAANPAK,
                TEGEL_INVENTARISATIE,
                TEGEL_WACHTWOORD,
            ],
        ),
        (
            Rol.BEHEERDER,
            [OVERZICHT, GEMEENTEN, GEBRUIKERS],
            [
                TEGEL_GEMEENTEN,
                TEGEL_GEBRUIKERS,
                TEGEL_BEVEILIGINGSLOG,
                TEGEL_WACHTWOORD,
            ],
        ),
    ],
)
def test_the_ministry_start_page_per_role(login_as, rol, verwacht_menu, verwachte_tegels):
    client = login_as(rol)

    pagina = client.get("/").text

    assert menu(pagina) == verwacht_menu
    assert huidig(pagina) == ["Overzicht"]
    assert titels(pagina) == verwachte_tegels


GEMEENTEN_TEGEL = (
    "/gemeenten/",
    "Gemeenten",
    "Het gemeenteregister: CBS-codes, namen, provincies en herindelingen.",
)
WACHTWOORD_TEGEL = (
    "/account/wachtwoord",
    "Wachtwoord wijzigen",
    "Kies een nieuw wachtwoord van minstens twaalf tekens.",
)


def test_the_administrators_tiles_link_and_explain(login_as):
    pagina = login_as(Rol.BEHEERDER).get("/").text

    assert tegels(pagina) == [
        GEMEENTEN_TEGEL,
        ("/beheer/gebruikers", "Gebruikers", "Accounts aanmaken, blokkeren en deblokkeren."),
        (
            "/beheer/beveiligingslog",
            "Beveiligingslog",
            "Aanmeldingen, geweigerde toegang, accountwijzigingen, uploads en exports.",
        ),
        WACHTWOORD_TEGEL,
    ]


def test_the_programme_tiles_link_and_explain(login_as):
    pagina = login_as(Rol.FINANCIEN).get("/").text

    assert tegels(pagina) == [
        GEMEENTEN_TEGEL,
        (
            "/versterkingsgelden/betalingen",
            "Betalingen",
            "Wat te betalen en terug te vorderen is, en wat deze maand is geregistreerd.",
        ),
        (
            "/versterkingsgelden/bestedingen",
            "Bestedingsoverzicht",
            "Per ontvanger en jaar toegekend, betaald, besteed en vastgesteld, als Excel-werkmap.",
        ),
        (
            "/onderwijsaanpak/",
            "Onderwijsaanpak",
            "Maatregel 24: het cohort met zijn pilot en uitrol, de activiteiten op scholen, de "
            "lessen uit de pilots en de rapportagerondes.",
        ),
        (
            "/behoefte-inventarisatie/",
            "Behoefte-inventarisatie",
            "Wat gemeenten nodig hebben om radicalisering en spanningen aan te pakken: de "
            "inventarisaties, hun delen en thema’s, de antwoorden per gemeente en de respons.",
        ),
        WACHTWOORD_TEGEL,
    ]


def test_a_municipality_user_sees_only_their_municipality(login_as, amsterdam):
    client = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    pagina = client.get("/", follow_redirects=True).text

    assert "Amsterdam" in pagina
    assert menu(pagina) == [("Mijn gemeente", "/")]
    assert huidig(pagina) == ["Mijn gemeente"]


@pytest.mark.parametrize(
    ("rol", "adres", "verwacht_huidig"),
    [
        (Rol.BELEIDSMEDEWERKER, "/gemeenten/", ["Gemeenten"]),
        (Rol.BELEIDSMEDEWERKER, "/gemeenten/GM0363", ["Gemeenten"]),
        (Rol.BELEIDSMEDEWERKER, "/versterkingsgelden/", ["Versterkingsgelden"]),
        (Rol.FINANCIEN, "/onderwijsaanpak/lessen", ["Onderwijsaanpak"]),
        (Rol.FINANCIEN, "/versterkingsgelden/te-beoordelen", ["Te beoordelen"]),
        (Rol.FINANCIEN, "/behoefte-inventarisatie/", ["Behoefte-inventarisatie"]),
        (Rol.BEHEERDER, "/beheer/gebruikers", ["Gebruikers"]),
        (Rol.BEHEERDER, "/beheer/gebruikers/nieuw", ["Gebruikers"]),
        (Rol.BEHEERDER, "/account/wachtwoord", []),
    ],
)
def test_the_current_page_is_marked_once(login_as, amsterdam, rol, adres, verwacht_huidig):
    client = login_as(rol)

    antwoord = client.get(adres)

    assert antwoord.status_code == 200
    assert huidig(antwoord.text) == verwacht_huidig


@pytest.mark.parametrize("rol", list(Rol))
def test_every_menu_entry_and_tile_opens_for_the_role(login_as, amsterdam, rol):
    client = login_as(rol, gemeente=amsterdam if rol is Rol.GEMEENTE else None)
    pagina = client.get("/", follow_redirects=True).text
    adressen = [href for _, href in menu(pagina)] + [href for href, _, _ in tegels(pagina)]

    assert adressen
    for adres in adressen:
        assert client.get(adres, follow_redirects=True).status_code == 200, adres


def test_each_shown_entry_is_one_the_role_may_open_and_each_allowed_one_is_shown(
    app, login_as, amsterdam
):
    """Walk the roles: the menu is exactly the registered entries the role may open."""
    for rol in Rol:
        client = login_as(rol, gemeente=amsterdam if rol is Rol.GEMEENTE else None)
        pagina = client.get("/", follow_redirects=True).text
        toegestaan = [
            item.label
            for item in navigatie.menuitems(app)
            if rol in (rollen_van(app, item.endpoint) or set(Rol))
            and (item.alleen_met is None or heeft(rol, item.alleen_met))
            and (item.niet_met is None or not heeft(rol, item.niet_met))
        ]
        assert [label for label, _ in menu(pagina)] == toegestaan, rol


def test_a_registered_entry_and_tile_appear_without_template_changes(app, login_as):
    proef = Blueprint("proef", __name__, url_prefix="/proef")

    @proef.route("/")
    @toegang(Recht.BETALINGEN_REGISTREREN)
    def index() -> str:
        return "proef"

    @proef.route("/deel")
    @toegang(Recht.BETALINGEN_REGISTREREN)
    def deel() -> str:
        return render_template_string(
            '{% extends "base.html" %}{% block title %}Deel{% endblock %}'
            "{% block content %}<h1>Deel</h1>{% endblock %}"
        )

    app.register_blueprint(proef)
    navigatie.registreer_menuitem(
        app, Menuitem("Proefprogramma", "proef.index", volgorde=25, blueprint="proef")
    )
    navigatie.registreer_tegel(
        app, Tegel("Proefprogramma", "proef.index", "Een programma dat zichzelf aanmeldt.", 50)
    )
    financien = login_as(Rol.FINANCIEN)
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    bij_financien = financien.get("/").text

    assert menu(bij_financien) == [
        OVERZICHT,
        GEMEENTEN,
        VERSTERKINGSGELDEN,
        BETALINGEN,
        ("Proefprogramma", "/proef/"),
        TE_BEOORDELEN,
        ONDERWIJSAANPAK,
        INVENTARISATIE,
    ]
    assert tegels(bij_financien)[5] == (
        "/proef/",
        "Proefprogramma",
        "Een programma dat zichzelf aanmeldt.",
    )
    assert "Proefprogramma" not in officier.get("/").text
    # The entry is marked on every page of its blueprint.
    assert huidig(financien.get("/proef/deel").text) == ["Proefprogramma"]
