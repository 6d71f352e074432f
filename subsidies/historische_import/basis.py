"""What every step of the historical import shares: the columns, the kinds and outcomes of a row.

Also the upload's key, the number a new decision gets, the staged row (`Wijziging`), and the
scheme's decisions loaded as the check and the import both need them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from kern.db import CENT, db
from kern.uploads import Upload
from subsidies.models import Beschikking, Regeling, RegelingJaar, Verantwoording

SOORT = "historische-import"  # the kern.uploads purpose; the key is the scheme's id
MAX_RIJEN = 200_000

KOPPEN = (
    "Soort",
    "CBS-code",
    "Gemeente",
    "Jaar",
    "Doel",
    "Bedrag",
    "Cumulatief",
    "Datum",
    "Kenmerk",
    "Regio",
    "Deelnemers",
)
A, B, C, D, E, F, G, H, I, J, K = "ABCDEFGHIJK"  # noqa: E741 (the columns, as KOPPEN)
AANTAL = len(KOPPEN)
# A file may stop after Datum: the decision's own columns (Kenmerk, Regio, Deelnemers) came later.
VERPLICHT = KOPPEN[:8]

OPEN = "nog vast te stellen"  # the amount cell of a decision whose amount is not yet set

TOEKENNING, BETALING, BESTEDING = "toekenning", "betaling", "besteding"
VASTSTELLING = "vaststelling"  # a finished year: the decision settled, its return approved
SOORTEN = (TOEKENNING, BETALING, BESTEDING, VASTSTELLING)
NIEUW, GEWIJZIGD, ONGEWIJZIGD = "nieuw", "gewijzigd", "ongewijzigd"
UITKOMSTEN = (NIEUW, GEWIJZIGD, ONGEWIJZIGD)

Voortgang = Callable[[int], None]  # called with the number of rows done since the last call


class Wijziging(NamedTuple):
    """A staged row: what confirming does with one row of the file (money in cents). A named
    tuple: one is made for every row that changes something.

    Kept as JSON in `kern.uploads` (`als_json`, `van_json`), in the keys it always had:
    ``soort``, ``cbs``, ``jaar``, ``bedrag``, ``uitkomst``, and where they apply ``doel``,
    ``cumulatief``, ``datum`` (ISO) and ``oud`` (``bedrag``, ``cumulatief``).
    """

    soort: str  # one of SOORTEN
    cbs: str
    jaar: int
    bedrag: int | None  # None: a grant whose amount is not yet set (OPEN)
    uitkomst: str  # NIEUW or GEWIJZIGD: an unchanged row is counted, not staged
    doel: str | None = None  # the purpose's code; a payment and a decision's total have none
    cumulatief: int | None = None  # a spending row's cumulative
    datum: date | None = None  # a payment's, a settlement's or a decision's own date
    oud_bedrag: int | None = None  # what a changed row replaces
    oud_cumulatief: int | None = None
    kenmerk: str | None = None  # a grant: the decision's own reference, region, participants
    regio: str | None = None
    deelnemers: tuple[str, ...] | None = None  # CBS codes
    oud_regio: str | None = None
    oud_deelnemers: tuple[str, ...] | None = None

    def als_json(self) -> dict[str, Any]:
        gegevens: dict[str, Any] = {
            "soort": self.soort,
            "cbs": self.cbs,
            "jaar": self.jaar,
            "bedrag": self.bedrag,
            "uitkomst": self.uitkomst,
        }
        if self.doel is not None:
            gegevens["doel"] = self.doel
        if self.cumulatief is not None:
            gegevens["cumulatief"] = self.cumulatief
        if self.datum is not None:
            gegevens["datum"] = self.datum.isoformat()
        for sleutel in ("kenmerk", "regio"):
            if (waarde := getattr(self, sleutel)) is not None:
                gegevens[sleutel] = waarde
        if self.deelnemers is not None:
            gegevens["deelnemers"] = list(self.deelnemers)
        oud: dict[str, Any] = {}
        if self.oud_bedrag is not None:
            oud["bedrag"] = self.oud_bedrag
            if self.oud_cumulatief is not None:
                oud["cumulatief"] = self.oud_cumulatief
        if self.oud_regio is not None:
            oud["regio"] = self.oud_regio
        if self.oud_deelnemers is not None:
            oud["deelnemers"] = list(self.oud_deelnemers)
        if oud:
            gegevens["oud"] = oud
        return gegevens

    @classmethod
    def van_json(cls, gegevens: Mapping[str, Any]) -> Wijziging:
        oud = gegevens.get("oud") or {}
        datum = gegevens.get("datum")
        deelnemers, oude_deelnemers = gegevens.get("deelnemers"), oud.get("deelnemers")
        return cls(
            soort=gegevens["soort"],
            cbs=gegevens["cbs"],
            jaar=gegevens["jaar"],
            bedrag=gegevens["bedrag"],
            uitkomst=gegevens["uitkomst"],
            doel=gegevens.get("doel"),
            cumulatief=gegevens.get("cumulatief"),
            datum=None if datum is None else date.fromisoformat(datum),
            oud_bedrag=oud.get("bedrag"),
            oud_cumulatief=oud.get("cumulatief"),
            kenmerk=gegevens.get("kenmerk"),
            regio=gegevens.get("regio"),
            deelnemers=None if deelnemers is None else tuple(deelnemers),
            oud_regio=oud.get("regio"),
            oud_deelnemers=None if oude_deelnemers is None else tuple(oude_deelnemers),
        )


def sleutel(regeling: Regeling) -> str:
    return str(regeling.id)


def kenmerk(regeling: Regeling, jaar: int, cbs_code: str) -> str:
    """The decision number of a decision the import makes, when the file gives none."""
    return f"historisch-{regeling.id}-{jaar}-{cbs_code}"


def hoort_bij(upload: Upload, regeling: Regeling) -> bool:
    return upload.soort == SOORT and upload.sleutel == sleutel(regeling)


def euro(centen: int) -> Decimal:
    return Decimal(centen).scaleb(-2).quantize(CENT)


def euro_of_open(centen: int | None) -> Decimal | None:
    return None if centen is None else euro(centen)


def beschikkingen_van(regeling: Regeling) -> list[Beschikking]:
    return list(
        db.session.execute(
            sa.select(Beschikking)
            .join(Beschikking.regeling_jaar)
            .where(RegelingJaar.regeling_id == regeling.id)
            .options(
                selectinload(Beschikking.gemeente),
                selectinload(Beschikking.deelnemers),
                selectinload(Beschikking.doelbedragen),
                selectinload(Beschikking.betalingen),
                selectinload(Beschikking.verantwoordingen).selectinload(Verantwoording.regels),
            )
        ).scalars()
    )
