"""The onderwijsaanpak's rules on values, each in one place: small pure functions, no database.

The web forms (through `services`) and an import of activities ask these, so that one value gets
one verdict wherever it is entered. A verdict is None (allowed) or a Dutch message, to which the
caller adds where the value is (a field, a cell).
"""

from __future__ import annotations

import re
from datetime import date

from kern.formatting import datum as datum_tekst
from kern.formatting import getal

# The approach began in 2015 (Kamerstuk 29 754, nr. 310): an earlier date is a typing error.
EERSTE_DATUM = date(2015, 1, 1)
MAX_DEELNEMERS = 10_000  # more at one activity is a typing error
SCHOOL_MAX = 200
AANBIEDER_MAX = 200
OPMERKINGEN_MAX = 5000
THEMA_MAX = 120
LES_MAX = 10_000
RONDENAAM_MAX = 120
TOELICHTING_MAX = 5000

SCHOOL_ONTBREEKT = "Vul de naam van de school of het schoolbestuur in."

# A BRIN number: two digits and two letters or digits (12AB); a location adds two digits (12AB01).
_BRIN = re.compile(r"[0-9]{2}[A-Z0-9]{2}(?:[0-9]{2})?")


def lees_brin(tekst: str | None) -> str | None:
    """The BRIN code as stored: without spaces, in capitals; None when empty."""
    schoon = re.sub(r"\s+", "", tekst or "").upper()
    return schoon or None


def brin_fout(brin: str | None) -> str | None:
    if brin is None or _BRIN.fullmatch(brin):
        return None
    return (
        "Een BRIN-code is twee cijfers en twee letters, zoals 12AB, eventueel met een "
        "vestigingsnummer van twee cijfers erachter (12AB01)."
    )


def deelnemers_fout(aantal: int) -> str | None:
    if aantal < 1:
        return "Een activiteit heeft minstens één deelnemer."
    if aantal > MAX_DEELNEMERS:
        return (
            f"Meer dan {getal(MAX_DEELNEMERS)} deelnemers aan één activiteit is niet "
            "aannemelijk; meld een grote activiteit per school of per dag."
        )
    return None


def activiteitdatum_fout(datum: date, vandaag: date) -> str | None:
    """An activity is reported once it was held: not in the future, not before the approach."""
    if datum > vandaag:
        return "Meld een activiteit als die is gehouden; deze datum ligt in de toekomst."
    if datum < EERSTE_DATUM:
        return f"De onderwijsaanpak begon in {EERSTE_DATUM:%Y}; deze datum ligt ervoor."
    return None


def periode_fout(van: date, tot: date) -> str | None:
    if tot < van:
        return "Het einde van de periode ligt vóór het begin."
    return None


def uiterlijk_fout(tot: date, uiterlijk: date) -> str | None:
    """Reports are about a period that has ended: they are due on or after its last day."""
    if uiterlijk < tot:
        return (
            f"De uiterste datum ligt vóór het einde van de periode ({datum_tekst(tot)}); "
            "er wordt gerapporteerd over een afgelopen periode."
        )
    return None
