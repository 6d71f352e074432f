"""Dutch formatting of money, numbers and dates, as template filters."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from flask import Flask

from kern.tijd import TIJDZONE

LOCALE = "nl_NL"


def geld(bedrag: Decimal | int | None, leeg: str = "—") -> str:
    """``Decimal("1234.5")`` → ``€ 1.234,50``; None (not yet set) → a dash."""
    if bedrag is None:
        return leeg
    if not isinstance(bedrag, Decimal | int):
        raise TypeError(f"money must be Decimal, not {type(bedrag).__name__}")
    return format_currency(bedrag, "EUR", locale=LOCALE)


def getal(waarde: int | Decimal | None) -> str:
    return "—" if waarde is None else format_decimal(waarde, locale=LOCALE)


def datum(waarde: date | datetime | None, leeg: str = "—") -> str:
    """``date(2015, 11, 9)`` → ``9 november 2015``."""
    if waarde is None:
        return leeg
    if isinstance(waarde, datetime):
        waarde = waarde.astimezone(TIJDZONE).date()
    return format_date(waarde, "d MMMM y", locale=LOCALE)


def maand(waarde: date) -> str:
    """``date(2026, 12, 1)`` → ``december 2026``."""
    return format_date(waarde, "MMMM y", locale=LOCALE)


def datumtijd(waarde: datetime | None, leeg: str = "—") -> str:
    """A moment in Dutch local time: ``9 november 2015 14:05``."""
    if waarde is None:
        return leeg
    return format_datetime(waarde, "d MMMM y HH:mm", tzinfo=TIJDZONE, locale=LOCALE)


def register(app: Flask) -> None:
    app.add_template_filter(geld)
    app.add_template_filter(getal)
    app.add_template_filter(datum)
    app.add_template_filter(datumtijd)
    app.add_template_filter(maand)
