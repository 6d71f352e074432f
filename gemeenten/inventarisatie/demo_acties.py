"""Demo data: the national government's actions on the needs of the 2015 quickscan, labelled as
demo on screen.

Five plausible actions, one per organisation: trainings, expert advice, a network of key
figures, a handbook by the municipalities' association, and the versterkingsgelden for the
financing needs of the nine larger cities (on their single needs, not the whole theme). Other
themes keep needs without an action, so that the page of needs without an action says
something. Loaded after the inventory (`gemeenten.inventarisatie.demo`), through the services,
once: when the quickscan has actions, nothing is added.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from gemeenten.demo import DEMO_GEMEENTEN
from gemeenten.inventarisatie import acties
from gemeenten.inventarisatie.acties import ActieGegevens
from gemeenten.inventarisatie.demo import GROTE_STEDEN, KWIKSCAN
from gemeenten.inventarisatie.models import (
    Actie,
    ActieStatus,
    Antwoord,
    Inventarisatie,
    Organisatie,
)
from gemeenten.models import Gemeente
from kern import audit, tijd
from kern.db import db
from kern.demo import Verslag

DOOR = "demo"

# (description, organisation, its name when another, status, date, themes by name)
OP_THEMAS = (
    (
        "Trainingen 'Signaleren van radicalisering' voor eerstelijns professionals: wijkteams, "
        "jongerenwerk en leerplicht",
        Organisatie.ROR,
        None,
        ActieStatus.LOPEND,
        date(2016, 1, 18),
        ("Training", "Kennis"),
    ),
    (
        "Advies door de Expertise-unit Sociale Stabiliteit bij casussen en bij het opzetten van "
        "de lokale aanpak",
        Organisatie.ESS,
        None,
        ActieStatus.LOPEND,
        date(2015, 11, 2),
        ("Advies",),
    ),
    (
        "Bijeenkomsten om een netwerk van sleutelfiguren op te bouwen, met ondersteuning van SZW",
        Organisatie.SZW,
        None,
        ActieStatus.GEPLAND,
        date(2016, 9, 1),
        ("Netwerk sleutelfiguren",),
    ),
    (
        "Handreiking regie op de lokale aanpak van radicalisering",
        Organisatie.ANDERS,
        "Vereniging van Nederlandse Gemeenten",
        ActieStatus.AFGEROND,
        date(2016, 3, 15),
        ("Beleid en regie",),
    ),
)
VERSTERKINGSGELDEN = (
    "Versterkingsgelden 2015 voor de lokale aanpak: kennisbevordering, vroegsignalering en "
    "de persoonsgerichte aanpak"
)


def _behoeften_grote_steden(inventarisatie: Inventarisatie) -> list[int]:
    """The financing needs of the nine larger cities (those that received versterkingsgelden)."""
    codes = [code for code, _, _ in DEMO_GEMEENTEN[:GROTE_STEDEN]]
    financiering = next(t for t in inventarisatie.themas if t.naam == "Financiering")
    return list(
        db.session.execute(
            select(Antwoord.id)
            .join(Gemeente, Gemeente.id == Antwoord.gemeente_id)
            .where(
                Antwoord.thema_id == financiering.id,
                Antwoord.behoefte,
                Gemeente.cbs_code.in_(codes),
            )
        ).scalars()
    )


def laad_acties(verslag: Verslag) -> None:
    quickscan = db.session.execute(
        select(Inventarisatie).where(Inventarisatie.naam == KWIKSCAN.naam)
    ).scalar_one_or_none()
    if quickscan is None:
        return
    bestaand = db.session.execute(
        select(func.count(Actie.id)).where(Actie.inventarisatie_id == quickscan.id)
    ).scalar_one()
    if bestaand:
        verslag("Behoefte-inventarisatie: de acties van het Rijk waren er al.")
        return
    themas = {t.naam: t.id for t in quickscan.themas}
    gegevens = [
        ActieGegevens(omschrijving, organisatie, anders, status, dag, [themas[n] for n in namen])
        for omschrijving, organisatie, anders, status, dag, namen in OP_THEMAS
    ]
    gegevens.append(
        ActieGegevens(
            VERSTERKINGSGELDEN,
            Organisatie.NCTV,
            None,
            ActieStatus.AFGEROND,
            date(2015, 9, 1),
            behoefte_ids=_behoeften_grote_steden(quickscan),
        )
    )
    with audit.als(DOOR):
        for g in gegevens:
            acties.leg_vast(quickscan, g, vandaag=tijd.vandaag(), door=DOOR, demo=True)
    verslag(f"Behoefte-inventarisatie: {len(gegevens)} acties van het Rijk op de {KWIKSCAN.naam}.")
