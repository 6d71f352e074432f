"""The user's upload returned with its problems marked, read back with openpyxl."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kern.excel import ExcelFout
from kern.excel import foutwerkmap as foutwerkmap_module
from kern.excel.foutwerkmap import AUTEUR, foutwerkmap
from kern.meldingen import Ernst, Melding

BLAD = "Verantwoording"
ROOD, ORANJE = "00FF9B9B", "00FFC869"  # as openpyxl reads the colours back
KOP = ["Blad", "Cel", "Kolom", "Soort", "Melding"]
KOPRIJ = 4


def upload(*, extra_bladen: tuple[str, ...] = ()) -> bytes:
    """A filled-in template: a protected data sheet with validation, a veryHidden sheet."""
    boek = Workbook()
    blad = boek.active
    blad.title = BLAD
    blad["A1"] = "Verantwoording 2015"
    blad.merge_cells("A2:C2")
    blad["A2"] = "Gemeente Amsterdam"
    blad.append(["Code", "Doel", "Toegekend", "Besteed"])
    for rij, (code, besteed) in enumerate([("A", "1.234,5x"), ("B", Decimal("12.50"))], 4):
        blad.cell(row=rij, column=1, value=code)
        blad.cell(row=rij, column=2, value=f"Doel {code}")
        blad.cell(row=rij, column=3, value=Decimal("1000.00")).number_format = '"€" #,##0.00'
        blad.cell(row=rij, column=4, value=besteed).number_format = '"€" #,##0.00'
    blad["E4"] = "=C4-D5"
    blad["D5"].comment = Comment("Geschat, volgt nog.", "Jan")
    validatie = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
    validatie.add("D4:D5")
    blad.add_data_validation(validatie)
    blad.protection.sheet = True
    metadata = boek.create_sheet("Metadata")
    metadata.append(["soort", "verantwoording"])
    metadata.sheet_state = "veryHidden"
    metadata.protection.sheet = True
    for naam in extra_bladen:
        boek.create_sheet(naam)["A1"] = f"van de gebruiker: {naam}"
    uit = io.BytesIO()
    boek.save(uit)
    return uit.getvalue()


def open_werkmap(inhoud: bytes):
    return load_workbook(io.BytesIO(inhoud))


def overzicht_rijen(blad: Worksheet) -> list[list[str | None]]:
    return [
        list(rij) for rij in blad.iter_rows(min_row=KOPRIJ + 1, max_col=len(KOP), values_only=True)
    ]


def kleur(cel) -> str | None:
    return cel.fill.fgColor.rgb if cel.fill.fill_type == "solid" else None


def test_cells_are_marked_and_every_message_is_listed_with_a_link():
    meldingen = [
        Melding(BLAD, "D4", "Besteed", '"1.234,5x" is geen bedrag.'),
        Melding(BLAD, "D5", "Besteed", "Meer besteed dan toegekend.", Ernst.WAARSCHUWING),
        Melding(BLAD, "D4", "Besteed", "Het bedrag is groter dan toegekend.", Ernst.WAARSCHUWING),
        Melding(BLAD, "B4", "Doel", "Vul een doel in."),
    ]

    werkmap = open_werkmap(foutwerkmap(upload(), meldingen))

    assert werkmap.sheetnames[0] == "Meldingen"
    assert werkmap.active.title == "Meldingen"
    assert [blad.sheet_view.tabSelected for blad in werkmap.worksheets] == [True, False, False]
    blad = werkmap[BLAD]
    assert kleur(blad["D4"]) == ROOD  # a fout outweighs a waarschuwing
    assert kleur(blad["D5"]) == ORANJE
    assert kleur(blad["B4"]) == ROOD
    assert kleur(blad["C4"]) is None
    assert blad["D4"].comment.author == AUTEUR
    assert blad["D4"].comment.text == (
        'Fout: "1.234,5x" is geen bedrag.\nWaarschuwing: Het bedrag is groter dan toegekend.'
    )
    # The user's own comment stays, beneath the message.
    assert blad["D5"].comment.text == (
        "Waarschuwing: Meer besteed dan toegekend.\n\nGeschat, volgt nog."
    )

    overzicht = werkmap["Meldingen"]
    assert overzicht["A1"].value == "Meldingen"
    assert overzicht["A2"].value.startswith("2 fouten en 2 waarschuwingen. ")
    assert [c.value for c in overzicht[KOPRIJ]] == KOP
    assert overzicht_rijen(overzicht) == [
        [BLAD, "D4", "Besteed", "fout", '"1.234,5x" is geen bedrag.'],
        [BLAD, "D5", "Besteed", "waarschuwing", "Meer besteed dan toegekend."],
        [BLAD, "D4", "Besteed", "waarschuwing", "Het bedrag is groter dan toegekend."],
        [BLAD, "B4", "Doel", "fout", "Vul een doel in."],
    ]
    assert [overzicht.cell(row=r, column=2).hyperlink.location for r in range(5, 9)] == [
        "'Verantwoording'!D4",
        "'Verantwoording'!D5",
        "'Verantwoording'!D4",
        "'Verantwoording'!B4",
    ]
    assert overzicht.freeze_panes == "A5"
    assert overzicht.auto_filter.ref == "A4:E8"
    assert overzicht.column_dimensions["E"].width > overzicht.column_dimensions["B"].width


def test_the_users_values_formats_and_validations_are_kept():
    origineel = upload()
    voor = open_werkmap(origineel)[BLAD]

    na = open_werkmap(foutwerkmap(origineel, [Melding(BLAD, "D4", "", "Fout.")]))[BLAD]

    def inhoud(blad):
        return [[(c.value, c.number_format) for c in rij] for rij in blad.iter_rows(max_col=6)]

    assert inhoud(na) == inhoud(voor)
    assert na["D4"].value == "1.234,5x"
    assert na["E4"].value == "=C4-D5"
    assert na["C4"].value == 1000
    assert na["C4"].number_format == '"€" #,##0.00'
    assert [str(dv.sqref) for dv in na.data_validations.dataValidation] == ["D4:D5"]
    assert na.data_validations.dataValidation[0].formula1 == "0"
    assert [str(r) for r in na.merged_cells.ranges] == ["A2:C2"]


def test_protection_is_lifted_but_the_hidden_metadata_is_left_alone():
    werkmap = open_werkmap(foutwerkmap(upload(), [Melding(BLAD, "D4", "", "Fout.")]))

    assert not werkmap[BLAD].protection.sheet
    metadata = werkmap["Metadata"]
    assert metadata.sheet_state == "veryHidden"
    assert metadata.protection.sheet
    assert [list(r) for r in metadata.iter_rows(values_only=True)] == [["soort", "verantwoording"]]


def test_a_message_on_the_hidden_sheet_is_only_listed():
    melding = Melding("Metadata", "B1", "", "Onbekende soort.")
    werkmap = open_werkmap(foutwerkmap(upload(), [melding]))

    assert kleur(werkmap["Metadata"]["B1"]) is None
    assert werkmap["Metadata"]["B1"].comment is None
    assert overzicht_rijen(werkmap["Meldingen"]) == [
        ["Metadata", "B1", None, "fout", "Onbekende soort."]
    ]
    assert werkmap["Meldingen"]["B5"].hyperlink is None


def test_a_range_marks_its_top_left_cell_and_a_merged_cell_its_first():
    meldingen = [
        Melding(BLAD, "C5:D5", "", "Deze twee bedragen kloppen niet samen."),
        Melding(BLAD, "B2", "", "De gemeente is gewijzigd."),  # inside A2:C2
    ]
    werkmap = open_werkmap(foutwerkmap(upload(), meldingen))

    blad = werkmap[BLAD]
    assert kleur(blad["C5"]) == ROOD
    assert kleur(blad["D5"]) is None
    assert blad["C5"].comment.text == "Fout: Deze twee bedragen kloppen niet samen."
    assert kleur(blad["A2"]) == ROOD
    assert blad["A2"].comment.text == "Fout: De gemeente is gewijzigd."
    overzicht = werkmap["Meldingen"]
    assert overzicht["B5"].value == "C5:D5"
    assert overzicht["B5"].hyperlink.location == "'Verantwoording'!C5"


def test_messages_for_the_workbook_or_a_sheet_as_a_whole_are_only_listed():
    meldingen = [
        Melding("", "", "", "Dit is een verouderd sjabloon."),
        Melding(BLAD, "", "", 'Het bestedingsdoel "C" ontbreekt.'),
        Melding("Bestaat niet", "A1", "", "Een blad dat er niet is."),
        Melding(BLAD, "niet-een-cel", "", "Een onleesbare plek."),
        Melding(BLAD, "XFE1", "", "Voorbij de laatste kolom."),
    ]
    origineel = upload()
    werkmap = open_werkmap(foutwerkmap(origineel, meldingen))

    blad = werkmap[BLAD]
    gemarkeerd = [c.coordinate for rij in blad.iter_rows() for c in rij if c.comment or kleur(c)]
    assert gemarkeerd == ["D5"]  # only the user's own comment
    overzicht = werkmap["Meldingen"]
    assert overzicht_rijen(overzicht) == [
        [None, None, None, "fout", "Dit is een verouderd sjabloon."],
        [BLAD, None, None, "fout", 'Het bestedingsdoel "C" ontbreekt.'],
        ["Bestaat niet", "A1", None, "fout", "Een blad dat er niet is."],
        [BLAD, "niet-een-cel", None, "fout", "Een onleesbare plek."],
        [BLAD, "XFE1", None, "fout", "Voorbij de laatste kolom."],
    ]
    # The sheet as a whole: its name links to the sheet.
    assert overzicht["A6"].hyperlink.location == "'Verantwoording'!A1"
    for rij in (5, 7, 8, 9):
        assert overzicht.cell(row=rij, column=1).hyperlink is None
        assert overzicht.cell(row=rij, column=2).hyperlink is None


def test_an_overview_name_that_is_taken_gets_a_number():
    werkmap = open_werkmap(
        foutwerkmap(
            upload(extra_bladen=("Meldingen", "meldingen (2)")),
            [Melding(BLAD, "D4", "", "Fout.")],
        )
    )

    assert werkmap.sheetnames[0] == "Meldingen (3)"
    assert werkmap["Meldingen (3)"]["A1"].value == "Meldingen"
    assert werkmap["Meldingen"]["A1"].value == "van de gebruiker: Meldingen"
    assert werkmap["meldingen (2)"]["A1"].value == "van de gebruiker: meldingen (2)"


def test_a_title_that_cannot_be_a_sheet_name_is_made_one():
    inhoud = foutwerkmap(upload(), [], titel="Controle: verantwoording 2015 [concept] en meer")
    werkmap = open_werkmap(inhoud)

    assert werkmap.sheetnames[0] == "Controle verantwoording 2015 co"
    assert werkmap.active["A1"].value == "Controle: verantwoording 2015 [concept] en meer"
    assert werkmap.active["A2"].value.startswith("0 fouten en 0 waarschuwingen. ")


def test_a_second_round_replaces_its_own_comments():
    eerste = foutwerkmap(upload(), [Melding(BLAD, "D4", "", "Eerste ronde.")])
    tweede = open_werkmap(foutwerkmap(eerste, [Melding(BLAD, "D4", "", "Tweede ronde.")]))

    assert tweede[BLAD]["D4"].comment.text == "Fout: Tweede ronde."
    assert tweede.sheetnames[:2] == ["Meldingen (2)", "Meldingen"]


def test_message_texts_stay_text():
    meldingen = [
        Melding(BLAD, "D4", "=SOM(A1)", '=HYPERLINK("http://example.org")'),
        Melding(BLAD, "D5", "", "#N/A"),
        Melding(BLAD, "B4", "", '"a\x01b" is geen bedrag.'),
    ]
    werkmap = open_werkmap(foutwerkmap(upload(), meldingen))

    overzicht = werkmap["Meldingen"]
    assert [c.data_type for c in overzicht[5]] == ["s"] * 5
    assert overzicht_rijen(overzicht) == [
        [BLAD, "D4", "=SOM(A1)", "fout", '=HYPERLINK("http://example.org")'],
        [BLAD, "D5", None, "fout", "#N/A"],
        [BLAD, "B4", None, "fout", '"ab" is geen bedrag.'],
    ]
    assert werkmap[BLAD]["B4"].comment.text == 'Fout: "ab" is geen bedrag.'


def test_marks_and_overview_rows_are_capped(monkeypatch):
    monkeypatch.setattr(foutwerkmap_module, "MAX_MARKERINGEN", 3)
    monkeypatch.setattr(foutwerkmap_module, "MAX_OVERZICHT", 6)
    meldingen = [Melding(BLAD, f"F{rij}", "", f"Fout op regel {rij}.") for rij in range(1, 9)]

    werkmap = open_werkmap(foutwerkmap(upload(), meldingen))

    blad = werkmap[BLAD]
    assert [kleur(blad[f"F{rij}"]) for rij in range(1, 9)] == [ROOD] * 3 + [None] * 5
    assert [blad[f"F{rij}"].comment is not None for rij in range(1, 9)] == [True] * 3 + [False] * 5
    overzicht = werkmap["Meldingen"]
    assert overzicht["A2"].value.startswith("8 fouten en 0 waarschuwingen. ")
    assert overzicht["A3"].value == (
        "Alleen de eerste 3 cellen met een melding zijn gemarkeerd. Alleen de eerste 6 "
        "meldingen staan hieronder; 2 meldingen zijn weggelaten."
    )
    assert [rij[4] for rij in overzicht_rijen(overzicht)] == [
        f"Fout op regel {rij}." for rij in range(1, 7)
    ]


def test_a_large_file_gets_the_overview_alone_with_every_message():
    # 8,000 rows of eight columns: more sheet XML than is marked in place.
    boek = Workbook(write_only=True)
    blad = boek.create_sheet(BLAD)
    for rij in range(1, 8_001):
        blad.append(["toekenning", "GM0363", "Amsterdam", 2015, "doel", rij + 0.25, None, None])
    uit = io.BytesIO()
    boek.save(uit)
    meldingen = [
        Melding(BLAD, f"F{rij}", "Bedrag", '"x" is geen bedrag.') for rij in range(64, 8_001, 64)
    ]
    meldingen.append(Melding("", "", "", "Het bestand als geheel."))

    werkmap = open_werkmap(foutwerkmap(uit.getvalue(), meldingen))

    assert werkmap.sheetnames == ["Meldingen"]
    overzicht = werkmap["Meldingen"]
    assert overzicht["A2"].value == (
        "126 fouten en 0 waarschuwingen. Het bestand is te groot om de cellen erin te markeren; "
        "hieronder staat bij elke melding het blad en de cel. Verbeter ze in uw eigen bestand."
    )
    rijen = overzicht_rijen(overzicht)
    assert len(rijen) == 126
    assert rijen[0] == [BLAD, "F64", "Bedrag", "fout", '"x" is geen bedrag.']
    assert rijen[-1] == [None, None, None, "fout", "Het bestand als geheel."]
    assert all(cel.hyperlink is None for cel in overzicht["B"])


def test_a_thousand_marks_in_reasonable_time():
    meldingen = [Melding(BLAD, f"G{rij}", "", f"Fout op regel {rij}.") for rij in range(1, 1001)]
    werkmap = open_werkmap(foutwerkmap(upload(), meldingen))

    assert kleur(werkmap[BLAD]["G1000"]) == ROOD
    assert werkmap[BLAD]["G1000"].comment.text == "Fout: Fout op regel 1000."
    assert werkmap["Meldingen"].max_row == KOPRIJ + 1000
    assert werkmap["Meldingen"]["A3"].value is None


def test_a_file_that_is_no_workbook_is_refused():
    with pytest.raises(ExcelFout) as fout:
        foutwerkmap(b"Dit is tekst.", [Melding("", "", "", "Fout.")])
    assert str(fout.value) == (
        "Dit is geen Excel-werkmap (.xlsx); alleen .xlsx-bestanden worden gelezen."
    )


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_result_with_marks_and_links(tmp_path: Path):
    bron = tmp_path / "bron" / "meldingen.xlsx"
    bron.parent.mkdir()
    bron.write_bytes(foutwerkmap(upload(), [Melding(BLAD, "D4", "Besteed", "Geen bedrag.")]))
    uit = tmp_path / "uit"

    subprocess.run(  # noqa: S603
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(uit), str(bron)],  # noqa: S607
        check=True,
        timeout=120,
        capture_output=True,
    )

    werkmap = open_werkmap((uit / "meldingen.xlsx").read_bytes())
    assert werkmap.sheetnames[0] == "Meldingen"
    assert werkmap["Meldingen"]["B5"].hyperlink.location == "'Verantwoording'!D4"
    assert werkmap[BLAD]["D4"].comment.text == "Fout: Geen bedrag."
    assert werkmap[BLAD]["D4"].fill.fgColor.rgb.endswith("FF9B9B")
