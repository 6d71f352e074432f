"""Reading CBS's yearly list "Gemeentelijke indeling op 1 januari" (csv or xlsx).

The columns are CBS's: gemeentecode, gemeentecode_gm, gemeentenaam, provinciecode,
provinciecode_pv, provincienaam. Headers are matched without regard to case, spaces and
underscores (CBS's own workbooks say ``GemeentecodeGM``). Every problem in the file is
collected and reported at once, with its line number, as the Excel imports do
(`kern.meldingen`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from gemeenten.codes import lees_cbs_code
from gemeenten.models import PROVINCIES
from kern.excel import ExcelFout, is_xlsx, lees_rijen
from kern.meldingen import Meldingen

MAX_REGELS = 2_000  # the Netherlands had 702 municipalities in 1990
MAX_KOLOMMEN = 30
MAX_NAAM = 100  # characters of a name (the column's length)
MAX_MELDINGEN = 3 * MAX_REGELS  # every problem of every line is shown: code, name, province

PROVINCIE_SPELLINGEN = {provincie.lower(): provincie for provincie in PROVINCIES} | {
    "fryslân": "Friesland"
}
DATUM_IN_NAAM = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class CbsFout(ValueError):
    """The list (or a merger) cannot be taken in: ``meldingen`` holds every problem, in Dutch;
    a text is the one problem there is."""

    def __init__(self, meldingen: Meldingen | str) -> None:
        if isinstance(meldingen, str):
            tekst, meldingen = meldingen, Meldingen()
            meldingen.fout("", "", tekst)
        self.meldingen = meldingen
        super().__init__("\n".join(self.teksten))

    @property
    def teksten(self) -> list[str]:
        """The messages as the user reads them, one a line."""
        return [str(melding) for melding in self.meldingen.alle]


@dataclass(frozen=True)
class CbsRegel:
    regel: int
    cbs_code: str
    naam: str
    provincie: str


def _kop(waarde: Any) -> str:
    return re.sub(r"[\s_]", "", str(waarde or "")).lower()


def peildatum_uit_naam(bestandsnaam: str) -> date | None:
    """``gemeenten-2025-01-01.csv`` → 1 January 2025."""
    gevonden = DATUM_IN_NAAM.search(bestandsnaam)
    if not gevonden:
        return None
    try:
        return date(*(int(deel) for deel in gevonden.groups()))
    except ValueError:
        return None


def _tekstregels(inhoud: bytes) -> Iterator[tuple[int, tuple[Any, ...]]]:
    if b"\x00" in inhoud[:4096]:
        raise CbsFout("Het bestand is geen tekstbestand (csv) en geen Excel-werkmap (.xlsx).")
    try:
        tekst = inhoud.decode("utf-8-sig")
    except UnicodeDecodeError:
        tekst = inhoud.decode("cp1252", errors="replace")
    eerste = tekst.split("\n", 1)[0]
    scheiding = max(",;\t", key=eerste.count)
    for nummer, rij in enumerate(csv.reader(io.StringIO(tekst), delimiter=scheiding), 1):
        if nummer > MAX_REGELS + 1:
            raise CbsFout(
                f"Het bestand heeft meer dan {MAX_REGELS} regels; is dit de juiste lijst?"
            )
        yield nummer, tuple(rij[:MAX_KOLOMMEN])


def _rijen(inhoud: bytes) -> Iterator[tuple[int, tuple[Any, ...]]]:
    if is_xlsx(inhoud) or inhoud.startswith(b"\xd0\xcf\x11\xe0"):
        try:
            yield from lees_rijen(inhoud, max_rijen=MAX_REGELS + 1, max_kolommen=MAX_KOLOMMEN)
        except ExcelFout as fout:
            raise CbsFout(str(fout)) from None
    else:
        yield from _tekstregels(inhoud)


def lees(inhoud: bytes) -> list[CbsRegel]:
    """Every municipality in the list, or `CbsFout` with every problem found."""
    if not inhoud.strip():
        raise CbsFout("Het bestand is leeg.")
    rijen = _rijen(inhoud)
    kolommen = _kolommen(rijen)
    meldingen = Meldingen(maximum=MAX_MELDINGEN)
    gelezen: list[CbsRegel] = []
    eerste_regel: dict[str, int] = {}  # the line a code was first read on
    for nummer, rij in rijen:
        if _leeg(rij):
            continue
        regel = _regel(nummer, rij, kolommen, eerste_regel, meldingen)
        if regel is not None:
            eerste_regel[regel.cbs_code] = nummer
            gelezen.append(regel)
    if meldingen.heeft_fouten:
        raise CbsFout(meldingen)
    if not gelezen:
        raise CbsFout("Het bestand bevat geen gemeenten.")
    return gelezen


@dataclass(frozen=True)
class _Kolommen:
    """Where in a row the code, the name and the province are."""

    code: int
    naam: int
    provincie: int


def _leeg(rij: tuple[Any, ...]) -> bool:
    return not any(str(waarde or "").strip() for waarde in rij)


def _kolommen(rijen: Iterator[tuple[int, tuple[Any, ...]]]) -> _Kolommen:
    """The columns, from the first row that is not empty (taken from ``rijen``); `CbsFout`
    naming each that is missing."""
    koppen: dict[str, int] = {}
    for _, kop in rijen:
        if not _leeg(kop):
            koppen = {_kop(waarde): i for i, waarde in enumerate(kop) if _kop(waarde)}
            break
    code = koppen.get("gemeentecodegm", koppen.get("gemeentecode"))
    naam, provincie = koppen.get("gemeentenaam"), koppen.get("provincienaam")
    if code is None or naam is None or provincie is None:
        ontbreekt = [
            kop
            for kop, index in (
                ("gemeentecode_gm (of gemeentecode)", code),
                ("gemeentenaam", naam),
                ("provincienaam", provincie),
            )
            if index is None
        ]
        raise CbsFout(
            "De kolomkoppen kloppen niet: " + ", ".join(ontbreekt) + " ontbreekt. "
            "Verwacht wordt de indeling van CBS: gemeentecode, gemeentecode_gm, gemeentenaam, "
            "provinciecode, provinciecode_pv, provincienaam."
        )
    return _Kolommen(code, naam, provincie)


def _regel(
    nummer: int,
    rij: tuple[Any, ...],
    kolommen: _Kolommen,
    eerste_regel: dict[str, int],
    meldingen: Meldingen,
) -> CbsRegel | None:
    """The municipality on line ``nummer``; None after a message for each problem on it."""

    def cel(index: int) -> Any:
        return rij[index] if index < len(rij) else None

    def fout(tekst: str) -> None:
        meldingen.fout("", "", f"Regel {nummer}: {tekst}")

    fouten = meldingen.aantal_fouten
    ruwe_code = cel(kolommen.code)
    code = lees_cbs_code(ruwe_code)
    if code is None and not str(ruwe_code or "").strip():
        fout("de gemeentecode ontbreekt.")
    elif code is None:
        fout(f"{str(ruwe_code)!r} is geen gemeentecode.")
    elif code in eerste_regel:
        fout(f"gemeentecode {code} staat ook op regel {eerste_regel[code]}.")
    naam = str(cel(kolommen.naam) or "").strip()
    if not naam:
        fout("de gemeentenaam ontbreekt.")
    elif len(naam) > MAX_NAAM:
        fout(f"de gemeentenaam is langer dan {MAX_NAAM} tekens.")
    ruwe_provincie = str(cel(kolommen.provincie) or "").strip()
    provincie = PROVINCIE_SPELLINGEN.get(ruwe_provincie.lower())
    if provincie is None:
        fout(f"{ruwe_provincie!r} is geen provincie.")
    if code is None or provincie is None or meldingen.aantal_fouten > fouten:
        return None
    return CbsRegel(nummer, code, naam, provincie)
