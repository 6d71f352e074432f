"""The overview of a scheme year, its chart and deadline flags, and the history on a
municipality's page."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from gemeenten.models import Gemeente
from kern import tijd
from kern.accounts.models import Rol
from kern.cache import cache
from kern.db import db
from subsidies import grafiek, overzicht, services
from subsidies.models import BeschikkingStatus, BetalingSoort, RegelingJaar
from tests.gemeenten.factories import maak_gemeente
from tests.pagina import tekst
from tests.sql import telling
from tests.subsidies.factories import maak_beschikking, maak_regeling, maak_verantwoording

VANDAAG = date(2016, 8, 1)  # the date the services are handed as today

D = Decimal
DEN_HAAG = "Den Haag ('s-Gravenhage)"
NEGEN = [
    "Amsterdam",
    "Arnhem",
    "Delft",
    DEN_HAAG,
    "Gouda",
    "Huizen",
    "Rotterdam",
    "Utrecht",
    "Zoetermeer",
]


# --- Reading the page -----------------------------------------------------------------------


def hoofdtabel(antwoord) -> str:
    pagina = antwoord.text
    blok = re.search(r'<table class="tabel overzicht">(.*?)</table>', pagina, re.S)
    assert blok is not None, "the overview has no table"
    return blok[1]


def gemeenten_in(antwoord) -> list[str]:
    """The recipients in the rows of the overview, in order."""
    body = re.search(r"<tbody>(.*?)</tbody>", hoofdtabel(antwoord), re.S)
    assert body is not None
    return [
        html.unescape(naam)
        for naam in re.findall(
            r'<th scope="row"><a href="/versterkingsgelden/beschikkingen/\d+">(.*?)</a></th>',
            body[1],
        )
    ]


def rijen(antwoord) -> dict[str, list[str]]:
    """Recipient → the text of every cell of its row."""
    body = re.search(r"<tbody>(.*?)</tbody>", hoofdtabel(antwoord), re.S)
    assert body is not None
    uit = {}
    for rij in re.findall(r"<tr>(.*?)</tr>", body[1], re.S):
        cellen = [tekst(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", rij, re.S)]
        uit[cellen[0]] = cellen
    return uit


def koppen(antwoord) -> list[str]:
    thead = re.search(r"<thead>(.*?)</thead>", hoofdtabel(antwoord), re.S)
    assert thead is not None
    return [
        tekst(kop).split(",")[0].replace("▲", "").replace("▼", "").strip()
        for kop in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", thead[1], re.S)
    ]


def totalen(antwoord) -> dict[str, str]:
    """Column header → the text in the totals row under the table."""
    tfoot = re.search(r"<tfoot>(.*?)</tfoot>", hoofdtabel(antwoord), re.S)
    assert tfoot is not None, "the overview has no totals row in <tfoot>"
    cellen = [tekst(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tfoot[1], re.S)]
    return dict(zip(koppen(antwoord), cellen, strict=True))


def euro(bedrag: str) -> str:
    """ "4.477.000,00" as `geld` shows it: € and a no-break space."""
    return "€\xa0" + bedrag


# --- The world ------------------------------------------------------------------------------


def vraag(client, jaar: RegelingJaar, **argumenten: str):
    antwoord = client.get(f"/versterkingsgelden/jaren/{jaar.id}/overzicht", query_string=argumenten)
    assert antwoord.status_code == 200, antwoord.status_code
    return antwoord


# --- The overview of the demo year ----------------------------------------------------------


def test_the_2015_overview_totals_the_eight_known_amounts(financien, demo):
    antwoord = vraag(financien, demo)

    assert gemeenten_in(antwoord) == NEGEN
    som = totalen(antwoord)
    assert som["Toegekend"] == euro("4.477.000,00") + " plus 1 nog vast te stellen"
    assert som["Betaald"] == euro("3.955.000,00")
    assert som["Besteed totaal"] == euro("2.915.000,00")
    assert som["Vastgesteld"] == euro("870.000,00")
    assert rijen(antwoord)["Gouda"][3] == "nog vast te stellen"
    assert '<span class="label label--demo">demogegevens</span>' in antwoord.text
    assert "9 beschikkingen." in tekst(antwoord)


def test_a_row_shows_granted_paid_spent_per_purpose_settled_and_balance(financien, demo):
    den_haag = dict(zip(koppen(a := vraag(financien, demo)), rijen(a)[DEN_HAAG], strict=True))

    assert den_haag == {
        "Gemeente": DEN_HAAG,
        "Kenmerk": "VG-2015-GM0518",
        "Status": "Vastgesteld",
        "Toegekend": euro("950.000,00"),
        "Betaald": euro("950.000,00"),
        "Besteed: kennisbevordering": euro("400.000,00"),
        "Besteed: vroegsignalering": euro("300.000,00"),
        "Besteed: persoonsgerichte aanpak": euro("170.000,00"),
        "Besteed totaal": euro("870.000,00"),
        "Vastgesteld": euro("870.000,00"),
        "Saldo": euro("-80.000,00"),  # the clawback, still to be received
        "Verantwoording": "Goedgekeurd (eindverantwoording)",
        "Termijn": "N.v.t.",
    }
    rotterdam = rijen(a)["Rotterdam"]
    assert rotterdam[3:5] == [euro("665.000,00"), euro("500.000,00")]
    assert rotterdam[8] == "—", "a return that was sent back counts no spending"
    assert rotterdam[10] == euro("165.000,00"), "granted minus paid while not settled"


def test_the_recipient_links_to_its_decision(financien, demo):
    pagina = vraag(financien, demo).text
    den_haag = next(b for b in demo.beschikkingen if b.gemeente.cbs_code == "GM0518")

    assert f'<a href="/versterkingsgelden/beschikkingen/{den_haag.id}">Den Haag' in pagina


# --- Sorting --------------------------------------------------------------------------------


def test_sorting_by_granted_descending_puts_den_haag_first_and_gouda_last(financien, demo):
    antwoord = vraag(financien, demo, sorteer="toegekend", richting="aflopend")

    assert gemeenten_in(antwoord) == [
        DEN_HAAG,
        "Amsterdam",
        "Utrecht",
        "Rotterdam",
        "Delft",
        "Arnhem",
        "Zoetermeer",
        "Huizen",
        "Gouda",
    ]
    assert re.search(
        r'<th scope="col" class="getal" aria-sort="descending">\s*<a [^>]*>Toegekend',
        hoofdtabel(antwoord),
    )
    assert hoofdtabel(antwoord).count("aria-sort=") == 1


def test_sorting_by_granted_ascending_puts_the_highest_last_and_gouda_first(financien, demo):
    antwoord = vraag(financien, demo, sorteer="toegekend", richting="oplopend")

    namen = gemeenten_in(antwoord)
    assert namen[0] == "Gouda"  # "nog vast te stellen" sorts as the lowest, both ways
    assert namen[-1] == DEN_HAAG
    assert namen[1:3] == ["Huizen", "Zoetermeer"]
    assert 'aria-sort="ascending"' in hoofdtabel(antwoord)


@pytest.mark.parametrize(
    ("sorteer", "richting", "eerste", "laatste"),
    [
        ("gemeente", "aflopend", "Zoetermeer", "Amsterdam"),
        ("kenmerk", "oplopend", "Arnhem", "Zoetermeer"),  # VG-2015-GM0202 ... GM0637
        ("saldo", "oplopend", "Gouda", "Arnhem"),  # unknown, -80.000 (Den Haag) ... 200.000
        ("betaald", "aflopend", DEN_HAAG, "Huizen"),  # Gouda and Huizen: 0, ties by name
        ("status", "aflopend", DEN_HAAG, "Zoetermeer"),  # vastgesteld, then beschikt by name
        ("vastgesteld", "aflopend", DEN_HAAG, "Zoetermeer"),
        ("doel-kennisbevordering", "aflopend", DEN_HAAG, "Zoetermeer"),
        ("termijn", "oplopend", "Arnhem", "Gouda"),  # te laat first, n.v.t. last
        ("verantwoording", "aflopend", "Rotterdam", "Zoetermeer"),  # sent back ... none
    ],
)
def test_every_column_sorts(financien, demo, sorteer, richting, eerste, laatste):
    antwoord = vraag(financien, demo, sorteer=sorteer, richting=richting)

    namen = gemeenten_in(antwoord)
    assert sorted(namen) == sorted(NEGEN)
    assert (namen[0], namen[-1]) == (eerste, laatste)
    assert hoofdtabel(antwoord).count("aria-sort=") == 1


def test_sorting_on_the_return_status_groups_by_status(financien, demo):
    namen = gemeenten_in(vraag(financien, demo, sorteer="verantwoording"))

    # None yet, then submitted (ingediend), approved, sent back.
    assert namen[:3] == ["Arnhem", "Gouda", "Zoetermeer"]
    assert set(namen[3:5]) == {"Amsterdam", "Huizen"}
    assert set(namen[5:8]) == {"Delft", DEN_HAAG, "Utrecht"}
    assert namen[8] == "Rotterdam"


def test_every_header_links_to_sorting_on_its_column_and_keeps_the_filters(financien, demo):
    antwoord = vraag(financien, demo, termijn="te laat", sorteer="betaald", richting="oplopend")

    links = re.findall(r'<th scope="col"[^>]*>\s*<a href="([^"]+)"', hoofdtabel(antwoord))
    assert len(links) == len(koppen(antwoord)) == 13
    for link in links:
        assert "termijn=te+laat" in link
    assert "sorteer=betaald&amp;richting=aflopend" in links[4], "a second click reverses"
    assert "sorteer=toegekend&amp;richting=oplopend" in links[3]
    # The filter form carries the sort order along.
    pagina = antwoord.text
    assert '<input id="sorteer" name="sorteer" type="hidden" value="betaald">' in pagina


@pytest.mark.parametrize(
    "argumenten",
    [{"sorteer": "bestaat-niet"}, {"sorteer": "x" * 500}, {"richting": "zijwaarts"}],
)
def test_an_unknown_sort_order_falls_back_to_the_recipient(financien, demo, argumenten):
    antwoord = vraag(financien, demo, **argumenten)

    assert gemeenten_in(antwoord) == NEGEN


# --- Filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argumenten", "verwacht", "toegekend"),
    [
        ({"verantwoording": "teruggestuurd"}, ["Rotterdam"], "665.000,00"),
        ({"verantwoording": "geen"}, ["Arnhem", "Gouda", "Zoetermeer"], "567.000,00"),
        ({"status": "vastgesteld"}, [DEN_HAAG], "950.000,00"),
        ({"termijn": "ingediend"}, ["Amsterdam", "Delft", "Huizen", "Utrecht"], "2.295.000,00"),
        ({"q": "den haag"}, [DEN_HAAG], "950.000,00"),
        ({"q": "GRAVENHAGE"}, [DEN_HAAG], "950.000,00"),
        (
            {"q": "er", "status": "beschikt"},
            ["Amsterdam", "Rotterdam", "Zoetermeer"],
            "1.752.000,00",
        ),
        ({"q": "Groningen"}, [], None),
    ],
)
def test_filters_narrow_the_rows_and_the_totals(financien, demo, argumenten, verwacht, toegekend):
    antwoord = vraag(financien, demo, **argumenten)

    if not verwacht:
        assert "Geen beschikkingen met deze filters." in tekst(antwoord)
        return
    assert gemeenten_in(antwoord) == verwacht
    assert totalen(antwoord)["Toegekend"].startswith(euro(toegekend))
    assert f"{len(verwacht)} van 9 beschikkingen getoond" in tekst(antwoord)


def test_the_overdue_filter_totals_only_what_it_shows(financien, demo):
    # Every 2015 return was due on 15 July 2016: whatever has none now is overdue, but for
    # Gouda, whose amount is not yet set (nothing to account for yet).
    antwoord = vraag(financien, demo, termijn="te laat")

    assert gemeenten_in(antwoord) == ["Arnhem", "Rotterdam", "Zoetermeer"]
    som = totalen(antwoord)
    assert som["Toegekend"] == euro("1.232.000,00")
    assert som["Betaald"] == euro("867.000,00")
    assert som["Saldo"] == euro("365.000,00")
    assert som["Gemeente"] == "Totaal (3)"


@pytest.mark.parametrize(
    ("argumenten", "melding"),
    [
        ({"status": "onzin"}, "Kies een status uit de lijst."),
        ({"verantwoording": "kwijt"}, "Kies een status van de verantwoording uit de lijst."),
        ({"termijn": "morgen"}, "Kies een termijn uit de lijst."),
        ({"q": "x" * 101}, "Een zoekterm is hooguit 100 tekens lang."),
    ],
)
def test_an_invalid_filter_is_shown_as_an_error_and_ignored(financien, demo, argumenten, melding):
    antwoord = vraag(financien, demo, **argumenten)

    assert melding in tekst(antwoord)
    assert '<p class="foutmelding"' in antwoord.text
    assert gemeenten_in(antwoord) == NEGEN


def test_the_filter_form_is_a_get_form_without_csrf_token(financien, demo):
    pagina = vraag(financien, demo).text
    formulier = re.search(r'<form method="get" class="filters".*?</form>', pagina, re.S)

    assert formulier is not None
    assert "csrf_token" not in formulier[0]
    for veld in ("q", "status", "verantwoording", "termijn"):
        assert f'<label for="{veld}">' in formulier[0]


@pytest.mark.csrf
def test_filtering_needs_no_csrf_token_with_protection_on(financien, demo):
    antwoord = vraag(financien, demo, status="vastgesteld")

    assert gemeenten_in(antwoord) == [DEN_HAAG]


# --- The chart ------------------------------------------------------------------------------


def staven(antwoord, soort: str = "toegekend") -> dict[str, int]:
    """Recipient → the width of its bar of ``soort`` in the SVG."""
    svg = re.search(r"<svg.*?</svg>", antwoord.text, re.S)
    assert svg is not None, "no chart"
    return {
        html.unescape(naam): int(breedte)
        for naam, breedte in re.findall(
            r'<g class="grafiek__rij"><text[^>]*>(.*?)</text>.*?'
            rf'<rect class="staaf staaf--{soort}[^"]*"[^>]*width="(\d+)"',
            svg[0],
            re.S,
        )
    }


def test_the_chart_has_a_bar_per_municipality_proportional_to_the_amount(financien, demo):
    antwoord = vraag(financien, demo)

    toegekend = staven(antwoord)
    assert set(toegekend) == set(NEGEN)
    assert toegekend[DEN_HAAG] == grafiek.STAAF_MAX == 420  # the largest amount
    assert toegekend["Huizen"] == 69  # 157.000 / 950.000 x 420 = 69,41
    assert toegekend["Amsterdam"] == 407  # 920.000 / 950.000 x 420 = 406,74
    assert toegekend["Gouda"] == 0  # nog vast te stellen
    besteed = staven(antwoord, "besteed")
    assert besteed[DEN_HAAG] == 385  # 870.000 / 950.000 x 420 = 384,63
    assert besteed["Rotterdam"] == 0


def test_the_chart_is_accessible_and_carries_the_numbers_as_text(financien, demo):
    pagina = vraag(financien, demo).text
    svg = re.search(r"<svg.*?</svg>", pagina, re.S)
    assert svg is not None

    assert 'role="img"' in svg[0]
    assert re.search(r'<title id="grafiek-titel">Toegekend versus besteed per gemeente', svg[0])
    assert '<desc id="grafiek-uitleg">' in svg[0]
    assert 'aria-labelledby="grafiek-titel grafiek-uitleg"' in svg[0]
    assert ">toegekend € 157.000,00</text>" in html.unescape(svg[0]).replace("\xa0", " ")
    assert ">toegekend nog vast te stellen</text>" in svg[0]
    assert "<script" not in pagina
    # The same numbers as a table right below the chart.
    na = pagina[svg.end() :]
    tabel = re.search(
        r"<table class=\"tabel\">\s*<caption>De grafiek in cijfers</caption>.*?</table>", na, re.S
    )
    assert tabel is not None
    assert "€\xa0157.000,00" in tabel[0]
    assert "92%" in tabel[0]  # Den Haag spent 870.000 of 950.000


def test_beyond_the_top_the_chart_groups_the_rest_and_the_table_keeps_every_row(
    financien, demo, monkeypatch
):
    monkeypatch.setattr(grafiek, "TOP", 3)
    antwoord = vraag(financien, demo)

    toegekend = staven(antwoord)
    assert list(toegekend) == [DEN_HAAG, "Amsterdam", "Utrecht", "overige (6 gemeenten)"]
    assert toegekend[DEN_HAAG] == grafiek.STAAF_MAX
    # Rotterdam, Delft, Arnhem, Zoetermeer and Huizen: 1,924,000, twice the scale's 950,000.
    assert toegekend["overige (6 gemeenten)"] == grafiek.STAAF_MAX
    svg = html.unescape(re.search(r"<svg.*?</svg>", antwoord.text, re.S)[0])  # type: ignore[index]
    assert "toegekend €\xa01.924.000,00 (buiten de schaal)" in svg
    assert "staaf--afgekapt" in svg
    assert "Alleen de 3 grootste toekenningen hebben een eigen staaf" in svg
    cijfers = re.search(r"<caption>De grafiek in cijfers.*?</table>", antwoord.text, re.S)
    assert cijfers is not None
    assert "de 3 grootste toekenningen en de overige 6 gemeenten samen" in cijfers[0]
    assert "€\xa01.924.000,00" in cijfers[0]
    assert len(gemeenten_in(antwoord)) == 9  # the sortable table: every recipient


def test_the_group_of_the_rest_sums_what_is_known():
    staafjes = [
        grafiek.Staaf("A", D("10.00"), D("5.00")),
        grafiek.Staaf("b", D("30.00"), None),
        grafiek.Staaf("C", D("20.00"), None),
        grafiek.Staaf("D", None, None),
    ]

    assert grafiek.grootste(staafjes[:3]) == staafjes[:3]  # few: as given
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(grafiek, "TOP", 1)
        gegroepeerd = grafiek.grootste(staafjes)
    assert gegroepeerd == [
        grafiek.Staaf("b", D("30.00"), None),
        grafiek.Staaf("overige (3 gemeenten)", D("30.00"), D("5.00"), overige=3),
    ]


def test_bar_widths_are_computed_in_decimal():
    maximum = D("999999.99")

    assert grafiek.breedte(maximum, maximum) == grafiek.STAAF_MAX
    assert grafiek.breedte(D("333333.33"), maximum) == 140
    assert grafiek.breedte(D("0.01"), maximum) == 0
    assert grafiek.breedte(D("1190.48"), D("1000000.00")) == 1  # 0,50000 rounds half up
    assert grafiek.breedte(D("1190.47"), D("1000000.00")) == 0
    assert grafiek.breedte(None, maximum) == 0
    assert grafiek.breedte(D("5.00"), D("0.00")) == 0


def test_the_chart_escapes_names():
    svg = grafiek.toegekend_versus_besteed(
        [grafiek.Staaf("<script>alert(1)</script>", D("1.00"), None)], titel="T", uitleg="U"
    )

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


# --- Deadline flags -------------------------------------------------------------------------


@pytest.fixture
def termijnen(db) -> RegelingJaar:
    """Four decided grants of 2015, their returns due on 15 July 2016."""
    regeling = maak_regeling()
    laat = maak_beschikking(maak_gemeente("GM0363", "Amsterdam"), regeling)
    maak_beschikking(maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland"), regeling)
    ingediend = maak_beschikking(maak_gemeente("GM0344", "Utrecht", "Utrecht"), regeling)
    maak_verantwoording(ingediend)
    teruggestuurd = maak_beschikking(maak_gemeente("GM0503", "Delft", "Zuid-Holland"), regeling)
    terug = maak_verantwoording(teruggestuurd)
    services.stuur_terug(terug, reden="Onvolledig", door="t", versie=terug.versie)
    maak_beschikking(maak_gemeente("GM0513", "Gouda", "Zuid-Holland"), regeling, beschikt=False)
    assert laat.verantwoording_uiterlijk == date(2016, 7, 15)
    return regeling.jaren[0]


def vlaggen(jaar: RegelingJaar, vandaag: date) -> dict[str, str]:
    return {r.ontvanger: r.termijn for r in overzicht.overzicht(jaar, vandaag=vandaag).rijen}


@pytest.mark.parametrize(
    ("vandaag", "zonder_verantwoording"),
    [
        (date(2016, 5, 1), "op tijd"),
        (date(2016, 6, 14), "op tijd"),  # 31 days before
        (date(2016, 6, 15), "binnenkort"),  # 30 days before
        (date(2016, 7, 15), "binnenkort"),  # the due date itself
        (date(2016, 7, 16), "te laat"),
    ],
)
def test_deadline_flags_with_an_injected_today(termijnen, vandaag, zonder_verantwoording):
    assert vlaggen(termijnen, vandaag) == {
        "Amsterdam": zonder_verantwoording,
        "Rotterdam": zonder_verantwoording,
        "Utrecht": "ingediend",
        "Delft": zonder_verantwoording,  # a return sent back is not in
        "Gouda": "n.v.t.",  # a draft has no return due
    }


def test_the_deadline_filter_uses_the_injected_today(termijnen):
    binnenkort = overzicht.overzicht(
        termijnen, vandaag=date(2016, 7, 1), filter=overzicht.Filter(termijn="binnenkort")
    )
    te_laat = overzicht.overzicht(
        termijnen, vandaag=date(2016, 7, 1), filter=overzicht.Filter(termijn="te laat")
    )

    assert [r.ontvanger for r in binnenkort.rijen] == ["Amsterdam", "Delft", "Rotterdam"]
    assert binnenkort.totalen.toegekend == D("300000.00")
    assert te_laat.rijen == []


def test_the_overview_shows_the_flags_as_text(db, login_as, termijnen):
    rotterdam = next(b for b in termijnen.beschikkingen if b.gemeente.naam == "Rotterdam")
    rotterdam.verantwoording_uiterlijk = tijd.vandaag() + timedelta(days=10)
    client = login_as(Rol.BELEIDSMEDEWERKER)

    cellen = rijen(vraag(client, termijnen))

    assert cellen["Amsterdam"][-1] == "Te laat"
    assert cellen["Rotterdam"][-1] == "Binnenkort"
    assert cellen["Utrecht"][-1] == "Ingediend"
    assert cellen["Gouda"][-1] == "N.v.t."
    pagina = vraag(client, termijnen).text
    assert "<strong>Te laat</strong>" in pagina


@pytest.mark.parametrize(
    ("moment", "vlag"),
    [
        (datetime(2016, 7, 15, 21, 30, tzinfo=UTC), "Binnenkort"),  # 23:30 on 15 July here
        (datetime(2016, 7, 15, 23, 30, tzinfo=UTC), "Te laat"),  # 01:30 on 16 July here
    ],
)
def test_the_overview_judges_the_deadline_by_the_dutch_date(
    db, login_as, termijnen, monkeypatch, moment, vlag
):
    client = login_as(Rol.BELEIDSMEDEWERKER)
    monkeypatch.setattr(tijd, "nu", lambda: moment)

    cellen = rijen(vraag(client, termijnen))

    assert cellen["Amsterdam"][-1] == vlag  # due 15 July 2016


# --- Who may see the overview ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rol", "status"),
    [
        (Rol.FINANCIEN, 200),
        (Rol.BELEIDSMEDEWERKER, 200),
        (Rol.BEHEERDER, 403),  # reads no grant data (kern/accounts/rechten.py)
        (Rol.GEMEENTE, 403),
    ],
)
def test_the_ministry_opens_the_overview_a_municipality_user_does_not(
    db, login_as, demo, rol, status
):
    amsterdam = db.session.execute(
        db.select(Gemeente).where(Gemeente.cbs_code == "GM0363")
    ).scalar_one()
    client = login_as(rol, gemeente=amsterdam if rol is Rol.GEMEENTE else None)

    antwoord = client.get(f"/versterkingsgelden/jaren/{demo.id}/overzicht")

    assert antwoord.status_code == status
    if status == 403:
        assert "Rotterdam" not in antwoord.text


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, demo):
    antwoord = client.get(f"/versterkingsgelden/jaren/{demo.id}/overzicht")

    assert antwoord.status_code == 302
    assert antwoord.location.startswith("/aanmelden")


def test_an_unknown_year_is_404(financien, demo):
    assert financien.get("/versterkingsgelden/jaren/999999/overzicht").status_code == 404


# --- No N+1 ---------------------------------------------------------------------------------


CODES = ["GM0363", "GM0599", "GM0344", "GM0503", "GM0518", "GM0202", "GM0637", "GM0406", "GM0513"]


def _ontvangers(regeling, codes: list[str]) -> None:
    """Decisions with a paid advance, two returns (one replaced) and per-purpose lines."""
    for code in codes:
        beschikking = maak_beschikking(maak_gemeente(code, f"Gemeente {code}"), regeling)
        betaling = services.plan_betaling(
            beschikking,
            soort=BetalingSoort.VOORSCHOT,
            bedrag=D("50000.00"),
            gepland_op=date(2015, 11, 1),
        )
        services.registreer_betaling(betaling, betaald_op=date(2015, 11, 2), versie=betaling.versie)
        maak_verantwoording(beschikking, D("10000.00"))
        maak_verantwoording(beschikking, D("20000.00"))


def test_the_overview_costs_the_same_number_of_queries_for_3_or_9_decisions(db, login_as):
    regeling = maak_regeling()
    _ontvangers(regeling, CODES[:3])
    client = login_as(Rol.FINANCIEN)
    jaar_id = regeling.jaren[0].id
    client.get(f"/versterkingsgelden/jaren/{jaar_id}/overzicht")  # warm up
    cache.clear()  # count what computing the overview costs, not the kept one

    with telling() as drie:
        antwoord = client.get(f"/versterkingsgelden/jaren/{jaar_id}/overzicht")
    assert antwoord.status_code == 200
    assert len(gemeenten_in(antwoord)) == 3

    _ontvangers(regeling, CODES[3:])
    db.session.commit()  # before counting: only the request's own queries count
    with telling() as negen:
        antwoord = client.get(f"/versterkingsgelden/jaren/{jaar_id}/overzicht")
    assert len(gemeenten_in(antwoord)) == 9
    with telling() as bewaard:  # the same page again: kept at this data version
        antwoord = client.get(f"/versterkingsgelden/jaren/{jaar_id}/overzicht")
    assert len(gemeenten_in(antwoord)) == 9

    assert len(negen) == len(drie), "\n".join(negen)
    assert len(drie) <= 12
    assert len(bewaard) < len(negen), "\n".join(bewaard)


# --- The history on a municipality's page ---------------------------------------------------


def sectie(antwoord) -> str:
    """The versterkingsgelden section of a municipality's page, as text ('' when absent)."""
    pagina = antwoord.text
    blok = re.search(r'<h2 id="versterkingsgelden">.*?</table>', pagina, re.S)
    return blok[0] if blok else ""


def test_a_municipality_user_sees_the_history_of_their_own_municipality_only(db, login_as, demo):
    amsterdam = db.session.execute(
        db.select(Gemeente).where(Gemeente.cbs_code == "GM0363")
    ).scalar_one()
    client = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    eigen = client.get("/gemeenten/GM0363")

    assert eigen.status_code == 200
    blok = sectie(eigen)
    assert "VG-2015-GM0363" in blok
    assert re.search(r'<a href="/versterkingsgelden/beschikkingen/\d+">VG-2015-GM0363</a>', blok)
    assert tekst(blok).count("VG-2015-") == 1
    assert "Ingediend (eindverantwoording)" in tekst(blok)
    assert "/overzicht" not in blok, "a municipality user gets no link to the overview"
    assert client.get("/gemeenten/GM0518").status_code == 404


def test_finance_sees_the_history_with_totals(login_as, demo):
    client = login_as(Rol.FINANCIEN)

    blok = sectie(client.get("/gemeenten/GM0518"))

    assert "VG-2015-GM0518" in blok
    cellen = tekst(re.search(r"<tfoot>.*?</tfoot>", blok, re.S)[0])  # type: ignore[index]
    assert cellen.startswith("Totaal (1)")
    assert euro("-80.000,00") in cellen
    assert f'href="/versterkingsgelden/jaren/{demo.id}/overzicht"' in blok


def test_a_municipality_without_grants_has_no_section(login_as, demo):
    client = login_as(Rol.BELEIDSMEDEWERKER)

    antwoord = client.get("/gemeenten/GM0268")  # Nijmegen: a demo municipality without grants

    assert antwoord.status_code == 200
    assert sectie(antwoord) == ""


@pytest.fixture
def altena(db):
    """Aalburg and Werkendam went into Altena in 2019; Werkendam had absorbed Zuidplas earlier
    (made up, to test predecessors of predecessors). Each had a grant before the merger."""
    regeling = maak_regeling()
    altena = maak_gemeente("GM1959", "Altena", "Noord-Brabant")
    aalburg = maak_gemeente("GM0738", "Aalburg", "Noord-Brabant")
    werkendam = maak_gemeente("GM0870", "Werkendam", "Noord-Brabant")
    oud = maak_gemeente("GM0001", "Oudland", "Noord-Brabant")
    buur = maak_gemeente("GM0002", "Buurgemeente", "Noord-Brabant")
    for gemeente, bedrag in ((aalburg, "10000.00"), (werkendam, "20000.00"), (oud, "30000.00")):
        maak_beschikking(gemeente, regeling, D(bedrag))
    maak_beschikking(buur, regeling, D("99000.00"))
    maak_beschikking(altena, regeling, D("40000.00"), beschikt=False)
    for voorganger, opvolger in ((aalburg, altena), (werkendam, altena), (oud, werkendam)):
        voorganger.geldig_tot = date(2018, 12, 31)
        voorganger.opvolger = opvolger
    return altena


def test_the_history_includes_predecessors_after_a_merger(login_as, altena):
    client = login_as(Rol.BELEIDSMEDEWERKER)

    blok = tekst(sectie(client.get("/gemeenten/GM1959")))

    assert "VG-2015-GM0738" in blok  # Aalburg
    assert "VG-2015-GM0870" in blok  # Werkendam
    assert "VG-2015-GM0001" in blok  # Oudland, via Werkendam
    assert "Concept (nog zonder kenmerk)" in blok  # Altena's own draft
    assert "GM0002" not in blok
    assert "Buurgemeente" not in blok
    assert "en de gemeenten die erin zijn opgegaan" in blok
    # Altena's own decision is a draft: shown apart, not granted.
    assert "Totaal (4) € 60.000,00 plus 1 in concept: € 40.000,00" in blok.replace("\xa0", " ")


def test_the_successors_user_sees_the_predecessors_grants_without_links_to_them(login_as, altena):
    client = login_as(Rol.GEMEENTE, gemeente=altena)

    blok = sectie(client.get("/gemeenten/GM1959"))

    assert "VG-2015-GM0738" in blok
    assert ">VG-2015-GM0738</a>" not in blok  # that decision's page is Aalburg's
    assert "Concept" not in blok, "a draft is not shown to the municipality"
    assert "Buurgemeente" not in blok


# --- The service on its own -----------------------------------------------------------------


def test_a_withdrawn_decision_grants_nothing_and_its_payments_are_to_be_reclaimed(db):
    regeling = maak_regeling()
    beschikking = maak_beschikking(maak_gemeente(), regeling, D("100000.00"))
    betaling = services.plan_betaling(
        beschikking, soort=BetalingSoort.VOORSCHOT, bedrag=D("40000.00"), gepland_op=date.today()
    )
    services.registreer_betaling(betaling, betaald_op=date.today(), versie=betaling.versie)
    services.trek_in(
        beschikking, reden="Geen uitvoering", door="t", versie=beschikking.versie, vandaag=VANDAAG
    )

    (rij,) = overzicht.overzicht(regeling.jaren[0], vandaag=date(2016, 1, 1)).rijen

    assert rij.beschikking.status is BeschikkingStatus.INGETROKKEN
    assert rij.toegekend == D("0.00")
    assert rij.saldo == D("-40000.00")
    assert rij.termijn == "n.v.t."


def test_spending_comes_from_the_latest_approved_return_else_the_latest_submitted(db):
    regeling = maak_regeling()
    beschikking = maak_beschikking(maak_gemeente(), regeling)
    goed = maak_verantwoording(beschikking, D("10000.00"))
    services.keur_goed(goed, door="t", versie=goed.versie)
    maak_verantwoording(beschikking, D("25000.00"))  # awaiting review

    (rij,) = overzicht.overzicht(regeling.jaren[0], vandaag=date(2016, 1, 1)).rijen

    assert rij.besteed == D("10000.00")
    assert rij.verantwoordingslabel == "Ingediend"
    assert all(isinstance(w, Decimal) for w in rij.besteed_per_doel.values())


# --- Drafts are not granted -----------------------------------------------------------------


@pytest.fixture
def met_concept(db) -> RegelingJaar:
    """Ceiling 1,000,000: Amsterdam decided at 700,000, Rotterdam a draft of 200,000."""
    regeling = maak_regeling(plafond=D("1000000.00"))
    maak_beschikking(maak_gemeente("GM0363", "Amsterdam"), regeling, D("700000.00"))
    maak_beschikking(
        maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland"),
        regeling,
        D("200000.00"),
        beschikt=False,
    )
    maak_gemeente("GM0344", "Utrecht", "Utrecht")
    return regeling.jaren[0]


def test_a_draft_is_not_granted_in_the_year_overview_or_the_chart(officier, met_concept):
    jaar = met_concept
    antwoord = vraag(officier, jaar)

    som = totalen(antwoord)
    assert som["Toegekend"] == euro("700.000,00") + " plus 1 in concept: " + euro("200.000,00")
    assert som["Saldo"] == euro("700.000,00")
    rotterdam = dict(zip(koppen(antwoord), rijen(antwoord)["Rotterdam"], strict=True))
    assert rotterdam["Toegekend"] == "in concept: " + euro("200.000,00")
    assert rotterdam["Saldo"] == "—"
    grafiek_svg = re.search(r"<svg.*?</svg>", antwoord.text, re.S)[0]  # type: ignore[index]
    assert "Amsterdam" in grafiek_svg
    assert "Rotterdam" not in grafiek_svg


def test_a_draft_is_not_granted_on_the_scheme_pages(officier, met_concept):
    jaar = met_concept

    regeling = tekst(officier.get(f"/versterkingsgelden/regelingen/{jaar.regeling_id}"))
    jaarpagina = tekst(officier.get(f"/versterkingsgelden/jaren/{jaar.id}"))

    # Year, ceiling, granted, in concept, room.
    assert (
        f"2015 {euro('1.000.000,00')} {euro('700.000,00')} {euro('200.000,00')} "
        f"{euro('300.000,00')}" in regeling
    )
    assert f"Toegekend {euro('700.000,00')}" in jaarpagina
    assert f"In concept (nog niet beschikt) {euro('200.000,00')} (1 concept)" in jaarpagina
    assert f"Ruimte {euro('300.000,00')}" in jaarpagina


def test_the_municipality_page_shows_a_draft_apart(officier, met_concept):

    blok = tekst(sectie(officier.get("/gemeenten/GM0599")))

    assert "in concept: " + euro("200.000,00") in blok
    assert f"Totaal (1) {euro('0,00')}" in blok


def test_drafts_leave_room_under_the_ceiling_until_they_are_decided(db, officier, met_concept):
    jaar = met_concept

    # A second draft fits beside the decided 700,000: drafts reserve nothing.
    nieuw = officier.post(
        f"/versterkingsgelden/jaren/{jaar.id}/beschikkingen/nieuw",
        data={"gemeente_id": str(maak_utrecht_id()), "bedrag": "250.000"},
    )
    assert nieuw.status_code == 302
    rotterdam, utrecht = (
        b for b in sorted(jaar.beschikkingen, key=lambda b: b.gemeente.naam) if b.kenmerk is None
    )

    def beschik(beschikking, **extra):
        return officier.post(
            f"/versterkingsgelden/beschikkingen/{beschikking.id}/beschikken",
            data={
                "kenmerk": f"VG-{beschikking.id}",
                "datum": "2015-10-01",
                "versie": str(beschikking.versie),
                **extra,
            },
        )

    assert beschik(rotterdam).status_code == 302  # 900,000: within the ceiling
    geweigerd = beschik(utrecht)  # 1,150,000: over it
    assert geweigerd.status_code == 400
    pagina = tekst(geweigerd)
    assert (
        f"Dit overschrijdt het plafond van {euro('1.000.000,00')} voor 2015 met "
        f"{euro('150.000,00')}." in pagina
    )
    assert db.session.get(type(utrecht), utrecht.id).status is BeschikkingStatus.CONCEPT

    bevestigd = beschik(utrecht, bevestig_overschrijding="y")
    assert bevestigd.status_code == 302
    assert db.session.get(type(utrecht), utrecht.id).status is BeschikkingStatus.BESCHIKT


def test_the_ceiling_message_names_what_is_in_concept(officier, met_concept):
    jaar = met_concept

    antwoord = officier.post(
        f"/versterkingsgelden/jaren/{jaar.id}/beschikkingen/nieuw",
        data={"gemeente_id": str(maak_utrecht_id()), "bedrag": "350.000"},
    )

    assert antwoord.status_code == 400
    pagina = tekst(antwoord)
    assert f"Dit overschrijdt het plafond van {euro('1.000.000,00')} voor 2015 met" in pagina
    assert f"met {euro('50.000,00')}." in pagina  # 700,000 + 350,000: the draft not counted
    assert f"Daarnaast staat er {euro('200.000,00')} in concept" in pagina


def maak_utrecht_id() -> int:
    return db.session.execute(
        db.select(Gemeente.id).where(Gemeente.cbs_code == "GM0344")
    ).scalar_one()
