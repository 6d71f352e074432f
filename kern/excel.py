"""Reading workbooks safely. Knows nothing of any domain.

Every check that can be done on the raw bytes runs before a parser sees the file
(`controleer_xlsx`): the file must be a real .xlsx (a zip with an ``xl/workbook.xml`` part),
not an old or encrypted OLE2 file, a web page or a csv file, not a macro workbook, not a zip
bomb, no two parts may share a name, and no XML part may carry a DOCTYPE (entity expansion,
external entities).

Two readers follow it:

- `lees_blad`, for imports: one sheet, fast and with bounded memory, read by python-calamine
  (Rust: 100,000 rows of 8 columns in about 1.3 s all in, where openpyxl's read-only mode takes
  6 to 13). calamine has one property that shapes everything around it: it builds a sheet as
  one dense block from its first to its last non-empty cell, so a 5 kB file with values in A1
  and XFD1048576 makes it ask for half a terabyte and the process aborts, which no ``except``
  can catch. So calamine never sees a sheet that has not been scanned first, and the limits
  themselves are capped (`MAX_CELLEN`). The scan streams the sheet's XML a megabyte at a time
  with byte-level regular expressions (a few passes in C per megabyte, no Python work per
  ordinary cell) and refuses a cell with content outside ``max_rijen`` x ``max_kolommen``, a
  cell without a reference (calamine would count positions itself; Excel, LibreOffice and
  openpyxl always write references, so such a file is refused rather than read another way),
  too many merged ranges, more cells than the limits hold, a DOCTYPE. Empty cells far away (a
  styled range, an old selection) are no reason to refuse: calamine drops empty cells; the
  ``<dimension>`` element, which only sizes a buffer, is removed. What calamine then reads is a
  workbook written here, to a temporary file, from the bytes the scan saw (the sheet, the
  shared strings and the styles, with a workbook part and relationships of our own), so no
  difference between Python's zip reader and calamine's (a part that lies about its size,
  names that differ only in case, how a relationship target is resolved) can make calamine
  read bytes that were not checked. Parts it does not read are not checked for a DOCTYPE.
  That workbook holds the sheet cut at row boundaries into parts of at most `DEEL_RIJEN` rows
  and about `DEEL_BYTES` bytes, each a sheet of its own (with the sheet's own beginning; the
  shared strings are read once), and calamine reads one part at a time as the rows are taken,
  dropping each before it reads the next: its memory does not grow with the number of rows
  (a sheet that cannot be cut safely is read whole, as before). The scan of the whole sheet
  is done, and the file removed, before the first row is given.
- `lees_rijen`, openpyxl's read-only mode on the first sheet, for the CBS list: slower, but
  it never builds a sheet in memory, so it needs no scan.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import posixpath
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, Any
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

MAX_ONGECOMPRIMEERD = 100 * 1024 * 1024  # all parts together, as declared in the zip
MAX_ONDERDELEN = 2_000
MAX_COMPRESSIEFACTOR = 200  # per part larger than 1 MB uncompressed
EXCEL_MAX_RIJEN = 1_048_576  # the last row Excel has; rows past it are not read
EXCEL_MAX_KOLOMMEN = 16_384  # column XFD
MAX_CELLEN = 5_000_000  # max_rijen x max_kolommen of lees_blad: calamine's largest block
MAX_SAMENGEVOEGD = 10_000  # merged ranges on one sheet
MAX_TEKSTEN_EXTRA = 100_000  # shared strings allowed on top of one per cell within the limits
MAX_CELLEN_EXTRA = 1_000_000  # cells with content allowed on top of those within the limits
_BLOK = 1024 * 1024  # bytes of a part read at a time
# calamine holds one part of a sheet at a time (`_Delen`), of at most so many rows and about
# so many bytes of XML: its memory does not grow with the number of rows.
DEEL_RIJEN = 10_000
DEEL_BYTES = 4 * 1024 * 1024
_MAX_DELEN = 1_000
TIJDELIJK_VOORVOEGSEL = "werkmap-"  # of the temporary file calamine reads (removed at once)
# XML parts of a workbook are UTF-8 or UTF-16 (ECMA-376 part 2); look for each spelling.
_DOCTYPES = tuple("<!DOCTYPE".encode(codering) for codering in ("utf-8", "utf-16-le", "utf-16-be"))
_VERSLEUTELD = "EncryptedPackage".encode("utf-16-le")  # the stream of a password-protected file
_CONTROLETEKENS = bytes(range(32)).translate(None, b"\t\n\r") + b"\x7f"  # not in a csv file

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
BESCHADIGD = "Het bestand is beschadigd: het is geen geldige Excel-werkmap."
DOCTYPE = "De werkmap bevat een DOCTYPE-declaratie en wordt niet gelezen."
GEEN_WERKBLADEN = "De werkmap heeft geen werkbladen."
ZONDER_VERWIJZING = (
    "Het werkblad heeft cellen zonder celverwijzing en wordt niet gelezen. "
    "Open het in Excel, sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw."
)
TE_VEEL_SAMENGEVOEGD = "Het werkblad heeft te veel samengevoegde cellen om veilig te lezen."
TE_VEEL_TEKSTEN = "De werkmap heeft te veel verschillende teksten om veilig te lezen."
NIET_OP_VOLGORDE = (
    "De cellen van het werkblad staan niet in de volgorde van de regels. "
    "Open het in Excel, sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw."
)


class ExcelFout(ValueError):
    """The file cannot be read as a workbook; the message is for the user, in Dutch."""


def te_veel_regels(max_rijen: int) -> str:
    return f"Het werkblad heeft meer dan {max_rijen} regels."


def buiten_bereik(cel: str) -> str:
    return (
        f"Het werkblad heeft gegevens buiten het verwachte bereik (cel {cel}); "
        "verwijder ze en probeer het opnieuw."
    )


def ontbrekend_blad(naam: str) -> str:
    return f'Het werkblad "{naam}" ontbreekt.'


# --- Checks on the raw bytes ------------------------------------------------------------------


def is_xlsx(inhoud: bytes) -> bool:
    return inhoud.startswith(ZIP_MAGIC)


def controleer_xlsx(inhoud: bytes) -> None:
    """Refuse anything that is not a plain, reasonably sized .xlsx workbook."""
    archief = _open_werkmap(inhoud)
    for o in archief.infolist():
        if o.filename.lower().endswith((".xml", ".rels", ".vml")) and _heeft_doctype(archief, o):
            raise ExcelFout(DOCTYPE)


def _open_werkmap(inhoud: bytes) -> zipfile.ZipFile:
    """The zip, after every check of `controleer_xlsx` but the one for a DOCTYPE.

    `lees_blad` does that one itself, in the parts it reads: reading every part of the zip
    once more would take longer than the scan of the sheet.
    """
    if not inhoud:
        raise ExcelFout(LEEG)
    if inhoud.startswith(OLE2_MAGIC):
        raise ExcelFout(BEVEILIGD if _VERSLEUTELD in inhoud else OUD_XLS)
    if not inhoud.startswith(ZIP_MAGIC):
        raise ExcelFout(_geen_werkmap(inhoud))
    try:
        archief = zipfile.ZipFile(io.BytesIO(inhoud))
        onderdelen = archief.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExcelFout(BESCHADIGD) from None
    namen = {o.filename.lower() for o in onderdelen}
    if len(namen) < len(onderdelen):
        # Readers differ in which of two parts with one name they take (and whether case counts).
        raise ExcelFout(BESCHADIGD)
    if "xl/workbook.xml" not in namen:
        raise ExcelFout("Dit is geen Excel-werkmap (.xlsx): het werkboekdeel ontbreekt.")
    if any(naam.endswith("vbaproject.bin") for naam in namen):
        raise ExcelFout(
            "Deze werkmap bevat macro's (.xlsm). Sla haar op als gewone Excel-werkmap (.xlsx)."
        )
    if len(onderdelen) > MAX_ONDERDELEN:
        raise ExcelFout("De werkmap bestaat uit te veel onderdelen om veilig te lezen.")
    totaal = sum(o.file_size for o in onderdelen)
    if totaal > MAX_ONGECOMPRIMEERD:
        grootste = max(onderdelen, key=lambda o: o.file_size)
        raise ExcelFout(
            f"De werkmap is uitgepakt te groot om veilig te lezen: {_wat(grootste)} beslaat "
            f"uitgepakt {grootste.file_size / 2**20:.0f} MB, de hele werkmap mag hoogstens "
            f"{MAX_ONGECOMPRIMEERD / 2**20:.0f} MB zijn."
        )
    for o in onderdelen:
        if o.file_size > 1024 * 1024 and o.file_size > MAX_COMPRESSIEFACTOR * max(
            o.compress_size, 1
        ):
            raise ExcelFout(
                f"De werkmap is verdacht sterk gecomprimeerd ({_wat(o)} is ingepakt "
                f"{o.file_size // max(o.compress_size, 1)} keer zo klein) en wordt niet gelezen."
            )
    return archief


def _wat(onderdeel: zipfile.ZipInfo) -> str:
    """A part of the workbook as its user would call it."""
    naam = onderdeel.filename.lower()
    if naam.startswith("xl/worksheets/"):
        return "een werkblad"
    if naam == "xl/sharedstrings.xml":
        return "de tekst in de cellen"
    if naam == "xl/styles.xml":
        return "de opmaak"
    return f"het onderdeel {onderdeel.filename}"


def _geen_werkmap(inhoud: bytes) -> str:
    """What to tell someone whose file is not a zip: web page, csv file, or just not a workbook."""
    begin = inhoud[:4096]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        begin = begin.removeprefix(bom)
    kop = begin.lstrip().lower()
    if kop.startswith(b"<!doctype html") or b"<html" in kop[:1024]:
        return WEBPAGINA
    if kop.startswith(b"<") and not kop.startswith(b"<?xml"):
        return WEBPAGINA  # an HTML fragment, such as the <table> some systems call .xls
    eerste_regel = begin.split(b"\n", 1)[0]
    is_tekst = len(begin.translate(None, _CONTROLETEKENS)) == len(begin)
    if is_tekst and any(scheiding in eerste_regel for scheiding in (b";", b",", b"\t")):
        return TEKSTBESTAND
    return GEEN_XLSX


def _heeft_doctype(archief: zipfile.ZipFile, onderdeel: zipfile.ZipInfo) -> bool:
    staart = b""
    try:
        with archief.open(onderdeel) as stroom:
            while blok := stroom.read(64 * 1024):
                venster = (staart + blok).upper()
                if any(doctype in venster for doctype in _DOCTYPES):
                    return True
                staart = blok[-len(_DOCTYPES[-1]) :]
    except _ZIPFOUTEN:
        raise ExcelFout(BESCHADIGD) from None
    return False


# Everything reading a part of a (possibly hostile) zip can raise.
_ZIPFOUTEN = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    KeyError,
    NotImplementedError,
    zlib.error,
)


# --- The import reader: one sheet, scanned, then read by calamine ----------------------------


@dataclass(frozen=True)
class Blad:
    """One sheet as `lees_blad` read it.

    ``rijen`` yields ``(row number, values)`` for every row with at least one value, in order;
    each tuple has exactly ``max_kolommen`` entries. Empty cells and empty strings are None;
    numbers are floats (as stored), booleans bools, dates in a date format date or datetime
    (a time alone: time), text str as typed. An error value such as #DIV/0! is None too (so
    calamine gives it). A formula gives its cached value; one without (the file was never
    recalculated) gives None and is listed in ``formules_zonder_waarde``.

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


def bladnamen(inhoud: bytes) -> list[str]:
    """The names of all sheets, hidden ones included, in the workbook's order."""
    with _open_werkmap(inhoud) as archief:
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
    with _open_werkmap(inhoud) as archief:
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
        verkenning = _Verkenning(max_rijen, max_kolommen)
        bestand, pad = tempfile.mkstemp(prefix=TIJDELIJK_VOORVOEGSEL, suffix=".xlsx")
        try:
            with open(bestand, "w+b") as kopie, zipfile.ZipFile(kopie, "w") as nieuw:
                delen = _kopieer_blad(archief, deel, nieuw, verkenning)
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
    except (ParseError, *_ZIPFOUTEN):
        raise ExcelFout(BESCHADIGD) from None


def _lees(stroom: IO[bytes]) -> bytes:
    try:
        return stroom.read(_BLOK)
    except _ZIPFOUTEN:
        raise ExcelFout(BESCHADIGD) from None


def _kopieer(
    archief: zipfile.ZipFile, deel: str, nieuw: zipfile.ZipFile, naam: str, max_teksten: int = 0
) -> None:
    """Copy part `deel` as `naam`, checking it for a DOCTYPE and, if asked, counting strings."""
    staart = b""
    teksten = 0
    try:
        bron = archief.open(deel)
    except _ZIPFOUTEN:
        raise ExcelFout(BESCHADIGD) from None
    with bron, nieuw.open(naam, "w") as doel:
        while blok := _lees(bron):
            venster = (staart + blok).upper()
            if any(doctype in venster for doctype in _DOCTYPES):
                raise ExcelFout(DOCTYPE)
            if max_teksten:
                # Every <si>, prefixed or not (and some closing tags: counting high is safe).
                teksten += blok.count(b"<si") + blok.count(b":si")
                if teksten > max_teksten:
                    raise ExcelFout(TE_VEEL_TEKSTEN)
            doel.write(blok)
            staart = blok[-len(_DOCTYPES[-1]) :]


def _blad_deel(nummer: int) -> str:
    return f"xl/worksheets/sheet{nummer}.xml"


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
            f'<Override PartName="/{_blad_deel(nummer)}" ContentType="application/'
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


# The patterns of the scan. calamine takes an element's name after its prefix (<x:c> is a
# cell), and reads the attribute "r" only without one. A cell's start is "<c" or "<x:c"
# followed by a space, "/" or ">"; a name with another character after the "c" is not a cell.
_VOORVOEGSEL = rb"(?:[^\s<>/:]*:)?"  # quick-xml cuts at the first colon, even "<:c"
_CEL_BEGIN = rb"<" + _VOORVOEGSEL + rb"c(?=[\s/>])"
_CEL_BEGIN_PATROON = re.compile(_CEL_BEGIN)
_ANDER_ATTRIBUUT = rb"""\s+(?!r\s*=)[^\s=<>/"']+\s*=\s*(?:"[^"<>]*"|'[^'<>]*')"""
_VERWIJZING = rb"[A-Za-z]+[0-9]+"
# The start tag of a cell, its attributes in group 1.
_CEL_TAG = re.compile(
    _CEL_BEGIN + rb"""((?:\s+[^\s=<>/"']+\s*=\s*(?:"[^"<>]*"|'[^'<>]*'))*)\s*/?>"""
)
_ATTRIBUUT = re.compile(rb"""([^\s=<>/"']+)\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)')""")
_CEL_ZONDER_WAARDE = rb"""(?:/>|>\s*</""" + _VOORVOEGSEL + rb"""c\s*>)"""
_VOORVOEGSEL_CEL = re.compile(rb":c[\s/>]")  # <x:c>: a window with one gets the full scan
# A formula without a cached value: "</f>", perhaps an empty <v>, "</c>". The spelling of
# Excel, LibreOffice and openpyxl, and one with prefixes and spaces. (A shared formula's
# <f .../> without a value, which no program writes, is not recognised.)
_FORMULE_ZONDER_WAARDE = re.compile(rb"</f>(?:<v\s*/>|<v\s*>\s*</v\s*>)?</c>")
_FORMULE_OVERAL = re.compile(
    rb"</P:f\s*>\s*(?:<P:v\s*/>|<P:v\s*>\s*</P:v\s*>)?\s*</P:c\s*>".replace(b"P:", _VOORVOEGSEL)
)
_SAMENVOEGING = re.compile(
    rb"<" + _VOORVOEGSEL + rb"""mergeCell\s[^<>]*?\bref\s*=\s*["']([A-Za-z0-9:$]+)["']"""
)
_DIMENSIE = re.compile(rb"<" + _VOORVOEGSEL + rb"dimension(?:\s[^<>]*)?/?>")
# The parts of a sheet (`_Delen`): its root element, the start of its rows, a row's start.
_WORTEL = re.compile(rb"<([^\s<>/?!]+)")
_BLADGEGEVENS = re.compile(rb"<(" + _VOORVOEGSEL + rb")sheetData(?:\s[^<>]*)?(?<!/)>")
_RIJ_BEGIN = re.compile(rb"<" + _VOORVOEGSEL + rb"row(?=[\s/>])")


def _hoogstens(
    grens: str, alles: bytes, teken: Callable[[str], bytes], kleiner: Callable[[str], bytes]
) -> bytes:
    """A pattern for the strings of `alles` that are at most `grens`, read as numbers.

    That is: shorter ones (column letters have no zero, and rows with leading zeros only come
    out longer, so are refused), or as long and smaller where they first differ, or `grens`.
    `kleiner` gives the class of the characters below one, or b"" if there are none.
    """
    delen = [alles + b"{1,%d}" % (len(grens) - 1)] if len(grens) > 1 else []
    for plaats, letter in enumerate(grens):
        if lager := kleiner(letter):
            rest = len(grens) - plaats - 1
            delen.append(
                b"".join(map(teken, grens[:plaats]))
                + lager
                + (alles + b"{%d}" % rest if rest else b"")
            )
    delen.append(b"".join(map(teken, grens)))
    return b"(?:" + b"|".join(delen) + b")"


def _letter(c: str) -> bytes:
    return f"[{c}{c.lower()}]".encode()


def _lagere_letters(c: str) -> bytes:
    vorige = chr(ord(c) - 1)
    return f"[A-{vorige}a-{vorige.lower()}]".encode() if c > "A" else b""


def _lagere_cijfers(c: str) -> bytes:
    return f"[0-{chr(ord(c) - 1)}]".encode() if c > "0" else b""


@lru_cache(maxsize=32)
def _patronen(max_rijen: int, max_kolommen: int) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """(fast, full) for these limits.

    The fast pattern finds every ``<c`` that is not ``<c r="ref"`` with `ref` within the
    limits, but is a cell; a window without one (nor a prefixed cell) needs nothing more. The full
    pattern finds every cell that is refused: one without a well-formed start tag with an "r",
    or with content (anything but ``/>`` or ``></c>``) outside the limits.
    """
    kolom = _hoogstens(_kolomletters(max_kolommen), b"[A-Za-z]", _letter, _lagere_letters)
    rij = _hoogstens(str(max_rijen), b"[0-9]", str.encode, _lagere_cijfers)
    binnen = kolom + rij

    def met_r(waarde: bytes) -> bytes:
        anders = rb"(?:" + _ANDER_ATTRIBUUT + rb")*"
        return anders + rb"""\s+r\s*=\s*(?:"%s"|'%s')""" % (waarde, waarde) + anders + rb"\s*"

    snel = re.compile(rb'<c(?: (?!r="' + binnen + rb'")|[\t\n\r\f\v/>])')
    goed = met_r(binnen) + rb"/?>|" + met_r(_VERWIJZING) + _CEL_ZONDER_WAARDE
    grondig = re.compile(_CEL_BEGIN + rb"(?!" + goed + rb")")
    return snel, grondig


@dataclass
class _Verkenning:
    """What the scan of one sheet found so far; refuses as soon as it finds a reason."""

    max_rijen: int
    max_kolommen: int
    samengevoegd: list[str] = field(default_factory=list)
    formules: list[str] = field(default_factory=list)
    cellen: int = 0
    samenvoegingen: int = 0

    def verken(self, venster: bytes) -> None:
        """Scan `venster`: whole cells (see `_knip`). Each check is one pass in C."""
        snel, grondig = _patronen(self.max_rijen, self.max_kolommen)
        voorvoegsels = _VOORVOEGSEL_CEL.search(venster) is not None
        if (voorvoegsels or snel.search(venster)) and (fout := grondig.search(venster)):
            self._weiger(venster, fout.start())
        # Cells with content (and empty ones written as <c ...></c>: counting high is safe).
        self.cellen += venster.count(b"</c>") + (venster.count(b":c>") if voorvoegsels else 0)
        if self.cellen > self.max_rijen * self.max_kolommen + MAX_CELLEN_EXTRA:
            # More cells than the limits hold: the same cells over and over, to fill memory.
            raise ExcelFout(BESCHADIGD)
        if voorvoegsels or b"</f>" in venster:
            formule = _FORMULE_OVERAL if voorvoegsels else _FORMULE_ZONDER_WAARDE
            for treffer in formule.finditer(venster):
                if cel := _cel_voor(venster, treffer.start()):
                    self.formules.append(cel)
        if b"mergeCell" in venster:
            # Counted loosely (the <mergeCells> around them too), as calamine would read them.
            self.samenvoegingen += venster.count(b"mergeCell")
            if self.samenvoegingen > MAX_SAMENGEVOEGD + 2:
                raise ExcelFout(TE_VEEL_SAMENGEVOEGD)
            self.samengevoegd += (r.decode().upper() for r in _SAMENVOEGING.findall(venster))

    def _weiger(self, venster: bytes, positie: int) -> None:
        """Refuse the cell at `positie`, with the reason."""
        tag = _CEL_TAG.match(venster, positie)
        if tag is None:
            raise ExcelFout(BESCHADIGD)
        attributen = {naam: w1 or w2 for naam, w1, w2 in _ATTRIBUUT.findall(tag[1])}
        if b"r" not in attributen:
            raise ExcelFout(ZONDER_VERWIJZING)
        verwijzing = re.fullmatch(rb"([A-Za-z]+)([0-9]+)", attributen[b"r"])
        if verwijzing is None:
            raise ExcelFout(BESCHADIGD)
        if _kolomnummer(verwijzing[1]) > self.max_kolommen:
            raise ExcelFout(buiten_bereik(verwijzing[0].decode().upper()))
        if int(verwijzing[2]) > self.max_rijen:
            raise ExcelFout(te_veel_regels(self.max_rijen))
        raise ExcelFout(BESCHADIGD)  # within the limits, but not a tag calamine reads as we do


def _kopieer_blad(
    archief: zipfile.ZipFile, deel: str, nieuw: zipfile.ZipFile, verkenning: _Verkenning
) -> int:
    """Scan sheet part `deel` a window at a time and copy what was scanned into `nieuw`, cut
    into parts (see `_Delen`); returns how many."""
    try:
        bron = archief.open(deel)
    except _ZIPFOUTEN:
        raise ExcelFout(BESCHADIGD) from None
    with bron, _Delen(nieuw) as delen:
        rest = b""
        eerste = True
        while True:
            blok = _lees(bron)
            venster = rest + blok
            if blok:
                knip = _knip(venster)
                venster, rest = venster[:knip], venster[knip:]
            if eerste:
                _controleer_begin(venster)
                venster = _DIMENSIE.sub(b"", venster, count=1)  # only sizes a buffer
                verkenning.verken(venster)
                delen.begin(venster)
                eerste = False
            else:
                verkenning.verken(venster)
                delen.schrijf(venster)
            if not blok:
                return delen.aantal


class _Delen:
    """Writes a sheet, window by window, as sheets of at most `DEEL_RIJEN` rows and about
    `DEEL_BYTES` bytes each, so that calamine never holds more than one of them.

    Each part is cut before the start tag of a row: the sheet's own beginning up to and with
    ``<sheetData>``, its rows, and ``</sheetData></worksheet>``; the last part ends as the sheet
    does. Nothing is cut where the rows cannot be told apart with certainty: in a sheet whose
    beginning (in the first window) has no ``<sheetData>`` or has a cell, nor after a comment,
    CDATA section or processing instruction (where ``<row`` could be text), nor after the end
    of ``<sheetData>``, nor after `_MAX_DELEN` parts. What is left is one part, read whole as
    before. Every part holds only scanned bytes, so whatever calamine makes of a cut (a
    malformed file), the scan's limits hold for it; `_rijen` refuses parts out of order.
    """

    def __init__(self, nieuw: zipfile.ZipFile) -> None:
        self.nieuw = nieuw
        self.aantal = 0
        self.doel: IO[bytes] | None = None
        self.kop = b""  # the sheet up to and with <sheetData>, without <dimension>
        self.voet = b""
        self.knippen = False
        self.rij = b"<row"
        self.rijen = 0  # rows (their start tags) in the current part
        self.grootte = 0  # bytes of the current part after `kop`

    def __enter__(self) -> _Delen:
        return self

    def __exit__(self, *fout: object) -> None:
        if self.doel is not None:
            self.doel.close()

    def begin(self, venster: bytes) -> None:
        """The first window: the one that holds the sheet's beginning."""
        self._nieuw_deel()
        rijen = _BLADGEGEVENS.search(venster)
        wortel = _WORTEL.search(venster)
        if rijen is None or wortel is None or _CEL_BEGIN_PATROON.search(venster, 0, rijen.end()):
            self._schrijf(venster)
            return
        self.kop = venster[: rijen.end()]
        self.voet = b"</%ssheetData></%s>" % (rijen[1], wortel[1])
        self.rij = b"<%srow" % rijen[1]  # rows with another prefix are not cut before
        self.knippen = True
        self._schrijf(self.kop)
        self.grootte = 0
        self.schrijf(venster[rijen.end() :])

    def schrijf(self, venster: bytes) -> None:
        begin = 0
        if self.knippen:
            einde = self._einde(venster)
            while einde > begin:
                # One pass for how many rows (or more) there are; each only where a part ends.
                rijen = venster.count(self.rij, begin, einde)
                if self.rijen + rijen < DEEL_RIJEN and self.grootte + einde - begin <= DEEL_BYTES:
                    self.rijen += rijen
                    break
                knip = self._knippunt(venster, begin, einde)
                if knip < 0:
                    break
                self._schrijf(venster[begin:knip])
                self._nieuw_deel()
                begin = knip
                if self.aantal == _MAX_DELEN:  # (a sheet of empty rows) the rest is one part
                    self.knippen = False
                    break
        self._schrijf(venster[begin:] if begin else venster)

    def _einde(self, venster: bytes) -> int:
        """Where to stop cutting in `venster`: at a comment, CDATA section or processing
        instruction, or at the end of <sheetData>, and from there on."""
        einde = len(venster)
        for teken in (b"!", b"?"):  # "<!" and "<?", found fast through the rarer character
            positie = venster.find(teken, 1, einde)
            if positie > 0 and (positie := venster.find(b"<" + teken, positie - 1, einde)) >= 0:
                einde = positie
        if (positie := venster.find(b"sheetData", 0, einde)) >= 0:
            einde = positie
        self.knippen = einde == len(venster)
        return einde

    def _knippunt(self, venster: bytes, begin: int, einde: int) -> int:
        """The first row start in ``venster[begin:einde]`` where the current part is full, or -1
        (having counted the rows there)."""
        positie = venster.find(self.rij, begin, einde)
        while positie >= 0:
            if (
                self.rijen
                and (self.rijen >= DEEL_RIJEN or self.grootte + positie - begin > DEEL_BYTES)
                and _RIJ_BEGIN.match(venster, positie)  # not <rowSomething>
            ):
                return positie
            self.rijen += 1
            positie = venster.find(self.rij, positie + 1, einde)
        return -1

    def _nieuw_deel(self) -> None:
        if self.doel is not None:
            self.doel.write(self.voet)
            self.doel.close()
        self.aantal += 1
        self.doel = self.nieuw.open(_blad_deel(self.aantal), "w")
        self.doel.write(self.kop)
        self.rijen = self.grootte = 0

    def _schrijf(self, stuk: bytes) -> None:
        assert self.doel is not None
        self.doel.write(stuk)
        self.grootte += len(stuk)


def _controleer_begin(venster: bytes) -> None:
    """The sheet's first window: no DOCTYPE (it belongs before the root), and not UTF-16.

    calamine reads tags from the raw bytes, so it sees no cells in UTF-16, which no spreadsheet
    program writes; an empty sheet would be the wrong answer.
    """
    hoofdletters = venster.upper()
    if any(doctype in hoofdletters for doctype in _DOCTYPES):
        raise ExcelFout(DOCTYPE)
    if venster.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in venster[:4]:
        raise ExcelFout(BESCHADIGD)


def _knip(venster: bytes) -> int:
    """Where to cut: before the last cell that starts in `venster`, so that every cell before
    the cut is whole; without one, before its last tag; without that, at its end."""
    positie = len(venster)
    for _ in range(64):  # a cell has a handful of tags
        positie = venster.rfind(b"<", 0, positie)
        if positie <= 0:
            break
        if _CEL_BEGIN_PATROON.match(venster, positie):
            return positie
    laatste = venster.rfind(b"<")
    return laatste if laatste > 0 else len(venster)


def _cel_voor(venster: bytes, positie: int) -> str | None:
    """The reference of the cell whose content ends at `positie`."""
    for _ in range(8):
        positie = venster.rfind(b"<", 0, positie)
        if positie < 0:
            return None
        if tag := _CEL_TAG.match(venster, positie):
            for naam, w1, w2 in _ATTRIBUUT.findall(tag[1]):
                waarde: bytes = w1 or w2
                if naam == b"r" and re.fullmatch(_VERWIJZING, waarde):
                    return waarde.decode().upper()
            return None
    return None


def _kolomnummer(letters: bytes) -> int:
    nummer = 0
    for letter in letters.upper():
        nummer = nummer * 26 + letter - ord("A") + 1
    return nummer


def _kolomletters(nummer: int) -> str:
    letters = ""
    while nummer:
        nummer, rest = divmod(nummer - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


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


# --- The CBS reader: the first sheet through openpyxl ----------------------------------------


def lees_rijen(
    inhoud: bytes, *, max_rijen: int, max_kolommen: int
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of the first sheet, values only, within the given limits.

    Raises `ExcelFout` when a row after the first ``max_rijen`` has content (within
    ``max_kolommen``), also when blank rows come before it.
    """
    controleer_xlsx(inhoud)
    from openpyxl import load_workbook

    try:
        werkmap = load_workbook(io.BytesIO(inhoud), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken file
        raise ExcelFout(BESCHADIGD) from None
    try:
        rijen = _openpyxl_rijen(werkmap, max_kolommen)
        for nummer, rij in enumerate(itertools.islice(rijen, max_rijen), 1):
            yield nummer, rij
        # openpyxl fills the gaps between stored rows with this same empty row; skip them in C.
        leeg = (None,) * max_kolommen
        for rij in filter(leeg.__ne__, rijen):
            if any(waarde not in (None, "") for waarde in rij):
                raise ExcelFout(te_veel_regels(max_rijen))
    finally:
        werkmap.close()


def _openpyxl_rijen(werkmap: Any, max_kolommen: int) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows; the sheet is parsed as they are read, so errors come late."""
    try:
        blad = werkmap.worksheets[0]
        yield from blad.iter_rows(max_row=EXCEL_MAX_RIJEN, max_col=max_kolommen, values_only=True)
    except Exception:  # openpyxl and the XML parser raise many types for a broken sheet
        raise ExcelFout(BESCHADIGD) from None
