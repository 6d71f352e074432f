"""The CBS reader: the first sheet through openpyxl's read-only mode."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from typing import Any

from .controle import BESCHADIGD, EXCEL_MAX_RIJEN, ExcelFout, controleer_xlsx, te_veel_regels


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
