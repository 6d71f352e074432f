"""The answers template for one inventory: a row per invited municipality and theme, the
municipality and theme locked, the answers there are already filled in."""

from __future__ import annotations

from sqlalchemy import select

from gemeenten.inventarisatie import regels
from gemeenten.inventarisatie.antwoorden_import.basis import (
    BLAD,
    CEL_INVENTARISATIE,
    EERSTE_RIJ,
    KOLOMMEN,
    KOPRIJ,
    LETTERS,
    META_INVENTARISATIE,
    SJABLOONSOORT,
    VERSIE,
    handtekeningsleutel,
)
from gemeenten.inventarisatie.models import PRIORITEITEN, Antwoord, Deelnemer, Inventarisatie
from gemeenten.models import Gemeente
from kern.db import db
from kern.excel.sjabloon import Sjabloon


def bestandsnaam(inventarisatie: Inventarisatie) -> str:
    return f"antwoorden-inventarisatie-{inventarisatie.id}.xlsx"


def genodigden(inventarisatie: Inventarisatie) -> list[Gemeente]:
    """The invited municipalities, by name: the template's order."""
    return list(
        db.session.execute(
            select(Gemeente)
            .join(Deelnemer, Deelnemer.gemeente_id == Gemeente.id)
            .where(Deelnemer.inventarisatie_id == inventarisatie.id)
            .order_by(Gemeente.naam, Gemeente.cbs_code)
        ).scalars()
    )


def sjabloon(inventarisatie: Inventarisatie) -> bytes:
    """The template for ``inventarisatie``, with the answers it has now."""
    werkmap = Sjabloon(
        BLAD,
        soort=SJABLOONSOORT,
        versie=VERSIE,
        ids={META_INVENTARISATIE: inventarisatie.id},
        sleutel=handtekeningsleutel(),
    )
    werkmap.tekst("A1", f"Antwoorden: {inventarisatie.naam}", vet=True, grootte=14)
    werkmap.tekst(f"A{werkmap.blad[CEL_INVENTARISATIE].row}", "Inventarisatie", vet=True)
    werkmap.vast(CEL_INVENTARISATIE, inventarisatie.naam)
    werkmap.koprij(KOPRIJ, KOLOMMEN)
    bestaand = {
        (a.gemeente_id, a.thema_id): a
        for a in db.session.execute(
            select(Antwoord).where(Antwoord.inventarisatie_id == inventarisatie.id)
        ).scalars()
    }
    themas = inventarisatie.themas
    a, b, c, d, e, f, g, h, i = list(LETTERS)
    rij = EERSTE_RIJ
    for gemeente in genodigden(inventarisatie):
        for thema in themas:
            antwoord = bestaand.get((gemeente.id, thema.id))
            werkmap.vast(f"{a}{rij}", gemeente.cbs_code)
            werkmap.vast(f"{b}{rij}", gemeente.weergavenaam)
            werkmap.vast(f"{c}{rij}", thema.deel.naam)
            werkmap.vast(f"{d}{rij}", thema.naam)
            werkmap.invoer_ja_nee(f"{e}{rij}", antwoord.behoefte if antwoord else None)
            werkmap.invoer_aantal(
                f"{f}{rij}",
                antwoord.prioriteit if antwoord else None,
                minimum=PRIORITEITEN[0],
                maximum=PRIORITEITEN[-1],
            )
            werkmap.invoer_tekst(f"{g}{rij}", antwoord.toelichting if antwoord else None)
            werkmap.invoer_tekst(f"{h}{rij}", antwoord.contactpersoon if antwoord else None)
            werkmap.invoer_datum(f"{i}{rij}")
            rij += 1
    werkmap.instructies(f"Instructies: antwoorden van {inventarisatie.naam}", _instructies())
    return werkmap.als_bytes()


def _instructies() -> list[str]:
    return [
        "Dit sjabloon hoort bij één inventarisatie. Het heeft een regel per uitgenodigde "
        "gemeente en thema; de gemeente en het thema staan vast, de gele cellen vult u in. De "
        "antwoorden die er al zijn, staan er al in.",
        "Behoefte: ja of nee. Prioriteit: een geheel getal van 1 (laag) tot en met 5 (hoog), "
        "alleen bij een behoefte, en dan optioneel.",
        f"Toelichting (hooguit {regels.TOELICHTING_MAX} tekens) en contactpersoon (hooguit "
        f"{regels.CONTACT_MAX} tekens) zijn optioneel.",
        "Beantwoord op: de datum waarop de gemeente antwoordde, bijvoorbeeld 02-11-2015; op "
        "elke regel van een gemeente dezelfde datum, of op één regel en de rest leeg. Leeg: de "
        "datum die de gemeente al heeft blijft staan.",
        "Een regel met alleen lege gele cellen is geen antwoord: een antwoord dat de gemeente op "
        "dat thema had, wordt verwijderd. Verwijdert u een regel helemaal, dan blijft het "
        "antwoord op dat thema zoals het is.",
        "U mag de regels sorteren en filteren. Voeg geen bladen of kolommen toe, verplaats geen "
        "kolommen en verander de naam van het blad niet. Sla het bestand op als "
        "Excel-werkmap (.xlsx).",
        "Na het uploaden ziet u per cel wat niet klopt, of een voorvertoning van wat er "
        "verandert; pas na uw bevestiging worden alle antwoorden in één keer ingelezen.",
    ]
