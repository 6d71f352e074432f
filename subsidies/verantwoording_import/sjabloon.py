"""The return template for one decision and its year, pre-filled with its latest return."""

from __future__ import annotations

from kern.excel.sjabloon import INSTRUCTIES_BLAD, Sjabloon
from subsidies.models import Beschikking, Verantwoording
from subsidies.verantwoording_import.basis import (
    BLAD,
    CEL_CBS_CODE,
    CEL_EINDVERANTWOORDING,
    CEL_GEMEENTE,
    CEL_JAAR,
    CEL_KENMERK,
    CEL_REGELING,
    CEL_TOEGEKEND,
    CEL_TOELICHTING,
    EERSTE_DOELRIJ,
    KOLOM_CODE,
    KOLOM_CUMULATIEF,
    KOLOM_DOEL,
    KOLOM_IN_JAAR,
    KOLOM_MAATREGELEN,
    KOLOM_TOEGEKEND,
    KOPRIJ,
    META_BESCHIKKING,
    META_CBS_CODE,
    META_JAAR,
    SJABLOONSOORT,
    VERSIE,
    handtekeningsleutel,
    kolommen,
)


def bestandsnaam(beschikking: Beschikking) -> str:
    return f"verantwoording-{beschikking.gemeente.cbs_code}-{beschikking.regeling_jaar.jaar}.xlsx"


def sjabloon(beschikking: Beschikking) -> bytes:
    """The return template for ``beschikking``, pre-filled with its latest return if any."""
    gemeente = beschikking.gemeente
    jaar = beschikking.regeling_jaar.jaar
    werkmap = Sjabloon(
        BLAD,
        soort=SJABLOONSOORT,
        versie=VERSIE,
        ids={META_BESCHIKKING: beschikking.id, META_CBS_CODE: gemeente.cbs_code, META_JAAR: jaar},
        sleutel=handtekeningsleutel(),
    )
    laatste = beschikking.laatste_verantwoording
    _kop(werkmap, beschikking, laatste)
    _tabel(werkmap, beschikking, laatste)
    werkmap.instructies(
        f"Instructies bij de verantwoording {beschikking.regeling_jaar.label}",
        _instructies(beschikking),
    )
    return werkmap.als_bytes()


def _kop(werkmap: Sjabloon, beschikking: Beschikking, laatste: Verantwoording | None) -> None:
    """The decision's identification (locked) and the two cells about the return as a whole."""
    regeling_jaar = beschikking.regeling_jaar
    werkmap.tekst("A1", f"Verantwoording {regeling_jaar.label}", vet=True, grootte=14)
    werkmap.tekst(
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
        werkmap.tekst(f"A{werkmap.blad[cel].row}", label, vet=True)
    werkmap.vast(CEL_GEMEENTE, beschikking.ontvanger)
    werkmap.vast(CEL_CBS_CODE, beschikking.gemeente.cbs_code)
    werkmap.vast(CEL_REGELING, regeling_jaar.regeling.naam)
    werkmap.vast(CEL_JAAR, regeling_jaar.jaar, formaat="0")
    werkmap.vast(CEL_KENMERK, beschikking.kenmerk or "")
    werkmap.vast_bedrag(CEL_TOEGEKEND, beschikking.bedrag, leeg="nog vast te stellen")
    werkmap.invoer_ja_nee(CEL_EINDVERANTWOORDING, laatste.eindverantwoording if laatste else None)
    werkmap.invoer_tekst(
        CEL_TOELICHTING, laatste.toelichting_afwijking if laatste else None, hoogte=60
    )


def _tabel(werkmap: Sjabloon, beschikking: Beschikking, laatste: Verantwoording | None) -> None:
    """The table of purposes: one row each, the spending as the latest return has it."""
    regeling_jaar = beschikking.regeling_jaar
    werkmap.koprij(KOPRIJ, kolommen(regeling_jaar.jaar))
    toegekend = {d.doel_id: d.bedrag for d in beschikking.doelbedragen}
    for rij, doel in enumerate(regeling_jaar.regeling.doelen, EERSTE_DOELRIJ):
        regel = laatste.regel_voor(doel.id) if laatste else None
        werkmap.vast(f"{KOLOM_CODE}{rij}", doel.code)
        werkmap.vast(f"{KOLOM_DOEL}{rij}", doel.naam)
        werkmap.vast(f"{KOLOM_MAATREGELEN}{rij}", doel.maatregelen or "")
        werkmap.vast_bedrag(f"{KOLOM_TOEGEKEND}{rij}", toegekend.get(doel.id))
        werkmap.invoer_bedrag(f"{KOLOM_IN_JAAR}{rij}", regel.besteed_in_jaar if regel else None)
        werkmap.invoer_bedrag(
            f"{KOLOM_CUMULATIEF}{rij}", regel.besteed_cumulatief if regel else None
        )


def _instructies(beschikking: Beschikking) -> list[str]:
    jaar = beschikking.regeling_jaar.jaar
    return [
        f"Dit sjabloon hoort bij beschikking {beschikking.kenmerk or '(zonder kenmerk)'} "
        f"voor {beschikking.ontvanger} ({beschikking.gemeente.cbs_code}). Gebruik het alleen "
        "voor deze beschikking en dit jaar.",
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
    ]
