"""The preview of a checked upload, a page at a time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from gemeenten.models import Gemeente
from kern.db import db
from kern.uploads import Upload, UploadRegel
from subsidies.historische_import.basis import (
    BESTEDING,
    BETALING,
    GEWIJZIGD,
    KOPPEN,
    OPEN,
    TOEKENNING,
    VASTSTELLING,
    Wijziging,
    euro,
)

PER_PAGINA = 50


@dataclass(frozen=True)
class Cel:
    """A cell a row sets: money (Decimal), a date, or text (an amount not yet set, a
    reference, a region, participants)."""

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
    if wijziging.soort == TOEKENNING:
        cellen = _toekenning(wijziging)
    else:
        cellen = [Cel(KOPPEN[5], _euro_of_niets(wijziging.oud_bedrag), euro(wijziging.bedrag or 0))]
    if wijziging.soort == BESTEDING:
        cellen.append(
            Cel(
                KOPPEN[6],
                _euro_of_niets(wijziging.oud_cumulatief),
                _euro_of_niets(wijziging.cumulatief),
            )
        )
    if wijziging.soort in (BETALING, VASTSTELLING):
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


def _toekenning(wijziging: Wijziging) -> list[Cel]:
    """A grant's cells: the amount (or that it is not yet set), and the decision's own fields
    the row gives, each with what it was when the row changes a decision."""
    gewijzigd = wijziging.uitkomst == GEWIJZIGD

    def bedrag(centen: int | None) -> object:
        return OPEN if centen is None else euro(centen)

    oud_bedrag = bedrag(wijziging.oud_bedrag) if gewijzigd else None
    cellen = [Cel(KOPPEN[5], oud_bedrag, bedrag(wijziging.bedrag))]
    if wijziging.datum is not None:
        cellen.append(Cel(KOPPEN[7], wijziging.datum if gewijzigd else None, wijziging.datum))
    if wijziging.kenmerk is not None:
        cellen.append(Cel(KOPPEN[8], wijziging.kenmerk if gewijzigd else None, wijziging.kenmerk))
    if wijziging.regio is not None:
        oud = wijziging.oud_regio if wijziging.oud_regio is not None else None
        if gewijzigd and oud is None:
            oud = wijziging.regio
        cellen.append(Cel(KOPPEN[9], oud or None, wijziging.regio))
    if wijziging.deelnemers is not None:
        oude = wijziging.oud_deelnemers
        if gewijzigd and oude is None:
            oude = wijziging.deelnemers
        cellen.append(
            Cel(
                KOPPEN[10],
                None if oude is None else ", ".join(oude) or None,
                ", ".join(wijziging.deelnemers),
            )
        )
    return cellen
