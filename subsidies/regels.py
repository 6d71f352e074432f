"""The grant rules, each in one place: small pure functions on values, no database.

The web forms (through `services`), the return upload (`subsidies.verantwoording_import`) and
the historical import (`subsidies.historische_import.controle`) all ask these, so that one case
gets one verdict wherever it is entered (`tests/subsidies/test_regels.py` sends the same cases
through each). A verdict is None (allowed) or a Dutch message, to which the caller adds where
the case is (a purpose, a cell, the year's total). The import counts in whole cents, so the
comparisons take cents (int) as well as euros (Decimal). Which decisions count against the
ceiling is `Beschikking.telt_mee` (its statuses: `subsidies.models.TOEGEKEND`); the noise
margin of a number from Excel is generic and lives in `kern.excel.cellen`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TypeVar

from kern.formatting import geld
from kern.geld import MAXIMUM

Bedrag = TypeVar("Bedrag", int, Decimal)  # euros, or the import's whole cents


def cumulatief_past(in_jaar: Bedrag, cumulatief: Bedrag) -> bool:
    """The cumulative spending includes the year's: it is never lower."""
    return cumulatief >= in_jaar


def cumulatief_te_laag(in_jaar: Decimal, cumulatief: Decimal, jaar: int | None) -> str | None:
    if cumulatief_past(in_jaar, cumulatief):
        return None
    wanneer = jaar if jaar is not None else "het jaar"
    return (
        f"Het cumulatieve bedrag ({geld(cumulatief)}) is kleiner dan het bedrag in {wanneer} "
        f"({geld(in_jaar)})."
    )


def totaal_te_groot(bedragen: Iterable[Decimal]) -> str | None:
    """The total spending must fit where it is stored (`kern.geld.MAXIMUM`)."""
    if sum(bedragen, Decimal(0)) > MAXIMUM:
        return "De totale besteding is groter dan het hoogst mogelijke bedrag."
    return None


def plafond_tekort(plafond: Bedrag, toegekend: Bedrag, bedrag: Bedrag) -> Bedrag | None:
    """By how much ``bedrag`` on top of what is granted exceeds the ceiling; None: it fits.

    ``toegekend`` holds only decisions that count (`Beschikking.telt_mee`): a draft reserves
    nothing, and is checked again when decided.
    """
    tekort = toegekend + bedrag - plafond
    return tekort if tekort > 0 else None


def plafond_overschreden(plafond: Decimal, jaar: int, tekort: Decimal) -> str:
    """The ceiling verdict in words, wherever a grant is entered (the decision form names the
    drafts and asks for confirmation after it; the historical import names the year's total
    before it)."""
    return f"Dit overschrijdt het plafond van {geld(plafond)} voor {jaar} met {geld(tekort)}."


def vast_te_stellen(toegekend: Bedrag, besteed: Bedrag) -> Bedrag:
    """The settled amount: the eligible spending, never more than was granted."""
    return min(toegekend, besteed)


def kenmerk_bezet(kenmerk: str) -> str:
    """A decision number is unique: the verdict on one another decision already has."""
    return f"Kenmerk {kenmerk} is al gebruikt voor een andere beschikking."


def meer_besteed(besteed: Bedrag, toegekend: Bedrag | None) -> bool:
    """More spent than granted; nothing is, while the amount is not yet set."""
    return toegekend is not None and besteed > toegekend


def boven_toekenning(besteed: Decimal, toegekend: Decimal | None, wie: str = "") -> str | None:
    """Cumulative spending above the granted amount: a warning for the officer, never a refusal.

    ``wie`` names the recipient and year where the message does not stand beside them (the
    historical import: "van Amsterdam in 2015").
    """
    if not meer_besteed(besteed, toegekend):
        return None
    van = f" {wie}" if wie else ""
    return (
        f"De cumulatieve besteding{van} ({geld(besteed)}) is hoger dan het toegekende bedrag "
        f"({geld(toegekend)})."
    )


def doel_boven_toekenning(besteed: Decimal, toegekend: Decimal | None) -> str | None:
    """The same for one purpose of a return, beside the purpose's row."""
    if not meer_besteed(besteed, toegekend):
        return None
    return f"Meer besteed ({geld(besteed)}) dan voor dit doel is toegekend ({geld(toegekend)})."
