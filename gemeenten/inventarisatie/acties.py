"""The national response to an inventory's needs: actions (`Actie`), each on whole themes or on
single needs (a municipality's answer with a need), by an organisation, with a status and a
date.

Services check the rules and change the objects; they flush and never commit. A refusal is an
`ActieFout` with a Dutch message and the form field it is about; nothing has changed when one
is raised. Changes reach the audit trail through `kern.audit` (`Actie` is `Geaudit`, its themes
and needs named in ``__audit_relaties__``). Views read the clock and hand ``vandaag`` in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gemeenten.inventarisatie.models import (
    Actie,
    ActieStatus,
    Antwoord,
    Deel,
    Inventarisatie,
    Organisatie,
    Thema,
)
from gemeenten.models import Gemeente
from kern.db import db
from kern.formatting import datum as datum_tekst

OMSCHRIJVING_MAX = 2000
ORGANISATIE_MAX = 200
EERSTE_DATUM = date(2015, 1, 1)  # the action programme began in 2014; its inventory in 2015


class ActieFout(ValueError):
    """A change the rules do not allow; ``veld`` names the form field it is about."""

    def __init__(self, melding: str, veld: str | None = None) -> None:
        super().__init__(melding)
        self.veld = veld


class Conflict(ActieFout):
    """Someone else changed the action since the form was drawn."""


@dataclass(frozen=True)
class ActieGegevens:
    """What an officer fills in for an action."""

    omschrijving: str
    organisatie: Organisatie
    organisatie_anders: str | None
    status: ActieStatus
    datum: date
    thema_ids: Sequence[int] = ()
    behoefte_ids: Sequence[int] = ()  # ids of answers with a need


def acties(inventarisatie: Inventarisatie) -> list[Actie]:
    """The inventory's actions, the latest date first."""
    return list(
        db.session.execute(
            select(Actie)
            .where(Actie.inventarisatie_id == inventarisatie.id)
            .options(
                selectinload(Actie.themas),
                selectinload(Actie.behoeften).joinedload(Antwoord.gemeente),
                selectinload(Actie.behoeften).joinedload(Antwoord.thema),
            )
            .order_by(Actie.datum.desc(), Actie.id.desc())
        ).scalars()
    )


def behoeften(inventarisatie: Inventarisatie) -> list[Antwoord]:
    """Every need of the inventory (an answer with a need), theme by theme in the
    questionnaire's order, the highest priority first, then by municipality."""
    return list(
        db.session.execute(
            select(Antwoord)
            .join(Antwoord.thema)
            .join(Thema.deel)
            .join(Antwoord.gemeente)
            .where(Antwoord.inventarisatie_id == inventarisatie.id, Antwoord.behoefte)
            .options(selectinload(Antwoord.gemeente), selectinload(Antwoord.thema))
            .order_by(
                Deel.volgorde,
                Thema.volgorde,
                Antwoord.prioriteit.desc().nulls_last(),
                Gemeente.naam,
            )
        ).scalars()
    )


@dataclass(frozen=True)
class Antwoordactie:
    """An action as a municipality sees it: on which of its own needs (theme names)."""

    actie: Actie
    themas: list[str]


def voor_gemeente(inventarisatie: Inventarisatie, gemeente_id: int) -> list[Antwoordactie]:
    """The actions that respond to a need of this municipality, on its theme or on the need
    itself, each with the themes of those needs; nothing of other municipalities."""
    eigen = {
        a.thema_id: a
        for a in db.session.execute(
            select(Antwoord).where(
                Antwoord.inventarisatie_id == inventarisatie.id,
                Antwoord.gemeente_id == gemeente_id,
                Antwoord.behoefte,
            )
        ).scalars()
    }
    uit = []
    for actie in acties(inventarisatie):
        themas = [t for t in actie.themas if t.id in eigen]
        themas += [b.thema for b in actie.behoeften if b.gemeente_id == gemeente_id]
        if themas:
            namen = sorted(
                {t.naam for t in themas}, key=[t.naam for t in inventarisatie.themas].index
            )
            uit.append(Antwoordactie(actie, namen))
    return uit


def _tekst(waarde: str | None, maximum: int, veld: str, leeg: str | None) -> str | None:
    schoon = (waarde or "").strip()
    if not schoon:
        if leeg is not None:
            raise ActieFout(leeg, veld)
        return None
    if len(schoon) > maximum:
        raise ActieFout(f"Dit is hooguit {maximum} tekens lang.", veld)
    return schoon


def _datum(status: ActieStatus, datum: date, vandaag: date) -> date:
    if datum < EERSTE_DATUM:
        raise ActieFout(f"Een actie is van {datum_tekst(EERSTE_DATUM)} of later.", "datum")
    if status is not ActieStatus.GEPLAND and datum > vandaag:
        wat = "begonnen" if status is ActieStatus.LOPEND else "afgerond"
        raise ActieFout(
            f"Een {status.value} actie is al {wat}: kies een datum tot en met vandaag "
            f"({datum_tekst(vandaag)}), of de status gepland.",
            "datum",
        )
    return datum


def _themas(inventarisatie: Inventarisatie, ids: Sequence[int]) -> list[Thema]:
    gevonden = list(
        db.session.execute(
            select(Thema).where(
                Thema.id.in_(set(ids)), Thema.inventarisatie_id == inventarisatie.id
            )
        ).scalars()
    )
    if len(gevonden) != len(set(ids)):
        raise ActieFout("Kies thema's van deze inventarisatie.", "themas")
    return gevonden


def _behoeften(inventarisatie: Inventarisatie, ids: Sequence[int]) -> list[Antwoord]:
    gevonden = list(
        db.session.execute(
            select(Antwoord)
            .where(
                Antwoord.id.in_(set(ids)),
                Antwoord.inventarisatie_id == inventarisatie.id,
                Antwoord.behoefte,
            )
            .options(selectinload(Antwoord.gemeente), selectinload(Antwoord.thema))
        ).scalars()
    )
    if len(gevonden) != len(set(ids)):
        raise ActieFout(
            "Kies behoeften van deze inventarisatie: antwoorden van gemeenten met een behoefte.",
            "behoeften",
        )
    return gevonden


def _vul(actie: Actie, gegevens: ActieGegevens, vandaag: date) -> None:
    """Check ``gegevens`` and put them on ``actie``; raises before changing anything."""
    inventarisatie = actie.inventarisatie
    omschrijving = _tekst(
        gegevens.omschrijving, OMSCHRIJVING_MAX, "omschrijving", "Beschrijf de actie."
    )
    anders = None
    if gegevens.organisatie is Organisatie.ANDERS:
        anders = _tekst(
            gegevens.organisatie_anders,
            ORGANISATIE_MAX,
            "organisatie_anders",
            "Noem de organisatie die de actie uitvoert.",
        )
    datum = _datum(gegevens.status, gegevens.datum, vandaag)
    themas = _themas(inventarisatie, gegevens.thema_ids)
    behoeften = _behoeften(inventarisatie, gegevens.behoefte_ids)
    if not themas and not behoeften:
        raise ActieFout(
            "Kies minstens één thema of één behoefte waarop de actie een antwoord is.", "themas"
        )
    actie.omschrijving = omschrijving or ""
    actie.organisatie = gegevens.organisatie
    actie.organisatie_anders = anders
    actie.status = gegevens.status
    actie.datum = datum
    actie.themas = sorted(themas, key=lambda t: (t.deel.volgorde, t.volgorde))
    actie.behoeften = sorted(behoeften, key=lambda a: a.id)


def leg_vast(
    inventarisatie: Inventarisatie,
    gegevens: ActieGegevens,
    *,
    vandaag: date,
    door: str,
    demo: bool = False,
) -> Actie:
    """Record a new action of the national government on needs of ``inventarisatie``."""
    actie = Actie(inventarisatie=inventarisatie, vastgelegd_door=door, demo=demo)
    _vul(actie, gegevens, vandaag)  # before it joins the session: a refusal leaves no trace
    db.session.add(actie)
    db.session.flush()
    return actie


def wijzig(actie: Actie, gegevens: ActieGegevens, *, versie: int | None, vandaag: date) -> None:
    """Change an action; refused when someone else changed it since ``versie``."""
    controleer_versie(actie, versie)
    _vul(actie, gegevens, vandaag)
    db.session.flush()


def verwijder(actie: Actie, *, versie: int | None) -> None:
    """Remove an action (its links to themes and needs go with it; the audit trail keeps it)."""
    controleer_versie(actie, versie)
    db.session.delete(actie)
    db.session.flush()


def controleer_versie(actie: Actie, versie: int | None) -> None:
    if versie is None or versie != actie.versie:
        raise Conflict(
            "Iemand anders heeft deze actie intussen gewijzigd. Uw wijziging is niet "
            "opgeslagen; bekijk de nieuwe gegevens en probeer het opnieuw."
        )
