"""Dutch formatting of money, numbers and dates, as template filters.

A page of a few hundred recipients formats thousands of amounts; Babel's `format_currency`
parses its pattern and looks up the locale on every call (47 % of the year overview's time).
So the formats are built once: money is a small exact function on `Decimal` (Python's own
formatting, which rounds half to even to cents as Babel does, with the separators swapped),
dates take the month names Babel has for ``nl_NL``, loaded when this module is imported.
`tests/kern/test_formatting.py` checks them against Babel's own output for many values; what
they do not handle (an amount that is not finite, a number with decimals) goes to Babel itself.
Beyond 28 digits, where Babel's rounding gives up, the formatter still writes the amount.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from babel.dates import get_month_names
from babel.numbers import format_currency, format_decimal
from flask import Flask

from kern.tijd import TIJDZONE

LOCALE = "nl_NL"
NEDERLANDS = str.maketrans(",.", ".,")  # thousands and decimals, the other way round
EURO = "€\xa0"  # the euro sign and a no-break space, as CLDR writes it for nl_NL
MAANDEN = {nummer: str(naam) for nummer, naam in get_month_names("wide", locale=LOCALE).items()}


def geld(bedrag: Decimal | int | None, leeg: str = "—") -> str:
    """``Decimal("1234.5")`` → ``€ 1.234,50``; None (not yet set) → a dash."""
    if bedrag is None:
        return leeg
    if isinstance(bedrag, Decimal) and bedrag.is_finite():
        # Python's own format rounds half to even to cents, as Babel does, and groups by
        # thousands; only the separators are Dutch.
        return EURO + format(bedrag, ",.2f").translate(NEDERLANDS)
    if isinstance(bedrag, int) and not isinstance(bedrag, bool):
        return EURO + format(bedrag, ",d").translate(NEDERLANDS) + ",00"
    if isinstance(bedrag, Decimal):
        return format_currency(bedrag, "EUR", locale=LOCALE)
    raise TypeError(f"money must be Decimal, not {type(bedrag).__name__}")


def getal(waarde: int | Decimal | None) -> str:
    if waarde is None:
        return "—"
    if isinstance(waarde, int) and not isinstance(waarde, bool):
        return format(waarde, ",d").translate(NEDERLANDS)
    return format_decimal(waarde, locale=LOCALE)


def datum(waarde: date | datetime | None, leeg: str = "—") -> str:
    """``date(2015, 11, 9)`` → ``9 november 2015``."""
    if waarde is None:
        return leeg
    if isinstance(waarde, datetime):
        waarde = waarde.astimezone(TIJDZONE).date()
    return f"{waarde.day} {MAANDEN[waarde.month]} {waarde.year}"


def maand(waarde: date) -> str:
    """``date(2026, 12, 1)`` → ``december 2026``."""
    return f"{MAANDEN[waarde.month]} {waarde.year}"


def datumtijd(waarde: datetime | None, leeg: str = "—") -> str:
    """A moment in Dutch local time: ``9 november 2015 14:05``; a naive one is UTC."""
    if waarde is None:
        return leeg
    if waarde.tzinfo is None:
        waarde = waarde.replace(tzinfo=UTC)
    lokaal = waarde.astimezone(TIJDZONE)
    return f"{datum(lokaal.date())} {lokaal:%H:%M}"


def register(app: Flask) -> None:
    app.add_template_filter(geld)
    app.add_template_filter(getal)
    app.add_template_filter(datum)
    app.add_template_filter(datumtijd)
    app.add_template_filter(maand)
