"""What `kern.excel` refuses, and what it reads. Every file is built here, in memory.

The refusals of hostile files that would exhaust memory run in a child process, in
``test_excel_vijandig.py``.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import io
import os
import random
import struct
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl import Workbook

from kern.excel import ExcelFout, bladnamen, lees_blad, lees_rijen
from kern.excel.lezen import calamine, verkenning
from kern.excel.lezen.controle import (
    MAX_ONDERDELEN,
    MAX_ONGECOMPRIMEERD,
    OLE2_MAGIC,
    controleer_xlsx,
)
from kern.excel.lezen.verkenning import MAX_SAMENGEVOEGD

BLAD = "xl/worksheets/sheet1.xml"
# A first sheet written by hand, so that a DOCTYPE can be put in front of it.
BLAD_XML = (
    '<?xml version="1.0" encoding="{codering}" standalone="yes"?>\n{doctype}'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="A1"/><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>{tekst}</t></is></c></row>'
    "</sheetData></worksheet>"
)
BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
EXTERNE_ENTITEIT = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

LEEG = "Het bestand is leeg."
OUD_XLS = (
    "Dit is een oud Excel-bestand (.xls). "
    "Sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw."
)
BEVEILIGD = (
    "Dit bestand is met een wachtwoord beveiligd. "
    "Sla het op als Excel-werkmap (.xlsx) zonder wachtwoord en probeer het opnieuw."
)
WEBPAGINA = (
    "Dit is een webpagina (HTML), geen Excel-werkmap (.xlsx). "
    "Open het in Excel, sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw."
)
TEKSTBESTAND = (
    "Dit is een tekstbestand (csv), geen Excel-werkmap (.xlsx). "
    "Open het in Excel, sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw."
)
GEEN_XLSX = "Dit is geen Excel-werkmap (.xlsx); alleen .xlsx-bestanden worden gelezen."
GEEN_WERKBOEK = "Dit is geen Excel-werkmap (.xlsx): het werkboekdeel ontbreekt."
MACROS = "Deze werkmap bevat macro's (.xlsm). Sla haar op als gewone Excel-werkmap (.xlsx)."
DOCTYPE = "De werkmap bevat een DOCTYPE-declaratie en wordt niet gelezen."
BESCHADIGD = "Het bestand is beschadigd: het is geen geldige Excel-werkmap."
TE_GROOT = "De werkmap is uitgepakt te groot om veilig te lezen: "
TE_STERK_GECOMPRIMEERD = (
    "De werkmap is verdacht sterk gecomprimeerd (een werkblad is ingepakt {factor} keer zo klein) "
    "en wordt niet gelezen."
)
TE_VEEL_ONDERDELEN = "De werkmap bestaat uit te veel onderdelen om veilig te lezen."
ZONDER_VERWIJZING = (
    "Het werkblad heeft cellen zonder celverwijzing en wordt niet gelezen. "
    "Open het in Excel, sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw."
)


def werkmap(*rijen: list[Any]) -> bytes:
    boek = Workbook()
    for rij in rijen:
        boek.active.append(rij)
    uit = io.BytesIO()
    boek.save(uit)
    return uit.getvalue()


def met_onderdeel(inhoud: bytes, naam: str, data: bytes | Iterable[bytes]) -> bytes:
    """The workbook with part `naam` replaced by, or added as, `data` (written piece by piece)."""
    uit = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(inhoud)) as oud,
        zipfile.ZipFile(uit, "w", zipfile.ZIP_DEFLATED) as nieuw,
    ):
        for onderdeel in oud.infolist():
            if onderdeel.filename != naam:
                nieuw.writestr(onderdeel.filename, oud.read(onderdeel))
        with nieuw.open(naam, "w") as stroom:
            for stuk in [data] if isinstance(data, bytes) else data:
                stroom.write(stuk)
    return uit.getvalue()


def blad_xml(doctype: str = "", tekst: str = "hallo", codering: str = "UTF-8") -> bytes:
    return BLAD_XML.format(codering=codering, doctype=doctype, tekst=tekst).encode(codering)


def met_blad(doctype: str = "", tekst: str = "hallo", codering: str = "UTF-8") -> bytes:
    return met_onderdeel(werkmap(), BLAD, blad_xml(doctype, tekst, codering))


def met_opvulling(inhoud: bytes, naam: str, megabytes: int) -> bytes:
    """The workbook with `megabytes` MB of spaces after part `naam`, written a block at a time."""
    blok = b" " * 2**20
    uit = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(inhoud)) as oud,
        zipfile.ZipFile(uit, "w", zipfile.ZIP_DEFLATED) as nieuw,
    ):
        for onderdeel in oud.infolist():
            if onderdeel.filename != naam:
                nieuw.writestr(onderdeel.filename, oud.read(onderdeel))
        with nieuw.open(naam, "w") as stroom:
            stroom.write(oud.read(naam))
            for _ in range(megabytes):
                stroom.write(blok)
    return uit.getvalue()


def met_opgegeven_grootte(inhoud: bytes, naam: str, grootte: int) -> bytes:
    """The zip with both headers of part `naam` claiming it unpacks to `grootte` bytes."""
    data = bytearray(inhoud)
    with zipfile.ZipFile(io.BytesIO(inhoud)) as archief:
        lokaal = archief.getinfo(naam).header_offset
    struct.pack_into("<I", data, lokaal + 22, grootte)
    einde = data.rindex(b"PK\x05\x06")
    (aantal,) = struct.unpack_from("<H", data, einde + 10)
    (positie,) = struct.unpack_from("<I", data, einde + 16)
    for _ in range(aantal):
        naamlengte, extra, commentaar = struct.unpack_from("<HHH", data, positie + 28)
        if data[positie + 46 : positie + 46 + naamlengte] == naam.encode():
            struct.pack_into("<I", data, positie + 24, grootte)
            return bytes(data)
        positie += 46 + naamlengte + extra + commentaar
    raise AssertionError(f"{naam} is not in the central directory")


def zonder_werkboek() -> bytes:
    """A Word document: a zip, but not a workbook."""
    uit = io.BytesIO()
    with zipfile.ZipFile(uit, "w") as archief:
        archief.writestr("[Content_Types].xml", "<Types/>")
        archief.writestr("word/document.xml", "<document/>")
    return uit.getvalue()


def te_veel_onderdelen() -> bytes:
    inhoud = werkmap(["a"])
    uit = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(inhoud)) as oud, zipfile.ZipFile(uit, "w") as nieuw:
        for onderdeel in oud.infolist():
            nieuw.writestr(onderdeel.filename, oud.read(onderdeel))
        for nummer in range(MAX_ONDERDELEN):
            nieuw.writestr(f"xl/media/image{nummer}.png", b"")
    return uit.getvalue()


def lees(inhoud: bytes, max_rijen: int = 10, max_kolommen: int = 3) -> list[Any]:
    return list(lees_rijen(inhoud, max_rijen=max_rijen, max_kolommen=max_kolommen))


def lees_met_calamine(inhoud: bytes, max_rijen: int = 10, max_kolommen: int = 3) -> list[Any]:
    return list(lees_blad(inhoud, max_rijen=max_rijen, max_kolommen=max_kolommen).rijen)


def beveiligd() -> bytes:
    """An OLE2 container as Excel writes for a password: its directory names EncryptedPackage."""
    naam = "EncryptedPackage".encode("utf-16-le")
    return OLE2_MAGIC + bytes(504) + naam.ljust(64, b"\x00") + bytes(4096)


@pytest.mark.parametrize("lezer", [lees, lees_met_calamine], ids=["openpyxl", "calamine"])
@pytest.mark.parametrize(
    ("maak", "melding"),
    [
        pytest.param(lambda: b"", LEEG, id="empty"),
        pytest.param(lambda: OLE2_MAGIC + bytes(4096), OUD_XLS, id="xls"),
        pytest.param(beveiligd, BEVEILIGD, id="password"),
        pytest.param(lambda: random.Random(7).randbytes(4096), GEEN_XLSX, id="random-bytes"),
        pytest.param(lambda: b"Dit is tekst.", GEEN_XLSX, id="text"),
        pytest.param(
            lambda: b"gemeentecode;gemeentenaam\r\nGM0363;Amsterdam\r\n", TEKSTBESTAND, id="csv"
        ),
        pytest.param(
            lambda: "\ufeffnaam,bedrag\nAmsterdam,12\n".encode(), TEKSTBESTAND, id="csv-with-bom"
        ),
        pytest.param(
            lambda: (
                b"<!DOCTYPE html>\n<html><body><table><tr><td>1</td></tr></table></body></html>"
            ),
            WEBPAGINA,
            id="html",
        ),
        pytest.param(lambda: b"<table><tr><td>1</td></tr></table>", WEBPAGINA, id="html-table"),
        pytest.param(lambda: werkmap(["a"])[:-100], BESCHADIGD, id="truncated-zip"),
        pytest.param(zonder_werkboek, GEEN_WERKBOEK, id="zip-without-workbook"),
        pytest.param(
            lambda: met_onderdeel(werkmap(["a"]), "xl/vbaProject.bin", b"\x00" * 64),
            MACROS,
            id="xlsm",
        ),
        pytest.param(lambda: met_blad(BILLION_LAUGHS, "&lol9;"), DOCTYPE, id="billion-laughs"),
        pytest.param(lambda: met_blad(EXTERNE_ENTITEIT, "&xxe;"), DOCTYPE, id="external-entity"),
        pytest.param(
            lambda: met_blad(BILLION_LAUGHS, "&lol9;", codering="UTF-16"),
            DOCTYPE,
            id="billion-laughs-utf16",
        ),
        pytest.param(
            # Cut off inside <sheetData>: openpyxl only parses that while the rows are read.
            lambda: met_onderdeel(werkmap(), BLAD, blad_xml()[:-30]),
            BESCHADIGD,
            id="broken-sheet-xml",
        ),
        pytest.param(
            # 2 MB of spaces pack about a thousandfold; the message says how much exactly.
            lambda: met_opvulling(werkmap(["a"]), BLAD, megabytes=2),
            TE_STERK_GECOMPRIMEERD,
            id="compression-ratio",
        ),
        pytest.param(te_veel_onderdelen, TE_VEEL_ONDERDELEN, id="too-many-parts"),
        pytest.param(
            lambda: met_onderdeel(werkmap(["a"]), "XL/Worksheets/Sheet1.xml", b"<worksheet/>"),
            BESCHADIGD,
            id="names-differing-in-case",
        ),
    ],
)
def test_refuses_what_is_not_a_plain_workbook(
    lezer: Callable[[bytes], list[Any]], maak: Callable[[], bytes], melding: str
) -> None:
    inhoud = maak()
    with pytest.raises(ExcelFout) as fout:
        lezer(inhoud)
    if melding == TE_STERK_GECOMPRIMEERD:
        blad = zipfile.ZipFile(io.BytesIO(inhoud)).getinfo(BLAD)
        melding = melding.format(factor=blad.file_size // blad.compress_size)
    assert str(fout.value) == melding


@pytest.mark.parametrize("codering", ["UTF-8", "UTF-16"])
def test_the_hand_written_sheet_is_read_without_a_doctype(codering: str) -> None:
    # The control for the DOCTYPE cases above: without one, the same sheet is read.
    assert lees(met_blad(codering=codering)) == [(1, ("hallo", None, None))]


@pytest.fixture(scope="module")
def zipbom_100mb() -> bytes:
    """A workbook whose sheet is followed by just over 100 MB of spaces (about 100 kB zipped)."""
    megabytes = MAX_ONGECOMPRIMEERD // 2**20 + 1
    return met_opvulling(werkmap(["a"]), BLAD, megabytes)


def controleer_zuinig(inhoud: bytes) -> ExcelFout:
    """Check `inhoud`, expecting a refusal, and that the check used less than 5 MB."""
    tracemalloc.start()
    try:
        with pytest.raises(ExcelFout) as fout:
            controleer_xlsx(inhoud)
        piek = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert piek < 5 * 2**20, f"the check used {piek / 2**20:.1f} MB"
    return fout.value


def test_refuses_a_zip_bomb_by_its_declared_size(zipbom_100mb: bytes) -> None:
    assert len(zipbom_100mb) < 1 * 2**20
    assert str(controleer_zuinig(zipbom_100mb)).startswith(
        TE_GROOT + "een werkblad beslaat uitgepakt"
    )


def test_refuses_a_zip_bomb_that_lies_about_its_size(zipbom_100mb: bytes) -> None:
    leugen = met_opgegeven_grootte(zipbom_100mb, BLAD, 1_000)
    with zipfile.ZipFile(io.BytesIO(leugen)) as archief:
        assert archief.getinfo(BLAD).file_size == 1_000
    # Only the claimed 1,000 bytes are unpacked; their checksum then gives the lie away.
    assert str(controleer_zuinig(leugen)) == BESCHADIGD


def test_reads_the_values_of_the_first_sheet() -> None:
    inhoud = werkmap(
        ["gemeentecode", "gemeentenaam", "inwoners", "te veel"],
        ["GM0363", "Amsterdam", 931_298, "x"],
        [],
        [None, "Utrecht", 2.5],
    )
    assert lees(inhoud) == [
        (1, ("gemeentecode", "gemeentenaam", "inwoners")),
        (2, ("GM0363", "Amsterdam", 931_298)),
        (3, (None, None, None)),
        (4, (None, "Utrecht", 2.5)),
    ]


def test_reads_exactly_max_rijen_rows() -> None:
    inhoud = werkmap(*([nummer] for nummer in range(1, 11)))
    assert [rij for _, rij in lees(inhoud, max_rijen=10, max_kolommen=1)] == [
        (nummer,) for nummer in range(1, 11)
    ]


@pytest.mark.parametrize(
    "rijen",
    [
        pytest.param([[nummer] for nummer in range(1, 12)], id="one-too-many"),
        pytest.param(
            [[nummer] for nummer in range(1, 11)] + [[], [], ["verstopt"]], id="after-gap"
        ),
    ],
)
def test_refuses_more_rows_than_max_rijen(rijen: list[list[Any]]) -> None:
    with pytest.raises(ExcelFout) as fout:
        lees(werkmap(*rijen), max_rijen=10)
    assert str(fout.value) == "Het werkblad heeft meer dan 10 regels."


def test_a_cell_at_the_last_row_and_column_is_read_within_the_limits() -> None:
    boek = Workbook()
    boek.active["XFD1048576"] = "ver weg"
    uit = io.BytesIO()
    boek.save(uit)

    begin = time.perf_counter()
    rijen = lees(uit.getvalue(), max_rijen=100, max_kolommen=10)
    duur = time.perf_counter() - begin

    assert rijen == [(nummer, (None,) * 10) for nummer in range(1, 101)]
    # A billion empty cells would take hours; looking past row 100 for content takes well
    # under a second.
    assert duur < 3, f"took {duur:.1f} s"


# --- lees_blad: the import reader ------------------------------------------------------------

HOOFD = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def blad(sheet_data: str, *, voor: str = "", na: str = "", extra: str = "") -> bytes:
    """A workbook whose first sheet is written by hand: `voor` and `na` go around <sheetData>."""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{HOOFD}"{extra}>'
        f"{voor}<sheetData>{sheet_data}</sheetData>{na}</worksheet>"
    )
    return met_onderdeel(werkmap(), BLAD, xml.encode())


def gelezen(inhoud: bytes, max_rijen: int = 20, max_kolommen: int = 4, **kwargs: Any) -> list[Any]:
    return list(lees_blad(inhoud, max_rijen=max_rijen, max_kolommen=max_kolommen, **kwargs).rijen)


def geweigerd(inhoud: bytes, max_rijen: int = 20, max_kolommen: int = 4, **kwargs: Any) -> str:
    with pytest.raises(ExcelFout) as fout:
        lees_blad(inhoud, max_rijen=max_rijen, max_kolommen=max_kolommen, **kwargs)
    return str(fout.value)


def test_lees_blad_gives_values_with_their_types() -> None:
    inhoud = werkmap(
        ["GM0363", " Amsterdam ", 931_298, 2.5, True],
        [date(2025, 1, 31), datetime(2025, 1, 31, 14, 30), "", None, False],
    )
    assert gelezen(inhoud, max_kolommen=6) == [
        (1, ("GM0363", " Amsterdam ", 931_298.0, 2.5, True, None)),
        (2, (date(2025, 1, 31), datetime(2025, 1, 31, 14, 30), None, None, False, None)),
    ]
    assert (
        type(gelezen(inhoud, max_kolommen=6)[0][1][2]) is float
    )  # as calamine gives it: callers handle floats


def test_lees_blad_gives_none_for_an_error_value() -> None:
    inhoud = blad('<row r="1"><c r="A1" t="e"><v>#DIV/0!</v></c><c r="B1"><v>1</v></c></row>')
    assert gelezen(inhoud, max_kolommen=2) == [(1, (None, 1.0))]


def test_lees_blad_skips_blank_rows_and_keeps_the_numbers() -> None:
    boek = Workbook()
    boek.active["C3"] = "eerste"
    boek.active["B5"] = ""  # an empty string is no value
    boek.active["D7"] = 7
    uit = io.BytesIO()
    boek.save(uit)

    assert gelezen(uit.getvalue()) == [(3, (None, None, "eerste", None)), (7, (None,) * 3 + (7.0,))]


def test_lees_blad_reads_inline_and_shared_strings() -> None:
    inhoud = met_onderdeel(
        blad(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>inline</t></is></c>'
            '<c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>0</v></c></row>'
        ),
        "xl/sharedStrings.xml",
        f'<sst xmlns="{HOOFD}" count="2" uniqueCount="2"><si><t>nul</t></si>'
        '<si><r><t xml:space="preserve">rijke </t></r><r><rPr><b/></rPr><t>tekst</t></r></si>'
        "</sst>".encode(),
    )
    inhoud = met_onderdeel(
        inhoud,
        "xl/_rels/workbook.xml.rels",
        zipfile.ZipFile(io.BytesIO(inhoud))
        .read("xl/_rels/workbook.xml.rels")
        .replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Target="sharedStrings.xml" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            b"</Relationships>",
        ),
    )
    assert gelezen(inhoud) == [(1, ("inline", "rijke tekst", "nul", None))]


def test_lees_blad_reads_dates_of_a_1904_workbook() -> None:
    boek = Workbook()
    boek.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    boek.active.append([date(2025, 1, 31)])
    uit = io.BytesIO()
    boek.save(uit)
    assert gelezen(uit.getvalue()) == [(1, (date(2025, 1, 31), None, None, None))]


def test_lees_blad_reports_merged_ranges() -> None:
    boek = Workbook()
    boek.active["A1"] = "kop"
    boek.active.merge_cells("E14:F14")
    boek.active.merge_cells("A1:C1")
    uit = io.BytesIO()
    boek.save(uit)
    gelezen_blad = lees_blad(uit.getvalue(), max_rijen=20, max_kolommen=8)
    assert sorted(gelezen_blad.samengevoegd) == ["A1:C1", "E14:F14"]


def test_lees_blad_refuses_too_many_merged_ranges() -> None:
    samenvoegingen = "".join(
        f'<mergeCell ref="A{r}:B{r}"/>' for r in range(1, MAX_SAMENGEVOEGD + 2)
    )
    inhoud = blad(
        "", na=f'<mergeCells count="{MAX_SAMENGEVOEGD + 1}">{samenvoegingen}</mergeCells>'
    )
    assert (
        geweigerd(inhoud) == "Het werkblad heeft te veel samengevoegde cellen om veilig te lezen."
    )


@pytest.mark.parametrize(
    "cel",
    [
        '<c r="E14"><f>SUM(A1:A2)</f></c>',
        '<c r="E14"><f>SUM(A1:A2)</f><v /></c>',  # as openpyxl writes it
        '<c r="E14" t="str"><f>A1</f><v></v></c>',
        '<x:c r="E14"><x:f>SUM(A1:A2)</x:f> </x:c>',
    ],
    ids=["bare", "openpyxl", "empty-v", "prefixed"],
)
def test_lees_blad_reports_a_formula_without_cached_value(cel: str) -> None:
    inhoud = blad(
        f'<row r="1"><c r="A1"><v>1</v></c></row><row r="14">{cel}</row>',
        extra=f' xmlns:x="{HOOFD}"',
    )
    gelezen_blad = lees_blad(inhoud, max_rijen=20, max_kolommen=5)
    assert gelezen_blad.formules_zonder_waarde == {"E14"}
    assert list(gelezen_blad.rijen) == [(1, (1.0, None, None, None, None))]


def test_lees_blad_gives_the_cached_value_of_a_formula() -> None:
    inhoud = blad('<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*2</f><v>4</v></c></row>')
    gelezen_blad = lees_blad(inhoud, max_rijen=20, max_kolommen=2)
    assert gelezen_blad.formules_zonder_waarde == frozenset()
    assert list(gelezen_blad.rijen) == [(1, (2.0, 4.0))]


def test_lees_blad_reads_a_hidden_sheet_by_name_and_bladnamen_lists_it() -> None:
    boek = Workbook()
    boek.active.title = "Verantwoording"
    boek.active["A1"] = "zichtbaar"
    verborgen = boek.create_sheet("Metadata")
    verborgen.sheet_state = "veryHidden"
    verborgen.append(["soort", "verantwoording"])
    boek.create_sheet("Instructies").sheet_state = "hidden"
    uit = io.BytesIO()
    boek.save(uit)

    assert bladnamen(uit.getvalue()) == ["Verantwoording", "Metadata", "Instructies"]
    assert gelezen(uit.getvalue(), blad="Metadata", max_kolommen=2) == [
        (1, ("soort", "verantwoording"))
    ]
    assert gelezen(uit.getvalue(), max_kolommen=1) == [(1, ("zichtbaar",))]


def test_lees_blad_names_a_missing_sheet() -> None:
    assert geweigerd(werkmap(["a"]), blad="Verantwoording") == (
        'Het werkblad "Verantwoording" ontbreekt.'
    )


def test_lees_blad_reads_an_empty_sheet_as_no_rows() -> None:
    gelezen_blad = lees_blad(werkmap(), max_rijen=5, max_kolommen=5)
    assert list(gelezen_blad.rijen) == []
    assert gelezen_blad.naam == "Sheet"


def test_lees_blad_reads_exactly_max_rijen_rows_and_refuses_one_more() -> None:
    rijen = [[nummer] for nummer in range(1, 11)]
    assert [n for n, _ in gelezen(werkmap(*rijen), max_rijen=10)] == list(range(1, 11))
    te_veel = "Het werkblad heeft meer dan 10 regels."
    assert geweigerd(werkmap(*rijen, [11]), max_rijen=10) == te_veel
    assert geweigerd(werkmap(*rijen, [], [], ["verstopt"]), max_rijen=10) == te_veel


def test_lees_blad_refuses_content_in_a_column_after_max_kolommen() -> None:
    assert geweigerd(werkmap(["a", "b", "c", "d", "e"]), max_kolommen=4) == (
        "Het werkblad heeft gegevens buiten het verwachte bereik (cel E1); "
        "verwijder ze en probeer het opnieuw."
    )


@pytest.mark.parametrize(
    "ver_weg",
    [
        '<c r="XFD1048576" s="1"/>',
        '<c r="XFD1048576" s="1"></c>',  # as Go's encoding/xml writes an empty element
        "<c r='Z30'\n s='1' />",
    ],
    ids=["self-closing", "open-and-closed", "quotes-and-newline"],
)
def test_lees_blad_reads_a_sheet_with_empty_styled_cells_far_away(ver_weg: str) -> None:
    inhoud = blad(
        f'<row r="1"><c r="A1"><v>1</v></c></row><row r="30">{ver_weg}</row>',
        voor='<dimension ref="A1:XFD1048576"/>',
    )
    assert gelezen(inhoud) == [(1, (1.0, None, None, None))]


@pytest.mark.parametrize(
    ("cellen", "verwacht"),
    [
        pytest.param('<x:c r="B2"><x:v>1</x:v></x:c>', [(2, (None, 1.0, None, None))], id="prefix"),
        pytest.param(
            '<c s="0" t="n" r="B2"><v>1</v></c>', [(2, (None, 1.0, None, None))], id="r-not-first"
        ),
        pytest.param(
            "<c  r = 'b2' ><v>1</v></c>", [(2, (None, 1.0, None, None))], id="spaces-lowercase"
        ),
    ],
)
def test_lees_blad_reads_other_spellings_of_a_cell(cellen: str, verwacht: list[Any]) -> None:
    assert gelezen(blad(f"<row>{cellen}</row>", extra=f' xmlns:x="{HOOFD}"')) == verwacht


@pytest.mark.parametrize(
    ("cellen", "melding"),
    [
        pytest.param('<x:c r="Z2"><x:v>1</x:v></x:c>', "Z2", id="prefix"),
        pytest.param('<:c r="Z2"><v>1</v></:c>', "Z2", id="empty-prefix"),  # a cell to calamine
        pytest.param('<c s="0" r="Z2"><v>1</v></c>', "Z2", id="r-not-first"),
        pytest.param("<c r='z2'><v>1</v></c>", "Z2", id="quotes-lowercase"),
        pytest.param('<c r="A21"><v>1</v></c>', "Het werkblad heeft meer dan 20 regels.", id="row"),
        pytest.param('<c r="A21"><f>1+1</f></c>', "Het werkblad heeft meer dan 20 regels.", id="f"),
        pytest.param("<c><v>1</v></c>", ZONDER_VERWIJZING, id="no-reference"),
        pytest.param('<c t="n"><v>1</v></c>', ZONDER_VERWIJZING, id="no-reference-attribute"),
        pytest.param('<c r="A1" r="Z1"><v>1</v></c>', BESCHADIGD, id="r-twice"),
        pytest.param('<c r="A&#49;"><v>1</v></c>', BESCHADIGD, id="entity-in-reference"),
    ],
)
def test_lees_blad_refuses_cells_outside_the_limits_however_written(
    cellen: str, melding: str
) -> None:
    inhoud = blad(f'<row r="2">{cellen}</row>', extra=f' xmlns:x="{HOOFD}"')
    if len(melding) < 5:
        melding = (
            f"Het werkblad heeft gegevens buiten het verwachte bereik (cel {melding}); "
            "verwijder ze en probeer het opnieuw."
        )
    assert geweigerd(inhoud) == melding


def grote_blad_met(cel: bytes, begin: int) -> bytes:
    """A sheet of more than 1 MB, read in blocks of 1 MB, with `cel` starting at byte `begin`."""
    kop = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{HOOFD}"><sheetData>').encode()
    rij = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="2">'
    # Empty cells (harmless anywhere), their styles varied so that the zip does not find them
    # suspiciously compressible.
    toeval = random.Random(1)
    ruimte = begin - len(kop) - len(rij)
    stukken, rest = divmod(ruimte, len(b'<c r="B2" s="0000"/>'))
    opvulling = b"".join(b'<c r="B2" s="%04d"/>' % toeval.randrange(10_000) for _ in range(stukken))
    data = kop + rij + opvulling + b" " * rest + cel
    assert data.index(cel) == begin
    return met_onderdeel(werkmap(), BLAD, data + b"</row></sheetData></worksheet>")


@pytest.mark.parametrize("verschuiving", [-30, -20, -12, -9, -5, -3, -1, 0, 1])
def test_lees_blad_sees_a_cell_whole_where_a_block_ends(verschuiving: int) -> None:
    blok = 1024 * 1024
    leeg = b'<c r="XFD2" s="1">  </c>'
    assert gelezen(grote_blad_met(leeg, blok + verschuiving)) == [(1, (1.0, None, None, None))]
    vol = b'<c r="XFD2"><v>1</v></c>'
    assert geweigerd(grote_blad_met(vol, blok + verschuiving)) == (
        "Het werkblad heeft gegevens buiten het verwachte bereik (cel XFD2); "
        "verwijder ze en probeer het opnieuw."
    )
    formule = b'<c r="C2"><f>A1</f></c>'
    assert lees_blad(
        grote_blad_met(formule, blok + verschuiving), max_rijen=5, max_kolommen=4
    ).formules_zonder_waarde == {"C2"}


def test_lees_blad_refuses_a_workbook_without_sheets() -> None:
    werkboek = (
        f'<workbook xmlns="{HOOFD}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships"><sheets/></workbook>'
    )
    inhoud = met_onderdeel(werkmap(), "xl/workbook.xml", werkboek.encode())
    assert geweigerd(inhoud) == "De werkmap heeft geen werkbladen."
    assert bladnamen(inhoud) == []


def test_lees_blad_refuses_a_utf16_sheet_that_calamine_would_read_as_empty() -> None:
    assert geweigerd(met_blad(codering="UTF-16")) == BESCHADIGD


def test_openpyxl_parses_xml_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True
    from openpyxl.xml import functions

    assert functions.fromstring.__module__.startswith("defusedxml")


# --- lees_blad in parts: calamine reads a large sheet some rows at a time --------------------

NIET_OP_VOLGORDE = (
    "De cellen van het werkblad staan niet in de volgorde van de regels. "
    "Open het in Excel, sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw."
)


@pytest.fixture
def delen(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The parts calamine reads, by index, as it reads them."""
    gelezen: list[int] = []
    echt = calamine._deel

    def tel(werkmap: Any, index: int, *args: int) -> Any:
        gelezen.append(index)
        return echt(werkmap, index, *args)

    monkeypatch.setattr(calamine, "_deel", tel)
    return gelezen


def in_delen(
    monkeypatch: pytest.MonkeyPatch, rijen: int, grootte: int = 2**22, blok: int = 2**20
) -> None:
    """Cut sheets into parts of `rijen` rows and about `grootte` bytes, read `blok` at a time."""
    monkeypatch.setattr(verkenning, "DEEL_RIJEN", rijen)
    monkeypatch.setattr(verkenning, "DEEL_BYTES", grootte)
    monkeypatch.setattr(verkenning, "_BLOK", blok)


def gevarieerd() -> tuple[bytes, list[Any]]:
    """A workbook (openpyxl's, with shared strings) of 40 rows, some blank, some starting in
    column B, and what lees_blad reads from it in 5 columns."""
    boek = Workbook()
    verwacht = []
    for nummer in range(1, 41):
        if nummer % 7 == 0:
            boek.active.append([])  # a blank row: no <row> at all
        elif nummer % 5 == 0:
            boek.active.append([None, f"tekst {nummer}"])
            verwacht.append((nummer, (None, f"tekst {nummer}", None, None, None)))
        else:
            rij = [f"regel {nummer}", nummer * 1.5, nummer % 2 == 0, date(2025, 1, nummer % 28 + 1)]
            boek.active.append(rij)
            verwacht.append((nummer, (*rij, None)))
    uit = io.BytesIO()
    boek.save(uit)
    return uit.getvalue(), verwacht


@pytest.mark.parametrize(
    ("rijen", "grootte", "blok", "aantal"),
    [
        (10_000, 2**22, 2**20, 1),  # one part: as calamine reads the sheet as a whole
        (1, 2**22, 2**20, 35),
        (3, 2**22, 2**20, 12),
        (3, 2**22, 1_000, 12),  # the cuts fall in many windows
        (34, 2**22, 1_000, 2),
        (10_000, 600, 2**20, None),  # parts by their size: several rows each
        (10_000, 1, 700, 35),  # a row each
    ],
)
def test_lees_blad_reads_a_sheet_in_parts_as_a_whole(
    monkeypatch: pytest.MonkeyPatch,
    delen: list[int],
    rijen: int,
    grootte: int,
    blok: int,
    aantal: int | None,
) -> None:
    inhoud, verwacht = gevarieerd()
    in_delen(monkeypatch, rijen, grootte, blok)
    assert gelezen(inhoud, max_rijen=40, max_kolommen=5) == verwacht
    if aantal is None:
        assert 2 < len(delen) < 35
    else:
        assert delen == list(range(aantal))


def test_lees_blad_reads_blank_rows_at_the_edges_of_parts(
    monkeypatch: pytest.MonkeyPatch, delen: list[int]
) -> None:
    in_delen(monkeypatch, rijen=2)
    inhoud = blad(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"/>'  # ends in a blank row
        '<row r="3"><c r="B3" s="1"/></row><row r="4"/>'  # blank rows only: no cells
        '<row r="5"><c r="C5"><v>5</v></c></row>'
        '<row r="9"><c r="A9" t="inlineStr"><is><t></t></is></c></row>'  # its last cell is ""
        '<row r="10"><c r="B10" t="inlineStr"><is><t>tien</t></is></c></row>'
        '<row r="11"><c r="D11"><v>11</v></c></row>'
    )
    assert gelezen(inhoud) == [
        (1, (1.0, None, None, None)),
        (5, (None, None, 5.0, None)),
        (10, (None, "tien", None, None)),
        (11, (None, None, None, 11.0)),
    ]
    assert delen == [0, 1, 2, 3]


@pytest.mark.parametrize("rijen", [2, 10_000])
def test_lees_blad_reads_a_part_of_empty_strings_only(
    monkeypatch: pytest.MonkeyPatch, rijen: int
) -> None:
    in_delen(monkeypatch, rijen=rijen)
    leeg = '<row r="{0}"><c r="B{0}" t="inlineStr"><is><t></t></is></c></row>'
    assert gelezen(blad(leeg.format(1) + leeg.format(2))) == []
    assert gelezen(
        blad(leeg.format(1) + leeg.format(2) + '<row r="3"><c r="A3"><v>3</v></c></row>')
    ) == [(3, (3.0, None, None, None))]


def test_lees_blad_cuts_a_sheet_with_prefixes(
    monkeypatch: pytest.MonkeyPatch, delen: list[int]
) -> None:
    in_delen(monkeypatch, rijen=1)
    rijen = "".join(
        f'<x:row r="{n}"><x:c r="B{n}"><x:v>{n}</x:v></x:c></x:row>' for n in range(1, 4)
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{HOOFD}">'
        f'<x:dimension ref="B1:B3"/><x:sheetData>{rijen}</x:sheetData></x:worksheet>'
    )
    inhoud = met_onderdeel(werkmap(), BLAD, xml.encode())
    assert gelezen(inhoud, max_kolommen=2) == [(n, (None, float(n))) for n in range(1, 4)]
    assert delen == [0, 1, 2]


@pytest.mark.parametrize(
    "tussen",
    ["<!-- <row/> -->", "<?iets?>", "<c r='A1'><v>1</v></c>"],
    ids=["comment", "processing-instruction", "cell-before-sheetData"],
)
def test_lees_blad_does_not_cut_where_rows_cannot_be_told_apart(
    monkeypatch: pytest.MonkeyPatch, delen: list[int], tussen: str
) -> None:
    in_delen(monkeypatch, rijen=1)
    rijen = [f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 5)]
    if tussen.startswith("<c"):
        inhoud = blad("".join(rijen), voor=f"<sheetPr>{tussen}</sheetPr>")
    else:
        inhoud = blad("".join([*rijen[:2], tussen, *rijen[2:]]))
    assert gelezen(inhoud) == [(n, (float(n), None, None, None)) for n in range(1, 5)]
    assert len(delen) == (1 if tussen.startswith("<c") else 2)  # cut before it, not after


def test_lees_blad_refuses_cells_out_of_row_order_across_parts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inhoud = blad(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
        '<row r="3"><c r="B2"><v>3</v></c></row>'  # a cell of row 2, in the next part
    )
    assert gelezen(inhoud) == [(1, (1.0, None, None, None)), (2, (2.0, 3.0, None, None))]
    in_delen(monkeypatch, rijen=2)
    rijen = lees_blad(inhoud, max_rijen=20, max_kolommen=4).rijen
    assert next(rijen) == (1, (1.0, None, None, None))
    with pytest.raises(ExcelFout) as fout:
        next(rijen)  # row 2 was held back: never given in part
    assert str(fout.value) == NIET_OP_VOLGORDE


def test_lees_blad_raises_calamine_errors_in_a_later_part_while_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inhoud = blad(
        "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 4))
        + '<row r="4"><c r="A4" t="b"><v>x</v></c></row>'  # no boolean: calamine refuses it
    )
    assert geweigerd(inhoud) == BESCHADIGD
    in_delen(monkeypatch, rijen=2)
    rijen = lees_blad(inhoud, max_rijen=20, max_kolommen=4).rijen
    assert next(rijen) == (1, (1.0, None, None, None))
    with pytest.raises(ExcelFout) as fout:
        next(rijen)
    assert str(fout.value) == BESCHADIGD


def geopend_in(map_: Path) -> list[str]:
    """The files in `map_` (removed ones too) this process has open."""
    geopend = []
    for nummer in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if (doel := os.readlink(f"/proc/self/fd/{nummer}")).startswith(str(map_)):
                geopend.append(doel)
    return geopend


@pytest.mark.parametrize("einde", ["read", "closed", "consumer-error", "unread", "calamine-error"])
def test_lees_blad_leaves_no_file_behind(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, einde: str
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    in_delen(monkeypatch, rijen=2)
    rijen = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 10))
    if einde == "calamine-error":
        rijen += '<row r="10"><c r="A10" t="b"><v>x</v></c></row>'
    inhoud = blad(rijen)

    def lees() -> None:
        gelezen_blad = lees_blad(inhoud, max_rijen=20, max_kolommen=4)
        assert list(tmp_path.iterdir()) == []  # removed before the first row
        assert [naam for naam in geopend_in(tmp_path) if calamine.TIJDELIJK_VOORVOEGSEL in naam]
        if einde == "unread":
            return
        gelezen_rijen = gelezen_blad.rijen
        next(gelezen_rijen)
        if einde == "closed":
            gelezen_rijen.close()
            assert geopend_in(tmp_path) == []
        elif einde == "consumer-error":
            raise RuntimeError("the consumer failed")
        else:
            collections.deque(gelezen_rijen, maxlen=0)
            assert geopend_in(tmp_path) == []

    fout = {"consumer-error": RuntimeError, "calamine-error": ExcelFout}.get(einde)
    with pytest.raises(fout) if fout else contextlib.nullcontext():
        lees()
    gc.collect()
    assert list(tmp_path.iterdir()) == []
    assert geopend_in(tmp_path) == []
