"""Text a user typed is written as text in every workbook the application makes: never as a
formula, and read back exactly as typed. Each workbook has its own test (here the error
workbook; the templates in tests/subsidies) with `GEVAARLIJK`."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from kern.excel import schrijven as excel_schrijven
from kern.excel.foutwerkmap import foutwerkmap
from kern.meldingen import Melding

# Text that a spreadsheet program may read as (the start of) a formula.
GEVAARLIJK = [
    '=HYPERLINK("http://example.org/","klik")',
    "+31 20 123 4567",
    "-5 besteed aan koffie",
    "@SOM(A1:A3)",
    "\t=1+1",
    "\r=1+1",
    "Eerste regel\r\ntweede regel",
]


def als_tekst_gelezen(cel, verwacht: str) -> None:
    assert cel.data_type == "s", (verwacht, cel.data_type)
    assert cel.value == verwacht


@pytest.mark.parametrize("waarde", GEVAARLIJK)
def test_a_cell_written_as_text_reads_back_as_the_same_text(waarde):
    werkmap = Workbook()
    excel_schrijven.tekst(werkmap.active["A1"], waarde)

    cel = load_workbook(io.BytesIO(excel_schrijven.opslaan(werkmap))).active["A1"]

    als_tekst_gelezen(cel, waarde)
    assert cel.quotePrefix == waarde.startswith(excel_schrijven.FORMULE_TEKENS)


@pytest.mark.parametrize("waarde", GEVAARLIJK)
def test_the_error_workbook_writes_message_texts_as_text(waarde):
    boek = Workbook()
    boek.active.title = "Blad1"
    boek.active["A1"] = "waarde"
    uit = io.BytesIO()
    boek.save(uit)
    # The heading and the text of a message may quote what a user typed.
    melding = Melding("Blad1", "A1", waarde, waarde)

    overzicht = load_workbook(io.BytesIO(foutwerkmap(uit.getvalue(), [melding])))["Meldingen"]

    als_tekst_gelezen(overzicht["C5"], waarde)
    als_tekst_gelezen(overzicht["E5"], waarde)
