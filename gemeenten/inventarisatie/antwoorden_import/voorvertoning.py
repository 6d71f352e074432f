"""The preview of a checked upload: per row whether it adds, changes, removes or leaves an
answer, against the inventory's answers as they are now."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from gemeenten.inventarisatie.antwoorden_import.basis import Antwoordregel, antwoordregels
from gemeenten.inventarisatie.models import Antwoord, Deelnemer, Inventarisatie
from gemeenten.models import Gemeente
from kern.db import db
from kern.uploads import Upload


class Wijziging(enum.Enum):
    NIEUW = "nieuw"
    GEWIJZIGD = "gewijzigd"
    VERWIJDERD = "verwijderd"
    ONGEWIJZIGD = "ongewijzigd"


@dataclass(frozen=True)
class Regel:
    regel: Antwoordregel
    gemeente: str  # its name, as the page shows it
    thema: str
    wijziging: Wijziging
    oud: Antwoord | None


@dataclass(frozen=True)
class Voorvertoning:
    regels: list[Regel]
    stand: str  # the inventory's answers as compared with (`stand`)

    @property
    def aantallen(self) -> Counter[Wijziging]:
        return Counter(r.wijziging for r in self.regels)

    @property
    def wijzigt_iets(self) -> bool:
        return any(r.wijziging is not Wijziging.ONGEWIJZIGD for r in self.regels)


def stand(inventarisatie: Inventarisatie) -> str:
    """A fingerprint of the inventory's answers and participants: it changes when an answer is
    added, changed or removed, or a participant's answers are saved. The confirmation carries
    the one its preview showed."""
    aantal, hoogste, versies = db.session.execute(
        select(
            func.count(Antwoord.id),
            func.coalesce(func.max(Antwoord.id), 0),
            func.coalesce(func.sum(Antwoord.versie), 0),
        ).where(Antwoord.inventarisatie_id == inventarisatie.id)
    ).one()
    deelnemers = db.session.execute(
        select(func.count(Deelnemer.id), func.coalesce(func.sum(Deelnemer.versie), 0)).where(
            Deelnemer.inventarisatie_id == inventarisatie.id
        )
    ).one()
    return f"{aantal}-{hoogste}-{versies}-{deelnemers[0]}-{deelnemers[1]}"


def _zelfde(regel: Antwoordregel, antwoord: Antwoord) -> bool:
    r = regel.regel
    return (
        bool(r.behoefte) == antwoord.behoefte
        and r.prioriteit == antwoord.prioriteit
        and (r.toelichting or None) == antwoord.toelichting
        and (r.contactpersoon or None) == antwoord.contactpersoon
    )


def voorvertoning(inventarisatie: Inventarisatie, upload: Upload) -> Voorvertoning:
    """Each staged row with what confirming it would do."""
    bestaand = {
        (a.gemeente_id, a.thema_id): a
        for a in db.session.execute(
            select(Antwoord).where(Antwoord.inventarisatie_id == inventarisatie.id)
        ).scalars()
    }
    # The participants' names in one query, not one per participant.
    gemeenten = {
        gemeente.id: gemeente.weergavenaam
        for gemeente in db.session.execute(
            select(Gemeente)
            .join(Deelnemer, Deelnemer.gemeente_id == Gemeente.id)
            .where(Deelnemer.inventarisatie_id == inventarisatie.id)
        ).scalars()
    }
    themas = {t.id: t.naam for t in inventarisatie.themas}
    regels = []
    for regel in antwoordregels(upload):
        oud = bestaand.get((regel.gemeente_id, regel.regel.thema_id))
        if regel.regel.leeg:
            wijziging = Wijziging.ONGEWIJZIGD if oud is None else Wijziging.VERWIJDERD
        elif oud is None:
            wijziging = Wijziging.NIEUW
        else:
            wijziging = Wijziging.ONGEWIJZIGD if _zelfde(regel, oud) else Wijziging.GEWIJZIGD
        regels.append(
            Regel(
                regel,
                gemeenten.get(regel.gemeente_id, "?"),
                themas.get(regel.regel.thema_id, "?"),
                wijziging,
                oud,
            )
        )
    return Voorvertoning(regels, stand(inventarisatie))
