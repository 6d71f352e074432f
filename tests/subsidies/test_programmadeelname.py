"""Membership of the versterkingsgelden follows from the decisions; the other programmes keep
the flag an officer sets by hand. The register's filter and the municipality page ask the same
registry (`gemeenten.programmas`)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from gemeenten.models import Deelname, Gemeente, Programma
from kern.db import db
from subsidies import services
from subsidies.models import RegelingJaar
from tests.pagina import tekst

VIER = ("GM0193", "GM0855", "GM0479", "GM1783")  # Zwolle, Tilburg, Zaanstad, Westland


def gemeente(cbs_code: str) -> Gemeente:
    return db.session.execute(select(Gemeente).where(Gemeente.cbs_code == cbs_code)).scalar_one()


def codes_in_lijst(antwoord) -> list[str]:
    return re.findall(r"<td><code>(GM\d{4})</code></td>", antwoord.text)


@pytest.fixture
def vier_in_2016(demo: RegelingJaar) -> None:
    """After the demo (nine decided in 2015): four more decided for 2016 and one draft."""
    jaar = services.voeg_jaar_toe(demo.regeling, 2016, Decimal("5000000.00"))
    for code in VIER:
        beschikking = services.maak_beschikking(
            jaar, gemeente(code), services.BeschikkingGegevens(bedrag=Decimal("100000.00"))
        )
        services.beschik(
            beschikking,
            kenmerk=f"VG-2016-{code}",
            datum=date(2016, 10, 1),
            door="test",
            versie=beschikking.versie,
        )
    services.maak_beschikking(  # Nijmegen: a draft, not a member (yet)
        jaar, gemeente("GM0268"), services.BeschikkingGegevens(bedrag=Decimal("50000.00"))
    )


def test_the_filter_lists_every_municipality_with_a_decided_decision(officier, vier_in_2016):
    antwoord = officier.get("/gemeenten/", query_string={"programma": "versterkingsgelden"})

    assert "13 gemeenten gevonden." in tekst(antwoord)
    codes = codes_in_lijst(antwoord)
    assert set(VIER) <= set(codes)
    assert "GM0268" not in codes  # a draft does not make a member
    pagina = tekst(antwoord)
    assert "Versterkingsgelden: volgt uit de beschikkingen" in pagina
    assert "Onderwijsaanpak: volgt uit het cohort" in pagina
    assert "Behoefte-inventarisatie: met de hand bijgehouden" in pagina


def test_the_municipality_page_says_membership_is_derived(officier, vier_in_2016):
    zwolle = officier.get("/gemeenten/GM0193").text
    nijmegen = officier.get("/gemeenten/GM0268").text

    items = re.findall(r"<li>(.*?)</li>", zwolle, re.S)
    [vg] = [i for i in items if "<strong>Versterkingsgelden</strong>" in i]
    assert "volgt uit de beschikkingen" in vg
    assert "Beëindigen" not in vg  # nothing to end by hand
    [bi] = [i for i in items if "<strong>Behoefte-inventarisatie</strong>" in i]
    assert "met de hand bijgehouden" in bi
    assert "Beëindigen" in bi
    assert 'value="versterkingsgelden"' not in zwolle  # not offered as a manual flag
    blok = re.search(r'<ul class="deelnames">(.*?)</ul>', nijmegen, re.S)
    assert blok is not None
    assert "Versterkingsgelden" not in blok[1]
    assert "Behoefte-inventarisatie" in blok[1]
    assert "met de hand bijgehouden" in blok[1]


def test_a_derived_membership_cannot_be_set_by_hand(db, officier, vier_in_2016):
    antwoord = officier.post(
        "/gemeenten/GM0268/deelnames",
        data={"programma": "versterkingsgelden"},
        follow_redirects=True,
    )

    assert (
        "Deelname aan Versterkingsgelden volgt uit de beschikkingen; die wordt niet met de "
        "hand bijgehouden." in tekst(antwoord)
    )
    assert (
        db.session.execute(
            select(Deelname).where(Deelname.programma == Programma.VERSTERKINGSGELDEN)
        ).first()
        is None
    )
