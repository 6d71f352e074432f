"""Reading amounts of money as people type them: ``€ 1.234,56``, ``1234,56``, ``1234.56``.

Never rounds: an amount with more than two decimals is refused, as is anything negative or
beyond ``MAXIMUM`` (what ``NUMERIC(14, 2)`` holds).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kern.db import CENT

MAXIMUM = Decimal("999999999999.99")
_DUIZENDTALLEN = re.compile(r"^\d{1,3}(\.\d{3})+$")
_GETAL = re.compile(r"^\d+(\.\d+)?$")


class BedragFout(ValueError):
    """The text is not a usable amount; the message is Dutch and names the text."""


def lees_bedrag(tekst: str | int | Decimal, *, negatief_toegestaan: bool = False) -> Decimal:
    if isinstance(tekst, bool):
        raise BedragFout(f"{tekst!r} is geen bedrag.")
    if isinstance(tekst, int | Decimal):
        bedrag = Decimal(tekst)
        origineel = str(tekst)
    else:
        origineel = tekst.strip()
        schoon = origineel.replace("€", "").replace("EUR", "").replace("\xa0", "").replace(" ", "")
        minteken = schoon.startswith("-")
        schoon = schoon.removeprefix("-").removeprefix("+")
        if "," in schoon:
            # Dutch: a comma for the decimals, dots (if any) between thousands.
            geheel, _, decimalen = schoon.rpartition(",")
            if "," in geheel or not re.fullmatch(r"\d{1,3}(\.\d{3})*|\d+", geheel or "x"):
                raise BedragFout(f'"{origineel}" is geen bedrag.')
            schoon = geheel.replace(".", "") + "." + decimalen
        elif _DUIZENDTALLEN.match(schoon):
            schoon = schoon.replace(".", "")
        if not _GETAL.match(schoon):
            raise BedragFout(f'"{origineel}" is geen bedrag.')
        try:
            bedrag = Decimal(schoon)
        except InvalidOperation:
            raise BedragFout(f'"{origineel}" is geen bedrag.') from None
        if minteken:
            bedrag = -bedrag
    if not bedrag.is_finite():
        raise BedragFout(f'"{origineel}" is geen bedrag.')
    if abs(bedrag) > MAXIMUM:  # first: quantize fails on more than 28 digits
        raise BedragFout(f'"{origineel}" is groter dan het hoogst mogelijke bedrag.')
    if bedrag != bedrag.quantize(CENT):
        raise BedragFout(f'"{origineel}" heeft meer dan twee decimalen.')
    if bedrag < 0 and not negatief_toegestaan:
        raise BedragFout(f'"{origineel}" is negatief; een bedrag is nul of meer.')
    return bedrag.quantize(CENT)
