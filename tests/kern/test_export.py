"""Exports (`kern/export.py`): the workbook and the CSV file, and every export endpoint.

The endpoint tests find the exports in the URL map (views marked `@exporteerbaar`) and ask each
one, as every role, for both formats, in the permission matrix's world; a new export is covered
without being listed here.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from openpyxl import load_workbook

from kern import export
from kern.accounts.access import rollen_van
from kern.accounts.models import Rol
from tests.gemeenten.factories import maak_gemeente
from tests.kern.test_toegang import _APP, VOORBEELDEN, bouw_url, client_voor

if TYPE_CHECKING:
    from tests.conftest import TweeGemeenten

KWAAD = '=HYPERLINK("http://kwaad.example","klik")'
SOM = re.compile(r"^=SUM\([A-Z]+2:[A-Z]+\d+\)$")
BESTANDSNAAM = re.compile(r'^attachment; filename="[a-z0-9-]+-\d{8}\.(xlsx|csv)"$')


# --- The workbook and the CSV file ----------------------------------------------------------


def _voorbeeld(rijen: list[tuple[str, Decimal | None, date | None]]) -> export.Export:
    kolommen = [
        export.Kolom("Ontvanger", lambda r: r[0], uitleg="Wie het geld krijgt"),
        export.Kolom("Bedrag", lambda r: r[1], export.Soort.GELD, "Toegekend", totaal=True),
        export.Kolom("Datum", lambda r: r[2], export.Soort.DATUM, "Besloten op"),
    ]
    return export.Export(
        naam="voorbeeld",
        titel="Voorbeeld",
        tabellen=[export.Tabel("Toekenningen", kolommen, lambda: iter(rijen))],
        filters=[("Jaar", "2015")],
    )


def _werkmap(export_: export.Export):
    uitvoer = io.BytesIO()
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    export.schrijf_xlsx(export_, uitvoer, door="F. Inancien (f@example.nl)", moment=moment)
    return uitvoer.getvalue()


RIJEN = [
    ("Amsterdam", Decimal("1234567.89"), date(2015, 11, 9)),
    (KWAAD, Decimal("0.01"), None),
    ("Nul\x00en bel\x07", None, date(2016, 1, 4)),
    ("Rotterdam", Decimal("10.10"), date(2015, 12, 31)),
]


def test_amounts_are_numbers_and_the_total_a_sum_with_its_value():
    inhoud = _werkmap(_voorbeeld(RIJEN))
    blad = load_workbook(io.BytesIO(inhoud))["Toekenningen"]
    waarden = load_workbook(io.BytesIO(inhoud), data_only=True)["Toekenningen"]

    assert [c.value for c in blad[1]] == ["Ontvanger", "Bedrag", "Datum"]
    assert blad["B2"].data_type == "n"
    assert blad["B2"].value == pytest.approx(1234567.89)
    assert Decimal(str(blad["B2"].value)) == Decimal("1234567.89")
    assert "€" in blad["B2"].number_format
    assert "0.00" in blad["B2"].number_format
    assert blad["B4"].value is None  # an open amount is an empty cell, not a zero
    assert blad["C2"].is_date
    assert blad["C2"].value.date() == date(2015, 11, 9)
    assert (blad["A6"].value, blad["B6"].value) == ("Totaal", "=SUM(B2:B5)")
    assert Decimal(str(waarden["B6"].value)) == Decimal("1234578.00")
    assert blad.freeze_panes == "A2"
    assert blad.auto_filter.ref == "A1:C5"
    assert blad.page_setup.orientation == "landscape"
    assert blad.sheet_properties.pageSetUpPr.fitToPage
    assert blad.page_setup.fitToWidth in (None, 1)
    assert blad.page_setup.fitToHeight == 0
    assert blad.column_dimensions["A"].width >= len(KWAAD)


def test_text_is_text_never_a_formula_and_control_characters_do_not_stop_it():
    blad = load_workbook(io.BytesIO(_werkmap(_voorbeeld(RIJEN))))["Toekenningen"]

    assert blad["A3"].data_type == "s"
    assert blad["A3"].value == KWAAD
    assert blad["A3"].quotePrefix
    assert blad["A4"].value == "Nulen bel"
    formules = [c.coordinate for r in blad.iter_rows() for c in r if c.data_type == "f"]
    assert formules == ["B6"]


def test_the_explanation_sheet_says_what_who_when_and_what_each_column_means():
    blad = load_workbook(io.BytesIO(_werkmap(_voorbeeld(RIJEN))))["Toelichting"]
    paren = {r[0]: r[1] for r in blad.iter_rows(values_only=True) if r[0] and len(r) > 1}

    assert blad["A1"].value == "Voorbeeld"
    assert blad.sheet_properties.pageSetUpPr.fitToPage  # printed one page wide
    assert paren["Gemaakt door"] == "F. Inancien (f@example.nl)"
    assert paren["Gemaakt op"] == "1 december 2026 10:30"  # Amsterdam, not UTC
    assert _filters(blad) == {"Jaar": "2015"}
    assert paren["Bedrag"] == "Toegekend"
    assert paren["Ontvanger"] == "Wie het geld krijgt"


def _filters(toelichting) -> dict[str, str]:
    """The filters on the explanation sheet: the lines between who and when and the columns."""
    paren = {}
    for label, waarde, *_ in toelichting.iter_rows(min_row=6, values_only=True):
        if label is None:
            break
        paren[label] = waarde
    return paren


def test_an_empty_export_has_its_headings_and_a_zero_total():
    blad = load_workbook(io.BytesIO(_werkmap(_voorbeeld([]))))["Toekenningen"]

    assert [c.value for c in blad[1]] == ["Ontvanger", "Bedrag", "Datum"]
    assert (blad["A2"].value, blad["B2"].value) == ("Totaal", 0)


class Kleur(enum.StrEnum):
    ROOD = "=rood"


def _twee_tabellen() -> export.Export:
    aantallen = [
        export.Kolom("Een heel lange kop die omloopt", lambda r: r[0], uitleg="Tekst"),
        export.Kolom("Jaar", lambda r: r[1], export.Soort.JAAR, "Een jaar"),
        export.Kolom("Aantal", lambda r: r[2], export.Soort.GETAL, "Geteld", totaal=True),
    ]
    kleuren = [export.Kolom("Kleur", lambda r: r, uitleg="Een keuze")]
    return export.Export(
        naam="twee",
        titel="Twee",
        tabellen=[
            export.Tabel("Aantallen", aantallen, lambda: [("a", 2015, 1200), ("b", 2016, 34)]),
            export.Tabel("Terug te vorderen", kleuren, lambda: [Kleur.ROOD]),
        ],
    )


def test_a_number_total_a_year_a_wrapped_heading_and_a_sheet_without_totals():
    werkmap = load_workbook(io.BytesIO(_werkmap(_twee_tabellen())))
    aantallen, kleuren = werkmap["Aantallen"], werkmap["Terug te vorderen"]

    assert (aantallen["C4"].value, aantallen["C4"].number_format) == ("=SUM(C2:C3)", "#,##0")
    assert (aantallen["B2"].value, aantallen["B2"].number_format) == (2015, "0")
    assert aantallen["A1"].alignment.wrap_text
    assert aantallen.column_dimensions["A"].width < 17  # 14 and a margin: the heading wraps
    assert list(kleuren.iter_rows(values_only=True)) == [("Kleur",), ("=rood",)]
    assert kleuren["A2"].data_type == "s"  # a StrEnum is text
    assert kleuren["A2"].quotePrefix


def test_a_share_in_percent_and_a_mean_keep_their_decimals():
    kolommen = [
        export.Kolom("Aandeel", lambda r: r[0], export.Soort.PROCENT, "Met behoefte"),
        export.Kolom("Gemiddelde", lambda r: r[1], export.Soort.DECIMAAL, "Prioriteit"),
    ]
    tabel = export.Tabel("Thema's", kolommen, lambda: [(Decimal("42.9"), Decimal("1.67"))])

    blad = load_workbook(io.BytesIO(_werkmap(export.Export("t", "T", [tabel]))))["Thema's"]

    assert (blad["A2"].value, blad["A2"].number_format) == (42.9, '0.0" %"')
    assert (blad["B2"].value, blad["B2"].number_format) == (1.67, "0.00")


def test_a_moment_is_written_in_dutch_time_and_a_date_as_a_date():
    kolommen = [
        export.Kolom("Moment", lambda r: r[0], export.Soort.MOMENT, "Wanneer"),
        export.Kolom("Datum", lambda r: r[1], export.Soort.DATUM, "Welke dag"),
    ]
    winter = datetime(2026, 12, 1, 9, 30, 15, tzinfo=UTC)
    zomer = datetime(2016, 7, 15, 22, 30, tzinfo=UTC)  # already the 16th in Amsterdam
    werk = export.Export(
        "m", "M", [export.Tabel("M", kolommen, lambda: [(winter, date(2000, 1, 1)), (zomer, None)])]
    )

    blad = load_workbook(io.BytesIO(_werkmap(werk)))["M"]

    assert blad["A2"].value == datetime(2026, 12, 1, 10, 30, 15)
    assert blad["A3"].value == datetime(2016, 7, 16, 0, 30)
    assert blad["A2"].number_format == export.MOMENT
    assert (blad["B2"].value, blad["B2"].number_format) == (datetime(2000, 1, 1), export.DATUM)


def test_a_csv_file_holds_the_table_the_address_asks_for(app):
    with app.test_request_context("/?formaat=csv&tabel=2"):
        antwoord = export.csv_antwoord(_twee_tabellen())
        tekst = "".join(antwoord.response)  # type: ignore[arg-type]
    with app.test_request_context("/?formaat=csv&tabel=9"):
        eerste = export.csv_antwoord(_twee_tabellen())
        eerste_naam = eerste.headers["Content-Disposition"]

    assert tekst == "\ufeffKleur\r\n'=rood\r\n"
    assert re.search(
        r'filename="twee-terug-te-vorderen-\d{8}\.csv"', antwoord.headers["Content-Disposition"]
    )
    assert re.search(r'filename="twee-\d{8}\.csv"', eerste_naam)  # an unknown table: the first


def test_csv_is_what_dutch_excel_opens():
    tekst = "".join(export.csv_regels(_voorbeeld(RIJEN).tabellen[0]))

    assert tekst.startswith("\ufeffOntvanger;Bedrag;Datum\r\n")
    regels = list(csv.reader(io.StringIO(tekst.removeprefix("\ufeff")), delimiter=";"))
    assert regels[1] == ["Amsterdam", "1234567,89", "09-11-2015"]
    assert regels[2] == ["'" + KWAAD, "0,01", ""]
    assert regels[3] == ["Nulen bel", "", "04-01-2016"]


# --- Every export endpoint, found in the URL map --------------------------------------------


def _exports(app: Flask) -> list[tuple[str, str]]:
    return sorted(
        (regel.endpoint, regel.rule)
        for regel in app.url_map.iter_rules()
        if "GET" in (regel.methods or set())
        and getattr(app.view_functions[regel.endpoint], "exporteerbaar", False)
    )


EXPORTS = _exports(_APP)


def test_the_exports_are_found():
    assert ("gemeenten.index", "/gemeenten/") in EXPORTS


def _vijandig(twee_gemeenten: TweeGemeenten) -> None:
    """Text that a spreadsheet would run, in what every export shows: the municipality."""
    twee_gemeenten.eigen.roepnaam = KWAAD + "\x07"


def _controleer_xlsx(inhoud: bytes, wat: str) -> list[str]:
    fouten = []
    werkmap = load_workbook(io.BytesIO(inhoud))
    for blad in werkmap.worksheets:
        for rij in blad.iter_rows():
            for cel in rij:
                if cel.data_type == "f":  # only the totals may be formulas
                    if not SOM.match(str(cel.value)):
                        fouten.append(
                            f"{wat}: {blad.title}!{cel.coordinate} is a formula: {cel.value}"
                        )
                    continue
                kan_rekenen = cel.data_type != "s" or not cel.quotePrefix
                if isinstance(cel.value, str) and cel.value.startswith("=") and kan_rekenen:
                    fouten.append(f"{wat}: {blad.title}!{cel.coordinate} could run")
    return fouten


def _controleer_csv(inhoud: str, wat: str) -> list[str]:
    return [
        f"{wat}: CSV field {veld!r} starts like a formula"
        for regel in csv.reader(io.StringIO(inhoud.removeprefix("\ufeff")), delimiter=";")
        for veld in regel
        if veld.startswith(("=", "+", "@", "\t", "\r"))
    ]


@pytest.mark.parametrize(("endpoint", "pad"), EXPORTS, ids=[e for e, _ in EXPORTS])
@pytest.mark.parametrize("formaat", export.FORMATEN)
def test_every_export_is_safe_private_and_not_cached(
    app, db, login_as, twee_gemeenten, endpoint, pad, formaat
):
    _vijandig(twee_gemeenten)
    regel = next(r for r in app.url_map.iter_rules() if (r.endpoint, r.rule) == (endpoint, pad))
    url = bouw_url(regel, twee_gemeenten, VOORBEELDEN) + f"?formaat={formaat}"
    toegestaan = rollen_van(app, endpoint) or set(Rol)
    fouten: list[str] = []
    kwaad_gezien = False
    for rol in Rol:
        wat = f"{url} as {rol.value}"
        antwoord = client_voor(app, login_as, twee_gemeenten.gebruikers[rol]).get(url)
        if rol not in toegestaan:
            if antwoord.status_code != 403:
                fouten.append(f"{wat}: {antwoord.status_code}, expected 403")
            continue
        if antwoord.status_code != 200:
            fouten.append(f"{wat}: {antwoord.status_code}")
            continue
        if antwoord.headers.get("Cache-Control") != "no-store":
            fouten.append(f"{wat}: Cache-Control {antwoord.headers.get('Cache-Control')}")
        if not BESTANDSNAAM.match(antwoord.headers.get("Content-Disposition", "")):
            fouten.append(f"{wat}: file name {antwoord.headers.get('Content-Disposition')}")
        inhoud = antwoord.get_data()
        antwoord.close()
        if formaat == "xlsx":
            fouten += _controleer_xlsx(inhoud, wat)
            tekst = " ".join(
                str(c.value)
                for blad in load_workbook(io.BytesIO(inhoud)).worksheets
                for r in blad.iter_rows()
                for c in r
            )
        else:
            tekst = inhoud.decode("utf-8")
            fouten += _controleer_csv(tekst, wat)
        kwaad_gezien |= "kwaad.example" in tekst
        if rol is Rol.GEMEENTE and twee_gemeenten.andere.naam in tekst:
            fouten.append(f"{wat} shows {twee_gemeenten.andere.naam}")
    assert kwaad_gezien, f"{url}: the hostile name was in no export, so nothing was tested"
    assert not fouten, "\n".join(fouten)


# --- The register ---------------------------------------------------------------------------


def test_the_register_exports_what_the_page_shows_under_its_filters(login_as, amsterdam, rotterdam):
    maak_gemeente("GM0503", "Delft", "Zuid-Holland")
    client = login_as(Rol.FINANCIEN)

    pagina = client.get("/gemeenten/?provincie=Zuid-Holland").text
    assert "/gemeenten/?provincie=Zuid-Holland&amp;formaat=xlsx" in pagina
    antwoord = client.get("/gemeenten/?provincie=Zuid-Holland&formaat=xlsx")

    werkmap = load_workbook(io.BytesIO(antwoord.get_data()))
    antwoord.close()
    rijen = list(werkmap["Gemeenten"].iter_rows(min_row=2, values_only=True))
    assert [r[:3] for r in rijen] == [  # the page's order: by name
        ("GM0503", "Delft", "Zuid-Holland"),
        ("GM0599", "Rotterdam", "Zuid-Holland"),
    ]
    assert _filters(werkmap["Toelichting"]) == {"Provincie": "Zuid-Holland"}
    assert antwoord.headers["Content-Type"].startswith(export.XLSX_MIMETYPE)
