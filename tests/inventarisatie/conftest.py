"""Fixtures of the needs inventory's tests: the clock (`klok`), a small inventory
(`quickscan`) and one with known answers and actions (`bekend`).

The municipalities (`amsterdam`, `rotterdam`), `db` and `login_as` come from `tests/conftest.py`;
the builders from `tests/inventarisatie/factories.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from gemeenten.inventarisatie.models import Actie, Deelnemer, Inventarisatie, Thema
from gemeenten.models import Gemeente
from kern import tijd
from onderwijsaanpak.models import Fase
from tests.gemeenten.factories import maak_gemeente
from tests.inventarisatie.factories import (
    inventarisatie_met_themas,
    maak_actie,
    maak_antwoord,
    maak_deel,
    maak_deelnemer,
    maak_inventarisatie,
    maak_thema,
    thema,
)
from tests.onderwijsaanpak.factories import maak_cohortlid
from tests.subsidies.factories import maak_beschikking, maak_regeling

VANDAAG = date(2015, 11, 2)


@pytest.fixture
def klok(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is `VANDAAG` (noon in Amsterdam), for the views and the rows they stamp."""
    moment = datetime(VANDAAG.year, VANDAAG.month, VANDAAG.day, 11, tzinfo=UTC)
    monkeypatch.setattr(tijd, "nu", lambda: moment)


@dataclass
class Quickscan:
    inventarisatie: Inventarisatie
    kennis: Thema
    training: Thema
    netwerk: Thema
    amsterdam: Deelnemer
    rotterdam: Deelnemer

    @property
    def url(self) -> str:
        return f"/behoefte-inventarisatie/{self.inventarisatie.id}"

    def antwoorden_url(self, gemeente: Gemeente) -> str:
        return f"{self.url}/gemeenten/{gemeente.cbs_code}"


@pytest.fixture
def quickscan(amsterdam: Gemeente, rotterdam: Gemeente) -> Quickscan:
    """Two parts with three themes, answers due 1 December 2015; Amsterdam and Rotterdam
    invited, neither has answered."""
    inventarisatie = maak_inventarisatie(uiterlijk=date(2015, 12, 1))
    kennisopbouw = maak_deel(inventarisatie, "Kennisopbouw")
    lokaal = maak_deel(inventarisatie, "Lokale behoeften")
    return Quickscan(
        inventarisatie,
        maak_thema(kennisopbouw, "Kennis"),
        maak_thema(kennisopbouw, "Training"),
        maak_thema(lokaal, "Netwerk sleutelfiguren"),
        maak_deelnemer(inventarisatie, amsterdam),
        maak_deelnemer(inventarisatie, rotterdam),
    )


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
