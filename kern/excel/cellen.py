"""Turning raw cell values into typed values, collecting every problem. Knows nothing of any domain.

A domain's importer reads a sheet (``None``, text, numbers, booleans, dates and times, as a
spreadsheet reader gives them), passes each cell through a converter here and goes on: the
converter returns the typed value, or ``None`` after recording a `kern.meldingen.Melding` in
the `Meldingen` it was given. The importer stores nothing when `Meldingen.heeft_fouten`; the
user gets all messages at once, and `kern.excel.foutwerkmap` can mark them in the user's own
file::

    meldingen = Meldingen()
    besteed = bedrag(rij[2], meldingen, "Verantwoording", f"C{nummer}", "Besteed", verplicht=True)
    if meldingen.heeft_fouten: ...

Every message quotes the value as the user sees it in a Dutch spreadsheet program:
``1234,567``, ``WAAR``, ``15-07-2016``.

What a cell holds beyond its plain value has one home here too:

- text is read without zero-width characters, soft hyphens and the BOM, which come along when
  text is copied from a web page or a document; another invisible character that remains is
  named in the message (`schoon`, which every converter calls first);
- an error value (#DEEL/0!), which the reader gives as an empty cell, is named as Dutch Excel
  shows it and as the file stores it (`foutwaarde`);
- a cell gets one message, the first: the checks of the file's structure (a merged range, a
  formula without a value, an error value) run before the cells are read, so a converter's
  "Vul een bedrag in." does not follow the real reason (`Meldingen`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from openpyxl.utils.cell import coordinate_to_tuple

from kern.db import CENT
from kern.geld import MAXIMUM, BedragFout, lees_bedrag
from kern.meldingen import Meldingen, telling

if TYPE_CHECKING:
    from kern.excel.lezen.calamine import Blad

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
_JA = {"ja", "j"}
_NEE = {"nee", "n"}


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


# --- What a cell holds beyond its plain value -------------------------------------------------

# Error values as the file stores them (Excel's English codes, whatever the language of the
# program that wrote the file) -> as Dutch Excel shows them, and what they mean.
FOUTWAARDEN = {
    "#DIV/0!": ("#DEEL/0!", "de formule deelt door nul"),
    "#N/A": ("#N/B", "de formule vindt een gezochte waarde niet"),
    "#VALUE!": ("#WAARDE!", "de formule rekent met een waarde van de verkeerde soort, zoals tekst"),
    "#REF!": ("#VERW!", "de formule verwijst naar een cel die niet meer bestaat"),
    "#NAME?": ("#NAAM?", "de formule gebruikt een naam of functie die niet bestaat"),
    "#NUM!": ("#GETAL!", "de uitkomst van de formule is geen geldig getal"),
    "#NULL!": ("#LEEG!", "twee bereiken in de formule hebben geen cel gemeen"),
}


def foutwaarde(code: str, meldingen: Meldingen, blad: str, cel: str, kolom: str = "") -> None:
    """Record that the cell holds error value `code` (as the file stores it: ``#DIV/0!``)."""
    if bekend := FOUTWAARDEN.get(code.upper()):
        nederlands, betekenis = bekend
        wat = f"{nederlands} ({code.upper()} in Engelstalige Excel): {betekenis}"
    else:
        wat = zoals_getoond(code)
    meldingen.fout(
        blad,
        cel,
        f"Deze cel bevat de foutwaarde {wat}. Herstel de formule of vul de waarde zelf in.",
        kolom,
    )


def onleesbaar(
    blad: Blad,
    meldingen: Meldingen,
    *,
    gelezen: Callable[[str], bool],
    kop: Callable[[str], str],
) -> None:
    """Record what of ``blad`` cannot be read, before its cells are: merged ranges over a
    cell that is read, formulas without a computed value and error values in such cells.
    ``gelezen`` says whether a cell ("E14") or range ("E14:F15") touches what the domain
    reads, ``kop`` a cell's column heading for the message."""
    for bereik in blad.samengevoegd:
        if gelezen(bereik):
            meldingen.fout(
                blad.naam,
                bereik,
                "Samengevoegde cellen kunnen niet worden gelezen. Maak het samenvoegen "
                "ongedaan en vul elke cel apart in.",
            )
    for cel in sorted(blad.formules_zonder_waarde, key=coordinate_to_tuple):
        if gelezen(cel):
            meldingen.fout(
                blad.naam,
                cel,
                "De formule in deze cel heeft geen berekende waarde. Open het bestand in "
                "Excel of LibreOffice, sla het op en upload het opnieuw.",
                kop(cel),
            )
    for cel in sorted(blad.foutwaarden, key=coordinate_to_tuple):
        if gelezen(cel):
            foutwaarde(blad.foutwaarden[cel], meldingen, blad.naam, cel, kop(cel))


# Removed from text before it is read: zero-width space, non-joiner and joiner, word joiner,
# the BOM (zero-width no-break space) and the soft hyphen. They come along with text copied
# from web pages and documents, and nobody means them.
_WEG = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# What is left that shows as nothing: control and format characters, line and paragraph
# separators, private and unassigned code points. Tab and line breaks are white space, and
# so are the no-break spaces (U+00A0 is a thousands separator to `kern.geld`).
_ONZICHTBAAR = {"Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"}
_WITRUIMTE = {"\t", "\n", "\r"}
MAX_GENOEMD = 3  # invisible characters named in one message


def schoon(waarde: object, meldingen: Meldingen, blad: str, cel: str, kolom: str = "") -> object:
    """The value as read: text without zero-width characters, soft hyphens and the BOM; None,
    after a message that names it, when another invisible character remains.

    Every converter here starts with it (through `ingevuld`); a domain that reads a cell
    itself (a name) passes the value through here first.
    """
    waarde, goed = _zichtbaar(waarde, meldingen, blad, cel, kolom)
    return waarde if goed else None


def _zichtbaar(
    waarde: object, meldingen: Meldingen, blad: str, cel: str, kolom: str
) -> tuple[object, bool]:
    """(the value cleaned as `schoon` does, whether it is free of invisible characters)."""
    if not isinstance(waarde, str) or waarde.isprintable():
        return waarde, True
    waarde = waarde.translate(_WEG)
    onzichtbaar = [
        teken
        for teken in dict.fromkeys(waarde)
        if teken not in _WITRUIMTE and unicodedata.category(teken) in _ONZICHTBAAR
    ]
    if not onzichtbaar:
        return waarde, True
    zichtbaar = waarde.translate(dict.fromkeys(map(ord, onzichtbaar)))
    namen = "; ".join(f"U+{ord(t):04X}, {_naam(t)}" for t in onzichtbaar[:MAX_GENOEMD])
    wat = "een onzichtbaar teken" if len(onzichtbaar) == 1 else "onzichtbare tekens"
    meldingen.fout(
        blad,
        cel,
        f"{_geciteerd(zichtbaar)} bevat {wat} ({namen}). Typ de waarde opnieuw in de cel, "
        "zonder te kopiëren en plakken.",
        kolom,
    )
    return None, False


def ingevuld(
    waarde: object,
    meldingen: Meldingen,
    blad: str,
    cel: str,
    kolom: str = "",
    verplicht: bool = False,
    vraag: str = "Vul dit in.",
) -> object | None:
    """The value cleaned as `schoon` does; None for a blank cell (after the error ``vraag``
    when it is ``verplicht``) and for one with an invisible character (after naming it).

    Every converter starts with it; so does a domain's converter (a municipality's code).
    """
    waarde, zichtbaar = _zichtbaar(waarde, meldingen, blad, cel, kolom)
    if not zichtbaar:
        return None
    if _leeg(waarde):
        if verplicht:
            meldingen.fout(blad, cel, vraag, kolom)
        return None
    return waarde


def _naam(teken: str) -> str:
    """``left-to-right mark``; a control character has no name: ``stuurteken``."""
    if naam := unicodedata.name(teken, ""):
        return naam.lower()
    return "stuurteken" if unicodedata.category(teken) == "Cc" else "teken zonder naam"


# --- Converters -----------------------------------------------------------------------------
#
# Each takes the raw value, the collector and where the value is (sheet, cell, column heading),
# and returns the typed value or None. Text is cleaned first and a blank cell gives None
# without a message, unless ``verplicht``: then "Vul ... in." is recorded (`ingevuld`).


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
    waarde = ingevuld(waarde, meldingen, blad, cel, kolom, verplicht, "Vul een bedrag in.")
    if waarde is None:
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
    centen = centen_zonder_ruis(getal)
    return exact if centen is None else Decimal(centen).scaleb(-2).normalize()


def centen_zonder_ruis(getal: float) -> int | None:
    """The float as whole cents when it lies within the noise margin of one; None: it does not.

    The one home of the margin (`RUIS_RELATIEF`, at most `RUIS_MAXIMUM`), also for a domain's
    fast path that counts in cents without making a Decimal.
    """
    centen: int = round(getal * 100)
    marge = min(max(abs(getal), 1.0) * RUIS_RELATIEF, RUIS_MAXIMUM)
    return centen if abs(getal - centen / 100) <= marge else None


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
    waarde = ingevuld(waarde, meldingen, blad, cel, kolom, verplicht, "Kies ja of nee.")
    if waarde is None:
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
    waarde = ingevuld(waarde, meldingen, blad, cel, kolom, verplicht, "Vul dit in.")
    if waarde is None:
        return None
    resultaat = _als_tekst(waarde)
    if max_lengte is not None and len(resultaat) > max_lengte:
        meldingen.fout(
            blad,
            cel,
            f"De tekst is te lang: {telling(len(resultaat), 'teken', 'tekens')}, "
            f"het maximum is {telling(max_lengte, 'teken', 'tekens')}.",
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
    waarde = ingevuld(waarde, meldingen, blad, cel, kolom, verplicht, "Vul een getal in.")
    if waarde is None:
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
    waarde = ingevuld(waarde, meldingen, blad, cel, kolom, verplicht, "Vul een datum in.")
    if waarde is None:
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
