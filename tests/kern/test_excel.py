"""What `kern.excel` refuses, and what it reads. Every file is built here, in memory."""

from __future__ import annotations

import io
import random
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import Workbook

from kern.excel import (
    MAX_ONDERDELEN,
    MAX_ONGECOMPRIMEERD,
    OLE2_MAGIC,
    ExcelFout,
    controleer_xlsx,
    lees_rijen,
)

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
OUD_OF_BEVEILIGD = (
    "Dit is een oud Excel-bestand (.xls) of een met een wachtwoord beveiligd bestand. "
    "Sla het op als Excel-werkmap (.xlsx) zonder wachtwoord en probeer het opnieuw."
)
GEEN_XLSX = "Dit is geen Excel-werkmap (.xlsx); alleen .xlsx-bestanden worden gelezen."
GEEN_WERKBOEK = "Dit is geen Excel-werkmap (.xlsx): het werkboekdeel ontbreekt."
MACROS = "Deze werkmap bevat macro's (.xlsm). Sla haar op als gewone Excel-werkmap (.xlsx)."
DOCTYPE = "De werkmap bevat een DOCTYPE-declaratie en wordt niet gelezen."
BESCHADIGD = "Het bestand is beschadigd: het is geen geldige Excel-werkmap."
TE_GROOT = "De werkmap is uitgepakt te groot om veilig te lezen."
TE_STERK_GECOMPRIMEERD = "De werkmap is verdacht sterk gecomprimeerd en wordt niet gelezen."
TE_VEEL_ONDERDELEN = "De werkmap bestaat uit te veel onderdelen om veilig te lezen."


def werkmap(*rijen: list[Any]) -> bytes:
    boek = Workbook()
    for rij in rijen:
        boek.active.append(rij)
    uit = io.BytesIO()
    boek.save(uit)
    return uit.getvalue()


def met_onderdeel(inhoud: bytes, naam: str, data: bytes) -> bytes:
    """The workbook with part `naam` replaced by, or added as, `data`."""
    uit = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(inhoud)) as oud,
        zipfile.ZipFile(uit, "w", zipfile.ZIP_DEFLATED) as nieuw,
    ):
        for onderdeel in oud.infolist():
            if onderdeel.filename != naam:
                nieuw.writestr(onderdeel.filename, oud.read(onderdeel))
        nieuw.writestr(naam, data)
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


@pytest.mark.parametrize(
    ("maak", "melding"),
    [
        pytest.param(lambda: b"", LEEG, id="empty"),
        pytest.param(lambda: OLE2_MAGIC + bytes(4096), OUD_OF_BEVEILIGD, id="xls-or-password"),
        pytest.param(lambda: random.Random(7).randbytes(4096), GEEN_XLSX, id="random-bytes"),
        pytest.param(
            lambda: b"gemeentecode;gemeentenaam\r\nGM0363;Amsterdam\r\n", GEEN_XLSX, id="csv"
        ),
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
            lambda: met_opvulling(werkmap(["a"]), BLAD, megabytes=2),
            TE_STERK_GECOMPRIMEERD,
            id="compression-ratio",
        ),
        pytest.param(te_veel_onderdelen, TE_VEEL_ONDERDELEN, id="too-many-parts"),
    ],
)
def test_refuses_what_is_not_a_plain_workbook(maak: Callable[[], bytes], melding: str) -> None:
    with pytest.raises(ExcelFout) as fout:
        lees(maak())
    assert str(fout.value) == melding


@pytest.mark.parametrize("codering", ["UTF-8", "UTF-16"])
def test_the_hand_written_sheet_is_read_without_a_doctype(codering: str) -> None:
    # The control for the DOCTYPE cases above: without one, the same sheet is read.
    assert lees(met_blad(codering=codering)) == [(1, ("hallo", None, None))]


@pytest.fixture(scope="module")
def zipbom() -> bytes:
    """A workbook whose sheet is followed by just over 100 MB of spaces (about 100 kB zipped)."""
    megabytes = MAX_ONGECOMPRIMEERD // 2**20 + 1
    return met_opvulling(werkmap(["a"]), BLAD, megabytes)


def controleer_zuinig(inhoud: bytes) -> ExcelFout:
    """Check `inhoud`, expecting a refusal, and that the check used less than 5 MB and 1 s."""
    tracemalloc.start()
    begin = time.perf_counter()
    try:
        with pytest.raises(ExcelFout) as fout:
            controleer_xlsx(inhoud)
        piek = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert piek < 5 * 2**20, f"the check used {piek / 2**20:.1f} MB"
    assert time.perf_counter() - begin < 1
    return fout.value


def test_refuses_a_zip_bomb_by_its_declared_size(zipbom: bytes) -> None:
    assert len(zipbom) < 1 * 2**20
    assert str(controleer_zuinig(zipbom)) == TE_GROOT


def test_refuses_a_zip_bomb_that_lies_about_its_size(zipbom: bytes) -> None:
    leugen = met_opgegeven_grootte(zipbom, BLAD, 1_000)
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
