"""A municipality's name as people write it, beside the name CBS gives it.

CBS writes some names with an article or a province that nobody types: people write Den Haag
for ``'s-Gravenhage``, Den Bosch for ``'s-Hertogenbosch``, ``Bergen`` or ``Bergen (NH)`` for
``Bergen (NH.)``, a typographic apostrophe, a space instead of the hyphen after ``'s``, no
accents on ``Súdwest-Fryslân``. `is_naam_van` takes each of them wherever a file names a
municipality (the historical import, the return upload); `niet_de_naam` is the message when a
name and a code in the same row disagree. `roepnaam` is the name people use, kept in the
register beside the official one when CBS's list brings in a municipality.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol

# The names people use for a municipality whose official name they do not write.
ROEPNAMEN = {
    "'s-Gravenhage": "Den Haag",
    "'s-Hertogenbosch": "Den Bosch",
}

_APOSTROFS = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_PROVINCIE = re.compile(r"\s*\([^)]*\)$")  # "Bergen (NH.)": the province CBS adds


class MetNamen(Protocol):
    cbs_code: str
    naam: str
    roepnaam: str | None


def roepnaam(officieel: str) -> str | None:
    """The name people use for the municipality CBS calls ``officieel``, if it is another."""
    return ROEPNAMEN.get(officieel)


def normaal(naam: str) -> str:
    """A name compared without case, accents, extra spaces, dots, the kind of apostrophe, and
    a space or no apostrophe for the hyphen of ``'s-``."""
    zonder_accenten = "".join(
        teken
        for teken in unicodedata.normalize("NFKD", naam.translate(_APOSTROFS))
        if not unicodedata.combining(teken)
    )
    tekst = " ".join(zonder_accenten.replace(".", "").split()).casefold()
    if tekst.startswith(("'s ", "s-")):
        tekst = "'s-" + tekst[3 if tekst.startswith("'s ") else 2 :]
    return tekst


def spellingen(gemeente: MetNamen) -> frozenset[str]:
    """Every spelling of ``gemeente``'s name that is taken as it, in the normal form."""
    namen = {gemeente.naam, *filter(None, (gemeente.roepnaam, roepnaam(gemeente.naam)))}
    namen |= {_PROVINCIE.sub("", naam) for naam in namen}
    return frozenset(normaal(naam) for naam in namen)


def is_naam_van(geschreven: str, gemeente: MetNamen) -> bool:
    return bool(geschreven.strip()) and normaal(geschreven) in spellingen(gemeente)


def niet_de_naam(geschreven: str, cbs_code: str, naam: str) -> str:
    """``GM0518 is 's-Gravenhage, niet Utrecht.``: the code, its official name and what was
    written beside it."""
    return f"{cbs_code} is {naam}, niet {geschreven.strip()}."
