"""The names people write for a municipality beside CBS's official one (`gemeenten.namen`)."""

from __future__ import annotations

import pytest

from gemeenten import namen
from tests.gemeenten.factories import maak_gemeente


@pytest.mark.parametrize(
    ("officieel", "geschreven"),
    [
        ("'s-Gravenhage", "Den Haag"),
        ("'s-Gravenhage", "den haag"),
        ("'s-Gravenhage", "'s-Gravenhage"),
        ("'s-Gravenhage", "’s-Gravenhage"),  # a typographic apostrophe, as Word writes it
        ("'s-Gravenhage", "'s Gravenhage"),
        ("'s-Hertogenbosch", "Den Bosch"),
        ("'s-Hertogenbosch", "s-Hertogenbosch"),
        ("Bergen (NH.)", "Bergen"),
        ("Bergen (NH.)", "Bergen (NH)"),
        ("Bergen (NH.)", "bergen (nh.)"),
        ("Bergen (L.)", "Bergen (L)"),
        ("Súdwest-Fryslân", "Sudwest-Fryslan"),
        ("Utrecht", "  Utrecht "),
    ],
)
def test_a_name_as_people_write_it_is_the_municipality(db, officieel, geschreven):
    gemeente = maak_gemeente("GM0518", officieel)

    assert namen.is_naam_van(geschreven, gemeente)


@pytest.mark.parametrize(
    ("officieel", "geschreven"),
    [
        ("'s-Gravenhage", "Utrecht"),
        ("'s-Gravenhage", "Den Bosch"),
        ("Bergen (NH.)", "Bergen op Zoom"),
        ("Utrecht", ""),
    ],
)
def test_another_name_is_not(db, officieel, geschreven):
    assert not namen.is_naam_van(geschreven, maak_gemeente("GM0518", officieel))


def test_the_name_a_municipality_has_in_the_register_counts_too(db):
    gemeente = maak_gemeente("GM0518", "'s-Gravenhage")
    gemeente.roepnaam = "Hofstad"

    assert namen.is_naam_van("hofstad", gemeente)


def test_a_disagreement_names_code_official_name_and_what_was_written():
    assert (
        namen.niet_de_naam(" Utrecht", "GM0518", "'s-Gravenhage")
        == "GM0518 is 's-Gravenhage, niet Utrecht."
    )


def test_the_names_people_use_are_the_roepnaam_of_a_new_municipality():
    assert namen.roepnaam("'s-Gravenhage") == "Den Haag"
    assert namen.roepnaam("'s-Hertogenbosch") == "Den Bosch"
    assert namen.roepnaam("Utrecht") is None
