"""The analysis' counting on plain rows, with known answers: exact counts, shares as fractions,
the priority distribution and its mean, the matrix cells as text, and two inventories side by
side. The same figures through the database and the pages: `test_analyse.py`."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from gemeenten.inventarisatie.analyse import (
    Aandeel,
    Cel,
    Rij,
    Themakop,
    celklasse,
    celtekst,
    tel,
    vergelijk,
    verschil_tekst,
)

KENNIS = Themakop(1, "Kennis", "Kennisopbouw")
NETWERK = Themakop(2, "Netwerk sleutelfiguren", "Lokale behoeften")
GEMEENTEN = [Rij(i, f"GM{i:04}", f"Gemeente {i}", "Utrecht") for i in range(1, 9)]


def _zeven_van_acht() -> list[Cel]:
    """Seven of the eight answered Kennis: three with a need (priorities 1, 2 and 2); the
    eighth answered nothing. Netwerk: two answered, both with a need, one without priority."""
    return [
        Cel(1, 1, True, 1),
        Cel(2, 1, True, 2),
        Cel(3, 1, True, 2),
        Cel(4, 1, False, None),
        Cel(5, 1, False, None),
        Cel(6, 1, False, None),
        Cel(7, 1, False, None),
        Cel(1, 2, True, 5),
        Cel(2, 2, True, None),
    ]


def test_three_of_seven_respondents_is_42_9_percent():
    analyse = tel([KENNIS, NETWERK], GEMEENTEN, _zeven_van_acht())

    kennis, netwerk = analyse.per_thema
    assert (kennis.respondenten, kennis.met_behoefte) == (7, 3)
    assert kennis.aandeel.breuk == Fraction(3, 7)
    assert kennis.aandeel.procent == Decimal("42.9")
    assert str(kennis.aandeel) == "42,9 %"
    assert kennis.per_prioriteit == {1: 1, 2: 2, 3: 0, 4: 0, 5: 0}
    assert kennis.gemiddelde == Fraction(5, 3)
    assert kennis.gemiddelde_afgerond == Decimal("1.67")
    assert kennis.gemiddelde_tekst == "1,67"
    assert (netwerk.respondenten, netwerk.met_behoefte, netwerk.zonder_prioriteit) == (2, 2, 1)
    assert netwerk.aandeel.procent == Decimal("100.0")
    assert (netwerk.gemiddelde, netwerk.gemiddelde_tekst) == (5, "5,00")
    assert analyse.respondenten == 7


def test_a_theme_nobody_answered_has_no_share_and_no_mean():
    analyse = tel([KENNIS], GEMEENTEN, [])

    (kennis,) = analyse.per_thema
    assert kennis.aandeel == Aandeel(0, 0)
    assert kennis.aandeel.procent is None
    assert str(kennis.aandeel) == "—"
    assert (kennis.gemiddelde, kennis.gemiddelde_tekst) == (None, "—")
    assert analyse.respondenten == 0


def test_answers_outside_the_view_are_not_counted():
    in_beeld = GEMEENTEN[:2]  # a filter left municipalities 1 and 2

    analyse = tel([KENNIS], in_beeld, [*_zeven_van_acht(), Cel(1, 99, True, 1)])

    (kennis,) = analyse.per_thema
    assert (kennis.respondenten, kennis.met_behoefte) == (2, 2)
    assert set(analyse.matrix) == {1, 2}
    assert set(analyse.matrix[1]) == {1}


def test_a_half_rounds_up():
    assert Aandeel(1, 8).procent == Decimal("12.5")
    assert Aandeel(1, 16).procent == Decimal("6.3")  # 6.25
    assert Aandeel(2, 3).procent == Decimal("66.7")


def test_every_matrix_cell_says_in_text_what_its_colour_says():
    analyse = tel([KENNIS, NETWERK], GEMEENTEN, _zeven_van_acht())

    def cel(gemeente: int, thema: Themakop) -> tuple[str, str]:
        gevonden = analyse.cel(GEMEENTEN[gemeente - 1], thema)
        return celtekst(gevonden), celklasse(gevonden)

    assert cel(1, KENNIS) == ("ja · 1", "hm hm--p1")
    assert cel(2, NETWERK) == ("ja", "hm hm--ja")
    assert cel(4, KENNIS) == ("nee", "hm hm--nee")
    assert cel(8, KENNIS) == ("—", "hm hm--leeg")


def test_two_inventories_are_compared_per_theme_by_name():
    eerder = tel(
        [KENNIS, Themakop(3, "Financiering", "Lokale behoeften")], GEMEENTEN, _zeven_van_acht()
    )
    later_kennis = Themakop(11, "  kennis ", "Kennisopbouw")
    later_training = Themakop(12, "Training", "Kennisopbouw")
    later = tel(
        [later_training, later_kennis],
        GEMEENTEN,
        [Cel(1, 11, True, 1), Cel(2, 11, False, None), Cel(1, 12, True, 3)],
    )

    vergelijking = vergelijk(eerder, later)

    (regel,) = vergelijking.regels
    assert regel.naam == "  kennis "
    assert (regel.toen, regel.nu) == (Aandeel(3, 7), Aandeel(1, 2))
    assert regel.verschil == Decimal("7.1")  # 50 - 42.857...
    assert verschil_tekst(regel.verschil) == "+7,1 procentpunt"
    assert verschil_tekst(Decimal("-3.0")) == "−3,0 procentpunt"
    assert vergelijking.alleen_toen == ["Financiering"]
    assert vergelijking.alleen_nu == ["Training"]
