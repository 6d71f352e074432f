"""Fixtures of the needs inventory's tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from gemeenten.inventarisatie.models import Actie, Inventarisatie
from gemeenten.models import Gemeente
from onderwijsaanpak.models import Fase
from tests.gemeenten.factories import maak_gemeente
from tests.inventarisatie.factories import (
    inventarisatie_met_themas,
    maak_actie,
    maak_antwoord,
    maak_deelnemer,
    thema,
)
from tests.onderwijsaanpak.factories import maak_cohortlid
from tests.subsidies.factories import maak_beschikking, maak_regeling

THEMAS = (
    ("Kennisopbouw", "Kennis"),
    ("Kennisopbouw", "Training"),
    ("Lokale behoeften", "Netwerk sleutelfiguren"),
)


@dataclass
class Bekend:
    """An inventory with known answers (see `bekende_antwoorden`)."""

    inventarisatie: Inventarisatie
    gemeenten: dict[str, Gemeente]
    actie_op_thema: Actie
    actie_op_behoefte: Actie


# Per municipality its answers on Kennis, Training and Netwerk sleutelfiguren: a priority for a
# need (None: a need without priority), "nee" for no need, "—" for not answered.
ANTWOORDEN = {
    "Amsterdam": (5, 3, "nee"),
    "Rotterdam": (4, "nee", 5),
    "'s-Gravenhage": (4, "—", "nee"),
    "Utrecht": ("nee", None, "nee"),
    "Gouda": ("nee", "nee", "nee"),
    "Huizen": ("nee", 1, "nee"),
    "Zwolle": ("nee", "—", "—"),
}


@pytest.fixture
def bekend(db) -> Bekend:
    """Seven invited municipalities in four provinces; Amsterdam, Rotterdam, Den Haag and
    Huizen receive versterkingsgelden, Amsterdam, Rotterdam and Utrecht are in the
    onderwijsaanpak. Kennis: 3 of 7 respondents have a need (42,9 %), priorities 5, 4 and 4.
    An action responds to the whole theme Netwerk sleutelfiguren, another to Amsterdam's need
    on Kennis."""
    gemeenten = {
        "Amsterdam": maak_gemeente("GM0363", "Amsterdam", "Noord-Holland"),
        "Rotterdam": maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland"),
        "'s-Gravenhage": maak_gemeente("GM0518", "'s-Gravenhage", "Zuid-Holland"),
        "Utrecht": maak_gemeente("GM0344", "Utrecht", "Utrecht"),
        "Gouda": maak_gemeente("GM0513", "Gouda", "Zuid-Holland"),
        "Huizen": maak_gemeente("GM0406", "Huizen", "Noord-Holland"),
        "Zwolle": maak_gemeente("GM0193", "Zwolle", "Overijssel"),
    }
    gemeenten["'s-Gravenhage"].roepnaam = "Den Haag"
    maak_gemeente("GM0503", "Delft", "Zuid-Holland")  # not invited
    regeling = maak_regeling()
    for naam in ("Amsterdam", "Rotterdam", "'s-Gravenhage", "Huizen"):
        maak_beschikking(gemeenten[naam], regeling)
    for naam in ("Amsterdam", "Rotterdam", "Utrecht"):
        maak_cohortlid(gemeenten[naam], Fase.UITROL)

    inventarisatie = inventarisatie_met_themas(THEMAS)
    themas = [thema(inventarisatie, naam) for _, naam in THEMAS]
    antwoorden = {}
    for naam, waarden in ANTWOORDEN.items():
        maak_deelnemer(inventarisatie, gemeenten[naam], date(2015, 11, 2))
        for t, waarde in zip(themas, waarden, strict=True):
            if waarde == "—":
                continue
            behoefte = waarde != "nee"
            prioriteit = waarde if behoefte else None
            antwoorden[naam, t.naam] = maak_antwoord(t, gemeenten[naam], behoefte, prioriteit)  # type: ignore[arg-type]
    return Bekend(
        inventarisatie,
        gemeenten,
        actie_op_thema=maak_actie(inventarisatie, themas=[themas[2]]),
        actie_op_behoefte=maak_actie(inventarisatie, behoeften=[antwoorden["Amsterdam", "Kennis"]]),
    )
