"""Builders for the needs inventory's objects in tests; each flushes, so ids are set, and none
commits."""

from __future__ import annotations

from datetime import date

from gemeenten.inventarisatie.models import Antwoord, Deel, Deelnemer, Inventarisatie, Thema
from gemeenten.models import Gemeente
from kern.db import db

UITGENODIGD = date(2015, 6, 1)


def maak_inventarisatie(
    naam: str = "Quickscan 2015", datum: date = date(2015, 10, 12), **velden: object
) -> Inventarisatie:
    inventarisatie = Inventarisatie(
        naam=naam,
        datum=datum,
        kamerstuk=velden.pop("kamerstuk", "29 754, nr. 323"),
        aangemaakt_door="test",
        **velden,
    )
    db.session.add(inventarisatie)
    db.session.flush()
    return inventarisatie


def maak_deel(inventarisatie: Inventarisatie, naam: str = "Lokale behoeften") -> Deel:
    deel = Deel(naam=naam, volgorde=len(inventarisatie.delen) + 1)
    inventarisatie.delen.append(deel)
    db.session.flush()
    return deel


def maak_thema(deel: Deel, naam: str = "Kennis") -> Thema:
    thema = Thema(naam=naam, volgorde=len(deel.themas) + 1)
    deel.themas.append(thema)
    db.session.flush()
    return thema


def maak_deelnemer(
    inventarisatie: Inventarisatie, gemeente: Gemeente, beantwoord_op: date | None = None
) -> Deelnemer:
    deelnemer = Deelnemer(
        gemeente=gemeente, uitgenodigd_op=UITGENODIGD, beantwoord_op=beantwoord_op
    )
    inventarisatie.deelnemers.append(deelnemer)
    db.session.flush()
    return deelnemer


def maak_antwoord(
    thema: Thema,
    gemeente: Gemeente,
    behoefte: bool = True,
    prioriteit: int | None = 3,
    **velden: object,
) -> Antwoord:
    antwoord = Antwoord(
        thema=thema,
        gemeente_id=gemeente.id,
        behoefte=behoefte,
        prioriteit=prioriteit,
        ingevuld_door="test",
        **velden,
    )
    db.session.add(antwoord)
    db.session.flush()
    return antwoord
