"""The analysis read from the database: exact counts and shares from an inventory with known
answers (`bekend`, see conftest), the filters by province and programme, the needs without an
action, and two inventories compared."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from gemeenten.inventarisatie import analyse
from gemeenten.inventarisatie.analyse import Aandeel, Filter, celtekst
from gemeenten.models import Programma
from tests.inventarisatie.factories import (
    inventarisatie_met_themas,
    maak_antwoord,
    maak_deelnemer,
    thema,
)


def _per_thema(uitkomst: analyse.Analyse) -> dict[str, tuple[int, int]]:
    return {c.thema.naam: (c.met_behoefte, c.respondenten) for c in uitkomst.per_thema}


def test_per_theme_the_count_and_share_of_respondents_with_a_need(bekend):
    uitkomst = analyse.analyseer(bekend.inventarisatie, Filter())

    kennis, training, netwerk = uitkomst.per_thema
    assert _per_thema(uitkomst) == {
        "Kennis": (3, 7),
        "Training": (3, 5),
        "Netwerk sleutelfiguren": (1, 6),
    }
    assert str(kennis.aandeel) == "42,9 %"
    assert kennis.per_prioriteit == {1: 0, 2: 0, 3: 0, 4: 2, 5: 1}
    assert kennis.gemiddelde == Fraction(13, 3)
    assert kennis.gemiddelde_afgerond == Decimal("4.33")
    assert (training.per_prioriteit[1], training.per_prioriteit[3]) == (1, 1)
    assert (training.zonder_prioriteit, training.gemiddelde) == (1, 2)
    assert netwerk.aandeel.procent == Decimal("16.7")
    # Kennis: Amsterdam's need has an action, Rotterdam's and Den Haag's not; Netwerk: the
    # action on the theme covers Rotterdam's need.
    assert (kennis.zonder_actie, training.zonder_actie, netwerk.zonder_actie) == (2, 3, 0)
    assert uitkomst.respondenten == 7
    assert [g.naam for g in uitkomst.gemeenten] == [
        "Den Haag ('s-Gravenhage)",
        "Amsterdam",
        "Gouda",
        "Huizen",
        "Rotterdam",
        "Utrecht",
        "Zwolle",
    ]


def test_the_matrix_has_a_cell_per_municipality_and_theme(bekend):
    uitkomst = analyse.analyseer(bekend.inventarisatie, Filter())

    matrix = {
        g.naam: [celtekst(uitkomst.cel(g, t)) for t in uitkomst.themas] for g in uitkomst.gemeenten
    }

    assert matrix["Amsterdam"] == ["ja · 5", "ja · 3", "nee"]
    assert matrix["Den Haag ('s-Gravenhage)"] == ["ja · 4", "—", "nee"]
    assert matrix["Utrecht"] == ["nee", "ja", "nee"]
    assert matrix["Zwolle"] == ["nee", "—", "—"]


def test_a_province_filter_counts_only_its_municipalities(bekend):
    uitkomst = analyse.analyseer(bekend.inventarisatie, Filter(provincie="Zuid-Holland"))

    assert [g.naam for g in uitkomst.gemeenten] == [
        "Den Haag ('s-Gravenhage)",
        "Gouda",
        "Rotterdam",
    ]
    assert _per_thema(uitkomst)["Kennis"] == (2, 3)
    assert str(uitkomst.per_thema[0].aandeel) == "66,7 %"


def test_programme_filters_ask_the_programmes_who_their_members_are(bekend):
    versterking = analyse.analyseer(
        bekend.inventarisatie, Filter(programma=Programma.VERSTERKINGSGELDEN)
    )
    onderwijs = analyse.analyseer(
        bekend.inventarisatie, Filter(programma=Programma.ONDERWIJSAANPAK)
    )
    beide = analyse.analyseer(
        bekend.inventarisatie,
        Filter(provincie="Zuid-Holland", programma=Programma.ONDERWIJSAANPAK),
    )

    assert _per_thema(versterking)["Kennis"] == (3, 4)
    assert str(versterking.per_thema[0].aandeel) == "75,0 %"
    assert {g.naam for g in onderwijs.gemeenten} == {"Amsterdam", "Rotterdam", "Utrecht"}
    assert _per_thema(onderwijs)["Training"] == (2, 3)
    assert [g.naam for g in beide.gemeenten] == ["Rotterdam"]


def test_needs_without_an_action_by_theme_then_highest_priority(bekend):
    open_ = analyse.zonder_actie(bekend.inventarisatie, Filter())

    assert [(b.thema.naam, b.gemeente.naam, b.prioriteit) for b in open_] == [
        ("Kennis", "Den Haag ('s-Gravenhage)", 4),
        ("Kennis", "Rotterdam", 4),
        ("Training", "Amsterdam", 3),
        ("Training", "Huizen", 1),
        ("Training", "Utrecht", None),
    ]
    assert [
        b.gemeente.naam
        for b in analyse.zonder_actie(
            bekend.inventarisatie, Filter(programma=Programma.ONDERWIJSAANPAK)
        )
    ] == ["Rotterdam", "Amsterdam", "Utrecht"]


def test_two_inventories_compared_under_the_same_filter(bekend):
    later = inventarisatie_met_themas(
        (("Kennisopbouw", "Kennis"), ("Lokale behoeften", "Weerbaarheid")),
        "Inventarisatie 2017",
        date(2017, 3, 1),
    )
    for naam, behoefte in (("Amsterdam", False), ("Rotterdam", True), ("Gouda", True)):
        gemeente = bekend.gemeenten[naam]
        maak_deelnemer(later, gemeente, date(2017, 3, 20))
        maak_antwoord(thema(later, "Kennis"), gemeente, behoefte, 3 if behoefte else None)

    alle = analyse.vergelijk(
        analyse.analyseer(bekend.inventarisatie, Filter()), analyse.analyseer(later, Filter())
    )
    onderwijs = Filter(programma=Programma.ONDERWIJSAANPAK)
    cohort = analyse.vergelijk(
        analyse.analyseer(bekend.inventarisatie, onderwijs), analyse.analyseer(later, onderwijs)
    )

    (kennis,) = alle.regels
    assert (kennis.toen, kennis.nu) == (Aandeel(3, 7), Aandeel(2, 3))
    assert kennis.verschil == Decimal("23.8")  # 66.67 - 42.86
    assert (alle.alleen_toen, alle.alleen_nu) == (
        ["Training", "Netwerk sleutelfiguren"],
        ["Weerbaarheid"],
    )
    assert (cohort.regels[0].toen, cohort.regels[0].nu) == (Aandeel(2, 3), Aandeel(1, 2))
