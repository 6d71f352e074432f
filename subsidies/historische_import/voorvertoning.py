"""The preview of a checked upload, a page at a time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from gemeenten.models import Gemeente
from kern.db import db
from kern.uploads import Upload, UploadRegel
from subsidies.historische_import.basis import BESTEDING, BETALING, KOPPEN, euro

PER_PAGINA = 50


@dataclass(frozen=True)
class Cel:
    kolom: str
    oud: object  # None for a new row
    nieuw: object

    @property
    def gewijzigd(self) -> bool:
        return self.oud != self.nieuw


@dataclass(frozen=True)
class Voorbeeldregel:
    rij: int
    soort: str
    uitkomst: str  # nieuw or gewijzigd
    cbs: str
    naam: str
    jaar: int
    doel: str | None
    cellen: list[Cel]


def wijzigingen(upload: Upload) -> sa.Select[UploadRegel]:
    """The staged rows, in sheet order: the rows that are new or change something."""
    return (
        sa.select(UploadRegel)
        .where(UploadRegel.upload_id == upload.id)
        .order_by(UploadRegel.rij, UploadRegel.id)
    )


def voorbeeldregels(regels: Iterable[UploadRegel]) -> list[Voorbeeldregel]:
    """Staged rows as the preview shows them: every cell a row sets, old -> new."""
    regels = list(regels)
    vraag = sa.select(Gemeente.cbs_code, Gemeente.naam).where(
        Gemeente.cbs_code.in_({r.gegevens["cbs"] for r in regels})
    )
    namen: dict[str, str] = dict(db.session.execute(vraag).all())
    return [_voorbeeldregel(r, namen.get(r.gegevens["cbs"], "")) for r in regels]


def _voorbeeldregel(regel: UploadRegel, naam: str) -> Voorbeeldregel:
    g = regel.gegevens
    oud = g.get("oud") or {}
    cellen = [Cel(KOPPEN[5], _euro_of_niets(oud.get("bedrag")), euro(g["bedrag"]))]
    if g["soort"] == BESTEDING:
        cellen.append(Cel(KOPPEN[6], _euro_of_niets(oud.get("cumulatief")), euro(g["cumulatief"])))
    if g["soort"] == BETALING:
        cellen.append(Cel(KOPPEN[7], None, date.fromisoformat(g["datum"])))
    return Voorbeeldregel(
        rij=regel.rij,
        soort=g["soort"],
        uitkomst=g["uitkomst"],
        cbs=g["cbs"],
        naam=naam,
        jaar=g["jaar"],
        doel=g.get("doel"),
        cellen=cellen,
    )


def _euro_of_niets(centen: int | None) -> Decimal | None:
    return None if centen is None else euro(centen)
