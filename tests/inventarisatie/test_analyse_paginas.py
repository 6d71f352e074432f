"""The analysis pages as the ministry sees them, with the known answers of `bekend`: the
figures, the heat map that reads without colour, the filters in the address and in the export,
the comparison; and that a municipality user opens none of them."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from kern.accounts.models import Rol
from tests.inventarisatie.factories import (
    inventarisatie_met_themas,
    maak_antwoord,
    maak_deelnemer,
    thema,
)
from tests.pagina import tekst


def _url(bekend, pagina: str = "analyse") -> str:
    return f"/behoefte-inventarisatie/{bekend.inventarisatie.id}/{pagina}"


def _blad(antwoord):
    assert antwoord.status_code == 200, antwoord.text
    werkmap = load_workbook(io.BytesIO(antwoord.data))
    return list(werkmap[werkmap.sheetnames[0]].iter_rows(values_only=True))


def test_per_theme_the_share_and_priorities_as_the_officer_sees_them(financien, bekend):
    pagina = tekst(financien.get(_url(bekend)))

    assert "7 uitgenodigde gemeenten binnen de filters, waarvan 7 minstens één thema" in pagina
    assert re.search(r"Kennis \(Kennisopbouw\) 7 3 42,9 % 0 0 0 2 1 0 4,33 2", pagina)
    assert re.search(r"Training \(Kennisopbouw\) 5 3 60,0 % 1 0 1 0 0 1 2,00 3", pagina)


def test_the_filters_travel_in_the_address_and_into_the_export(financien, bekend):
    adres = _url(bekend) + "?provincie=Zuid-Holland&programma=onderwijsaanpak"

    pagina = tekst(financien.get(adres))
    rijen = _blad(financien.get(adres + "&formaat=xlsx"))

    assert "1 uitgenodigde gemeente binnen de filters" in pagina  # Rotterdam
    assert rijen[0][:5] == ("Deel", "Thema", "Respondenten", "Met behoefte", "Aandeel met behoefte")
    assert [r[1:5] for r in rijen[1:]] == [
        ("Kennis", 1, 1, 100),
        ("Training", 1, 0, 0),
        ("Netwerk sleutelfiguren", 1, 1, 100),
    ]


def test_an_unknown_filter_value_is_named_and_left_out(financien, bekend):
    pagina = tekst(financien.get(_url(bekend) + "?provincie=Atlantis&programma=x"))

    assert "Kies een provincie uit de lijst." in pagina
    assert "Kies een groep gemeenten uit de lijst." in pagina
    assert "7 uitgenodigde gemeenten binnen de filters" in pagina


def test_the_heat_map_reads_without_colour(financien, bekend):
    antwoord = financien.get(_url(bekend, "analyse/matrix"))

    html = antwoord.text
    assert re.search(r'<th scope="row">Amsterdam</th>\s*<td class="hm hm--p5">ja · 5</td>', html)
    assert '<td class="hm hm--p3">ja · 3</td><td class="hm hm--nee">nee</td>' in html
    assert '<td class="hm hm--leeg">—</td>' in html
    assert html.count('<th scope="col">') == 1 + 3  # the municipality and the three themes
    pagina = tekst(antwoord)
    assert "ja · 5 behoefte, prioriteit 5 (hoog)" in pagina  # the legend
    assert "— niet beantwoord" in pagina
    assert "Met behoefte 3 van 7 (42,9 %)" in pagina


def test_the_heat_map_exports_the_page_in_its_order(financien, bekend):
    rijen = _blad(
        financien.get(_url(bekend, "analyse/matrix") + "?provincie=Zuid-Holland&formaat=xlsx")
    )

    assert rijen == [
        ("Gemeente", "CBS-code", "Provincie", "Kennis", "Training", "Netwerk sleutelfiguren"),
        ("Den Haag ('s-Gravenhage)", "GM0518", "Zuid-Holland", "ja · 4", "—", "nee"),
        ("Gouda", "GM0513", "Zuid-Holland", "nee", "nee", "nee"),
        ("Rotterdam", "GM0599", "Zuid-Holland", "ja · 4", "nee", "ja · 5"),
    ]


def test_needs_without_an_action_with_a_way_to_record_one(officier, bekend):
    antwoord = officier.get(_url(bekend, "analyse/zonder-actie"))

    pagina = tekst(antwoord)
    assert "Kennis (Kennisopbouw): 2 behoeften" in pagina
    assert pagina.index("Den Haag ('s-Gravenhage) Zuid-Holland 4") < pagina.index(
        "Rotterdam Zuid-Holland 4"
    )
    assert "Utrecht Utrecht geen" in pagina
    assert "Netwerk sleutelfiguren" not in pagina.split("Behoeften zonder actie")[-1]
    kennis = thema(bekend.inventarisatie, "Kennis")
    assert f"acties/nieuw?thema={kennis.id}" in antwoord.text


def test_needs_without_an_action_export(financien, bekend):
    rijen = _blad(financien.get(_url(bekend, "analyse/zonder-actie") + "?formaat=xlsx"))

    assert [(r[1], r[2], r[5]) for r in rijen[1:]] == [
        ("Kennis", "Den Haag ('s-Gravenhage)", 4),
        ("Kennis", "Rotterdam", 4),
        ("Training", "Amsterdam", 3),
        ("Training", "Huizen", 1),
        ("Training", "Utrecht", None),
    ]


def test_the_comparison_takes_the_later_inventory(financien, bekend):
    later = inventarisatie_met_themas(
        (("Kennisopbouw", "Kennis"),), "Inventarisatie 2017", date(2017, 3, 1)
    )
    for naam, behoefte in (("Amsterdam", False), ("Rotterdam", True)):
        maak_deelnemer(later, bekend.gemeenten[naam], date(2017, 3, 20))
        maak_antwoord(
            thema(later, "Kennis"), bekend.gemeenten[naam], behoefte, 3 if behoefte else None
        )

    pagina = tekst(financien.get(_url(bekend, "analyse/vergelijking")))
    rijen = _blad(financien.get(_url(bekend, "analyse/vergelijking") + "?formaat=xlsx"))
    vanaf_later = tekst(financien.get(f"/behoefte-inventarisatie/{later.id}/analyse/vergelijking"))

    assert "Kennis 42,9 % (3 van 7) 50,0 % (1 van 2) +7,1 procentpunt" in pagina
    assert "Alleen in Quickscan 2015: Training, Netwerk sleutelfiguren." in pagina
    assert rijen[1] == (
        "Kennis",
        3,
        7,
        42.9,
        "Den Haag ('s-Gravenhage), Amsterdam, Rotterdam",
        1,
        2,
        50,
        "Rotterdam",
        7.1,
    )
    assert "Kennis 42,9 % (3 van 7) 50,0 % (1 van 2) +7,1 procentpunt" in vanaf_later


def test_without_another_inventory_there_is_nothing_to_compare(financien, bekend):
    pagina = tekst(financien.get(_url(bekend, "analyse/vergelijking") + "?met=999"))

    assert "Er is geen andere inventarisatie om mee te vergelijken." in pagina


@pytest.mark.parametrize(
    "pagina",
    ["analyse", "analyse/matrix", "analyse/zonder-actie", "analyse/vergelijking", "acties"],
)
def test_a_municipality_user_opens_no_analysis(login_as, bekend, pagina):
    gemeente = login_as(Rol.GEMEENTE, gemeente=bekend.gemeenten["Amsterdam"])

    for adres in (_url(bekend, pagina), _url(bekend, pagina) + "?formaat=xlsx"):
        antwoord = gemeente.get(adres)
        assert antwoord.status_code == 403
        assert "Rotterdam" not in antwoord.text


def test_an_unknown_inventory_is_404(financien, bekend):
    assert financien.get("/behoefte-inventarisatie/999/analyse/matrix").status_code == 404


def test_the_inventory_page_leads_to_the_analysis_the_actions_and_the_import(
    officier, financien, bekend
):
    adres = f"/behoefte-inventarisatie/{bekend.inventarisatie.id}"

    voor_officier = officier.get(adres).text
    voor_financien = financien.get(adres).text

    for pad in ("/analyse", "/acties", "/import"):
        assert f'href="{adres}{pad}"' in voor_officier
    assert f'href="{adres}/analyse"' in voor_financien
    assert f'href="{adres}/import"' not in voor_financien  # officers import
