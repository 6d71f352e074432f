"""The spending return (verantwoording) as an Excel template, for one decision and its year.

The layout is fixed by the constants below: the upload reads the same cells. Change the
layout only together with `VERSIE`, so that an old template is recognised as old.

Sheet "Verantwoording" (everything locked except the yellow input cells)::

    B4  gemeente              B8  kenmerk of the decision
    B5  CBS code              B9  granted amount
    B6  scheme                B10 eindverantwoording (input: ja/nee)
    B7  year                  B11 toelichting afwijking (input: text)
    row 13: heading; from row 14 one row per purpose:
    A code | B purpose | C measures | D granted | E spent in year (input) | F cumulative (input)
"""

from __future__ import annotations

from kern.excel_sjabloon import INSTRUCTIES_BLAD, Kolom, Sjabloon
from subsidies.models import Beschikking

SOORT = "verantwoording"
VERSIE = "1"
BLAD = "Verantwoording"

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


def bestandsnaam(beschikking: Beschikking) -> str:
    return f"verantwoording-{beschikking.gemeente.cbs_code}-{beschikking.regeling_jaar.jaar}.xlsx"


def verantwoording_sjabloon(beschikking: Beschikking) -> bytes:
    """The return template for ``beschikking``, pre-filled with its latest return if any."""
    regeling_jaar = beschikking.regeling_jaar
    jaar = regeling_jaar.jaar
    gemeente = beschikking.gemeente
    sjabloon = Sjabloon(
        BLAD,
        soort=SOORT,
        versie=VERSIE,
        ids={META_BESCHIKKING: beschikking.id, META_CBS_CODE: gemeente.cbs_code, META_JAAR: jaar},
    )

    sjabloon.tekst("A1", f"Verantwoording {regeling_jaar.label}", vet=True, grootte=14)
    sjabloon.tekst(
        "A2",
        "Vul alleen de gele cellen in; de grijze cellen staan vast. "
        f"Lees eerst het blad {INSTRUCTIES_BLAD}.",
    )
    for cel, label in (
        (CEL_GEMEENTE, "Gemeente"),
        (CEL_CBS_CODE, "CBS-code"),
        (CEL_REGELING, "Regeling"),
        (CEL_JAAR, "Jaar"),
        (CEL_KENMERK, "Kenmerk beschikking"),
        (CEL_TOEGEKEND, "Toegekend bedrag"),
        (CEL_EINDVERANTWOORDING, "Eindverantwoording (ja/nee)"),
        (CEL_TOELICHTING, "Toelichting afwijking"),
    ):
        sjabloon.tekst(f"A{sjabloon.blad[cel].row}", label, vet=True)
    sjabloon.vast(CEL_GEMEENTE, beschikking.ontvanger)
    sjabloon.vast(CEL_CBS_CODE, gemeente.cbs_code)
    sjabloon.vast(CEL_REGELING, regeling_jaar.regeling.naam)
    sjabloon.vast(CEL_JAAR, jaar, formaat="0")
    sjabloon.vast(CEL_KENMERK, beschikking.kenmerk or "")
    sjabloon.vast_bedrag(CEL_TOEGEKEND, beschikking.bedrag, leeg="nog vast te stellen")

    laatste = beschikking.laatste_verantwoording
    sjabloon.invoer_ja_nee(CEL_EINDVERANTWOORDING, laatste.eindverantwoording if laatste else None)
    sjabloon.invoer_tekst(
        CEL_TOELICHTING, laatste.toelichting_afwijking if laatste else None, hoogte=60
    )

    sjabloon.koprij(
        KOPRIJ,
        [
            Kolom("Code", 26),
            Kolom("Bestedingsdoel", 34),
            Kolom("Maatregelen", 13),
            Kolom("Toegekend voor dit doel", 18),
            Kolom(f"Besteed in {jaar}", 18),
            Kolom(f"Besteed cumulatief t/m {jaar}", 18),
        ],
    )
    toegekend = {d.doel_id: d.bedrag for d in beschikking.doelbedragen}
    for rij, doel in enumerate(regeling_jaar.regeling.doelen, EERSTE_DOELRIJ):
        regel = laatste.regel_voor(doel.id) if laatste else None
        sjabloon.vast(f"{KOLOM_CODE}{rij}", doel.code)
        sjabloon.vast(f"{KOLOM_DOEL}{rij}", doel.naam)
        sjabloon.vast(f"{KOLOM_MAATREGELEN}{rij}", doel.maatregelen or "")
        sjabloon.vast_bedrag(f"{KOLOM_TOEGEKEND}{rij}", toegekend.get(doel.id))
        sjabloon.invoer_bedrag(f"{KOLOM_IN_JAAR}{rij}", regel.besteed_in_jaar if regel else None)
        sjabloon.invoer_bedrag(
            f"{KOLOM_CUMULATIEF}{rij}", regel.besteed_cumulatief if regel else None
        )

    sjabloon.instructies(
        f"Instructies bij de verantwoording {regeling_jaar.label}",
        [
            f"Dit sjabloon hoort bij beschikking {beschikking.kenmerk or '(zonder kenmerk)'} "
            f"voor {beschikking.ontvanger} ({gemeente.cbs_code}). Gebruik het alleen voor "
            "deze beschikking en dit jaar.",
            "Vul op het blad Verantwoording alleen de gele cellen in. De grijze cellen "
            "(gemeente, CBS-code, kenmerk, jaar en toegekende bedragen) zijn beveiligd en "
            "kunnen niet worden gewijzigd.",
            f"Besteed in {jaar}: wat in {jaar} aan dit doel is uitgegeven. Besteed cumulatief "
            f"t/m {jaar}: alles wat sinds het begin van de subsidie aan dit doel is "
            f"uitgegeven, inclusief {jaar}. Het cumulatieve bedrag is dus nooit lager dan het "
            "bedrag van het jaar.",
            "Bedragen in euro's, 0 of meer, met hoogstens twee decimalen, bijvoorbeeld "
            "12500 of 12500,50. Vul een 0 in als er niets aan een doel is besteed.",
            "Eindverantwoording: kies ja als dit de laatste verantwoording voor deze "
            "beschikking is, anders nee.",
            "Toelichting afwijking: leg uit waarom de besteding afwijkt van het toegekende "
            "bedrag, als dat zo is.",
            "Was er al een verantwoording ingediend, dan zijn de cellen ingevuld met de "
            "gegevens van de laatste versie.",
            "Sla het bestand op als Excel-werkmap (.xlsx). Voeg geen bladen, rijen of "
            "kolommen toe en verander de naam van de bladen niet.",
        ],
    )
    return sjabloon.als_bytes()
