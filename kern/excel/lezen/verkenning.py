"""The scan of a sheet's XML before calamine reads it, and its cutting into parts.

See the docstring of `kern.excel.lezen` for why every sheet is scanned first.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO

from .controle import (
    BESCHADIGD,
    DOCTYPE,
    DOCTYPES,
    TE_VEEL_SAMENGEVOEGD,
    ZIPFOUTEN,
    ZONDER_VERWIJZING,
    ExcelFout,
    buiten_bereik,
    te_veel_foutwaarden,
    te_veel_regels,
)

MAX_SAMENGEVOEGD = 10_000  # merged ranges on one sheet
MAX_CELLEN_EXTRA = 1_000_000  # cells with content allowed on top of those within the limits
MAX_FOUTWAARDEN = 100_000  # cells holding an error value (#DIV/0!) on one sheet
_BLOK = 1024 * 1024  # bytes of a part read at a time
# calamine holds one part of a sheet at a time (`_Delen`), of at most so many rows and about
# so many bytes of XML: its memory does not grow with the number of rows.
DEEL_RIJEN = 10_000
DEEL_BYTES = 4 * 1024 * 1024
_MAX_DELEN = 1_000

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
# A cell holding an error value: t="e" (calamine gives it as an empty cell), its value in <v>.
_FOUTSOORT = re.compile(rb"""\st\s*=\s*(?:"e"|'e')""")
_WAARDE = re.compile(rb"<" + _VOORVOEGSEL + rb"v(?:\s[^<>]*)?>([^<]*)<")
_CEL_EINDE = re.compile(rb"</" + _VOORVOEGSEL + rb"c\s*>")
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
class Verkenning:
    """What the scan of one sheet found so far; refuses as soon as it finds a reason."""

    max_rijen: int
    max_kolommen: int
    samengevoegd: list[str] = field(default_factory=list)
    formules: list[str] = field(default_factory=list)
    foutwaarden: dict[str, str] = field(default_factory=dict)  # "E14" -> "#DIV/0!"
    cellen: int = 0
    samenvoegingen: int = 0
    _codes: dict[str, str] = field(default_factory=dict)  # each error value's text kept once

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
        if b'"e"' in venster or b"'e'" in venster:
            for treffer in _FOUTSOORT.finditer(venster):
                self._foutwaarde(venster, treffer.start())
        if b"mergeCell" in venster:
            # Counted loosely (the <mergeCells> around them too), as calamine would read them.
            self.samenvoegingen += venster.count(b"mergeCell")
            if self.samenvoegingen > MAX_SAMENGEVOEGD + 2:
                raise ExcelFout(TE_VEEL_SAMENGEVOEGD)
            self.samengevoegd += (r.decode().upper() for r in _SAMENVOEGING.findall(venster))

    def _foutwaarde(self, venster: bytes, positie: int) -> None:
        """Note the error value of the cell whose start tag has t="e" at `positie`, if it is one."""
        tag = _CEL_TAG.match(venster, venster.rfind(b"<", 0, positie))
        if tag is None or tag.end() <= positie or tag[0].endswith(b"/>"):
            return  # not a cell's start tag, or a cell without a value
        attributen = {naam: w1 or w2 for naam, w1, w2 in _ATTRIBUUT.findall(tag[1])}
        verwijzing = attributen.get(b"r", b"")
        if attributen.get(b"t") != b"e" or not re.fullmatch(_VERWIJZING, verwijzing):
            return
        einde = _CEL_EINDE.search(venster, tag.end())
        waarde = _WAARDE.search(venster, tag.end(), einde.start() if einde else len(venster))
        if waarde is None:
            return  # no cached value: a formula without one is listed as such
        if len(self.foutwaarden) >= MAX_FOUTWAARDEN:
            raise ExcelFout(te_veel_foutwaarden(MAX_FOUTWAARDEN))
        code = waarde[1].strip().decode("utf-8", "replace")
        self.foutwaarden[verwijzing.decode().upper()] = self._codes.setdefault(code, code)

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


def lees_blok(stroom: IO[bytes]) -> bytes:
    try:
        return stroom.read(_BLOK)
    except ZIPFOUTEN:
        raise ExcelFout(BESCHADIGD) from None


def kopieer_blad(
    archief: zipfile.ZipFile, deel: str, nieuw: zipfile.ZipFile, verkenning: Verkenning
) -> int:
    """Scan sheet part `deel` a window at a time and copy what was scanned into `nieuw`, cut
    into parts (see `_Delen`); returns how many."""
    try:
        bron = archief.open(deel)
    except ZIPFOUTEN:
        raise ExcelFout(BESCHADIGD) from None
    with bron, _Delen(nieuw) as delen:
        rest = b""
        eerste = True
        while True:
            blok = lees_blok(bron)
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


def blad_deel(nummer: int) -> str:
    return f"xl/worksheets/sheet{nummer}.xml"


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
        self.doel = self.nieuw.open(blad_deel(self.aantal), "w")
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
    if any(doctype in hoofdletters for doctype in DOCTYPES):
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
