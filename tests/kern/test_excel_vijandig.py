"""Hostile workbooks through `kern.excel.lees_blad`, each in a child process with bounded memory.

Each file is built here with zipfile, streamed, so that the test process never holds what the
file unpacks to. The child has an address-space limit (a runaway allocation fails there, not on
this machine) and reports how far its resident memory grew (its peak, VmHWM): every refusal
stays far below ``GROEI``, and reading ten times as many rows takes hardly more. The refusals
that need no memory to make (an empty file, a DOCTYPE, a .xls file) are in ``test_excel.py``,
for both readers.
"""

from __future__ import annotations

import io
import itertools
import multiprocessing
import random
import resource
import struct
import zipfile
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

import pytest

from kern.excel import ExcelFout, lees_blad

GROEI = 200  # MB a child may grow by while reading one file
RUIMTE = 1024**3  # bytes of address space a child may add: a runaway allocation fails at once
HOOFD = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BLAD = "xl/worksheets/sheet1.xml"
BESCHADIGD = "Het bestand is beschadigd: het is geen geldige Excel-werkmap."

# Children are forked from a server that has imported this module (and so kern.excel) once.
_KINDEREN = multiprocessing.get_context("forkserver")
_KINDEREN.set_forkserver_preload([__name__])


def _status(veld: str) -> int:
    """A field of /proc/self/status, in kB."""
    with open("/proc/self/status") as status:
        for regel in status:
            if regel.startswith(veld + ":"):
                return int(regel.split()[1])
    raise AssertionError(f"{veld} is not in /proc/self/status")


def _lees_in_kind(inhoud: bytes, grenzen: dict[str, int], uit: Connection) -> None:
    begin = _status("VmRSS")
    ruimte = _status("VmSize") * 1024 + RUIMTE
    resource.setrlimit(resource.RLIMIT_AS, (ruimte, ruimte))
    uitkomst: Any
    aantal = 0
    try:
        rijen = lees_blad(inhoud, **grenzen).rijen
        uitkomst = list(itertools.islice(rijen, 3))
        aantal = len(uitkomst) + sum(1 for _ in rijen)  # read the rest too, keeping nothing
    except ExcelFout as fout:
        uitkomst = str(fout)
    uit.send((uitkomst, (_status("VmHWM") - begin) / 1024, aantal))


def in_kind(inhoud: bytes, max_rijen: int = 100_000, max_kolommen: int = 8) -> Any:
    """What `lees_blad` makes of `inhoud` in a child: the message, or the first rows."""
    return meting_in_kind(inhoud, max_rijen, max_kolommen)[0]


def meting_in_kind(
    inhoud: bytes, max_rijen: int = 100_000, max_kolommen: int = 8
) -> tuple[Any, float, int]:
    """`in_kind`'s answer, how many MB the child grew by (its peak), and how many rows it read."""
    ontvanger, zender = _KINDEREN.Pipe(duplex=False)
    grenzen = {"max_rijen": max_rijen, "max_kolommen": max_kolommen}
    kind = _KINDEREN.Process(target=_lees_in_kind, args=(inhoud, grenzen, zender))
    kind.start()
    zender.close()
    try:
        uitkomst, groei, aantal = ontvanger.recv() if ontvanger.poll(120) else (None, None, 0)
    except EOFError:  # the child died without a word
        uitkomst, groei, aantal = None, None, 0
    kind.join(10)
    assert kind.exitcode == 0, f"the child ended with {kind.exitcode} (a negative number: a signal)"
    assert groei is not None, "the child sent nothing"
    assert groei < GROEI, f"the child grew by {groei} MB"
    return uitkomst, groei, aantal


def werkmap(
    blad: Iterator[bytes], gedeelde_teksten: Iterator[bytes] | None = None, *, niveau: int = 6
) -> tuple[bytes, int]:
    """A workbook whose one sheet (and shared strings) are written piece by piece.

    Returns the zip and the size the sheet unpacks to. `niveau` is the zlib level.
    """
    relaties = (
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    )
    if gedeelde_teksten is not None:
        relaties += (
            '<Relationship Id="rId2" Target="sharedStrings.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
        )
    uit = io.BytesIO()
    with zipfile.ZipFile(uit, "w", zipfile.ZIP_DEFLATED, compresslevel=niveau) as archief:
        archief.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats'
            '.org/officeDocument/2006/relationships/officeDocument"/></Relationships>',
        )
        archief.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{HOOFD}" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets>'
            '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archief.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{relaties}</Relationships>',
        )
        groot = 0
        with archief.open(BLAD, "w") as stroom:
            for stuk in blad:
                groot += stroom.write(stuk)
        if gedeelde_teksten is not None:
            with archief.open("xl/sharedStrings.xml", "w") as stroom:
                for stuk in gedeelde_teksten:
                    stroom.write(stuk)
    return uit.getvalue(), groot


def blad(*rijen: bytes, voor: bytes = b"") -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{HOOFD}">'.encode()
    yield voor + b"<sheetData>"
    yield from rijen
    yield b"</sheetData></worksheet>"


def spaties(megabytes: int) -> Iterator[bytes]:
    blok = b" " * 2**20
    for _ in range(megabytes):
        yield blok


def met_opgegeven_grootte(inhoud: bytes, naam: str, grootte: int) -> bytes:
    """The zip with both headers of part `naam` claiming it unpacks to `grootte` bytes."""
    data = bytearray(inhoud)
    with zipfile.ZipFile(io.BytesIO(inhoud)) as archief:
        struct.pack_into("<I", data, archief.getinfo(naam).header_offset + 22, grootte)
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


@pytest.fixture(scope="module")
def zipbom_500mb() -> bytes:
    """514 kB that unpacks to 500 MB: one cell, then spaces."""
    cel = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    inhoud, groot = werkmap(blad(cel, *spaties(500)))
    assert len(inhoud) < 520 * 1024
    assert groot > 500 * 2**20
    return inhoud


def test_a_whitespace_zip_bomb_is_refused(zipbom_500mb: bytes) -> None:
    assert in_kind(zipbom_500mb) == (
        "De werkmap is uitgepakt te groot om veilig te lezen: een werkblad beslaat uitgepakt "
        "500 MB, de hele werkmap mag hoogstens 100 MB zijn."
    )


def test_a_whitespace_zip_bomb_that_lies_about_its_size_is_refused(zipbom_500mb: bytes) -> None:
    # Only the claimed 1,000 bytes are unpacked; their checksum gives the lie away, and calamine
    # reads a copy of what was checked, never the part itself.
    assert in_kind(met_opgegeven_grootte(zipbom_500mb, BLAD, 1_000)) == BESCHADIGD


def test_a_shared_string_of_200_mb_is_refused() -> None:
    tekst = iter([b'<sst xmlns="%s"><si><t>' % HOOFD.encode(), *spaties(200), b"</t></si></sst>"])
    inhoud, _ = werkmap(blad(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), tekst)
    assert in_kind(inhoud) == (
        "De werkmap is uitgepakt te groot om veilig te lezen: de tekst in de cellen beslaat "
        "uitgepakt 200 MB, de hele werkmap mag hoogstens 100 MB zijn."
    )


def test_too_many_shared_strings_are_refused() -> None:
    teksten = b"".join(b"<si><t>%d</t></si>" % nummer for nummer in range(200_000))
    tekst = iter([b'<sst xmlns="%s">' % HOOFD.encode(), teksten, b"</sst>"])
    inhoud, _ = werkmap(blad(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), tekst)
    assert in_kind(inhoud, max_rijen=1_000) == (
        "De werkmap heeft te veel verschillende teksten om veilig te lezen."
    )


def drie_miljoen_rijen() -> Iterator[bytes]:
    """A cell in each of 3,000,000 rows (calamine needs no <row> around them)."""
    for begin in range(1, 3_000_001, 100_000):
        yield b"".join(b'<c r="A%d"><v>1</v></c>' % rij for rij in range(begin, begin + 100_000))


def test_three_million_rows_are_refused() -> None:
    inhoud, groot = werkmap(blad(*drie_miljoen_rijen()), niveau=1)
    assert groot < 100 * 2**20  # within the unpacked size allowed: the scan must do it
    assert in_kind(inhoud) == "Het werkblad heeft meer dan 100000 regels."


def test_the_same_cell_a_million_times_is_refused() -> None:
    # calamine keeps every value it reads before it builds the sheet; the limits hold 8,000.
    toeval = random.Random(3)
    cellen = b"".join(
        b'<c r="A1"><v>%d</v></c>' % toeval.randrange(10**6) for _ in range(1_200_000)
    )
    inhoud, _ = werkmap(blad(b'<row r="1">', cellen, b"</row>"))
    assert in_kind(inhoud, max_rijen=1_000) == BESCHADIGD


EEN = b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'


def test_a_value_in_the_last_cell_excel_has_is_refused() -> None:
    # Without the scan, calamine would ask for A1:XFD1048576 at once and abort the process.
    inhoud, _ = werkmap(blad(EEN, b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
    assert len(inhoud) < 5_000
    assert in_kind(inhoud) == (
        "Het werkblad heeft gegevens buiten het verwachte bereik (cel XFD1048576); "
        "verwijder ze en probeer het opnieuw."
    )


@pytest.mark.parametrize(
    ("voor", "ver_weg"),
    [
        (b'<dimension ref="A1:XFD1048576"/>', b""),
        (b"", b'<row r="1048576"><c r="XFD1048576" s="1"/></row>'),
    ],
    ids=["dimension", "empty-styled-cell"],
)
def test_a_sheet_that_only_claims_the_last_cell_is_read(voor: bytes, ver_weg: bytes) -> None:
    inhoud, _ = werkmap(blad(EEN, ver_weg, voor=voor))
    assert in_kind(inhoud) == [(1, ("a", None, None, None, None, None, None, None))]


def import_rijen(aantal: int) -> Iterator[bytes]:
    """`aantal` rows of 8 cells as in the historical import, as openpyxl writes them (inline
    strings), a thousand at a time."""
    rij = (
        b'<row r="%(n)d"><c r="A%(n)d" t="inlineStr"><is><t>besteding</t></is></c>'
        b'<c r="B%(n)d" t="inlineStr"><is><t>GM%(g)04d</t></is></c>'
        b'<c r="C%(n)d" t="inlineStr"><is><t>Gemeente %(g)d</t></is></c>'
        b'<c r="D%(n)d" t="n"><v>%(j)d</v></c>'
        b'<c r="E%(n)d" t="inlineStr"><is><t>doel_%(d)02d</t></is></c>'
        b'<c r="F%(n)d" t="n"><v>%(n)d.25</v></c><c r="G%(n)d" t="n"><v>%(n)d.25</v></c>'
        b'<c r="H%(n)d" t="inlineStr"><is><t>opmerking %(n)d</t></is></c></row>'
    )
    for begin in range(1, aantal + 1, 1_000):
        yield b"".join(
            rij % {b"n": n, b"g": n % 342 + 1, b"j": 2015 + n % 10, b"d": n % 15 + 1}
            for n in range(begin, min(begin + 1_000, aantal + 1))
        )


def test_memory_does_not_grow_with_the_number_of_rows() -> None:
    # calamine holds one part of the sheet at a time. Read as one dense block, as before,
    # 100,000 rows took some 60 MB more than 10,000.
    groei = {}
    for aantal in (10_000, 100_000):
        inhoud, _ = werkmap(blad(*import_rijen(aantal)), niveau=1)
        eerste, groei[aantal], gelezen = meting_in_kind(inhoud)
        assert gelezen == aantal
        assert eerste[0] == (
            1,
            ("besteding", "GM0002", "Gemeente 2", 2016.0, "doel_02", 1.25, 1.25, "opmerking 1"),
        )
    assert groei[100_000] - groei[10_000] < 10, groei
