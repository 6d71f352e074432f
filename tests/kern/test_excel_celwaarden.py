"""What a cell holds beyond its plain value: an error value, invisible characters; and one
message per cell, the most specific."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from kern.excel import ExcelFout, lees_blad
from kern.excel.cellen import (
    bedrag,
    datum,
    foutwaarde,
    geheel_getal,
    ja_nee,
    schoon,
    tekst,
)
from kern.meldingen import Melding, Meldingen
from tests.kern.test_excel import HOOFD, blad, grote_blad_met

BLAD, CEL, KOLOM = "Verantwoording", "C7", "Besteed in 2015"


def lees(omzetter, waarde, **opties):
    """(value, the messages' texts) for one cell."""
    meldingen = Meldingen()
    resultaat = omzetter(waarde, meldingen, BLAD, CEL, KOLOM, **opties)
    return resultaat, [melding.tekst for melding in meldingen.alle]


# --- Error values: found by the scan, named in Dutch and as stored ----------------------------


def test_openpyxl_writes_error_values_as_error_cells() -> None:
    boek = Workbook()
    boek.active["A1"] = 1
    boek.active["B1"] = "#DIV/0!"
    boek.active["C2"] = "#N/A"
    uit = io.BytesIO()
    boek.save(uit)
    xml = zipfile.ZipFile(uit).read("xl/worksheets/sheet1.xml")
    assert b'<c r="B1" t="e"><v>#DIV/0!</v></c>' in xml

    gelezen = lees_blad(uit.getvalue(), max_rijen=5, max_kolommen=3)
    assert gelezen.foutwaarden == {"B1": "#DIV/0!", "C2": "#N/A"}
    # calamine gives an error cell as an empty one: the scan is what tells them apart.
    assert list(gelezen.rijen) == [(1, (1.0, None, None))]


@pytest.mark.parametrize(
    "cel",
    [
        '<c r="E14" t="e"><f>1/0</f><v>#DIV/0!</v></c>',  # as Excel writes a formula's error
        '<c r="E14" s="3" t="e"><v>#DIV/0!</v></c>',
        "<c r='E14' t = 'e' ><v>#DIV/0!</v></c>",
        '<x:c r="E14" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>',
    ],
    ids=["formula", "style", "quotes-and-spaces", "prefixed"],
)
def test_the_scan_finds_error_cells_however_written(cel: str) -> None:
    inhoud = blad(
        f'<row r="1"><c r="A1"><v>1</v></c></row><row r="14">{cel}</row>',
        extra=f' xmlns:x="{HOOFD}"',
    )
    gelezen = lees_blad(inhoud, max_rijen=20, max_kolommen=5)
    assert gelezen.foutwaarden == {"E14": "#DIV/0!"}
    assert gelezen.formules_zonder_waarde == frozenset()


def test_cells_that_are_no_error_cells_are_not_taken_for_one() -> None:
    inhoud = blad(
        '<row r="1"><c r="A1" t="str"><f>"e"</f><v>e</v></c><c r="B1"><v>0</v></c>'
        '<c r="C1" t="inlineStr"><is><t>t="e"</t></is></c><c r="D1" t="e"/></row>'
    )
    assert lees_blad(inhoud, max_rijen=5, max_kolommen=5).foutwaarden == {}


@pytest.mark.parametrize("verschuiving", [-30, -12, -5, -1, 0, 1])
def test_the_scan_sees_an_error_cell_whole_where_a_block_ends(verschuiving: int) -> None:
    cel = b'<c r="C2" t="e"><f>A1/0</f><v>#DIV/0!</v></c>'
    inhoud = grote_blad_met(cel, 1024 * 1024 + verschuiving)
    assert lees_blad(inhoud, max_rijen=5, max_kolommen=4).foutwaarden == {"C2": "#DIV/0!"}


def test_too_many_error_cells_refuse_the_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    from kern.excel.lezen import verkenning

    monkeypatch.setattr(verkenning, "MAX_FOUTWAARDEN", 3)
    cellen = "".join(f'<row r="{r}"><c r="A{r}" t="e"><v>#N/A</v></c></row>' for r in range(1, 5))
    with pytest.raises(ExcelFout) as fout:
        lees_blad(blad(cellen), max_rijen=10, max_kolommen=2)
    assert str(fout.value) == (
        "Het werkblad heeft meer dan 3 cellen met een foutwaarde (zoals #DEEL/0! of #N/B). "
        "Herstel de formules en probeer het opnieuw."
    )


@pytest.mark.parametrize(
    ("code", "melding"),
    [
        (
            "#DIV/0!",
            "Deze cel bevat de foutwaarde #DEEL/0! (#DIV/0! in Engelstalige Excel): de formule "
            "deelt door nul. Herstel de formule of vul de waarde zelf in.",
        ),
        (
            "#N/A",
            "Deze cel bevat de foutwaarde #N/B (#N/A in Engelstalige Excel): de formule vindt "
            "een gezochte waarde niet. Herstel de formule of vul de waarde zelf in.",
        ),
        (
            "#VALUE!",
            "Deze cel bevat de foutwaarde #WAARDE! (#VALUE! in Engelstalige Excel): de formule "
            "rekent met een waarde van de verkeerde soort, zoals tekst. Herstel de formule of "
            "vul de waarde zelf in.",
        ),
        ("#REF!", "Deze cel bevat de foutwaarde #VERW! (#REF! in Engelstalige Excel)"),
        ("#NAME?", "Deze cel bevat de foutwaarde #NAAM? (#NAME? in Engelstalige Excel)"),
        ("#NUM!", "Deze cel bevat de foutwaarde #GETAL! (#NUM! in Engelstalige Excel)"),
        ("#NULL!", "Deze cel bevat de foutwaarde #LEEG! (#NULL! in Engelstalige Excel)"),
        (
            "#SPILL!",
            "Deze cel bevat de foutwaarde #SPILL!. Herstel de formule of vul de waarde zelf in.",
        ),
    ],
)
def test_an_error_value_is_named_as_dutch_excel_shows_it(code: str, melding: str) -> None:
    meldingen = Meldingen()
    foutwaarde(code, meldingen, BLAD, "E14", KOLOM)
    [gemeld] = meldingen.alle
    assert (gemeld.blad, gemeld.cel, gemeld.kolom) == (BLAD, "E14", KOLOM)
    assert gemeld.tekst.startswith(melding)
    assert meldingen.heeft_fouten


# --- Invisible characters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("omzetter", "waarde", "verwacht"),
    [
        (bedrag, "12\u200b34", "1234.00"),
        (bedrag, "\ufeff€ 1.234,56", "1234.56"),
        (bedrag, "1.234\u2060,5\u00ad0", "1234.50"),
        (tekst, "Minder\u200c trainingen\u200d", "Minder trainingen"),
        (ja_nee, "\ufeffja\u200b", True),
        (geheel_getal, "20\u200b15", 2015),
        (datum, "15-07-\u200b2016", date(2016, 7, 15)),
    ],
)
def test_zero_width_characters_and_the_bom_are_removed_before_reading(omzetter, waarde, verwacht):
    resultaat, meldingen = lees(omzetter, waarde)
    assert meldingen == []
    assert (str(resultaat) if omzetter is bedrag else resultaat) == verwacht


def test_only_zero_width_characters_is_a_blank_cell() -> None:
    assert lees(bedrag, "\u200b\ufeff", verplicht=True) == (None, ["Vul een bedrag in."])
    assert lees(bedrag, "\u200b") == (None, [])


@pytest.mark.parametrize(
    "omzetter", [bedrag, tekst, ja_nee, geheel_getal, datum], ids=lambda o: o.__name__
)
def test_an_invisible_character_that_remains_is_named(omzetter) -> None:
    resultaat, meldingen = lees(omzetter, "12\u200e34", verplicht=True)
    assert resultaat is None
    assert meldingen == [
        '"1234" bevat een onzichtbaar teken (U+200E, left-to-right mark). Typ de waarde '
        "opnieuw in de cel, zonder te kopiëren en plakken."
    ]


def test_several_invisible_characters_are_each_named_once() -> None:
    _, meldingen = lees(bedrag, "\u202e1\u200e2\u200e3\x01")
    assert meldingen == [
        '"123" bevat onzichtbare tekens (U+202E, right-to-left override; U+200E, '
        "left-to-right mark; U+0001, stuurteken). Typ de waarde opnieuw in de cel, zonder te "
        "kopiëren en plakken."
    ]


def test_line_breaks_tabs_and_non_breaking_spaces_are_no_invisible_characters() -> None:
    assert lees(tekst, "regel 1\nregel\t2\r\n") == ("regel 1\nregel\t2", [])
    assert lees(bedrag, "1\xa0234,50") == (lees(bedrag, "1234,50")[0], [])


def test_schoon_is_the_one_home_for_cells_a_domain_reads_itself() -> None:
    meldingen = Meldingen()
    assert schoon("besteding\u200b", meldingen, BLAD, "A2") == "besteding"
    assert schoon(12.5, meldingen, BLAD, "A2") == 12.5
    assert meldingen.alle == []
    assert schoon("beste\u2066ding", meldingen, BLAD, "A3", "Soort") is None
    [gemeld] = meldingen.alle
    assert (gemeld.cel, gemeld.kolom) == ("A3", "Soort")
    assert "(U+2066, left-to-right isolate)" in gemeld.tekst


# --- One cell, one message ----------------------------------------------------------------------


def test_a_cell_keeps_its_first_message_the_most_specific() -> None:
    meldingen = Meldingen()
    foutwaarde("#N/A", meldingen, BLAD, "E14", KOLOM)
    assert bedrag(None, meldingen, BLAD, "E14", KOLOM, verplicht=True) is None
    assert bedrag(None, meldingen, BLAD, "F14", KOLOM, verplicht=True) is None
    assert [m.cel for m in meldingen.alle] == ["E14", "F14"]
    assert meldingen.aantal_fouten == 2
    assert meldingen.alle[0].tekst.startswith("Deze cel bevat de foutwaarde #N/B")


def test_a_merged_range_keeps_the_messages_of_its_cells() -> None:
    meldingen = Meldingen()
    meldingen.fout(BLAD, "E15:F16", "Samengevoegde cellen kunnen niet worden gelezen.")
    bedrag(None, meldingen, BLAD, "F15", verplicht=True)
    bedrag("x", meldingen, BLAD, "E16")
    bedrag(None, meldingen, BLAD, "G15", verplicht=True)
    bedrag(None, meldingen, "Ander blad", "F15", verplicht=True)
    assert [m.plek for m in meldingen.alle] == [
        f"{BLAD}!E15:F16",
        f"{BLAD}!G15",
        "Ander blad!F15",
    ]


def test_an_error_is_never_dropped_for_a_warning_on_the_same_cell() -> None:
    meldingen = Meldingen()
    meldingen.waarschuwing(BLAD, "H14", "Kolom H wordt niet ingelezen.")
    meldingen.waarschuwing(BLAD, "H14", "Nog iets over H14.")
    meldingen.fout(BLAD, "H14", "Een fout in H14.")
    assert [m.tekst for m in meldingen.alle] == [
        "Kolom H wordt niet ingelezen.",
        "Een fout in H14.",
    ]
    assert meldingen.heeft_fouten


def test_messages_about_the_sheet_or_the_workbook_are_all_kept() -> None:
    meldingen = Meldingen()
    meldingen.fout(BLAD, "", "Het doel a ontbreekt.")
    meldingen.fout(BLAD, "", "Het doel b ontbreekt.")
    meldingen.fout("", "", "Iets over het hele bestand.")
    assert len(meldingen.alle) == 3


# --- The row's subject named with the cell ---------------------------------------------------


def test_a_named_row_is_said_with_the_cell() -> None:
    meldingen = Meldingen()
    meldingen.noem_regels(BLAD, {14: "Vroegsignalering"})
    bedrag("x", meldingen, BLAD, "E14", "Besteed in 2015")
    meldingen.fout(BLAD, "A14", "Iets over de code.")
    meldingen.fout(BLAD, "E14:F14", "Samengevoegd.")
    bedrag("x", meldingen, BLAD, "E15", "Besteed in 2015")
    assert [m.plek for m in meldingen.alle] == [
        f"{BLAD}!E14 (Vroegsignalering, besteed in 2015)",
        f"{BLAD}!A14 (Vroegsignalering)",
        f"{BLAD}!E14:F14 (Vroegsignalering)",
        f"{BLAD}!E15",
    ]
    assert str(meldingen.alle[0]) == (
        f'{BLAD}!E14 (Vroegsignalering, besteed in 2015): "x" is geen bedrag.'
    )


def test_the_named_row_is_kept_with_the_stored_message() -> None:
    meldingen = Meldingen()
    meldingen.noem_regels(BLAD, {14: "Vroegsignalering"})
    meldingen.fout(BLAD, "F14", "Vul een bedrag in.", "Besteed cumulatief t/m 2015")
    [melding] = meldingen.alle
    assert melding.regel == "Vroegsignalering"
    assert Melding.van_dict(melding.als_dict()) == melding
    assert Melding.van_dict({"tekst": "Oud."}).regel == ""
