"""Reading workbooks safely. Knows nothing of any domain.

Every check that can be done on the raw bytes runs before openpyxl sees the file: the file
must be a real .xlsx (a zip with an ``xl/workbook.xml`` part), not an old or encrypted OLE2
file, not a macro workbook, not a zip bomb, and no XML part may carry a DOCTYPE (entity
expansion, external entities). Only rows within the row and column limits are returned,
whatever the sheet's dimensions claim; the rows after them are only looked at for content,
up to Excel's last row, so that a blank row cannot hide the rest of a sheet that is too long.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Iterator
from typing import Any

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

MAX_ONGECOMPRIMEERD = 100 * 1024 * 1024  # all parts together, as declared in the zip
MAX_ONDERDELEN = 2_000
MAX_COMPRESSIEFACTOR = 200  # per part larger than 1 MB uncompressed
EXCEL_MAX_RIJEN = 1_048_576  # the last row Excel has; rows past it are not read
# XML parts of a workbook are UTF-8 or UTF-16 (ECMA-376 part 2); look for each spelling.
_DOCTYPES = tuple("<!DOCTYPE".encode(codering) for codering in ("utf-8", "utf-16-le", "utf-16-be"))
BESCHADIGD = "Het bestand is beschadigd: het is geen geldige Excel-werkmap."


class ExcelFout(ValueError):
    """The file cannot be read as a workbook; the message is for the user, in Dutch."""


def is_xlsx(inhoud: bytes) -> bool:
    return inhoud.startswith(ZIP_MAGIC)


def controleer_xlsx(inhoud: bytes) -> None:
    """Refuse anything that is not a plain, reasonably sized .xlsx workbook."""
    if not inhoud:
        raise ExcelFout("Het bestand is leeg.")
    if inhoud.startswith(OLE2_MAGIC):
        raise ExcelFout(
            "Dit is een oud Excel-bestand (.xls) of een met een wachtwoord beveiligd bestand. "
            "Sla het op als Excel-werkmap (.xlsx) zonder wachtwoord en probeer het opnieuw."
        )
    if not inhoud.startswith(ZIP_MAGIC):
        raise ExcelFout("Dit is geen Excel-werkmap (.xlsx); alleen .xlsx-bestanden worden gelezen.")
    try:
        archief = zipfile.ZipFile(io.BytesIO(inhoud))
        onderdelen = archief.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExcelFout(BESCHADIGD) from None
    namen = {o.filename for o in onderdelen}
    if "xl/workbook.xml" not in namen:
        raise ExcelFout("Dit is geen Excel-werkmap (.xlsx): het werkboekdeel ontbreekt.")
    if any(naam.lower().endswith("vbaproject.bin") for naam in namen):
        raise ExcelFout(
            "Deze werkmap bevat macro's (.xlsm). Sla haar op als gewone Excel-werkmap (.xlsx)."
        )
    if len(onderdelen) > MAX_ONDERDELEN:
        raise ExcelFout("De werkmap bestaat uit te veel onderdelen om veilig te lezen.")
    totaal = sum(o.file_size for o in onderdelen)
    if totaal > MAX_ONGECOMPRIMEERD:
        raise ExcelFout("De werkmap is uitgepakt te groot om veilig te lezen.")
    for o in onderdelen:
        if o.file_size > 1024 * 1024 and o.file_size > MAX_COMPRESSIEFACTOR * max(
            o.compress_size, 1
        ):
            raise ExcelFout("De werkmap is verdacht sterk gecomprimeerd en wordt niet gelezen.")
    for o in onderdelen:
        if o.filename.endswith((".xml", ".rels", ".vml")) and _heeft_doctype(archief, o):
            raise ExcelFout("De werkmap bevat een DOCTYPE-declaratie en wordt niet gelezen.")


def _heeft_doctype(archief: zipfile.ZipFile, onderdeel: zipfile.ZipInfo) -> bool:
    staart = b""
    try:
        with archief.open(onderdeel) as stroom:
            while blok := stroom.read(64 * 1024):
                venster = (staart + blok).upper()
                if any(doctype in venster for doctype in _DOCTYPES):
                    return True
                staart = blok[-len(_DOCTYPES[-1]) :]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise ExcelFout(BESCHADIGD) from None
    return False


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
        rijen = _rijen(werkmap, max_kolommen)
        for nummer, rij in enumerate(itertools.islice(rijen, max_rijen), 1):
            yield nummer, rij
        # openpyxl fills the gaps between stored rows with this same empty row; skip them in C.
        leeg = (None,) * max_kolommen
        for rij in filter(leeg.__ne__, rijen):
            if any(waarde not in (None, "") for waarde in rij):
                raise ExcelFout(f"Het werkblad heeft meer dan {max_rijen} regels.")
    finally:
        werkmap.close()


def _rijen(werkmap: Any, max_kolommen: int) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows; the sheet is parsed as they are read, so errors come late."""
    try:
        blad = werkmap.worksheets[0]
        yield from blad.iter_rows(max_row=EXCEL_MAX_RIJEN, max_col=max_kolommen, values_only=True)
    except Exception:  # openpyxl and the XML parser raise many types for a broken sheet
        raise ExcelFout(BESCHADIGD) from None
