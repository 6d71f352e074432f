"""Messages about what a user sent: a cell of a workbook, a line of a list, the file as a whole.

A `Melding` says where (sheet and cell, or nothing: a line of a text list names itself in the
text), what (a full Dutch sentence) and how grave (`Ernst`). `Meldingen` collects them while a
file is read, keeps the first `MAX_MELDINGEN` (or the maximum it is given) and counts them all,
so that a user gets every problem at once and a file with a hundred thousand bad rows still
gives a readable answer. The Excel pipeline (`kern.excel`), the stored uploads
(`kern.uploads`) and a domain's own imports (the CBS list) use them;
`kern.excel.foutwerkmap` marks them in the user's own file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

MAX_MELDINGEN = 1_000  # messages kept; the rest are counted and summed up in one message
# Cells (and rows of ranges) remembered to give each cell one message. The checks of the
# file's structure come first, so these are theirs; past this, a cell may get a second one.
MAX_ONTHOUDEN = 100_000

_CEL_OF_BEREIK = re.compile(r"([A-Za-z]{1,3})([0-9]+)(?::([A-Za-z]{1,3})([0-9]+))?")


class Ernst(StrEnum):
    FOUT = "fout"  # the file cannot be taken in until this is put right
    WAARSCHUWING = "waarschuwing"  # taken in, but the user should look at it


@dataclass(frozen=True)
class Melding:
    """One problem in an uploaded workbook, at a cell, a sheet or the workbook as a whole."""

    blad: str  # the sheet's name; "" for the workbook as a whole
    cel: str  # "C7", a range "E14:F14", or "" for the sheet as a whole
    kolom: str  # the column's heading as the user knows it ("Besteed in 2015"); may be ""
    tekst: str  # a full Dutch sentence: '"1.234,5x" is geen bedrag.'
    ernst: Ernst = Ernst.FOUT
    regel: str = ""  # what the cell's row is about ("Vroegsignalering"); see `noem_regels`

    @property
    def plek(self) -> str:
        """``Verantwoording!C7``, ``Verantwoording`` or ``""``; with what the row is about,
        ``Verantwoording!E14 (Vroegsignalering, besteed in 2015)``."""
        plek = f"{self.blad}!{self.cel}" if self.blad and self.cel else self.blad or self.cel
        if self.regel and self.cel:
            # "Besteed in 2015" reads "besteed in 2015" after a name; "BRIN-code" stays.
            kolom = (
                self.kolom if self.kolom[1:2].isupper() else self.kolom[:1].lower() + self.kolom[1:]
            )
            plek += f" ({self.regel}, {kolom})" if kolom else f" ({self.regel})"
        return plek

    def __str__(self) -> str:
        return f"{self.plek}: {self.tekst}" if self.plek else self.tekst

    def als_dict(self) -> dict[str, str]:
        gegevens = {
            "blad": self.blad,
            "cel": self.cel,
            "kolom": self.kolom,
            "tekst": self.tekst,
            "ernst": self.ernst.value,
        }
        if self.regel:
            gegevens["regel"] = self.regel
        return gegevens

    @classmethod
    def van_dict(cls, gegevens: dict[str, str]) -> Melding:
        """The inverse of `als_dict`; raises ValueError for an unknown ``ernst``."""
        return cls(
            blad=gegevens.get("blad", ""),
            cel=gegevens.get("cel", ""),
            kolom=gegevens.get("kolom", ""),
            tekst=gegevens["tekst"],
            ernst=Ernst(gegevens.get("ernst", Ernst.FOUT.value)),
            regel=gegevens.get("regel", ""),
        )


class Meldingen:
    """Collects messages; keeps the first `MAX_MELDINGEN`, counts them all exactly.

    A file with a hundred thousand bad rows gives a thousand messages and one more that says
    how many were left out (`alle`, `fouten`, `waarschuwingen` each end with such a summary
    when they have to).

    One cell, one message: a message on a cell that has one already (or lies in a range that
    has one) is left out, unless it is an error and what the cell has is only a warning. The
    first is the most specific, as long as the checks of the file's structure come before
    the cells are read. Messages about a sheet or the workbook as a whole are all kept.
    """

    def __init__(self, maximum: int = MAX_MELDINGEN) -> None:
        self._maximum = maximum
        self._bewaard: list[Melding] = []
        self._aantal = {Ernst.FOUT: 0, Ernst.WAARSCHUWING: 0}
        self._weggelaten = {Ernst.FOUT: 0, Ernst.WAARSCHUWING: 0}
        self._cellen: dict[tuple[str, str], Ernst] = {}  # (sheet, "E14" or "E14:F15")
        # Per sheet and row, the columns (from, to) of the ranges with a message.
        self._bereiken: dict[str, dict[int, list[tuple[int, int, Ernst]]]] = {}
        self._onthouden = 0
        self._regels: dict[str, Mapping[int, str]] = {}

    def fout(self, blad: str, cel: str, tekst: str, kolom: str = "") -> None:
        self.voeg_toe(Melding(blad, cel, kolom, tekst, Ernst.FOUT))

    def waarschuwing(self, blad: str, cel: str, tekst: str, kolom: str = "") -> None:
        self.voeg_toe(Melding(blad, cel, kolom, tekst, Ernst.WAARSCHUWING))

    def noem_regels(self, blad: str, namen: Mapping[int, str]) -> None:
        """Say with each message on a cell of row ``rij`` of ``blad`` what that row is about,
        ``namen[rij]`` (a purpose, say): ``Verantwoording!E14 (Vroegsignalering, besteed in
        2015)``. Also for the messages recorded before: call it when the rows are known."""
        self._regels[blad] = namen

    def voeg_toe(self, melding: Melding) -> None:
        if melding.cel:
            bereik = _bereik(melding.cel)
            if self._heeft_al(melding, bereik):
                return
            self._onthoud(melding, bereik)
        self._aantal[melding.ernst] += 1
        if len(self._bewaard) < self._maximum:
            self._bewaard.append(melding)
        else:
            self._weggelaten[melding.ernst] += 1

    def _heeft_al(self, melding: Melding, bereik: tuple[int, int, int, int] | None) -> bool:
        """Whether the cell or range has a message as grave already."""
        zwaarte = _ZWAARTE[melding.ernst]
        eerder = self._cellen.get((melding.blad, melding.cel))
        if eerder is not None and _ZWAARTE[eerder] >= zwaarte:
            return True
        rijen = self._bereiken.get(melding.blad)
        if rijen and bereik and bereik[:2] == bereik[2:]:  # one cell, in a range with a message
            kolom, rij = bereik[:2]
            return any(
                links <= kolom <= rechts and _ZWAARTE[ernst] >= zwaarte
                for links, rechts, ernst in rijen.get(rij, ())
            )
        return False

    def _onthoud(self, melding: Melding, bereik: tuple[int, int, int, int] | None) -> None:
        """Remember the cell or range (its rows), while there is room."""
        ruimte = MAX_ONTHOUDEN - self._onthouden
        if ruimte <= 0:
            return
        sleutel = (melding.blad, melding.cel)
        eerder = self._cellen.get(sleutel, melding.ernst)
        self._cellen[sleutel] = max(eerder, melding.ernst, key=_ZWAARTE.__getitem__)
        self._onthouden += 1
        if bereik and bereik[:2] != bereik[2:]:
            links, boven, rechts, onder = bereik
            onder = min(onder, boven + ruimte - 1)
            rijen = self._bereiken.setdefault(melding.blad, {})
            for rij in range(boven, onder + 1):
                rijen.setdefault(rij, []).append((links, rechts, melding.ernst))
            self._onthouden += onder - boven + 1

    def _benoemd(self, meldingen: Iterable[Melding]) -> list[Melding]:
        """The messages, each on a row named in `noem_regels` with what that row is about."""
        if not self._regels:
            return list(meldingen)
        benoemd = []
        for melding in meldingen:
            namen = self._regels.get(melding.blad)
            bereik = _bereik(melding.cel) if namen and not melding.regel else None
            if namen and bereik and bereik[1] == bereik[3] and bereik[1] in namen:
                melding = replace(melding, regel=namen[bereik[1]])
            benoemd.append(melding)
        return benoemd

    @property
    def heeft_fouten(self) -> bool:
        return self._aantal[Ernst.FOUT] > 0

    @property
    def aantal_fouten(self) -> int:
        return self._aantal[Ernst.FOUT]

    @property
    def aantal_waarschuwingen(self) -> int:
        return self._aantal[Ernst.WAARSCHUWING]

    @property
    def alle(self) -> list[Melding]:
        """The kept messages in the order they came, and a summary of the rest."""
        fouten, waarschuwingen = (self._weggelaten[e] for e in Ernst)
        if not fouten + waarschuwingen:
            return self._benoemd(self._bewaard)
        soorten = ((fouten, "fout", "fouten"), (waarschuwingen, "waarschuwing", "waarschuwingen"))
        wat = " en ".join(telling(*soort) for soort in soorten if soort[0])
        ernst = Ernst.FOUT if fouten else Ernst.WAARSCHUWING
        return [*self._benoemd(self._bewaard), _niet_getoond(wat, fouten + waarschuwingen, ernst)]

    @property
    def fouten(self) -> list[Melding]:
        return self._van(Ernst.FOUT, "fout", "fouten")

    @property
    def waarschuwingen(self) -> list[Melding]:
        return self._van(Ernst.WAARSCHUWING, "waarschuwing", "waarschuwingen")

    def _van(self, ernst: Ernst, enkelvoud: str, meervoud: str) -> list[Melding]:
        gevonden = self._benoemd(m for m in self._bewaard if m.ernst is ernst)
        if weggelaten := self._weggelaten[ernst]:
            wat = telling(weggelaten, enkelvoud, meervoud)
            gevonden.append(_niet_getoond(wat, weggelaten, ernst))
        return gevonden


def _niet_getoond(wat: str, aantal: int, ernst: Ernst) -> Melding:
    """The message that stands for those left out, for the workbook as a whole."""
    tekst = f"En nog {wat} die hier niet {'wordt' if aantal == 1 else 'worden'} getoond."
    return Melding("", "", "", tekst, ernst)


_ZWAARTE = {Ernst.WAARSCHUWING: 0, Ernst.FOUT: 1}


def _bereik(cel: str) -> tuple[int, int, int, int] | None:
    """(left column, top row, right column, bottom row) of ``E14`` or ``E14:F15``."""
    gevonden = _CEL_OF_BEREIK.fullmatch(cel)
    if gevonden is None:
        return None
    links, boven = _kolomnummer(gevonden[1]), int(gevonden[2])
    if gevonden[3] is None:
        return links, boven, links, boven
    rechts, onder = _kolomnummer(gevonden[3]), int(gevonden[4])
    return min(links, rechts), min(boven, onder), max(links, rechts), max(boven, onder)


def _kolomnummer(letters: str) -> int:
    nummer = 0
    for letter in letters.upper():
        nummer = nummer * 26 + ord(letter) - ord("A") + 1
    return nummer


def telling(aantal: int, enkelvoud: str, meervoud: str) -> str:
    """``1 fout``, ``1.234 fouten``."""
    getal = f"{aantal:,}".replace(",", ".")
    return f"{getal} {enkelvoud if aantal == 1 else meervoud}"
