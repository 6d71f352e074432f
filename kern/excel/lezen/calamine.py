"""The import reader: one sheet, scanned (`verkenning`), then read by calamine."""

from __future__ import annotations

import contextlib
import itertools
import os
import posixpath
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError

from .controle import (
    BESCHADIGD,
    DOCTYPE,
    DOCTYPES,
    EXCEL_MAX_KOLOMMEN,
    EXCEL_MAX_RIJEN,
    GEEN_WERKBLADEN,
    MAX_ONDERDELEN,
    NIET_OP_VOLGORDE,
    TE_VEEL_TEKSTEN,
    ZIPFOUTEN,
    ExcelFout,
    ontbrekend_blad,
    open_werkmap,
)
from .verkenning import Verkenning, blad_deel, kopieer_blad, lees_blok

MAX_CELLEN = 5_000_000  # max_rijen x max_kolommen of lees_blad: calamine's largest block
MAX_TEKSTEN_EXTRA = 100_000  # shared strings allowed on top of one per cell within the limits
TIJDELIJK_VOORVOEGSEL = "werkmap-"  # of the temporary file calamine reads (removed at once)


@dataclass(frozen=True)
class Blad:
    """One sheet as `lees_blad` read it.

    ``rijen`` yields ``(row number, values)`` for every row with at least one value, in order;
    each tuple has exactly ``max_kolommen`` entries. Empty cells and empty strings are None;
    numbers are floats (as stored), booleans bools, dates in a date format date or datetime
    (a time alone: time), text str as typed. An error value such as #DIV/0! is None too (so
    calamine gives it) and is listed in ``foutwaarden`` with the value as the file stores it
    (Excel's English code, whatever the language of the program that wrote it). A formula
    gives its cached value; one without (the file was never recalculated) gives None and is
    listed in ``formules_zonder_waarde``.

    calamine reads the sheet a part at a time as ``rijen`` is read, so an error it finds in a
    later part (a value it cannot read, as in ``<c t="b"><v>x</v></c>``) is raised by ``rijen``,
    as an `ExcelFout`; so are cells that are not in the order of their rows. The refusals of the
    scan all come from `lees_blad` itself. ``rijen`` holds calamine's workbook open (its file is
    removed already) until it is exhausted, closed or dropped.
    """

    naam: str
    rijen: Iterator[tuple[int, tuple[Any, ...]]]
    samengevoegd: tuple[str, ...]  # merged ranges as written, e.g. ("E14:F14",)
    formules_zonder_waarde: frozenset[str]  # cell references such as "E14"
    foutwaarden: Mapping[str, str]  # cells holding an error value: "E14" -> "#DIV/0!"


def bladnamen(inhoud: bytes) -> list[str]:
    """The names of all sheets, hidden ones included, in the workbook's order."""
    with open_werkmap(inhoud) as archief:
        return list(_werkboek(archief).bladen)


def lees_blad(inhoud: bytes, *, blad: str | None = None, max_rijen: int, max_kolommen: int) -> Blad:
    """Sheet ``blad`` (None: the first sheet), refused if it has content outside the limits.

    Every refusal is an `ExcelFout` with a Dutch message, raised here, before a row is read
    (but those of calamine in a later part of a large sheet: see `Blad`).
    """
    if not (
        0 < max_rijen <= EXCEL_MAX_RIJEN
        and 0 < max_kolommen <= EXCEL_MAX_KOLOMMEN
        and max_rijen * max_kolommen <= MAX_CELLEN
    ):
        # calamine holds every cell from A1 to the last one: the limits bound its memory.
        raise ValueError(f"limits out of range: {max_rijen} rows, {max_kolommen} columns")
    with open_werkmap(inhoud) as archief:
        werkboek = _werkboek(archief)
        if blad is None:
            if not werkboek.bladen:
                raise ExcelFout(GEEN_WERKBLADEN)
            blad = next(iter(werkboek.bladen))
        if blad not in werkboek.bladen:
            raise ExcelFout(ontbrekend_blad(blad))
        deel = werkboek.bladen[blad]
        if deel is None:
            raise ExcelFout(BESCHADIGD)
        verkenning = Verkenning(max_rijen, max_kolommen)
        bestand, pad = tempfile.mkstemp(prefix=TIJDELIJK_VOORVOEGSEL, suffix=".xlsx")
        try:
            with open(bestand, "w+b") as kopie, zipfile.ZipFile(kopie, "w") as nieuw:
                delen = kopieer_blad(archief, deel, nieuw, verkenning)
                if werkboek.teksten:
                    max_teksten = max_rijen * max_kolommen + MAX_TEKSTEN_EXTRA
                    _kopieer(archief, werkboek.teksten, nieuw, "xl/sharedStrings.xml", max_teksten)
                if werkboek.stijlen:
                    _kopieer(archief, werkboek.stijlen, nieuw, "xl/styles.xml")
                nieuw.writestr("[Content_Types].xml", _inhoudstypen(delen))
                nieuw.writestr("_rels/.rels", _PAKKET_RELATIES)
                nieuw.writestr("xl/workbook.xml", _werkboek_xml(werkboek.datum1904, delen))
                nieuw.writestr("xl/_rels/workbook.xml.rels", _werkboek_relaties(delen))
            werkmap = _calamine_werkmap(pad)
        finally:
            # calamine has the file open: nothing is left behind, however the rows are read.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(pad)
    try:
        # The first part now, so that a sheet of one part fails here or not at all.
        eerste = _deel(werkmap, 0, max_rijen, max_kolommen)
    except BaseException:
        werkmap.close()
        raise
    return Blad(
        naam=blad,
        rijen=_rijen(werkmap, eerste, delen, max_rijen, max_kolommen),
        samengevoegd=tuple(verkenning.samengevoegd),
        formules_zonder_waarde=frozenset(verkenning.formules),
        foutwaarden=verkenning.foutwaarden,
    )


@dataclass(frozen=True)
class _Werkboek:
    bladen: dict[str, str | None]  # sheet name -> its part (None: not found), in order
    datum1904: bool
    teksten: str | None  # the shared strings part
    stijlen: str | None  # the styles part


def _werkboek(archief: zipfile.ZipFile) -> _Werkboek:
    """The sheets of xl/workbook.xml, their parts found through xl/_rels/workbook.xml.rels."""
    namen = {o.filename.lower(): o.filename for o in archief.infolist()}
    relaties: dict[str, tuple[str, str | None]] = {}  # id -> (type, part)
    if relaties_deel := namen.get("xl/_rels/workbook.xml.rels"):
        for _, attributen in _elementen(archief, relaties_deel, {"Relationship"}):
            if attributen.get("TargetMode") == "External" or "Id" not in attributen:
                continue
            doel = _deel_van(attributen.get("Target", ""), namen)
            relaties[attributen["Id"]] = (attributen.get("Type", ""), doel)
    bladen: dict[str, str | None] = {}
    datum1904 = False
    for naam, attributen in _elementen(archief, namen["xl/workbook.xml"], {"sheet", "workbookPr"}):
        if naam == "workbookPr":
            datum1904 = attributen.get("date1904", "").lower() in ("1", "true")
        elif "name" in attributen:
            # r:id, whatever the prefix: the attribute "id" in a namespace.
            rid = next((w for s, w in attributen.items() if s.endswith("}id")), None)
            bladen.setdefault(attributen["name"], relaties.get(rid or "", ("", None))[1])

    def deel_van_soort(soort: str, standaard: str) -> str | None:
        gevonden = (d for t, d in relaties.values() if t.endswith("/" + soort) and d)
        return next(gevonden, namen.get(standaard))

    return _Werkboek(
        bladen=bladen,
        datum1904=datum1904,
        teksten=deel_van_soort("sharedStrings", "xl/sharedstrings.xml"),
        stijlen=deel_van_soort("styles", "xl/styles.xml"),
    )


def _deel_van(doel: str, namen: dict[str, str]) -> str | None:
    """The zip entry a relationship of xl/workbook.xml points at (relative to xl/)."""
    pad = doel[1:] if doel.startswith("/") else posixpath.join("xl", doel)
    for kandidaat in (pad, unquote(pad)):
        if gevonden := namen.get(posixpath.normpath(kandidaat).lower()):
            return gevonden
    return None


def _elementen(
    archief: zipfile.ZipFile, deel: str, gezocht: set[str]
) -> Iterator[tuple[str, dict[str, str]]]:
    """(local name, attributes) of each element named in `gezocht`, streamed from XML `deel`."""
    from defusedxml import DTDForbidden
    from defusedxml.ElementTree import iterparse

    gevonden = 0
    try:
        with archief.open(deel) as stroom:
            open_elementen = []
            for gebeurtenis, element in iterparse(stroom, events=("start", "end"), forbid_dtd=True):
                if gebeurtenis == "start":
                    open_elementen.append(element)
                    continue
                open_elementen.pop()
                if open_elementen:
                    open_elementen[-1].remove(element)  # keep memory flat, however long the part
                naam = element.tag.rpartition("}")[2]
                if naam in gezocht:
                    gevonden += 1
                    if gevonden > MAX_ONDERDELEN:  # a sheet or a relationship per part, at most
                        raise ExcelFout(BESCHADIGD)
                    yield naam, dict(element.attrib)
    except DTDForbidden:
        raise ExcelFout(DOCTYPE) from None
    except (ParseError, *ZIPFOUTEN):
        raise ExcelFout(BESCHADIGD) from None


def _kopieer(
    archief: zipfile.ZipFile, deel: str, nieuw: zipfile.ZipFile, naam: str, max_teksten: int = 0
) -> None:
    """Copy part `deel` as `naam`, checking it for a DOCTYPE and, if asked, counting strings."""
    staart = b""
    teksten = 0
    try:
        bron = archief.open(deel)
    except ZIPFOUTEN:
        raise ExcelFout(BESCHADIGD) from None
    with bron, nieuw.open(naam, "w") as doel:
        while blok := lees_blok(bron):
            venster = (staart + blok).upper()
            if any(doctype in venster for doctype in DOCTYPES):
                raise ExcelFout(DOCTYPE)
            if max_teksten:
                # Every <si>, prefixed or not (and some closing tags: counting high is safe).
                teksten += blok.count(b"<si") + blok.count(b":si")
                if teksten > max_teksten:
                    raise ExcelFout(TE_VEEL_TEKSTEN)
            doel.write(blok)
            staart = blok[-len(DOCTYPES[-1]) :]


def _inhoudstypen(delen: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/{blad_deel(nummer)}" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for nummer in range(1, delen + 1)
        )
        + "</Types>"
    )


_PAKKET_RELATIES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)


def _werkboek_relaties(delen: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{nummer}" Target="worksheets/sheet{nummer}.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet"/>'
            for nummer in range(1, delen + 1)
        )
        + "</Relationships>"
    )


def _werkboek_xml(datum1904: bool, delen: int) -> str:
    """A workbook with a sheet for each part of the one sheet read."""
    bladen = "".join(
        f'<sheet name="Deel {nummer}" sheetId="{nummer}" r:id="rId{nummer}"/>'
        for nummer in range(1, delen + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<workbookPr date1904="{int(datum1904)}"/><sheets>{bladen}</sheets></workbook>'
    )


def _calamine_werkmap(pad: str) -> Any:
    """The workbook at `pad`, opened by calamine (which reads the sheets only when asked)."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(pad)
    except Exception:  # CalamineError and its kin, and whatever else a broken file causes
        raise ExcelFout(BESCHADIGD) from None
    except BaseException as fout:
        if _is_paniek(fout):
            raise ExcelFout(BESCHADIGD) from None
        raise


def _is_paniek(fout: BaseException) -> bool:
    """A Rust panic in calamine, which pyo3 raises as a BaseException."""
    return type(fout).__name__ == "PanicException"


@dataclass
class _Deel:
    """One part of the sheet as calamine read it: its rows from its first to its last cell."""

    boven: int  # the row (from 0) of its first cell
    links: int  # the column (from 0) of its leftmost cell
    onder: int  # the row of its last cell
    breedte: int
    rijen: list[list[Any]]


def _deel(werkmap: Any, index: int, max_rijen: int, max_kolommen: int) -> _Deel | None:
    """Part `index` of the sheet (None: it has no cells), read and converted by calamine."""
    try:
        bereik = werkmap.get_sheet_by_index(index)
        begin, einde = bereik.start, bereik.end
        if begin is None or einde is None:
            return None
        if einde[0] >= max_rijen or einde[1] >= max_kolommen:
            raise ExcelFout(BESCHADIGD)  # the scan let something through: never read past it
        # All at once: iter_rows would give the empty rows above the part first.
        return _Deel(begin[0], begin[1], einde[0], bereik.width, bereik.to_python())
    except ExcelFout:
        raise
    except Exception:  # a value calamine cannot convert, such as a date out of range
        raise ExcelFout(BESCHADIGD) from None
    except BaseException as fout:
        if _is_paniek(fout):
            raise ExcelFout(BESCHADIGD) from None
        raise


_LEEG = {"": None}  # calamine gives "" for an empty cell


def _rijen(
    werkmap: Any, eerste: _Deel | None, delen: int, max_rijen: int, max_kolommen: int
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The rows with a value, part by part, each part dropped before the next is read.

    The last row of a part is held back until the next part is known to start below that
    part's last cell: so no row is given twice or in pieces, even from a sheet whose cells are
    not in the order of their rows (which no spreadsheet program writes); that is refused.
    """
    leeg = _LEEG.get
    vorige = -1  # the last row with a cell in the parts before
    wachtend: tuple[int, tuple[Any, ...]] | None = None
    try:
        for index in range(delen):
            deel = eerste if index == 0 else _deel(werkmap, index, max_rijen, max_kolommen)
            eerste = None
            if deel is None:
                continue
            if deel.boven <= vorige:
                raise ExcelFout(NIET_OP_VOLGORDE)
            vorige = deel.onder
            if wachtend is not None:
                yield wachtend
                wachtend = None
            rijen, breedte, nummer = deel.rijen, deel.breedte, deel.boven
            voor = (None,) * deel.links
            na = (None,) * (max_kolommen - deel.links - breedte)
            del deel
            laatste = len(rijen) - 1  # the last row with a value is held back
            while laatste > 0 and rijen[laatste].count("") == breedte:
                laatste -= 1
            if not rijen or rijen[laatste].count("") == breedte:
                laatste = -1  # none has a value: empty strings only
            if voor or na:
                for rij in itertools.islice(rijen, max(laatste, 0)):
                    nummer += 1
                    if rij.count("") != breedte:
                        yield nummer, (*voor, *map(leeg, rij, rij), *na)
                if laatste >= 0:
                    rij = rijen[laatste]
                    wachtend = nummer + 1, (*voor, *map(leeg, rij, rij), *na)
            else:
                for rij in itertools.islice(rijen, max(laatste, 0)):
                    nummer += 1
                    if rij.count("") != breedte:
                        yield nummer, tuple(map(leeg, rij, rij))
                if laatste >= 0:
                    rij = rijen[laatste]
                    wachtend = nummer + 1, tuple(map(leeg, rij, rij))
            del rijen  # before the next part is read
        if wachtend is not None:
            yield wachtend
    finally:
        werkmap.close()
