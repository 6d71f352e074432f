"""The return sent as Excel: one decision's template, filled in by the municipality, uploaded,
checked, previewed against the current return and submitted as its new version.

The steps, each its own request (the views: `subsidies.views.verantwoording_import`)::

    sjabloon()       the template for the decision, pre-filled with its latest return
    ontvang()        store the original (kern.uploads, through its own session), then
      controleer()   check it cell by cell against the decision, and stage the rows or record
                     why the file is refused; note the return it is checked against (its basis)
    voorvertoning()  what the staged rows change against that return
    importeer()      submit the staged rows as a new version of the return, in the caller's one
                     transaction; the file is not read again

An upload is checked against the return that was current when it arrived. When another version
is submitted after that, the upload is *verouderd* (stale): it cannot be confirmed until it is
checked again against the current version (`controleer_opnieuw`), so that an older file never
silently replaces a newer return.

The modules, in the order of the steps: `basis` (the template's layout, the upload's purpose
and key, shared by all), `sjabloon`, `controle` (`lees`, `ontvang`, `controleer`, `verouderd`,
`controleer_opnieuw`), `voorvertoning` and `importeren`.
"""

from __future__ import annotations

from subsidies.verantwoording_import.basis import BLAD, SOORT, VERSIE, hoort_bij, sleutel
from subsidies.verantwoording_import.controle import (
    Controle,
    controleer,
    controleer_opnieuw,
    lees,
    ontvang,
    verouderd,
)
from subsidies.verantwoording_import.importeren import importeer
from subsidies.verantwoording_import.sjabloon import bestandsnaam, sjabloon
from subsidies.verantwoording_import.voorvertoning import Voorvertoning, voorvertoning

__all__ = [
    "BLAD",
    "SOORT",
    "VERSIE",
    "Controle",
    "Voorvertoning",
    "bestandsnaam",
    "controleer",
    "controleer_opnieuw",
    "hoort_bij",
    "importeer",
    "lees",
    "ontvang",
    "sjabloon",
    "sleutel",
    "verouderd",
    "voorvertoning",
]
