"""Writing workbooks: text as text, and saving. Knows nothing of any domain.

openpyxl (as xlsxwriter) makes a formula of a string that starts with "=", so an explanation
typed as ``=HYPERLINK("http://...","klik")`` would become a live link in a template or an
error workbook. Every cell the application writes from text goes through `tekst`: it stays
a string cell, and one that starts with a character a spreadsheet program reads as the start
of a formula (= + - @, a tab or a carriage return) is marked "quote prefix", so that editing
the cell in Excel or LibreOffice keeps it text as well. `opslaan` saves a workbook so that a
carriage return in a text reads back as one (openpyxl writes it bare, and an XML parser turns
a bare one into a line feed).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULE_TEKENS = ("=", "+", "-", "@", "\t", "\r")


def tekst(cel: Any, waarde: str) -> Any:
    """Put ``waarde`` in ``cel`` (a cell or a write-only cell) as text; returns the cell.

    Control characters a worksheet cannot hold are left out; everything else stays as it is.
    """
    waarde = zonder_stuurtekens(waarde)
    cel.value = waarde
    cel.data_type = "s"
    if lijkt_formule(waarde):
        cel.quotePrefix = True
    return cel


def zonder_stuurtekens(waarde: str) -> str:
    """``waarde`` without the control characters a worksheet cannot hold (a NUL, a bell)."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", waarde))


def lijkt_formule(waarde: str) -> bool:
    """Whether a spreadsheet program would read ``waarde`` as the start of a formula."""
    return waarde.startswith(FORMULE_TEKENS)


def opslaan(werkmap: Any) -> bytes:
    """The workbook as .xlsx bytes, a carriage return in any part kept as ``&#13;``."""
    uitvoer = io.BytesIO()
    werkmap.save(uitvoer)
    inhoud = uitvoer.getvalue()
    with zipfile.ZipFile(io.BytesIO(inhoud)) as archief:
        delen = [(info, archief.read(info)) for info in archief.infolist()]
    if not any(b"\r" in gegevens for info, gegevens in delen if _met_tekst(info.filename)):
        return inhoud
    nieuw = io.BytesIO()
    with zipfile.ZipFile(nieuw, "w", zipfile.ZIP_DEFLATED) as archief:
        for info, gegevens in delen:
            if _met_tekst(info.filename):
                gegevens = gegevens.replace(b"\r", b"&#13;")
            archief.writestr(info, gegevens)
    return nieuw.getvalue()


def _met_tekst(naam: str) -> bool:
    """A part with cell text that openpyxl serialised itself: a carriage return in it is in a
    text (in an attribute openpyxl writes ``&#13;`` already); other parts are left alone."""
    return naam.startswith("xl/worksheets/sheet") and naam.endswith(".xml")
