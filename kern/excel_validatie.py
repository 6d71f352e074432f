"""Turning raw cell values into typed values, collecting every problem. Knows nothing of any domain.

A domain's importer reads a sheet (``None``, text, numbers, booleans, dates and times, as a
spreadsheet reader gives them), passes each cell through a converter here and goes on: the
converter returns the typed value, or ``None`` after recording a `Melding` in the `Meldingen`
it was given. The importer stores nothing when `Meldingen.heeft_fouten`; the user gets all
messages at once, and `kern.excel_foutwerkmap` can mark them in the user's own file::

    meldingen = Meldingen()
    besteed = bedrag(rij[2], meldingen, "Verantwoording", f"C{nummer}", "Besteed", verplicht=True)
    if meldingen.heeft_fouten: ...

Every message quotes the value as the user sees it in a Dutch spreadsheet program:
``1234,567``, ``WAAR``, ``15-07-2016``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from kern.db import CENT
from kern.geld import MAXIMUM, BedragFout, lees_bedrag

MAX_MELDINGEN = 1_000  # messages kept; the rest are counted and summed up in one message
MAX_CITAAT = 50  # characters of a value quoted in a message
# A float within this relative distance of a whole cent is that cent (binary noise of a
# formula such as =0,1+0,2); never more than half a tenth of a cent, so three typed decimals
# are always refused, however large the amount.
RUIS_RELATIEF = 1e-9
RUIS_MAXIMUM = 0.0005
EERSTE_JAAR, LAATSTE_JAAR = 2000, 2100  # the dates this application deals with

_GEHEEL = re.compile(r"[-+]?[0-9]+")
_DATUM_NL = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")
_DATUM_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_CBS_CODE = re.compile(r"(?:GM)?([0-9]{1,4})", re.IGNORECASE)
_JA = {"ja", "j"}
_NEE = {"nee", "n"}


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

    @property
    def plek(self) -> str:
        """``Verantwoording!C7``, ``Verantwoording`` or ``""``."""
        if self.blad and self.cel:
            return f"{self.blad}!{self.cel}"
        return self.blad or self.cel

    def __str__(self) -> str:
        return f"{self.plek}: {self.tekst}" if self.plek else self.tekst

    def als_dict(self) -> dict[str, str]:
        return {
            "blad": self.blad,
            "cel": self.cel,
            "kolom": self.kolom,
            "tekst": self.tekst,
            "ernst": self.ernst.value,
        }

    @classmethod
    def van_dict(cls, gegevens: dict[str, str]) -> Melding:
        """The inverse of `als_dict`; raises ValueError for an unknown ``ernst``."""
        return cls(
            blad=gegevens.get("blad", ""),
            cel=gegevens.get("cel", ""),
            kolom=gegevens.get("kolom", ""),
            tekst=gegevens["tekst"],
            ernst=Ernst(gegevens.get("ernst", Ernst.FOUT.value)),
        )


class Meldingen:
    """Collects messages; keeps the first `MAX_MELDINGEN`, counts them all exactly.

    A file with a hundred thousand bad rows gives a thousand messages and one more that says
    how many were left out (`alle`, `fouten`, `waarschuwingen` each end with such a summary
    when they have to).
    """

    def __init__(self, maximum: int = MAX_MELDINGEN) -> None:
        self._maximum = maximum
        self._bewaard: list[Melding] = []
        self._aantal = {Ernst.FOUT: 0, Ernst.WAARSCHUWING: 0}
        self._weggelaten = {Ernst.FOUT: 0, Ernst.WAARSCHUWING: 0}

    def fout(self, blad: str, cel: str, tekst: str, kolom: str = "") -> None:
        self.voeg_toe(Melding(blad, cel, kolom, tekst, Ernst.FOUT))

    def waarschuwing(self, blad: str, cel: str, tekst: str, kolom: str = "") -> None:
        self.voeg_toe(Melding(blad, cel, kolom, tekst, Ernst.WAARSCHUWING))

    def voeg_toe(self, melding: Melding) -> None:
        self._aantal[melding.ernst] += 1
        if len(self._bewaard) < self._maximum:
            self._bewaard.append(melding)
        else:
            self._weggelaten[melding.ernst] += 1

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
            return self._bewaard[:]
        soorten = ((fouten, "fout", "fouten"), (waarschuwingen, "waarschuwing", "waarschuwingen"))
        wat = " en ".join(_aantal(*soort) for soort in soorten if soort[0])
        ernst = Ernst.FOUT if fouten else Ernst.WAARSCHUWING
        return [*self._bewaard, _niet_getoond(wat, fouten + waarschuwingen, ernst)]

    @property
    def fouten(self) -> list[Melding]:
        return self._van(Ernst.FOUT, "fout", "fouten")

    @property
    def waarschuwingen(self) -> list[Melding]:
        return self._van(Ernst.WAARSCHUWING, "waarschuwing", "waarschuwingen")

    def _van(self, ernst: Ernst, enkelvoud: str, meervoud: str) -> list[Melding]:
        gevonden = [m for m in self._bewaard if m.ernst is ernst]
        if weggelaten := self._weggelaten[ernst]:
            wat = _aantal(weggelaten, enkelvoud, meervoud)
            gevonden.append(_niet_getoond(wat, weggelaten, ernst))
        return gevonden


def _niet_getoond(wat: str, aantal: int, ernst: Ernst) -> Melding:
    """The message that stands for those left out, for the workbook as a whole."""
    tekst = f"En nog {wat} die hier niet {'wordt' if aantal == 1 else 'worden'} getoond."
    return Melding("", "", "", tekst, ernst)


def _aantal(aantal: int, enkelvoud: str, meervoud: str) -> str:
    """``1 fout``, ``1.234 fouten``."""
    getal = f"{aantal:,}".replace(",", ".")
    return f"{getal} {enkelvoud if aantal == 1 else meervoud}"


# --- How a value looks in the spreadsheet ---------------------------------------------------


def zoals_getoond(waarde: object) -> str:
    """A cell value as a Dutch spreadsheet program shows it, shortened for a message."""
    tekst = _als_tekst(waarde)
    if len(tekst) > MAX_CITAAT:
        tekst = tekst[: MAX_CITAAT - 1] + "…"
    return tekst


def _als_tekst(waarde: object) -> str:
    """A cell value as a Dutch spreadsheet program shows it (in a cell without a format)."""
    if isinstance(waarde, str):
        tekst = waarde.strip()
    elif isinstance(waarde, bool):
        tekst = "WAAR" if waarde else "ONWAAR"
    elif isinstance(waarde, int):
        tekst = str(waarde)
    elif isinstance(waarde, float | Decimal):
        tekst = _getal(waarde)
    elif isinstance(waarde, datetime):
        tekst = waarde.strftime("%d-%m-%Y" if waarde.time() == time() else "%d-%m-%Y %H:%M")
    elif isinstance(waarde, date):
        tekst = waarde.strftime("%d-%m-%Y")
    elif isinstance(waarde, time):
        tekst = waarde.strftime("%H:%M" if not waarde.second else "%H:%M:%S")
    elif isinstance(waarde, timedelta):
        minuten = int(waarde.total_seconds()) // 60
        tekst = f"{minuten // 60}:{minuten % 60:02d}"
    else:
        tekst = "" if waarde is None else str(waarde)
    return tekst


def _getal(waarde: float | Decimal) -> str:
    """``1234.5`` → ``1234,5``; ``12.0`` → ``12``; never an exponent, never thousands dots."""
    if isinstance(waarde, float):
        if not math.isfinite(waarde):
            return str(waarde)
        if waarde.is_integer():
            return str(int(waarde))
        waarde = Decimal(repr(waarde))
    if not waarde.is_finite():
        return str(waarde)
    if waarde == waarde.to_integral_value():
        return str(int(waarde))
    return format(waarde, "f").replace(".", ",")


def _leeg(waarde: object) -> bool:
    return waarde is None or (isinstance(waarde, str) and not waarde.strip())


def _geciteerd(waarde: object) -> str:
    return f'"{zoals_getoond(waarde)}"'


# --- Converters -----------------------------------------------------------------------------
#
# Each takes the raw value, the collector and where the value is (sheet, cell, column heading),
# and returns the typed value or None. A blank cell gives None without a message, unless
# ``verplicht``: then "Vul ... in." is recorded.


def bedrag(
    waarde: object,
    meldingen: Meldingen,
    blad: str,
    cel: str,
    kolom: str = "",
    *,
    verplicht: bool = False,
    negatief_toegestaan: bool = False,
) -> Decimal | None:
    """An amount in euros with at most two decimals: a number, or text such as ``€ 1.234,56``."""
    if _leeg(waarde):
        if verplicht:
            meldingen.fout(blad, cel, "Vul een bedrag in.", kolom)
        return None
    if isinstance(waarde, str):
        tekst = waarde.strip()
    elif isinstance(waarde, int | Decimal) and not isinstance(waarde, bool):
        tekst = _getal(Decimal(waarde))
    elif isinstance(waarde, float) and math.isfinite(waarde):
        tekst = _getal(_zonder_ruis(waarde))
    else:
        meldingen.fout(blad, cel, f"{_geciteerd(waarde)} is geen bedrag.", kolom)
        return None
    try:
        resultaat = lees_bedrag(tekst, negatief_toegestaan=negatief_toegestaan)
    except BedragFout as fout:
        # The message quotes the text whole; a long one is shortened as everywhere else.
        meldingen.fout(blad, cel, str(fout).replace(f'"{tekst}"', _geciteerd(tekst)), kolom)
        return None
    except InvalidOperation:  # more digits than Decimal holds (28): far too large an amount
        te_groot = f"{_geciteerd(tekst)} is groter dan het hoogst mogelijke bedrag."
        meldingen.fout(blad, cel, te_groot, kolom)
        return None
    return abs(resultaat) if resultaat == 0 else resultaat  # never -0.00


def _zonder_ruis(getal: float) -> Decimal:
    """The float as the decimal it stands for; binary noise around a whole cent removed."""
    if getal == 0:
        return Decimal(0)  # also -0.0
    exact = Decimal(repr(getal))  # the shortest decimal that is this float: 1234.5, not 1234.50
    if abs(getal) > MAXIMUM or exact == exact.quantize(CENT):
        return exact  # too large to be an amount anyway, or two decimals at most
    centen = round(getal * 100)
    marge = min(max(abs(getal), 1.0) * RUIS_RELATIEF, RUIS_MAXIMUM)
    if abs(getal - centen / 100) <= marge:
        return Decimal(centen).scaleb(-2).normalize()
    return exact


def ja_nee(
    waarde: object,
    meldingen: Meldingen,
    blad: str,
    cel: str,
    kolom: str = "",
    *,
    verplicht: bool = False,
) -> bool | None:
    """``ja``/``nee`` (or ``j``/``n``) in any case, or a spreadsheet's WAAR/ONWAAR."""
    if _leeg(waarde):
        if verplicht:
            meldingen.fout(blad, cel, "Kies ja of nee.", kolom)
        return None
    if isinstance(waarde, bool):
        return waarde
    if isinstance(waarde, str):
        woord = waarde.strip().lower()
        if woord in _JA:
            return True
        if woord in _NEE:
            return False
    meldingen.fout(blad, cel, f"{_geciteerd(waarde)} is geen ja of nee.", kolom)
    return None


def tekst(
    waarde: object,
    meldingen: Meldingen,
    blad: str,
    cel: str,
    kolom: str = "",
    *,
    max_lengte: int | None = None,
    verplicht: bool = False,
) -> str | None:
    """Text without surrounding spaces; a number or date as the spreadsheet shows it."""
    if _leeg(waarde):
        if verplicht:
            meldingen.fout(blad, cel, "Vul dit in.", kolom)
        return None
    resultaat = _als_tekst(waarde)
    if max_lengte is not None and len(resultaat) > max_lengte:
        meldingen.fout(
            blad,
            cel,
            f"De tekst is te lang: {_aantal(len(resultaat), 'teken', 'tekens')}, "
            f"het maximum is {_aantal(max_lengte, 'teken', 'tekens')}.",
            kolom,
        )
        return None
    return resultaat


def geheel_getal(
    waarde: object,
    meldingen: Meldingen,
    blad: str,
    cel: str,
    kolom: str = "",
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    verplicht: bool = False,
) -> int | None:
    """A whole number such as a year: ``2015``, ``2015.0`` or the text ``"2015"``."""
    if _leeg(waarde):
        if verplicht:
            meldingen.fout(blad, cel, "Vul een getal in.", kolom)
        return None
    getal = _geheel(waarde)
    if isinstance(waarde, str) and _GEHEEL.fullmatch(waarde.strip()):
        getal = int(waarde.strip())
    if getal is None:
        meldingen.fout(blad, cel, f"{_geciteerd(waarde)} is geen geheel getal.", kolom)
        return None
    buiten = (minimum is not None and getal < minimum) or (maximum is not None and getal > maximum)
    if buiten:
        if minimum is not None and maximum is not None:
            grens = f"tussen {minimum} en {maximum} liggen"
        elif minimum is not None:
            grens = f"{minimum} of meer zijn"
        else:
            grens = f"{maximum} of minder zijn"
        meldingen.fout(blad, cel, f"{_geciteerd(waarde)} moet {grens}.", kolom)
        return None
    return getal


def _geheel(waarde: object) -> int | None:
    """A number cell holding a whole number as an int; None for anything else (also text)."""
    if isinstance(waarde, bool):
        return None
    if isinstance(waarde, int):
        return waarde
    if isinstance(waarde, float | Decimal) and math.isfinite(waarde) and waarde == int(waarde):
        return int(waarde)
    return None


def datum(
    waarde: object,
    meldingen: Meldingen,
    blad: str,
    cel: str,
    kolom: str = "",
    *,
    verplicht: bool = False,
) -> date | None:
    """A date cell, or text ``15-07-2016`` (also with / or .) or ``2016-07-15``."""
    if _leeg(waarde):
        if verplicht:
            meldingen.fout(blad, cel, "Vul een datum in.", kolom)
        return None
    resultaat: date | None = None
    if isinstance(waarde, datetime):
        resultaat = waarde.date()
    elif isinstance(waarde, date):
        resultaat = waarde
    elif isinstance(waarde, str):
        resultaat = _lees_datum(waarde.strip())
    if resultaat is None:
        meldingen.fout(blad, cel, f"{_geciteerd(waarde)} is geen datum.", kolom)
        return None
    if not EERSTE_JAAR <= resultaat.year <= LAATSTE_JAAR:
        meldingen.fout(
            blad,
            cel,
            f"{_geciteerd(waarde)} ligt niet tussen 1-1-{EERSTE_JAAR} en 31-12-{LAATSTE_JAAR}.",
            kolom,
        )
        return None
    return resultaat


def _lees_datum(tekst: str) -> date | None:
    if gevonden := _DATUM_NL.fullmatch(tekst):
        dag, maand, jaar = gevonden.groups()
    elif gevonden := _DATUM_ISO.fullmatch(tekst):
        jaar, maand, dag = gevonden.groups()
    else:
        return None
    try:
        return date(int(jaar), int(maand), int(dag))
    except ValueError:  # 31-02-2016
        return None


def cbs_code(
    waarde: object,
    meldingen: Meldingen,
    blad: str,
    cel: str,
    kolom: str = "",
    *,
    verplicht: bool = False,
) -> str | None:
    """A municipality's CBS code as ``GM0363``; also ``0363``, ``gm0363`` and the number 363."""
    if _leeg(waarde):
        if verplicht:
            meldingen.fout(blad, cel, "Vul een gemeentecode in, zoals GM0363.", kolom)
        return None
    nummer = _geheel(waarde)
    if isinstance(waarde, str) and (gevonden := _CBS_CODE.fullmatch(waarde.strip())):
        nummer = int(gevonden.group(1))
    if nummer is None or not 0 < nummer <= 9999:
        meldingen.fout(
            blad, cel, f"{_geciteerd(waarde)} is geen gemeentecode (zoals GM0363).", kolom
        )
        return None
    return f"GM{nummer:04d}"
