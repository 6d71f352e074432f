"""A municipality's CBS code (``GM0363``): the one reading of what people and files write.

CBS writes ``GM`` and four digits; people and spreadsheets also write ``gm0363``, ``0363``,
``363`` or the number 363 (Excel drops the leading zeros). With ``GM`` in front the four digits
must all be there (``GM363`` is a typing error, not a lost zero). `lees_cbs_code` takes each of
them, wherever a code comes in: the CBS list, a cell of an import (`cbs_code_in_cel`), a
command's argument, an address.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from kern.excel.cellen import ingevuld, zoals_getoond
from kern.meldingen import Meldingen

_CODE = re.compile(r"GM([0-9]{4})|([0-9]{1,4})", re.IGNORECASE)


def lees_cbs_code(waarde: object) -> str | None:
    """``GM0363`` from ``GM0363``, `` gm0363 ``, ``0363``, ``363`` or the number 363; None for
    anything else (``GM363``, ``GM0000``, ``GM03630``, ``363,5``, a truth value)."""
    nummer: int | None = None
    if isinstance(waarde, str) and (gevonden := _CODE.fullmatch(waarde.strip())):
        nummer = int(gevonden[1] or gevonden[2])
    elif isinstance(waarde, int) and not isinstance(waarde, bool):
        nummer = waarde
    elif isinstance(waarde, float | Decimal) and math.isfinite(waarde) and waarde == int(waarde):
        nummer = int(waarde)
    return f"GM{nummer:04d}" if nummer is not None and 0 < nummer <= 9999 else None


def cbs_code_in_cel(
    waarde: object,
    meldingen: Meldingen,
    blad: str,
    cel: str,
    kolom: str = "",
    *,
    verplicht: bool = False,
) -> str | None:
    """A cell's CBS code, read as the converters of `kern.excel.cellen` read theirs."""
    vraag = "Vul een gemeentecode in, zoals GM0363."
    waarde = ingevuld(waarde, meldingen, blad, cel, kolom, verplicht, vraag)
    if waarde is None:
        return None
    code = lees_cbs_code(waarde)
    if code is None:
        tekst = f'"{zoals_getoond(waarde)}" is geen gemeentecode (zoals GM0363).'
        meldingen.fout(blad, cel, tekst, kolom)
    return code
