"""The preview of a checked upload, a page at a time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from gemeenten.models import Gemeente
from kern.db import db
from kern.uploads import Upload, UploadRegel
from subsidies.historische_import.basis import BESTEDING, BETALING, KOPPEN, Wijziging, euro

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
    gestaged = [(regel.rij, Wijziging.van_json(regel.gegevens)) for regel in regels]
    vraag = sa.select(Gemeente.cbs_code, Gemeente.naam).where(
        Gemeente.cbs_code.in_({w.cbs for _, w in gestaged})
    )
    namen: dict[str, str] = dict(db.session.execute(vraag).all())
    return [_voorbeeldregel(rij, w, namen.get(w.cbs, "")) for rij, w in gestaged]


def _voorbeeldregel(rij: int, wijziging: Wijziging, naam: str) -> Voorbeeldregel:
    cellen = [Cel(KOPPEN[5], _euro_of_niets(wijziging.oud_bedrag), euro(wijziging.bedrag))]
    if wijziging.soort == BESTEDING:
        cellen.append(
            Cel(
                KOPPEN[6],
                _euro_of_niets(wijziging.oud_cumulatief),
                _euro_of_niets(wijziging.cumulatief),
            )
        )
    if wijziging.soort == BETALING:
        cellen.append(Cel(KOPPEN[7], None, wijziging.datum))
    return Voorbeeldregel(
        rij=rij,
        soort=wijziging.soort,
        uitkomst=wijziging.uitkomst,
        cbs=wijziging.cbs,
        naam=naam,
        jaar=wijziging.jaar,
        doel=wijziging.doel,
        cellen=cellen,
    )


def _euro_of_niets(centen: int | None) -> Decimal | None:
    return None if centen is None else euro(centen)
