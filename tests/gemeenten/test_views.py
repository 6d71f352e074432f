"""The register's pages: the list with its filters, a municipality's page, programme membership."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from gemeenten.models import Deelname, Gemeente, GemeenteMutatie, MutatieSoort, Programma
from kern.accounts.models import Gebruiker, Rol
from kern.db import db
from tests.gemeenten.factories import maak_deelname, maak_gemeente
from tests.gemeenten.lijsten import aantal, stand
from tests.kern.factories import maak_gebruiker
from tests.subsidies.factories import maak_beschikking


def tekst(antwoord) -> str:
    """The page as a reader sees its text: entities such as &#39; decoded."""
    return html.unescape(antwoord.get_data(as_text=True))


def codes_in_lijst(antwoord) -> list[str]:
    """The CBS codes in the rows of the list, in order."""
    return re.findall(r"<td><code>(GM\d{4})</code></td>", antwoord.get_data(as_text=True))


def meldingen(antwoord) -> list[tuple[str, str]]:
    """The flashed messages on the page: (category, text)."""
    return [
        (categorie, html.unescape(bericht))
        for categorie, bericht in re.findall(
            r'<div class="melding melding--(\w+)" role="\w+">(.*?)</div>',
            antwoord.get_data(as_text=True),
        )
    ]


def deelnames_op_pagina(antwoord) -> dict[str, str]:
    """Programme label → the rest of its line on a municipality's page."""
    blok = re.search(r'<ul class="deelnames">(.*?)</ul>', antwoord.get_data(as_text=True), re.S)
    if blok is None:
        return {}
    return {
        label: html.unescape(rest)
        for label, rest in re.findall(r"<li>\s*<strong>(.*?)</strong>(.*?)</li>", blok[1], re.S)
    }


@pytest.fixture
def amsterdam(app) -> Gemeente:
    return maak_gemeente("GM0363", "Amsterdam", "Noord-Holland")


@pytest.fixture
def den_haag(app) -> Gemeente:
    gemeente = maak_gemeente("GM0518", "'s-Gravenhage", "Zuid-Holland")
    gemeente.roepnaam = "Den Haag"
    return gemeente


@pytest.fixture
def rotterdam(app) -> Gemeente:
    return maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland")


@pytest.fixture
def fusie(app) -> tuple[Gemeente, Gemeente]:
    """Aalburg went into Altena on 1 January 2019."""
    altena = maak_gemeente("GM1959", "Altena", "Noord-Brabant")
    altena.geldig_van = date(2019, 1, 1)
    aalburg = maak_gemeente("GM0738", "Aalburg", "Noord-Brabant")
    aalburg.geldig_tot = date(2018, 12, 31)
    aalburg.opvolger = altena
    db.session.flush()
    return aalburg, altena


def aanmelden(login, gebruiker: Gebruiker) -> None:
    """Sign in and open the start page, so that its welcome message is not shown later."""
    db.session.commit()
    login(gebruiker).get("/", follow_redirects=True)


@pytest.fixture
def beleidsmedewerker(app, login):
    gebruiker = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    aanmelden(login, gebruiker)
    return gebruiker


# --- The list ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zoekterm", "verwacht"),
    [
        ("amster", ["GM0363"]),
        ("ROTTERDAM", ["GM0599"]),
        ("GM0518", ["GM0518"]),
        ("0599", ["GM0599"]),
        ("Den Haag", ["GM0518"]),
        ("gravenhage", ["GM0518"]),
        ("Utrecht", []),
    ],
)
def test_list_searches_name_code_and_common_name(
    client, amsterdam, den_haag, rotterdam, beleidsmedewerker, zoekterm, verwacht
):
    antwoord = client.get("/gemeenten/", query_string={"q": zoekterm})

    assert antwoord.status_code == 200
    assert codes_in_lijst(antwoord) == verwacht
    if not verwacht:
        assert "Geen gemeenten gevonden met deze filters." in tekst(antwoord)


def test_list_shows_the_common_name_with_the_cbs_name(client, den_haag, beleidsmedewerker):
    pagina = tekst(client.get("/gemeenten/", query_string={"q": "Den Haag"}))

    assert "Den Haag ('s-Gravenhage)" in pagina
    assert "1 gemeente gevonden." in pagina


def test_list_filters_by_province(client, amsterdam, den_haag, rotterdam, beleidsmedewerker):
    antwoord = client.get("/gemeenten/", query_string={"provincie": "Zuid-Holland"})

    assert sorted(codes_in_lijst(antwoord)) == ["GM0518", "GM0599"]


def test_list_filters_by_programme(client, amsterdam, den_haag, rotterdam, beleidsmedewerker):
    maak_deelname(amsterdam, Programma.ONDERWIJSAANPAK)
    maak_deelname(rotterdam, Programma.BEHOEFTE_INVENTARISATIE, demo=True)
    maak_beschikking(den_haag)  # the versterkingsgelden follow from a decided decision
    db.session.commit()

    antwoord = client.get("/gemeenten/", query_string={"programma": "onderwijsaanpak"})
    assert codes_in_lijst(antwoord) == ["GM0363"]
    assert "Onderwijsaanpak" in tekst(antwoord)

    antwoord = client.get("/gemeenten/", query_string={"programma": "behoefte_inventarisatie"})
    assert codes_in_lijst(antwoord) == ["GM0599"]
    assert '<abbr title="demogegevens">demo</abbr>' in antwoord.get_data(as_text=True)

    antwoord = client.get("/gemeenten/", query_string={"programma": "versterkingsgelden"})
    assert codes_in_lijst(antwoord) == ["GM0518"]


def test_ended_municipalities_are_hidden_unless_asked_for(client, fusie, beleidsmedewerker):
    assert codes_in_lijst(client.get("/gemeenten/")) == ["GM1959"]

    antwoord = client.get("/gemeenten/", query_string={"ook_beeindigd": "y"})

    assert sorted(codes_in_lijst(antwoord)) == ["GM0738", "GM1959"]
    assert "tot en met 31 december 2018" in tekst(antwoord)


def test_list_is_paginated_by_fifty_and_keeps_the_filters(client, amsterdam, beleidsmedewerker):
    for nummer in range(1, 52):
        maak_gemeente(f"GM{nummer:04d}", f"Gemeente {nummer:03d}", "Utrecht")
    db.session.commit()

    eerste = client.get("/gemeenten/", query_string={"provincie": "Utrecht"})

    assert len(codes_in_lijst(eerste)) == 50
    assert "51 gemeenten gevonden." in tekst(eerste)
    assert "Pagina 1 van 2" in tekst(eerste)
    volgende = re.search(r'<a href="([^"]+)" rel="next">', eerste.get_data(as_text=True))
    assert volgende is not None
    assert "page=2" in volgende[1]
    assert "provincie=Utrecht" in volgende[1]

    tweede = client.get(html.unescape(volgende[1]))

    assert codes_in_lijst(tweede) == ["GM0051"]
    assert "Pagina 2 van 2" in tekst(tweede)
    assert 'rel="prev"' in tekst(tweede)


@pytest.mark.parametrize(
    ("argumenten", "foutmelding"),
    [
        ({"provincie": "Atlantis"}, "Kies een provincie uit de lijst."),
        ({"programma": "onbekend"}, "Kies een programma uit de lijst."),
        ({"q": "x" * 101}, "Een zoekterm is hooguit 100 tekens lang."),
    ],
)
def test_invalid_filter_is_shown_as_an_error_and_ignored(
    client, amsterdam, rotterdam, beleidsmedewerker, argumenten, foutmelding
):
    antwoord = client.get("/gemeenten/", query_string=argumenten)

    assert antwoord.status_code == 200
    assert '<p class="foutmelding"' in antwoord.get_data(as_text=True)
    assert foutmelding in tekst(antwoord)
    assert sorted(codes_in_lijst(antwoord)) == ["GM0363", "GM0599"]


# --- A municipality's page --------------------------------------------------------------


def test_detail_shows_name_province_and_programmes(client, amsterdam, beleidsmedewerker):
    maak_deelname(amsterdam, Programma.BEHOEFTE_INVENTARISATIE, demo=True)
    maak_deelname(amsterdam, Programma.ONDERWIJSAANPAK)
    db.session.commit()

    antwoord = client.get("/gemeenten/GM0363")

    assert antwoord.status_code == 200
    pagina = tekst(antwoord)
    assert "<h1>Amsterdam</h1>" in pagina
    assert "<dt>Provincie</dt><dd>Noord-Holland</dd>" in pagina
    assert "<dt>CBS-code</dt><dd><code>GM0363</code></dd>" in pagina
    deelnames = deelnames_op_pagina(antwoord)
    assert set(deelnames) == {"Behoefte-inventarisatie", "Onderwijsaanpak"}
    assert "demogegevens" in deelnames["Behoefte-inventarisatie"]
    assert "demogegevens" not in deelnames["Onderwijsaanpak"]


def test_detail_without_programmes_says_so(client, amsterdam, beleidsmedewerker):
    pagina = tekst(client.get("/gemeenten/gm0363"))

    assert "Deze gemeente neemt aan geen van de programma's deel." in pagina


def test_detail_of_unknown_code_is_404(client, beleidsmedewerker):
    assert client.get("/gemeenten/GM9999").status_code == 404


def test_detail_links_a_merger_both_ways(client, fusie, beleidsmedewerker):
    oud = client.get("/gemeenten/GM0738").get_data(as_text=True)

    assert "Deze gemeente bestond tot en met 31 december 2018." in oud
    assert 'Zij is opgegaan in <a href="/gemeenten/GM1959">Altena</a>' in oud
    assert "Deelname toevoegen" not in oud  # an ended municipality joins nothing

    nieuw = client.get("/gemeenten/GM1959").get_data(as_text=True)

    assert "Ontstaan uit of uitgebreid met" in nieuw
    assert '<a href="/gemeenten/GM0738">GM0738 Aalburg</a> (tot en met 31 december 2018)' in nieuw
    assert "<dt>Geldig vanaf</dt><dd>1 januari 2019</dd>" in nieuw


# --- Who sees what ----------------------------------------------------------------------


@pytest.fixture
def gemeentemedewerker(app, login, amsterdam, den_haag):
    gebruiker = maak_gebruiker(Rol.GEMEENTE, gemeente=amsterdam)
    aanmelden(login, gebruiker)
    return gebruiker


def test_municipality_user_sees_only_their_own_municipality(client, gemeentemedewerker):
    eigen = client.get("/gemeenten/GM0363")
    assert eigen.status_code == 200
    assert "<h1>Amsterdam</h1>" in tekst(eigen)
    assert "Deelname toevoegen" not in tekst(eigen)
    assert "Geschiedenis in het register" not in tekst(eigen)

    assert client.get("/gemeenten/GM0518").status_code == 404
    assert client.get("/gemeenten/GM9999").status_code == 404
    assert client.get("/gemeenten/").status_code == 403


def test_municipality_user_cannot_change_memberships(client, amsterdam, den_haag, login):
    eigen_deelname = maak_deelname(amsterdam, Programma.ONDERWIJSAANPAK)
    andere_deelname = maak_deelname(den_haag, Programma.ONDERWIJSAANPAK)
    aanmelden(login, maak_gebruiker(Rol.GEMEENTE, gemeente=amsterdam))
    voor = stand()

    # The role may never change memberships, so every such URL answers the same 403:
    # another municipality's answer does not reveal that it exists.
    for url in (
        "/gemeenten/GM0518/deelnames",
        "/gemeenten/GM0363/deelnames",
        "/gemeenten/GM9999/deelnames",
        f"/gemeenten/GM0518/deelnames/{andere_deelname.id}/beeindigen",
        f"/gemeenten/GM0363/deelnames/{andere_deelname.id}/beeindigen",
        f"/gemeenten/GM0363/deelnames/{eigen_deelname.id}/beeindigen",
    ):
        antwoord = client.post(url, data={"programma": "onderwijsaanpak"})
        assert antwoord.status_code == 403, url
    assert stand() == voor


def test_finance_reads_but_cannot_change_memberships(client, amsterdam, login):
    deelname = maak_deelname(amsterdam, Programma.ONDERWIJSAANPAK)
    aanmelden(login, maak_gebruiker(Rol.FINANCIEN))
    voor = stand()

    pagina = client.get("/gemeenten/GM0363")
    assert pagina.status_code == 200
    assert "Deelname toevoegen" not in tekst(pagina)
    assert "Beëindigen" not in tekst(pagina)
    assert codes_in_lijst(client.get("/gemeenten/")) == ["GM0363"]

    toevoegen = client.post("/gemeenten/GM0363/deelnames", data={"programma": "onderwijsaanpak"})
    beeindigen = client.post(f"/gemeenten/GM0363/deelnames/{deelname.id}/beeindigen")

    assert (toevoegen.status_code, beeindigen.status_code) == (403, 403)
    assert stand() == voor


def test_anonymous_visitor_is_sent_to_the_login_page(client, amsterdam):
    antwoord = client.get("/gemeenten/GM0363")

    assert antwoord.status_code == 302
    assert "/aanmelden" in antwoord.headers["Location"]


# --- Changing memberships ---------------------------------------------------------------


def test_officer_adds_a_membership(client, amsterdam, beleidsmedewerker):
    antwoord = client.post(
        "/gemeenten/GM0363/deelnames",
        data={"programma": "onderwijsaanpak", "toelichting": "Pilot vanaf najaar 2015"},
        follow_redirects=True,
    )

    assert antwoord.status_code == 200
    assert meldingen(antwoord) == [("succes", "Amsterdam neemt deel aan Onderwijsaanpak.")]
    assert "Pilot vanaf najaar 2015" in deelnames_op_pagina(antwoord)["Onderwijsaanpak"]
    assert "Geschiedenis in het register" in tekst(antwoord)

    deelname = db.session.execute(select(Deelname)).scalar_one()
    assert (deelname.gemeente, deelname.programma, deelname.toelichting, deelname.demo) == (
        amsterdam,
        Programma.ONDERWIJSAANPAK,
        "Pilot vanaf najaar 2015",
        False,
    )
    mutatie = db.session.execute(select(GemeenteMutatie)).scalar_one()
    assert (mutatie.gemeente, mutatie.soort, mutatie.oud, mutatie.nieuw) == (
        amsterdam,
        MutatieSoort.DEELNAME,
        None,
        "Onderwijsaanpak",
    )
    assert (mutatie.uitgevoerd_door, mutatie.cbs_import) == (beleidsmedewerker.email, None)


def test_adding_the_same_membership_twice_is_refused(client, amsterdam, beleidsmedewerker):
    eerste = client.post(
        "/gemeenten/GM0363/deelnames", data={"programma": "onderwijsaanpak"}, follow_redirects=True
    )
    assert meldingen(eerste) == [("succes", "Amsterdam neemt deel aan Onderwijsaanpak.")]

    antwoord = client.post(
        "/gemeenten/GM0363/deelnames", data={"programma": "onderwijsaanpak"}, follow_redirects=True
    )

    assert meldingen(antwoord) == [("fout", "Amsterdam neemt al deel aan Onderwijsaanpak.")]
    assert aantal(Deelname) == 1
    assert aantal(GemeenteMutatie) == 1


@pytest.mark.parametrize(
    ("gegevens", "melding"),
    [
        ({"programma": "jeugdzorg"}, "Kies een programma uit de lijst."),
        ({"programma": ""}, "Kies een programma."),
        ({}, "Kies een programma."),
        (
            {"programma": "onderwijsaanpak", "toelichting": "x" * 201},
            "Een toelichting is hooguit 200 tekens lang.",
        ),
    ],
    ids=["unknown programme", "empty programme", "no programme", "long explanation"],
)
def test_invalid_membership_is_refused_with_a_message(
    client, amsterdam, beleidsmedewerker, gegevens, melding
):
    voor = stand()

    antwoord = client.post("/gemeenten/GM0363/deelnames", data=gegevens, follow_redirects=True)

    assert antwoord.status_code == 200
    assert meldingen(antwoord) == [("fout", melding)]
    assert stand() == voor


def test_an_ended_municipality_gets_no_new_membership(client, fusie, beleidsmedewerker):
    antwoord = client.post(
        "/gemeenten/GM0738/deelnames", data={"programma": "onderwijsaanpak"}, follow_redirects=True
    )

    assert meldingen(antwoord) == [("fout", "Aalburg bestaat niet meer.")]
    assert aantal(Deelname) == 0


def test_officer_ends_a_membership(client, amsterdam, beleidsmedewerker):
    deelname = maak_deelname(amsterdam, Programma.ONDERWIJSAANPAK)
    blijft = maak_deelname(amsterdam, Programma.BEHOEFTE_INVENTARISATIE)
    db.session.commit()

    antwoord = client.post(
        f"/gemeenten/GM0363/deelnames/{deelname.id}/beeindigen", follow_redirects=True
    )

    assert meldingen(antwoord) == [
        ("succes", "Amsterdam neemt niet meer deel aan Onderwijsaanpak.")
    ]
    assert set(deelnames_op_pagina(antwoord)) == {"Behoefte-inventarisatie"}
    assert db.session.execute(select(Deelname)).scalars().all() == [blijft]
    mutatie = db.session.execute(select(GemeenteMutatie)).scalar_one()
    assert (mutatie.soort, mutatie.oud, mutatie.nieuw) == (
        MutatieSoort.DEELNAME,
        "Onderwijsaanpak",
        None,
    )


def test_ending_another_municipalitys_membership_is_404(
    client, amsterdam, den_haag, beleidsmedewerker
):
    van_den_haag = maak_deelname(den_haag, Programma.ONDERWIJSAANPAK)
    db.session.commit()
    voor = stand()

    antwoord = client.post(f"/gemeenten/GM0363/deelnames/{van_den_haag.id}/beeindigen")
    onbekend = client.post(f"/gemeenten/GM0363/deelnames/{van_den_haag.id + 100}/beeindigen")

    assert (antwoord.status_code, onbekend.status_code) == (404, 404)
    assert stand() == voor
    assert db.session.get(Deelname, van_den_haag.id) is not None


@pytest.mark.csrf
def test_membership_form_works_with_csrf_protection_and_refuses_without(client, amsterdam):
    gebruiker = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    db.session.commit()

    def token(pagina: str) -> str:
        gevonden = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', pagina)
        assert gevonden is not None
        return gevonden[1]

    aanmelden = client.get("/aanmelden").get_data(as_text=True)
    client.post(
        "/aanmelden",
        data={
            "email": gebruiker.email,
            "wachtwoord": "een-lang-testwachtwoord",
            "csrf_token": token(aanmelden),
        },
    )

    zonder = client.post("/gemeenten/GM0363/deelnames", data={"programma": "onderwijsaanpak"})
    assert zonder.status_code == 400
    assert aantal(Deelname) == 0

    formulier = client.get("/gemeenten/GM0363").get_data(as_text=True)
    met = client.post(
        "/gemeenten/GM0363/deelnames",
        data={"programma": "onderwijsaanpak", "csrf_token": token(formulier)},
        follow_redirects=True,
    )
    assert meldingen(met) == [("succes", "Amsterdam neemt deel aan Onderwijsaanpak.")]
    assert aantal(Deelname) == 1
