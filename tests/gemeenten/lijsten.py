"""CBS lists built in the test itself, and a snapshot of everything the register holds."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from gemeenten.models import CbsImport, Deelname, Gemeente, GemeenteMutatie
from kern.db import db

CBS_KOP = (
    "gemeentecode",
    "gemeentecode_gm",
    "gemeentenaam",
    "provinciecode",
    "provinciecode_pv",
    "provincienaam",
)

Regel = tuple[str, str, str]  # (gemeentecode_gm, gemeentenaam, provincienaam)


def cbs_csv(
    regels: Iterable[Regel],
    *,
    kop: Sequence[str] = CBS_KOP,
    scheiding: str = ",",
    codering: str = "utf-8",
) -> bytes:
    """A list in CBS's csv layout; provinciecode and provinciecode_pv are left empty."""
    uit = io.StringIO()
    schrijver = csv.writer(uit, delimiter=scheiding, lineterminator="\r\n")
    schrijver.writerow(kop)
    for code, naam, provincie in regels:
        schrijver.writerow([code.removeprefix("GM"), code, naam, "", "", provincie])
    return uit.getvalue().encode(codering)


def xlsx(rijen: Iterable[Sequence[Any]]) -> bytes:
    """A workbook with one sheet holding ``rijen``, built in memory."""
    werkmap = Workbook()
    blad = werkmap.active
    for rij in rijen:
        blad.append(list(rij))
    uit = io.BytesIO()
    werkmap.save(uit)
    return uit.getvalue()


def aantal(model: type[Any]) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def registerinhoud() -> dict[str, Any]:
    """Everything an import could change, to compare before and after."""
    gemeenten = db.session.execute(select(Gemeente).order_by(Gemeente.cbs_code)).scalars()
    return {
        "gemeenten": [
            (g.cbs_code, g.naam, g.provincie, g.geldig_van, g.geldig_tot, g.opvolger_id)
            for g in gemeenten
        ],
        "mutaties": aantal(GemeenteMutatie),
        "imports": aantal(CbsImport),
        "deelnames": aantal(Deelname),
    }
