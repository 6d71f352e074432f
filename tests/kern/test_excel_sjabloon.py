"""What `kern.excel.sjabloon` builds, read back with openpyxl, and its metadata read back."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from kern.excel import ExcelFout
from kern.excel.sjabloon import (
    EURO,
    INSTRUCTIES_BLAD,
    METADATA_BLAD,
    Kolom,
    Sjabloon,
    lees_metadata,
)


def bouw() -> bytes:
    sjabloon = Sjabloon("Gegevens", soort="proef", versie="3", ids={"object_id": 42, "code": "X1"})
    sjabloon.tekst("A1", "Proef", vet=True, grootte=14)
    sjabloon.vast("B3", "Vaste naam")
    sjabloon.vast_bedrag("B4", Decimal("1234.56"))
    sjabloon.vast_bedrag("B5", None, leeg="nog vast te stellen")
    sjabloon.invoer_ja_nee("B6", True)
    sjabloon.invoer_tekst("B7", None, hoogte=50)
    sjabloon.koprij(9, [Kolom("Naam", 30), Kolom("Bedrag", 18)])
    sjabloon.vast("A10", "Eerste")
    sjabloon.invoer_bedrag("B10", Decimal("10.50"))
    sjabloon.vast("A11", "Tweede")
    sjabloon.invoer_bedrag("B11")
    sjabloon.instructies("Zo vult u het in", ["Eerste alinea.", "Tweede alinea."])
    return sjabloon.als_bytes()


def open_blad(inhoud: bytes, naam: str = "Gegevens") -> Worksheet:
    blad = load_workbook(io.BytesIO(inhoud))[naam]
    assert isinstance(blad, Worksheet)
    return blad


def validatie(blad: Worksheet, cel: str):
    gevonden = [dv for dv in blad.data_validations.dataValidation if cel in dv.sqref]
    assert len(gevonden) == 1, f"{cel}: {len(gevonden)} validations"
    return gevonden[0]


def test_given_cells_are_locked_input_cells_unlocked_and_the_sheet_protected():
    blad = open_blad(bouw())

    assert blad.protection.sheet
    for cel in ("A1", "B3", "B4", "B5", "A9", "B9", "A10", "A11", "C10"):
        assert blad[cel].protection.locked, cel
    for cel in ("B6", "B7", "B10", "B11"):
        assert not blad[cel].protection.locked, cel
    assert blad["B3"].value == "Vaste naam"
    assert blad["B5"].value == "nog vast te stellen"
    # Widening columns to read them stays possible.
    assert not blad.protection.formatColumns


def test_amount_cells_have_the_euro_format_and_a_decimal_validation_from_zero():
    blad = open_blad(bouw())

    for cel in ("B4", "B10", "B11"):
        assert blad[cel].number_format == EURO == '"€" #,##0.00'
    assert blad["B4"].value == pytest.approx(1234.56)
    assert blad["B10"].value == pytest.approx(10.5)
    assert blad["B11"].value is None

    bedrag = validatie(blad, "B10")
    assert "B11" in bedrag.sqref
    assert (bedrag.type, bedrag.operator, bedrag.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert bedrag.showErrorMessage
    assert bedrag.errorStyle == "stop"
    assert "0 of meer" in bedrag.error
    # Given amounts are not input, so not validated either.
    assert not [dv for dv in blad.data_validations.dataValidation if "B4" in dv.sqref]


def test_a_yes_no_cell_has_a_list_of_ja_and_nee():
    blad = open_blad(bouw())

    ja_nee = validatie(blad, "B6")
    assert (ja_nee.type, ja_nee.formula1) == ("list", '"ja,nee"')
    assert ja_nee.showErrorMessage
    assert blad["B6"].value == "ja"
    assert not [dv for dv in blad.data_validations.dataValidation if "B7" in dv.sqref]


def test_no_empty_validations_are_written():
    sjabloon = Sjabloon("Gegevens", soort="proef", versie="1")
    sjabloon.vast("A1", "Alleen tekst")

    blad = open_blad(sjabloon.als_bytes())

    assert blad.data_validations.dataValidation == []


def test_the_heading_is_frozen_the_columns_sized_and_the_page_fitted():
    blad = open_blad(bouw())

    assert blad.freeze_panes == "A10"
    assert blad["A9"].value == "Naam"
    assert blad["A9"].font.bold
    assert blad.column_dimensions["A"].width == 30
    assert blad.column_dimensions["B"].width == 18
    assert blad.sheet_properties.pageSetUpPr.fitToPage
    assert (blad.page_setup.fitToWidth, blad.page_setup.fitToHeight) == (1, 1)
    assert blad.page_setup.orientation == "landscape"
    assert blad.row_dimensions[7].height == 50


def test_the_instructions_sheet_follows_the_data_sheet():
    werkmap = load_workbook(io.BytesIO(bouw()))

    assert werkmap.sheetnames == ["Gegevens", INSTRUCTIES_BLAD, METADATA_BLAD]
    assert werkmap.active.title == "Gegevens"
    instructies = werkmap[INSTRUCTIES_BLAD]
    assert [instructies[c].value for c in ("A1", "A3", "A4")] == [
        "Zo vult u het in",
        "Eerste alinea.",
        "Tweede alinea.",
    ]
    assert instructies.protection.sheet
    assert instructies.sheet_state == "visible"
    assert werkmap.security.lockStructure


def test_the_metadata_sheet_is_very_hidden_and_reads_back():
    inhoud = bouw()
    metadata = load_workbook(io.BytesIO(inhoud))[METADATA_BLAD]

    assert metadata.sheet_state == "veryHidden"
    assert lees_metadata(inhoud) == {
        "soort": "proef",
        "versie": "3",
        "object_id": "42",
        "code": "X1",
    }


def test_kind_and_version_are_reserved_keys():
    with pytest.raises(ValueError, match="reserved"):
        Sjabloon("Gegevens", soort="proef", versie="1", ids={"versie": 2})


def test_a_workbook_without_metadata_reads_as_empty():
    werkmap = Workbook()
    werkmap.active["A1"] = "soort"
    uitvoer = io.BytesIO()
    werkmap.save(uitvoer)

    assert lees_metadata(uitvoer.getvalue()) == {}


def test_metadata_typed_over_as_numbers_still_reads_as_text():
    """A spreadsheet program may store "42" as the number 42.0; blank keys are skipped."""
    werkmap = Workbook()
    blad = werkmap.create_sheet(METADATA_BLAD)
    for rij in (["soort", "proef"], ["object_id", 42.0], [None, "zonder sleutel"], ["leeg", None]):
        blad.append(rij)
    uitvoer = io.BytesIO()
    werkmap.save(uitvoer)

    assert lees_metadata(uitvoer.getvalue()) == {"soort": "proef", "object_id": "42", "leeg": ""}


@pytest.mark.parametrize(
    ("inhoud", "melding"),
    [
        (b"", "leeg"),
        (b"naam;bedrag\nAmsterdam;12\n", "geen Excel-werkmap"),
        (b"PK\x03\x04 kapot", "beschadigd"),
    ],
    ids=["leeg", "csv", "kapotte-zip"],
)
def test_reading_metadata_refuses_what_is_not_a_workbook(inhoud, melding):
    with pytest.raises(ExcelFout, match=melding):
        lees_metadata(inhoud)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_keeps_locks_validations_and_metadata(tmp_path: Path):
    bron = tmp_path / "bron" / "sjabloon.xlsx"
    bron.parent.mkdir()
    bron.write_bytes(bouw())
    uit = tmp_path / "uit"

    subprocess.run(  # noqa: S603
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(uit), str(bron)],  # noqa: S607
        check=True,
        timeout=120,
        capture_output=True,
    )

    inhoud = (uit / "sjabloon.xlsx").read_bytes()
    blad = open_blad(inhoud)
    assert blad.protection.sheet
    assert blad["B3"].protection.locked
    assert not blad["B10"].protection.locked
    assert validatie(blad, "B10").type == "decimal"
    assert lees_metadata(inhoud)["object_id"] == "42"
