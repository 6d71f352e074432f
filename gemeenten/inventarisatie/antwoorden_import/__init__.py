"""A whole inventory's answers sent as Excel, in the long format: one row per invited
municipality and theme. An officer downloads the inventory's template, fills it in (or has it
filled in), uploads it, sees every bad cell or a preview, and confirms.

The steps, each its own request (the views: `gemeenten.inventarisatie.views.antwoorden_import`)::

    sjabloon()       the template: a row per invited municipality and theme, answers so far
    ontvang()        store the original (kern.uploads, through its own session), then
      controleer()   check it cell by cell by the rules the web form asks, and stage the rows
                     or record why the file is refused
    voorvertoning()  which answers the rows add, change or remove
    importeer()      store them per municipality through the services, in the caller's one
                     transaction; the file is not read again

The preview is compared with the answers as they are when it is drawn; the confirmation carries
that state (`stand`), and an import on another state is refused, so that what is imported is
what the user saw.

The modules, in the order of the steps: `basis` (the layout, the upload's purpose and key, the
staged row), `sjabloon`, `controle` (`lees`, `ontvang`, `controleer`), `voorvertoning` and
`importeren`.
"""

from __future__ import annotations

from gemeenten.inventarisatie.antwoorden_import.basis import BLAD, SOORT, VERSIE, hoort_bij, sleutel
from gemeenten.inventarisatie.antwoorden_import.controle import (
    Controle,
    controleer,
    lees,
    ontvang,
)
from gemeenten.inventarisatie.antwoorden_import.importeren import importeer
from gemeenten.inventarisatie.antwoorden_import.sjabloon import bestandsnaam, sjabloon
from gemeenten.inventarisatie.antwoorden_import.voorvertoning import (
    Voorvertoning,
    Wijziging,
    stand,
    voorvertoning,
)

__all__ = [
    "BLAD",
    "SOORT",
    "VERSIE",
    "Controle",
    "Voorvertoning",
    "Wijziging",
    "bestandsnaam",
    "controleer",
    "hoort_bij",
    "importeer",
    "lees",
    "ontvang",
    "sjabloon",
    "sleutel",
    "stand",
    "voorvertoning",
]
