"""``flask demo landelijk``: two needs inventories of (at most) 49 municipalities each.

Each inventory asks four parts of two themes; the first 49 municipalities of the list are
invited, and all but every fifth answer every theme, with a need and a priority from the seed.
The rows are made as objects in the session, so the audit trail has them as in real use. Each
part's first theme gets an action of the national government on every need expressed on it
(through `acties.leg_vast`), planned, running or finished in turn.
"""

from __future__ import annotations

from datetime import date

from gemeenten.inventarisatie import acties
from gemeenten.inventarisatie.models import (
    ActieStatus,
    Antwoord,
    Deel,
    Deelnemer,
    Inventarisatie,
    Organisatie,
    Thema,
)
from kern.db import db
from kern.demo import LANDELIJK_DOOR, Landelijk, Verslag

DEELNEMERS = 49
INVENTARISATIES = (
    ("Quickscan 2015 (testgegevens)", date(2015, 6, 1)),
    ("Behoefte-inventarisatie 2017 (testgegevens)", date(2017, 6, 1)),
)
DELEN = {
    "Problematiek": ("Radicalisering", "Polarisatie"),
    "Capaciteit en beleid": ("Formatie", "Beleidsplan"),
    "Kennisopbouw": ("Training", "Netwerk"),
    "Lokale behoeften": ("Advies", "Ondersteuning"),
}
GEEN_ANTWOORD = 5  # every fifth invited municipality does not answer


def genereer(opdracht: Landelijk, verslag: Verslag) -> None:
    rng = opdracht.rng("inventarisatie")
    genodigden = opdracht.gemeente_ids[:DEELNEMERS]
    antwoorden = aantal_acties = 0
    for naam, datum in INVENTARISATIES:
        behoeften: dict[int, list[Antwoord]] = {}
        inventarisatie = Inventarisatie(naam=naam, datum=datum, aangemaakt_door=LANDELIJK_DOOR)
        for volgorde, (deelnaam, themas) in enumerate(DELEN.items(), 1):
            deel = Deel(naam=deelnaam, volgorde=volgorde)
            deel.themas = [Thema(naam=t, volgorde=i) for i, t in enumerate(themas, 1)]
            inventarisatie.delen.append(deel)
        db.session.add(inventarisatie)
        db.session.flush()
        for plaats, gemeente_id in enumerate(genodigden):
            antwoordt = plaats % GEEN_ANTWOORD != GEEN_ANTWOORD - 1
            inventarisatie.deelnemers.append(
                Deelnemer(
                    gemeente_id=gemeente_id,
                    uitgenodigd_op=datum,
                    beantwoord_op=date(datum.year, 9, 1) if antwoordt else None,
                )
            )
            db.session.flush()
            if not antwoordt:
                continue
            for thema in inventarisatie.themas:
                behoefte = rng.random() < 0.6
                behoeften.setdefault(thema.id, [])
                db.session.add(
                    antwoord := Antwoord(
                        gemeente_id=gemeente_id,
                        thema=thema,
                        inventarisatie_id=inventarisatie.id,
                        behoefte=behoefte,
                        prioriteit=rng.randint(1, 5) if behoefte else None,
                        ingevuld_door=LANDELIJK_DOOR,
                    )
                )
                if behoefte:
                    behoeften[thema.id].append(antwoord)
                antwoorden += 1
        db.session.flush()
        for volgnummer, deel in enumerate(inventarisatie.delen):
            thema = deel.themas[0]
            acties.leg_vast(
                inventarisatie,
                acties.ActieGegevens(
                    omschrijving=f"Ondersteuning bij {thema.naam.lower()} (testgegevens)",
                    organisatie=Organisatie.ROR,
                    organisatie_anders=None,
                    status=list(ActieStatus)[volgnummer % len(ActieStatus)],
                    datum=date(datum.year, 12, 1),
                    thema_ids=[thema.id],
                    behoefte_ids=[a.id for a in behoeften.get(thema.id, [])],
                ),
                vandaag=opdracht.vandaag,
                door=LANDELIJK_DOOR,
            )
            aantal_acties += 1
    verslag(
        f"Behoefte-inventarisatie: {len(INVENTARISATIES)} inventarisaties van "
        f"{len(genodigden)} gemeenten, {antwoorden} antwoorden, {aantal_acties} acties."
    )
