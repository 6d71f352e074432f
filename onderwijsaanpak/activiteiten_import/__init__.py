"""Activities sent as Excel: one municipality's template, filled in by the municipality (or an
officer on its behalf), uploaded, checked, previewed and reported.

The steps, each its own request (the views: `onderwijsaanpak.views.activiteiten_import`)::

    sjabloon()       the empty template for the municipality
    ontvang()        store the original (kern.uploads, through its own session), then
      controleer()   check it cell by cell by the rules the web form asks, and stage the rows
                     or record why the file is refused
    voorvertoning()  which staged activities are new and which were reported already
    importeer()      report the new ones through the services, in the caller's one
                     transaction; the file is not read again

Reported already is the same kind, date, school, BRIN code, level, participants and provider
(`basis.kenmerk`), matched once per activity: uploading a corrected file again adds only what
is new. The preview is compared with the activities as they are when it is drawn; the
confirmation carries that state (`stand`), and an import on another state is refused, so that
what is imported is what the user saw.

The modules, in the order of the steps: `basis` (the layout, the upload's purpose and key, the
staged row), `sjabloon`, `controle` (`lees`, `ontvang`, `controleer`), `voorvertoning` and
`importeren`.
"""

from __future__ import annotations

from onderwijsaanpak.activiteiten_import.basis import BLAD, SOORT, VERSIE, hoort_bij, sleutel
from onderwijsaanpak.activiteiten_import.controle import Controle, controleer, lees, ontvang
from onderwijsaanpak.activiteiten_import.importeren import importeer
from onderwijsaanpak.activiteiten_import.sjabloon import bestandsnaam, sjabloon
from onderwijsaanpak.activiteiten_import.voorvertoning import Voorvertoning, stand, voorvertoning

__all__ = [
    "BLAD",
    "SOORT",
    "VERSIE",
    "Controle",
    "Voorvertoning",
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
