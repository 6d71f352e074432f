"""What every step of the historical import shares: the columns, the kinds and outcomes of a row.

Also the upload's key, the number a new decision gets, and the scheme's decisions loaded as the
check and the import both need them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from kern.db import CENT, db
from kern.uploads import Upload
from subsidies.models import Beschikking, Regeling, RegelingJaar, Verantwoording

SOORT = "historische-import"  # the kern.uploads purpose; the key is the scheme's id
MAX_RIJEN = 200_000

KOPPEN = ("Soort", "CBS-code", "Gemeente", "Jaar", "Doel", "Bedrag", "Cumulatief", "Datum")
A, B, C, D, E, F, G, H = "ABCDEFGH"  # the columns, in the order of KOPPEN
AANTAL = len(KOPPEN)

TOEKENNING, BETALING, BESTEDING = "toekenning", "betaling", "besteding"
SOORTEN = (TOEKENNING, BETALING, BESTEDING)
NIEUW, GEWIJZIGD, ONGEWIJZIGD = "nieuw", "gewijzigd", "ongewijzigd"
UITKOMSTEN = (NIEUW, GEWIJZIGD, ONGEWIJZIGD)

Voortgang = Callable[[int], None]  # called with the number of rows done since the last call


def sleutel(regeling: Regeling) -> str:
    return str(regeling.id)


def kenmerk(regeling: Regeling, jaar: int, cbs_code: str) -> str:
    """The decision number of a decision the import makes."""
    return f"historisch-{regeling.id}-{jaar}-{cbs_code}"


def hoort_bij(upload: Upload, regeling: Regeling) -> bool:
    return upload.soort == SOORT and upload.sleutel == sleutel(regeling)


def euro(centen: int) -> Decimal:
    return Decimal(centen).scaleb(-2).quantize(CENT)


def beschikkingen_van(regeling: Regeling) -> list[Beschikking]:
    return list(
        db.session.execute(
            sa.select(Beschikking)
            .join(Beschikking.regeling_jaar)
            .where(RegelingJaar.regeling_id == regeling.id)
            .options(
                selectinload(Beschikking.gemeente),
                selectinload(Beschikking.doelbedragen),
                selectinload(Beschikking.betalingen),
                selectinload(Beschikking.verantwoordingen).selectinload(Verantwoording.regels),
            )
        ).scalars()
    )
