"""What every step of the activities upload shares: the template's layout, the upload's purpose
and key, and the staged row.

One upload is for one municipality: the template is made for it (its name and CBS code locked
at the top, its id in the signed metadata) and is uploaded on its page, by the municipality or
by an officer on its behalf; a template of another municipality is refused. Change the layout
only together with `VERSIE`, so that an old template is recognised as old.

Sheet "Activiteiten" (everything locked except the yellow input cells)::

    B3  gemeente              B4  CBS code
    row 6: heading; from row 7 one activity per row:
    A soort | B datum | C school of schoolbestuur | D BRIN-code | E niveau | F deelnemers |
    G aanbieder | H opmerkingen
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from flask import current_app

from gemeenten.models import Gemeente
from kern import uploads
from kern.excel.sjabloon import Kolom, metadata_sleutel
from kern.uploads import Upload
from onderwijsaanpak.models import Activiteit, ActiviteitSoort, Niveau
from onderwijsaanpak.services import ActiviteitGegevens

SOORT = "activiteiten"  # the kern.uploads purpose; the key is the municipality's id
SJABLOONSOORT = "activiteiten"  # the kind in the template's metadata
VERSIE = "1"
BLAD = "Activiteiten"

CEL_GEMEENTE = "B3"
CEL_CBS_CODE = "B4"
KOPRIJ = 6
EERSTE_RIJ = KOPRIJ + 1
MAX_ACTIVITEITEN = 500  # the template's input rows, and what one file may hold

META_GEMEENTE = "gemeente_id"
META_CBS_CODE = "cbs_code"

# The table's columns from A, as the template has them and the upload checks them.
KOLOMMEN = [
    Kolom("Soort activiteit", 44),
    Kolom("Datum", 13),
    Kolom("School of schoolbestuur", 34),
    Kolom("BRIN-code (optioneel)", 14),
    Kolom("Niveau (VO of MBO)", 11),
    Kolom("Deelnemers", 12),
    Kolom("Aanbieder (optioneel)", 26),
    Kolom("Opmerkingen (optioneel)", 40),
]
KOPPEN = [k.kop for k in KOLOMMEN]
LETTERS = "ABCDEFGH"


@dataclass(frozen=True, slots=True)
class Activiteitregel:
    """One activity as the file reports it, checked; staged as JSON (`als_json`)."""

    rij: int  # the row in the sheet
    gegevens: ActiviteitGegevens

    def als_json(self) -> dict[str, str | int | None]:
        g = self.gegevens
        return {
            "soort": g.soort.value,
            "datum": g.datum.isoformat(),
            "school": g.school,
            "brin": g.brin,
            "niveau": g.niveau.value,
            "deelnemers": g.deelnemers,
            "aanbieder": g.aanbieder,
            "opmerkingen": g.opmerkingen,
        }

    @classmethod
    def van_json(cls, rij: int, w: Mapping[str, object]) -> Activiteitregel:
        return cls(
            rij,
            ActiviteitGegevens(
                soort=ActiviteitSoort(str(w["soort"])),
                datum=date.fromisoformat(str(w["datum"])),
                school=str(w["school"]),
                niveau=Niveau(str(w["niveau"])),
                deelnemers=int(str(w["deelnemers"])),
                brin=_of_none(w["brin"]),
                aanbieder=_of_none(w["aanbieder"]),
                opmerkingen=_of_none(w["opmerkingen"]),
            ),
        )


def _of_none(waarde: object) -> str | None:
    return None if waarde is None else str(waarde)


Kenmerk = tuple[object, ...]


def kenmerk(g: ActiviteitGegevens | Activiteit) -> Kenmerk:
    """What makes a reported activity the same one when it is reported again: everything but
    the notes (school names compared without case)."""
    return (
        g.soort,
        g.datum,
        " ".join(g.school.split()).casefold(),
        g.brin,
        g.niveau,
        g.deelnemers,
        " ".join((g.aanbieder or "").split()).casefold(),
    )


def activiteitregels(upload: Upload) -> Iterator[Activiteitregel]:
    """The staged rows of a checked upload, in sheet order."""
    for rij, gegevens in uploads.gestaged(upload):
        yield Activiteitregel.van_json(rij, gegevens)


def sleutel(gemeente: Gemeente) -> str:
    return str(gemeente.id)


def hoort_bij(upload: Upload, gemeente: Gemeente) -> bool:
    return upload.soort == SOORT and upload.sleutel == sleutel(gemeente)


def handtekeningsleutel() -> bytes:
    """The key the template's metadata is signed with (derived from ``SECRET_KEY``)."""
    return metadata_sleutel(current_app.config["SECRET_KEY"])
