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

PROVINCIE_SPELLINGEN = {p.lower(): p for p in PROVINCIES} | {"fryslân": "Friesland"}
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
    meldingen = Meldingen()
    kolommen: dict[str, int] = {}
    for _, kop in rijen:
        if any(str(w or "").strip() for w in kop):
            kolommen = {_kop(w): i for i, w in enumerate(kop) if _kop(w)}
            break
    code_kolom = kolommen.get("gemeentecodegm", kolommen.get("gemeentecode"))
    ontbreekt = [
        naam
        for naam, aanwezig in (
            ("gemeentecode_gm (of gemeentecode)", code_kolom is not None),
            ("gemeentenaam", "gemeentenaam" in kolommen),
            ("provincienaam", "provincienaam" in kolommen),
        )
        if not aanwezig
    ]
    if ontbreekt:
        raise CbsFout(
            "De kolomkoppen kloppen niet: " + ", ".join(ontbreekt) + " ontbreekt. "
            "Verwacht wordt de indeling van CBS: gemeentecode, gemeentecode_gm, gemeentenaam, "
            "provinciecode, provinciecode_pv, provincienaam."
        )
    assert code_kolom is not None

    def cel(rij: tuple[Any, ...], index: int) -> Any:
        return rij[index] if index < len(rij) else None

    gelezen: list[CbsRegel] = []
    gezien: dict[str, int] = {}
    for nummer, rij in rijen:
        if not any(str(w or "").strip() for w in rij):
            continue
        ruwe_code = cel(rij, code_kolom)
        code = lees_cbs_code(ruwe_code)
        naam = str(cel(rij, kolommen["gemeentenaam"]) or "").strip()
        ruwe_provincie = str(cel(rij, kolommen["provincienaam"]) or "").strip()
        provincie = PROVINCIE_SPELLINGEN.get(ruwe_provincie.lower())
        if code is None and not str(ruwe_code or "").strip():
            meldingen.fout("", "", f"Regel {nummer}: de gemeentecode ontbreekt.")
        elif code is None:
            meldingen.fout("", "", f"Regel {nummer}: {str(ruwe_code)!r} is geen gemeentecode.")
        elif code in gezien:
            meldingen.fout(
                "", "", f"Regel {nummer}: gemeentecode {code} staat ook op regel {gezien[code]}."
            )
        if not naam:
            meldingen.fout("", "", f"Regel {nummer}: de gemeentenaam ontbreekt.")
        elif len(naam) > 100:
            meldingen.fout("", "", f"Regel {nummer}: de gemeentenaam is langer dan 100 tekens.")
        if provincie is None:
            meldingen.fout("", "", f"Regel {nummer}: {ruwe_provincie!r} is geen provincie.")
        if code is not None and naam and provincie is not None and code not in gezien:
            gezien[code] = nummer
            gelezen.append(CbsRegel(nummer, code, naam, provincie))
    if meldingen.heeft_fouten:
        raise CbsFout(meldingen)
    if not gelezen:
        raise CbsFout("Het bestand bevat geen gemeenten.")
    return gelezen
