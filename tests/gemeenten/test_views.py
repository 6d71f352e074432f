"""The register's pages: the list with its filters, a municipality's page, programme membership."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from gemeenten.models import Deelname, GemeenteMutatie, MutatieSoort, Programma
from kern.accounts.models import Rol
from tests.gemeenten.factories import maak_deelname, maak_gemeente
from tests.gemeenten.lijsten import aantal, registerinhoud
from tests.onderwijsaanpak.factories import maak_cohortlid
from tests.pagina import csrf_token, meldingen, tekst
from tests.subsidies.factories import maak_beschikking

# The programme whose membership is still set by hand.
BEHOEFTE = {"programma": "behoefte_inventarisatie"}


def codes_in_lijst(antwoord) -> list[str]:
    """The CBS codes in the rows of the list, in order."""
    return re.findall(r"<td><code>(GM\d{4})</code></td>", antwoord.text)


def deelnames_op_pagina(antwoord) -> dict[str, str]:
    """Programme label → the rest of its line on a municipality's page."""
    blok = re.search(r'<ul class="deelnames">(.*?)</ul>', antwoord.text, re.S)
    if blok is None:
        return {}
    return {
        label: html.unescape(rest)
        for label, rest in re.findall(r"<li>\s*<strong>(.*?)</strong>(.*?)</li>", blok[1], re.S)
    }


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
    officier, amsterdam, den_haag, rotterdam, zoekterm, verwacht
):
    antwoord = officier.get("/gemeenten/", query_string={"q": zoekterm})

    assert antwoord.status_code == 200
    assert codes_in_lijst(antwoord) == verwacht
    if not verwacht:
        assert "Geen gemeenten gevonden met deze filters." in tekst(antwoord)


def test_list_shows_the_common_name_with_the_cbs_name(officier, den_haag):
    pagina = tekst(officier.get("/gemeenten/", query_string={"q": "Den Haag"}))

    assert "Den Haag ('s-Gravenhage)" in pagina
    assert "1 gemeente gevonden." in pagina


def test_list_filters_by_province(officier, amsterdam, den_haag, rotterdam):
    antwoord = officier.get("/gemeenten/", query_string={"provincie": "Zuid-Holland"})

    assert sorted(codes_in_lijst(antwoord)) == ["GM0518", "GM0599"]


def test_list_filters_by_programme(officier, amsterdam, den_haag, rotterdam):
    maak_cohortlid(amsterdam)  # the onderwijsaanpak follows from the cohort
    maak_deelname(rotterdam, Programma.BEHOEFTE_INVENTARISATIE, demo=True)
    maak_beschikking(den_haag)  # the versterkingsgelden follow from a decided decision

    antwoord = officier.get("/gemeenten/", query_string={"programma": "onderwijsaanpak"})
    assert codes_in_lijst(antwoord) == ["GM0363"]
    assert "Onderwijsaanpak" in tekst(antwoord)

    antwoord = officier.get("/gemeenten/", query_string={"programma": "behoefte_inventarisatie"})
    assert codes_in_lijst(antwoord) == ["GM0599"]
    assert '<abbr title="demogegevens">demo</abbr>' in antwoord.text

    antwoord = officier.get("/gemeenten/", query_string={"programma": "versterkingsgelden"})
    assert codes_in_lijst(antwoord) == ["GM0518"]


def test_ended_municipalities_are_hidden_unless_asked_for(officier, fusie):
    assert codes_in_lijst(officier.get("/gemeenten/")) == ["GM1959"]

    antwoord = officier.get("/gemeenten/", query_string={"ook_beeindigd": "y"})

    assert sorted(codes_in_lijst(antwoord)) == ["GM0738", "GM1959"]
    assert "tot en met 31 december 2018" in tekst(antwoord)


def test_list_is_paginated_by_fifty_and_keeps_the_filters(officier, amsterdam):
    for nummer in range(1, 52):
        maak_gemeente(f"GM{nummer:04d}", f"Gemeente {nummer:03d}", "Utrecht")

    eerste = officier.get("/gemeenten/", query_string={"provincie": "Utrecht"})

    assert len(codes_in_lijst(eerste)) == 50
    assert "51 gemeenten gevonden." in tekst(eerste)
    assert "Pagina 1 van 2" in tekst(eerste)
    volgende = re.search(r'<a href="([^"]+)" rel="next">', eerste.text)
    assert volgende is not None
    assert "page=2" in volgende[1]
    assert "provincie=Utrecht" in volgende[1]

    tweede = officier.get(html.unescape(volgende[1]))

    assert codes_in_lijst(tweede) == ["GM0051"]
    assert "Pagina 2 van 2" in tekst(tweede)
    assert 'rel="prev"' in tweede.text


@pytest.mark.parametrize(
    ("argumenten", "foutmelding"),
    [
        ({"provincie": "Atlantis"}, "Kies een provincie uit de lijst."),
        ({"programma": "onbekend"}, "Kies een programma uit de lijst."),
        ({"q": "x" * 101}, "Een zoekterm is hooguit 100 tekens lang."),
    ],
)
def test_invalid_filter_is_shown_as_an_error_and_ignored(
    officier, amsterdam, rotterdam, argumenten, foutmelding
):
    antwoord = officier.get("/gemeenten/", query_string=argumenten)

    assert antwoord.status_code == 200
    assert '<p class="foutmelding"' in antwoord.text
    assert foutmelding in tekst(antwoord)
    assert sorted(codes_in_lijst(antwoord)) == ["GM0363", "GM0599"]


# --- A municipality's page --------------------------------------------------------------


def test_detail_shows_name_province_and_programmes(officier, amsterdam):
    maak_deelname(amsterdam, Programma.BEHOEFTE_INVENTARISATIE, demo=True)
    maak_cohortlid(amsterdam)

    antwoord = officier.get("/gemeenten/GM0363")

    assert antwoord.status_code == 200
    assert "<h1>Amsterdam</h1>" in antwoord.text
    assert "<dt>Provincie</dt><dd>Noord-Holland</dd>" in antwoord.text
    assert "<dt>CBS-code</dt><dd><code>GM0363</code></dd>" in antwoord.text
    deelnames = deelnames_op_pagina(antwoord)
    assert set(deelnames) == {"Behoefte-inventarisatie", "Onderwijsaanpak"}
    assert "demogegevens" in deelnames["Behoefte-inventarisatie"]
    assert "demogegevens" not in deelnames["Onderwijsaanpak"]


def test_detail_without_programmes_says_so(officier, amsterdam):
    pagina = tekst(officier.get("/gemeenten/gm0363"))

    assert "Deze gemeente neemt aan geen van de programma's deel." in pagina


def test_detail_of_unknown_code_is_404(officier):
    assert officier.get("/gemeenten/GM9999").status_code == 404


def test_detail_links_a_merger_both_ways(officier, fusie):
    oud = officier.get("/gemeenten/GM0738").text

    assert "Deze gemeente bestond tot en met 31 december 2018." in oud
    assert 'Zij is opgegaan in <a href="/gemeenten/GM1959">Altena</a>' in oud
    assert "Deelname toevoegen" not in oud  # an ended municipality joins nothing

    nieuw = officier.get("/gemeenten/GM1959").text

    assert "Ontstaan uit of uitgebreid met" in nieuw
    assert '<a href="/gemeenten/GM0738">GM0738 Aalburg</a> (tot en met 31 december 2018)' in nieuw
    assert "<dt>Geldig vanaf</dt><dd>1 januari 2019</dd>" in nieuw


# --- Who sees what ----------------------------------------------------------------------


def test_municipality_user_sees_only_their_own_municipality(login_as, amsterdam, den_haag):
    client = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    eigen = client.get("/gemeenten/GM0363")
    assert eigen.status_code == 200
    assert "<h1>Amsterdam</h1>" in eigen.text
    assert "Deelname toevoegen" not in tekst(eigen)
    assert "Geschiedenis in het register" not in tekst(eigen)

    assert client.get("/gemeenten/GM0518").status_code == 404
    assert client.get("/gemeenten/GM9999").status_code == 404
    assert client.get("/gemeenten/").status_code == 403


def test_municipality_user_cannot_change_memberships(login_as, amsterdam, den_haag):
    eigen_deelname = maak_deelname(amsterdam, Programma.BEHOEFTE_INVENTARISATIE)
    andere_deelname = maak_deelname(den_haag, Programma.BEHOEFTE_INVENTARISATIE)
    client = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    voor = registerinhoud()

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
        antwoord = client.post(url, data=BEHOEFTE)
        assert antwoord.status_code == 403, url
    assert registerinhoud() == voor


def test_finance_reads_but_cannot_change_memberships(login_as, amsterdam):
    deelname = maak_deelname(amsterdam, Programma.BEHOEFTE_INVENTARISATIE)
    client = login_as(Rol.FINANCIEN)
    voor = registerinhoud()

    pagina = client.get("/gemeenten/GM0363")
    assert pagina.status_code == 200
    assert "Deelname toevoegen" not in tekst(pagina)
    assert "Beëindigen" not in tekst(pagina)
    assert codes_in_lijst(client.get("/gemeenten/")) == ["GM0363"]

    toevoegen = client.post("/gemeenten/GM0363/deelnames", data=BEHOEFTE)
    beeindigen = client.post(f"/gemeenten/GM0363/deelnames/{deelname.id}/beeindigen")

    assert (toevoegen.status_code, beeindigen.status_code) == (403, 403)
    assert registerinhoud() == voor


def test_anonymous_visitor_is_sent_to_the_login_page(client, amsterdam):
    antwoord = client.get("/gemeenten/GM0363")

    assert antwoord.status_code == 302
    assert "/aanmelden" in antwoord.headers["Location"]


# --- Changing memberships ---------------------------------------------------------------


def test_officer_adds_a_membership(db, officier, amsterdam, beleidsmedewerker):
    antwoord = officier.post(
        "/gemeenten/GM0363/deelnames",
        data={**BEHOEFTE, "toelichting": "Respondent sinds oktober 2015"},
        follow_redirects=True,
    )

    assert antwoord.status_code == 200
    assert meldingen(antwoord) == [("succes", "Amsterdam neemt deel aan Behoefte-inventarisatie.")]
    assert (
        "Respondent sinds oktober 2015" in deelnames_op_pagina(antwoord)["Behoefte-inventarisatie"]
    )
    assert "Geschiedenis in het register" in tekst(antwoord)

    deelname = db.session.execute(select(Deelname)).scalar_one()
    assert (deelname.gemeente, deelname.programma, deelname.toelichting, deelname.demo) == (
        amsterdam,
        Programma.BEHOEFTE_INVENTARISATIE,
        "Respondent sinds oktober 2015",
        False,
    )
    mutatie = db.session.execute(select(GemeenteMutatie)).scalar_one()
    assert (mutatie.gemeente, mutatie.soort, mutatie.oud, mutatie.nieuw) == (
        amsterdam,
        MutatieSoort.DEELNAME,
        None,
        "Behoefte-inventarisatie",
    )
    assert (mutatie.uitgevoerd_door, mutatie.cbs_import) == (beleidsmedewerker.email, None)


def test_adding_the_same_membership_twice_is_refused(officier, amsterdam):
    eerste = officier.post("/gemeenten/GM0363/deelnames", data=BEHOEFTE, follow_redirects=True)
    assert meldingen(eerste) == [("succes", "Amsterdam neemt deel aan Behoefte-inventarisatie.")]

    antwoord = officier.post("/gemeenten/GM0363/deelnames", data=BEHOEFTE, follow_redirects=True)

    assert meldingen(antwoord) == [("fout", "Amsterdam neemt al deel aan Behoefte-inventarisatie.")]
    assert aantal(Deelname) == 1
    assert aantal(GemeenteMutatie) == 1


@pytest.mark.parametrize(
    ("gegevens", "melding"),
    [
        ({"programma": "jeugdzorg"}, "Kies een programma uit de lijst."),
        ({"programma": ""}, "Kies een programma."),
        ({}, "Kies een programma."),
        (
            {**BEHOEFTE, "toelichting": "x" * 201},
            "Een toelichting is hooguit 200 tekens lang.",
        ),
    ],
    ids=["unknown programme", "empty programme", "no programme", "long explanation"],
)
def test_invalid_membership_is_refused_with_a_message(officier, amsterdam, gegevens, melding):
    voor = registerinhoud()

    antwoord = officier.post("/gemeenten/GM0363/deelnames", data=gegevens, follow_redirects=True)

    assert antwoord.status_code == 200
    assert meldingen(antwoord) == [("fout", melding)]
    assert registerinhoud() == voor


def test_an_ended_municipality_gets_no_new_membership(officier, fusie):
    antwoord = officier.post("/gemeenten/GM0738/deelnames", data=BEHOEFTE, follow_redirects=True)

    assert meldingen(antwoord) == [("fout", "Aalburg bestaat niet meer.")]
    assert aantal(Deelname) == 0


def test_officer_ends_a_membership(db, officier, amsterdam):
    deelname = maak_deelname(amsterdam, Programma.BEHOEFTE_INVENTARISATIE)
    maak_cohortlid(amsterdam)  # the onderwijsaanpak, derived: it stays

    antwoord = officier.post(
        f"/gemeenten/GM0363/deelnames/{deelname.id}/beeindigen", follow_redirects=True
    )

    assert meldingen(antwoord) == [
        ("succes", "Amsterdam neemt niet meer deel aan Behoefte-inventarisatie.")
    ]
    assert set(deelnames_op_pagina(antwoord)) == {"Onderwijsaanpak"}
    assert db.session.execute(select(Deelname)).scalars().all() == []
    mutatie = db.session.execute(select(GemeenteMutatie)).scalar_one()
    assert (mutatie.soort, mutatie.oud, mutatie.nieuw) == (
        MutatieSoort.DEELNAME,
        "Behoefte-inventarisatie",
        None,
    )


def test_ending_another_municipalitys_membership_is_404(db, officier, amsterdam, den_haag):
    van_den_haag = maak_deelname(den_haag, Programma.BEHOEFTE_INVENTARISATIE)
    voor = registerinhoud()

    antwoord = officier.post(f"/gemeenten/GM0363/deelnames/{van_den_haag.id}/beeindigen")
    onbekend = officier.post(f"/gemeenten/GM0363/deelnames/{van_den_haag.id + 100}/beeindigen")

    assert (antwoord.status_code, onbekend.status_code) == (404, 404)
    assert registerinhoud() == voor
    assert db.session.get(Deelname, van_den_haag.id) is not None


@pytest.mark.csrf
def test_membership_form_works_with_csrf_protection_and_refuses_without(officier, amsterdam):
    zonder = officier.post("/gemeenten/GM0363/deelnames", data=BEHOEFTE)
    assert zonder.status_code == 400
    assert aantal(Deelname) == 0

    formulier = officier.get("/gemeenten/GM0363")
    met = officier.post(
        "/gemeenten/GM0363/deelnames",
        data={**BEHOEFTE, "csrf_token": csrf_token(formulier)},
        follow_redirects=True,
    )
    assert meldingen(met) == [("succes", "Amsterdam neemt deel aan Behoefte-inventarisatie.")]
    assert aantal(Deelname) == 1
