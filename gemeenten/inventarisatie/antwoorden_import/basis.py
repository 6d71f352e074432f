"""What every step of the answers import shares: the template's layout, the upload's purpose
and key, and the staged row.

One upload is for one inventory: the template is made for it (its name locked at the top, its
id in the signed metadata) and lists, in the long format, one row per invited municipality and
theme, identified by the locked CBS code and theme name; an officer fills in the answers and
uploads it on the inventory's import page. A template of another inventory is refused. Change
the layout only together with `VERSIE`, so that an old template is recognised as old.

Sheet "Antwoorden" (everything locked except the yellow input cells)::

    B3  inventory
    row 5: heading; from row 6 one municipality and theme per row:
    A CBS-code | B gemeente | C deel | D thema | E behoefte (ja/nee) | F prioriteit (1-5) |
    G toelichting | H contactpersoon | I beantwoord op
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from flask import current_app

from gemeenten.inventarisatie.models import Inventarisatie
from gemeenten.inventarisatie.services import AntwoordRegel
from kern import uploads
from kern.excel.sjabloon import Kolom, metadata_sleutel
from kern.uploads import Upload

SOORT = "inventarisatie-antwoorden"  # the kern.uploads purpose; the key is the inventory's id
SJABLOONSOORT = "inventarisatie-antwoorden"  # the kind in the template's metadata
VERSIE = "1"
BLAD = "Antwoorden"

CEL_INVENTARISATIE = "B3"
KOPRIJ = 5
EERSTE_RIJ = KOPRIJ + 1
MAX_REGELS = 20_000  # rows one file may hold: 400 municipalities of 50 themes

META_INVENTARISATIE = "inventarisatie_id"

# The table's columns from A, as the template has them and the upload checks them.
KOLOMMEN = [
    Kolom("CBS-code", 11),
    Kolom("Gemeente", 26),
    Kolom("Deel", 22),
    Kolom("Thema", 26),
    Kolom("Behoefte (ja/nee)", 12),
    Kolom("Prioriteit (1-5)", 11),
    Kolom("Toelichting", 48),
    Kolom("Contactpersoon", 26),
    Kolom("Beantwoord op", 13),
]
KOPPEN = [k.kop for k in KOLOMMEN]
LETTERS = "ABCDEFGHI"


@dataclass(frozen=True, slots=True)
class Antwoordregel:
    """One row of the file, checked: a municipality's answer on a theme (all of it empty: no
    answer, which removes one the municipality had); staged as JSON (`als_json`)."""

    rij: int  # the row in the sheet
    gemeente_id: int
    regel: AntwoordRegel
    beantwoord_op: date | None

    def als_json(self) -> dict[str, object]:
        r = self.regel
        return {
            "gemeente_id": self.gemeente_id,
            "thema_id": r.thema_id,
            "behoefte": r.behoefte,
            "prioriteit": r.prioriteit,
            "toelichting": r.toelichting,
            "contactpersoon": r.contactpersoon,
            "beantwoord_op": self.beantwoord_op.isoformat() if self.beantwoord_op else None,
        }

    @classmethod
    def van_json(cls, rij: int, w: Mapping[str, object]) -> Antwoordregel:
        behoefte, prioriteit, dag = w["behoefte"], w["prioriteit"], w["beantwoord_op"]
        return cls(
            rij,
            int(str(w["gemeente_id"])),
            AntwoordRegel(
                thema_id=int(str(w["thema_id"])),
                behoefte=None if behoefte is None else bool(behoefte),
                prioriteit=None if prioriteit is None else int(str(prioriteit)),
                toelichting=_of_none(w["toelichting"]),
                contactpersoon=_of_none(w["contactpersoon"]),
            ),
            None if dag is None else date.fromisoformat(str(dag)),
        )


def _of_none(waarde: object) -> str | None:
    return None if waarde is None else str(waarde)


def antwoordregels(upload: Upload) -> Iterator[Antwoordregel]:
    """The staged rows of a checked upload, in sheet order."""
    for rij, gegevens in uploads.gestaged(upload):
        yield Antwoordregel.van_json(rij, gegevens)


def sleutel(inventarisatie: Inventarisatie) -> str:
    return str(inventarisatie.id)


def hoort_bij(upload: Upload, inventarisatie: Inventarisatie) -> bool:
    return upload.soort == SOORT and upload.sleutel == sleutel(inventarisatie)


def handtekeningsleutel() -> bytes:
    """The key the template's metadata is signed with (derived from ``SECRET_KEY``)."""
    return metadata_sleutel(current_app.config["SECRET_KEY"])
