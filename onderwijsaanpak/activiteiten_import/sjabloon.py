"""The activities template for one municipality: its name and code locked, rows to fill in."""

from __future__ import annotations

from gemeenten.models import Gemeente
from kern.excel.sjabloon import Sjabloon
from onderwijsaanpak import regels
from onderwijsaanpak.activiteiten_import.basis import (
    BLAD,
    CEL_CBS_CODE,
    CEL_GEMEENTE,
    EERSTE_RIJ,
    KOLOMMEN,
    KOPRIJ,
    LETTERS,
    MAX_ACTIVITEITEN,
    META_CBS_CODE,
    META_GEMEENTE,
    SJABLOONSOORT,
    VERSIE,
    handtekeningsleutel,
)
from onderwijsaanpak.models import SOORT_LABELS, Niveau


def bestandsnaam(gemeente: Gemeente) -> str:
    return f"activiteiten-{gemeente.cbs_code}.xlsx"


def sjabloon(gemeente: Gemeente) -> bytes:
    """An empty activities template for ``gemeente``."""
    werkmap = Sjabloon(
        BLAD,
        soort=SJABLOONSOORT,
        versie=VERSIE,
        ids={META_GEMEENTE: gemeente.id, META_CBS_CODE: gemeente.cbs_code},
        sleutel=handtekeningsleutel(),
    )
    werkmap.tekst(
        "A1", f"Activiteiten onderwijsaanpak: {gemeente.weergavenaam}", vet=True, grootte=14
    )
    werkmap.tekst(f"A{werkmap.blad[CEL_GEMEENTE].row}", "Gemeente", vet=True)
    werkmap.tekst(f"A{werkmap.blad[CEL_CBS_CODE].row}", "CBS-code", vet=True)
    werkmap.vast(CEL_GEMEENTE, gemeente.weergavenaam)
    werkmap.vast(CEL_CBS_CODE, gemeente.cbs_code)
    werkmap.koprij(KOPRIJ, KOLOMMEN)
    soorten = list(SOORT_LABELS.values())
    niveaus = [n.label for n in Niveau]
    a, b, c, d, e, f, g, h = list(LETTERS)
    for rij in range(EERSTE_RIJ, EERSTE_RIJ + MAX_ACTIVITEITEN):
        werkmap.invoer_keuze(f"{a}{rij}", soorten)
        werkmap.invoer_datum(f"{b}{rij}")
        werkmap.invoer_tekst(f"{c}{rij}")
        werkmap.invoer_tekst(f"{d}{rij}")
        werkmap.invoer_keuze(f"{e}{rij}", niveaus)
        werkmap.invoer_aantal(f"{f}{rij}", minimum=1, maximum=regels.MAX_DEELNEMERS)
        werkmap.invoer_tekst(f"{g}{rij}")
        werkmap.invoer_tekst(f"{h}{rij}")
    werkmap.instructies(
        f"Instructies bij het melden van activiteiten: {gemeente.weergavenaam}",
        _instructies(gemeente),
    )
    return werkmap.als_bytes()


def _instructies(gemeente: Gemeente) -> list[str]:
    soorten = "; ".join(SOORT_LABELS.values())
    return [
        f"Dit sjabloon hoort bij {gemeente.weergavenaam} ({gemeente.cbs_code}). Gebruik het "
        "alleen voor deze gemeente; een ministeriemedewerker die voor meer gemeenten meldt, "
        "downloadt en uploadt per gemeente een eigen sjabloon.",
        "Vul op het blad Activiteiten per activiteit één regel in, in de gele cellen. Laat "
        "regels die u niet gebruikt helemaal leeg.",
        f"Soort activiteit: kies uit de lijst ({soorten}).",
        f"Datum: de dag waarop de activiteit is gehouden, bijvoorbeeld 15-03-2016. Niet in de "
        f"toekomst en niet vóór {regels.EERSTE_DATUM:%Y}. Ligt de datum in de periode van een "
        "rapportage die al is ingediend of goedgekeurd, dan kan de activiteit niet worden "
        "gemeld.",
        "School of schoolbestuur: de naam. BRIN-code (optioneel): twee cijfers en twee letters, "
        "zoals 12AB, eventueel met een vestigingsnummer (12AB01).",
        "Niveau: VO of MBO.",
        f"Deelnemers: het aantal, van 1 tot en met {regels.MAX_DEELNEMERS}.",
        "Aanbieder en opmerkingen zijn optioneel.",
        f"Hoogstens {MAX_ACTIVITEITEN} activiteiten per bestand; meld er meer in een tweede "
        "bestand. Een activiteit die al is "
        "gemeld (zelfde soort, datum, school, BRIN-code, niveau, aantal deelnemers en "
        "aanbieder) wordt niet nog een keer ingelezen; u ziet dat in de voorvertoning.",
        "Sla het bestand op als Excel-werkmap (.xlsx). Voeg geen bladen of kolommen toe, "
        "verplaats geen kolommen en verander de naam van de bladen niet.",
    ]
