"""The rules on an inventory's values, for the forms and an import alike.

Each check answers with the Dutch message for the user, or None when the value is allowed.
"""

from __future__ import annotations

import re

from gemeenten.inventarisatie.models import PRIORITEITEN

NAAM_MAX = 200
DEEL_MAX = 120
THEMA_MAX = 120
KAMERSTUK_MAX = 40
TOELICHTING_MAX = 4000
CONTACT_MAX = 200

# "29 754, nr. 323"; a dossier number with a part as in "34 000-VI, nr. 5" too.
KAMERSTUK = re.compile(r"[0-9]{1,3}(?: [0-9]{3})*(?:-[A-Z0-9]{1,6})?, nr\. [0-9]{1,5}")

KAMERSTUK_MELDING = "Schrijf het Kamerstuk als dossier en nummer, zoals 29 754, nr. 323."
PRIORITEIT_ZONDER_BEHOEFTE = (
    "Een prioriteit hoort bij een behoefte: kies 'ja' bij behoefte of laat de prioriteit leeg."
)
PRIORITEIT_BEREIK = f"Kies een prioriteit van {PRIORITEITEN[0]} tot en met {PRIORITEITEN[-1]}."
BEHOEFTE_ONTBREEKT = "Kies of er een behoefte is (ja of nee)."


def kamerstuk(waarde: str) -> str | None:
    return None if KAMERSTUK.fullmatch(waarde) else KAMERSTUK_MELDING


def prioriteit(behoefte: bool | None, waarde: int | None) -> str | None:
    """A priority from 1 to 5, and only with a need."""
    if waarde is None:
        return None
    if waarde not in PRIORITEITEN:
        return PRIORITEIT_BEREIK
    if behoefte is not True:
        return PRIORITEIT_ZONDER_BEHOEFTE
    return None
