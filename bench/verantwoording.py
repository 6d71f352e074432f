"""A municipality user's return as Excel, from the client's side, for the load and fault
scripts: the application's own template filled with new amounts, and the forms on the upload's
page. Knows nothing of locust (its import patches the standard library)."""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VERANTWOORDING = re.compile(r"^/versterkingsgelden/verantwoordingen/(\d+)$")
UPLOAD = re.compile(r"/uploads/(\d+)$")
FORMULIER = re.compile(r'<form[^>]*action="([^"]*/([\w-]+))"[^>]*>(.*?)</form>', re.DOTALL)
VELD = re.compile(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"')

# The template's layout (`subsidies.verantwoording_import.basis`), read without importing the
# application into locust's process.
BLAD = "Verantwoording"
CEL_EIND = "B10"
EERSTE_DOELRIJ = 14


@dataclass(frozen=True)
class Ingevuld:
    inhoud: bytes
    in_jaar: Decimal
    cumulatief: Decimal


def vul_in(sjabloon: bytes, rng: random.Random) -> Ingevuld:
    """New amounts in every purpose's row of the template, not a final return."""
    werkmap = load_workbook(io.BytesIO(sjabloon))
    blad = werkmap[BLAD]
    blad[CEL_EIND] = "nee"
    totaal_jaar = totaal_cumulatief = Decimal(0)
    rij = EERSTE_DOELRIJ
    while blad[f"A{rij}"].value:
        in_jaar = Decimal(rng.randrange(0, 5_000_000)) / 100
        cumulatief = in_jaar + Decimal(rng.randrange(0, 5_000_000)) / 100
        blad[f"E{rij}"], blad[f"F{rij}"] = in_jaar, cumulatief
        totaal_jaar += in_jaar
        totaal_cumulatief += cumulatief
        rij += 1
    uit = io.BytesIO()
    werkmap.save(uit)
    return Ingevuld(uit.getvalue(), totaal_jaar, totaal_cumulatief)


def formulier(html: str, stap: str) -> tuple[str, dict[str, str]] | None:
    """The action and hidden fields of the upload page's form for ``stap`` (the last part of
    its address: ``inlezen`` confirms a return, ``opnieuw`` checks it again), if it has one."""
    for actie, gevonden, inhoud in FORMULIER.findall(html):
        if gevonden == stap:
            return actie.replace("&amp;", "&"), dict(VELD.findall(inhoud))
    return None
