"""What every step of the return upload shares: the template's layout, the upload's purpose and
key, and the return an upload is checked against (its basis).

The layout is fixed by the constants below: the template writes these cells and the check reads
them. Change the layout only together with `VERSIE`, so that an old template is recognised as
old.

Sheet "Verantwoording" (everything locked except the yellow input cells)::

    B4  gemeente              B8  kenmerk of the decision
    B5  CBS code              B9  granted amount
    B6  scheme                B10 eindverantwoording (input: ja/nee)
    B7  year                  B11 toelichting afwijking (input: text)
    row 13: heading; from row 14 one row per purpose:
    A code | B purpose | C measures | D granted | E spent in year (input) | F cumulative (input)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app

from kern import uploads
from kern.excel.sjabloon import Kolom, metadata_sleutel
from kern.uploads import Upload
from subsidies.models import Beschikking

SOORT = "verantwoording"  # the kern.uploads purpose; the key is the decision's id
SJABLOONSOORT = "verantwoording"  # the kind in the template's metadata
VERSIE = "2"  # 2: the metadata is signed
BLAD = "Verantwoording"
BASIS = "basis"  # in the upload's gegevens: id of the return it was checked against, or None

# Identification (locked) and the two cells about the return as a whole (input).
CEL_GEMEENTE = "B4"
CEL_CBS_CODE = "B5"
CEL_REGELING = "B6"
CEL_JAAR = "B7"
CEL_KENMERK = "B8"
CEL_TOEGEKEND = "B9"
CEL_EINDVERANTWOORDING = "B10"
CEL_TOELICHTING = "B11"

# The table of purposes: one row each, from EERSTE_DOELRIJ, in the scheme's order.
KOPRIJ = 13
EERSTE_DOELRIJ = KOPRIJ + 1
KOLOM_CODE = "A"  # the purpose's code: what the upload matches rows on
KOLOM_DOEL = "B"
KOLOM_MAATREGELEN = "C"
KOLOM_TOEGEKEND = "D"
KOLOM_IN_JAAR = "E"  # input
KOLOM_CUMULATIEF = "F"  # input

# Metadata keys, besides the kind and version every template has.
META_BESCHIKKING = "beschikking_id"
META_CBS_CODE = "cbs_code"
META_JAAR = "jaar"


@dataclass(frozen=True, slots=True)
class Doelregel:
    """A purpose's row of a checked return: what the file says was spent on it.

    Staged as JSON in `kern.uploads` (`als_json`, `van_json`) in the keys it always had:
    ``doel`` (the purpose's code) and the amounts as text (``in_jaar``, ``cumulatief``).
    """

    rij: int  # the row in the sheet
    doel: str
    in_jaar: Decimal
    cumulatief: Decimal

    def als_json(self) -> dict[str, str]:
        return {"doel": self.doel, "in_jaar": str(self.in_jaar), "cumulatief": str(self.cumulatief)}

    @classmethod
    def van_json(cls, rij: int, gegevens: Mapping[str, str]) -> Doelregel:
        return cls(
            rij, gegevens["doel"], Decimal(gegevens["in_jaar"]), Decimal(gegevens["cumulatief"])
        )


def doelregels(upload: Upload) -> Iterator[Doelregel]:
    """The staged rows of a checked upload, in sheet order."""
    for rij, gegevens in uploads.gestaged(upload):
        yield Doelregel.van_json(rij, gegevens)


def sleutel(beschikking: Beschikking) -> str:
    return str(beschikking.id)


def hoort_bij(upload: Upload, beschikking: Beschikking) -> bool:
    return upload.soort == SOORT and upload.sleutel == sleutel(beschikking)


def huidige_basis(beschikking: Beschikking) -> int | None:
    """The return an upload checked now is checked against: the latest, if there is one."""
    laatste = beschikking.laatste_verantwoording
    return laatste.id if laatste else None


def kolommen(jaar: int) -> list[Kolom]:
    """The table's columns from A, as the template has them and the upload checks them."""
    return [
        Kolom("Code", 26),
        Kolom("Bestedingsdoel", 34),
        Kolom("Maatregelen", 13),
        Kolom("Toegekend voor dit doel", 18),
        Kolom(f"Besteed in {jaar}", 18),
        Kolom(f"Besteed cumulatief t/m {jaar}", 18),
    ]


def handtekeningsleutel() -> bytes:
    """The key the template's metadata is signed with (derived from ``SECRET_KEY``)."""
    return metadata_sleutel(current_app.config["SECRET_KEY"])
