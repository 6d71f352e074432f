"""The needs inventory: inventories, parts and themes, invitations, answers, the response.

Services check the rules and change the objects; they flush and never commit. Every refusal is
an `InventarisatieFout` with a Dutch message for the user and, where one field is wrong, that
field's name; nothing has changed when one is raised. Every change reaches the audit trail
through `kern.audit` (every model here is `Geaudit`). Views read the clock and hand dates in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import attributes, selectinload

from gemeenten.inventarisatie import regels
from gemeenten.inventarisatie.models import Antwoord, Deel, Deelnemer, Inventarisatie, Thema
from gemeenten.models import Gemeente
from kern.db import db, utcnow


class InventarisatieFout(ValueError):
    """A change the rules do not allow; the message is for the user, ``veld`` names the form
    field it is about (None: the form as a whole)."""

    def __init__(self, melding: str, veld: str | None = None) -> None:
        super().__init__(melding)
        self.veld = veld


class Conflict(InventarisatieFout):
    """Someone else changed the record since the form was drawn."""


def controleer_versie(obj: Any, versie: int | None, wat: str) -> None:
    if versie is None or versie != obj.versie:
        raise Conflict(
            f"Iemand anders heeft {wat} intussen gewijzigd. Uw wijziging is niet opgeslagen; "
            "bekijk de nieuwe gegevens en probeer het opnieuw."
        )


def tekst(waarde: str | None, maximum: int, veld: str, *, leeg: str | None = None) -> str | None:
    """Text without surrounding white space; refused when too long, or empty if ``leeg`` says
    what to fill in."""
    schoon = (waarde or "").strip()
    if not schoon:
        if leeg is not None:
            raise InventarisatieFout(leeg, veld)
        return None
    if len(schoon) > maximum:
        raise InventarisatieFout(f"Dit is hooguit {maximum} tekens lang.", veld)
    return schoon


# --- Inventories ----------------------------------------------------------------------------


def inventarisaties() -> list[Inventarisatie]:
    """Every inventory, newest first."""
    return list(
        db.session.execute(
            select(Inventarisatie)
            .options(selectinload(Inventarisatie.deelnemers))
            .order_by(Inventarisatie.datum.desc(), Inventarisatie.naam)
        ).scalars()
    )


@dataclass(frozen=True)
class InventarisatieGegevens:
    naam: str
    datum: date | None
    kamerstuk: str | None = None
    uiterlijk: date | None = None


def _controleer(gegevens: InventarisatieGegevens, zelf: Inventarisatie | None) -> dict[str, Any]:
    naam = tekst(gegevens.naam, regels.NAAM_MAX, "naam", leeg="Geef de inventarisatie een naam.")
    if gegevens.datum is None:
        raise InventarisatieFout("Vul de datum van de inventarisatie in.", "datum")
    kamerstuk = tekst(gegevens.kamerstuk, regels.KAMERSTUK_MAX, "kamerstuk")
    if kamerstuk is not None and (melding := regels.kamerstuk(kamerstuk)):
        raise InventarisatieFout(melding, "kamerstuk")
    if gegevens.uiterlijk is not None and gegevens.uiterlijk < gegevens.datum:
        raise InventarisatieFout(
            "De uiterste datum voor antwoorden ligt niet vóór de datum van de inventarisatie.",
            "uiterlijk",
        )
    dubbel = db.session.execute(
        select(Inventarisatie.id).where(Inventarisatie.naam == naam)
    ).scalar_one_or_none()
    if dubbel is not None and (zelf is None or dubbel != zelf.id):
        raise InventarisatieFout("Er is al een inventarisatie met deze naam.", "naam")
    return {
        "naam": naam,
        "datum": gegevens.datum,
        "kamerstuk": kamerstuk,
        "uiterlijk": gegevens.uiterlijk,
    }


def maak_inventarisatie(
    gegevens: InventarisatieGegevens, *, door: str, demo: bool = False
) -> Inventarisatie:
    inventarisatie = Inventarisatie(**_controleer(gegevens, None), aangemaakt_door=door, demo=demo)
    db.session.add(inventarisatie)
    db.session.flush()
    return inventarisatie


def wijzig_inventarisatie(
    inventarisatie: Inventarisatie, gegevens: InventarisatieGegevens, *, versie: int | None
) -> None:
    controleer_versie(inventarisatie, versie, "deze inventarisatie")
    for veld, waarde in _controleer(gegevens, inventarisatie).items():
        setattr(inventarisatie, veld, waarde)
    db.session.flush()


def stel_open(inventarisatie: Inventarisatie, open_: bool, *, versie: int | None) -> None:
    """Open the inventory for municipalities to enter and correct their own answers, or close
    it (they then only read them)."""
    controleer_versie(inventarisatie, versie, "deze inventarisatie")
    if inventarisatie.open_voor_gemeenten == open_:
        raise InventarisatieFout(
            "De inventarisatie is al open voor gemeenten."
            if open_
            else "De inventarisatie is al gesloten voor gemeenten."
        )
    if open_ and not inventarisatie.themas:
        raise InventarisatieFout(
            "Een inventarisatie zonder thema's kan niet open; leg eerst de thema's vast."
        )
    if open_ and inventarisatie.uiterlijk is None:
        raise InventarisatieFout(
            "Geef de inventarisatie eerst een uiterste datum voor antwoorden (Inventarisatie "
            "wijzigen); die staat bij de gemeenten op hun lijst van wat te doen is."
        )
    inventarisatie.open_voor_gemeenten = open_
    db.session.flush()


# --- Parts and themes -----------------------------------------------------------------------


def _volgorde(waarde: int | None, veld: str) -> int | None:
    if waarde is not None and not 1 <= waarde <= 999:
        raise InventarisatieFout("Een volgnummer ligt tussen 1 en 999.", veld)
    return waarde


def _plaats(rij: Sequence[Deel] | Sequence[Thema], volgorde: int | None) -> int:
    """The place for a new part or theme: ``volgorde``, moving those from there on one down,
    or else after the last."""
    if volgorde is None:
        return max((x.volgorde for x in rij), default=0) + 1
    for x in rij:
        if x.volgorde >= volgorde:
            x.volgorde += 1
    return volgorde


def voeg_deel_toe(inventarisatie: Inventarisatie, naam: str, volgorde: int | None = None) -> Deel:
    schoon = tekst(naam, regels.DEEL_MAX, "naam", leeg="Geef het deel een naam.")
    if any(d.naam == schoon for d in inventarisatie.delen):
        raise InventarisatieFout("Deze inventarisatie heeft al een deel met deze naam.", "naam")
    deel = Deel(
        naam=schoon, volgorde=_plaats(inventarisatie.delen, _volgorde(volgorde, "volgorde"))
    )
    inventarisatie.delen.append(deel)
    db.session.flush()
    return deel


def wijzig_deel(deel: Deel, naam: str, volgorde: int | None, *, versie: int | None) -> None:
    controleer_versie(deel, versie, "dit deel")
    schoon = tekst(naam, regels.DEEL_MAX, "naam", leeg="Geef het deel een naam.")
    if any(d.naam == schoon and d is not deel for d in deel.inventarisatie.delen):
        raise InventarisatieFout("Deze inventarisatie heeft al een deel met deze naam.", "naam")
    deel.naam = schoon or deel.naam
    deel.volgorde = _volgorde(volgorde, "volgorde") or deel.volgorde
    db.session.flush()
    db.session.refresh(deel.inventarisatie, ["delen"])


@dataclass(frozen=True)
class ThemaGegevens:
    deel: Deel | None
    naam: str
    omschrijving: str | None = None
    volgorde: int | None = None


def _controleer_thema(
    inventarisatie: Inventarisatie, gegevens: ThemaGegevens, zelf: Thema | None
) -> tuple[Deel, str]:
    if gegevens.deel is None or gegevens.deel.inventarisatie_id != inventarisatie.id:
        raise InventarisatieFout("Kies een deel van deze inventarisatie.", "deel_id")
    naam = tekst(gegevens.naam, regels.THEMA_MAX, "naam", leeg="Geef het thema een naam.")
    assert naam is not None
    if any(t.naam == naam and t is not zelf for t in inventarisatie.themas):
        raise InventarisatieFout("Deze inventarisatie heeft al een thema met deze naam.", "naam")
    _volgorde(gegevens.volgorde, "volgorde")
    return gegevens.deel, naam


def voeg_thema_toe(inventarisatie: Inventarisatie, gegevens: ThemaGegevens) -> Thema:
    deel, naam = _controleer_thema(inventarisatie, gegevens, None)
    omschrijving = tekst(gegevens.omschrijving, regels.TOELICHTING_MAX, "omschrijving")
    thema = Thema(
        naam=naam, omschrijving=omschrijving, volgorde=_plaats(deel.themas, gegevens.volgorde)
    )
    deel.themas.append(thema)
    db.session.flush()
    return thema


def wijzig_thema(thema: Thema, gegevens: ThemaGegevens, *, versie: int | None) -> None:
    """Change a theme, also to another part of the same inventory; its answers stay."""
    controleer_versie(thema, versie, "dit thema")
    deel, naam = _controleer_thema(thema.inventarisatie, gegevens, thema)
    thema.naam = naam
    thema.omschrijving = tekst(gegevens.omschrijving, regels.TOELICHTING_MAX, "omschrijving")
    thema.volgorde = gegevens.volgorde or thema.volgorde
    if deel is not thema.deel:
        thema.deel = deel
    db.session.flush()
    for d in thema.inventarisatie.delen:
        db.session.refresh(d, ["themas"])


def verwijder_thema(thema: Thema, *, versie: int | None) -> None:
    """A theme without answers can go; one with answers stays (its answers are evidence)."""
    controleer_versie(thema, versie, "dit thema")
    heeft_antwoorden = db.session.execute(
        select(Antwoord.id).where(Antwoord.thema_id == thema.id).limit(1)
    ).first()
    if heeft_antwoorden is not None:
        raise InventarisatieFout(
            f"Het thema {thema.naam} heeft antwoorden en blijft daarom bestaan."
        )
    thema.deel.themas.remove(thema)
    db.session.flush()


# --- Invitations ----------------------------------------------------------------------------


def uit_te_nodigen(inventarisatie: Inventarisatie) -> Select[Gemeente]:
    """The municipalities that existed on the inventory's date and are not invited yet."""
    return (
        select(Gemeente)
        .where(
            or_(Gemeente.geldig_van.is_(None), Gemeente.geldig_van <= inventarisatie.datum),
            or_(Gemeente.geldig_tot.is_(None), Gemeente.geldig_tot >= inventarisatie.datum),
            Gemeente.id.not_in(
                select(Deelnemer.gemeente_id).where(
                    Deelnemer.inventarisatie_id == inventarisatie.id
                )
            ),
        )
        .order_by(Gemeente.naam)
    )


def nodig_uit(
    inventarisatie: Inventarisatie, gemeente_ids: Iterable[int], op: date | None
) -> list[Deelnemer]:
    """Invite municipalities on ``op``; each must be one `uit_te_nodigen` offers."""
    ids = set(gemeente_ids)
    if not ids:
        raise InventarisatieFout("Kies ten minste één gemeente.", "gemeente_ids")
    if op is None:
        raise InventarisatieFout("Vul de datum van de uitnodiging in.", "uitgenodigd_op")
    gemeenten = list(
        db.session.execute(uit_te_nodigen(inventarisatie).where(Gemeente.id.in_(ids))).scalars()
    )
    if len(gemeenten) != len(ids):
        raise InventarisatieFout(
            "Kies gemeenten uit de lijst: een gemeente die al is uitgenodigd of op de datum van "
            "de inventarisatie niet bestond, kan niet.",
            "gemeente_ids",
        )
    nieuw = [Deelnemer(gemeente=g, uitgenodigd_op=op) for g in gemeenten]
    inventarisatie.deelnemers.extend(nieuw)
    db.session.flush()
    return nieuw


def trek_uitnodiging_in(deelnemer: Deelnemer, *, versie: int | None) -> None:
    """Withdraw an invitation sent by mistake; not once the municipality has answered."""
    controleer_versie(deelnemer, versie, "deze uitnodiging")
    if deelnemer.antwoorden or deelnemer.beantwoord_op is not None:
        raise InventarisatieFout(
            f"{deelnemer.gemeente.weergavenaam} heeft al geantwoord; de uitnodiging blijft."
        )
    deelnemer.inventarisatie.deelnemers.remove(deelnemer)
    db.session.flush()


def deelnemer_van(inventarisatie: Inventarisatie, gemeente: Gemeente) -> Deelnemer | None:
    return db.session.execute(
        select(Deelnemer).where(
            Deelnemer.inventarisatie_id == inventarisatie.id,
            Deelnemer.gemeente_id == gemeente.id,
        )
    ).scalar_one_or_none()


def respons(inventarisatie: Inventarisatie) -> list[Deelnemer]:
    """Every invited municipality, by the name people use, with when it was invited and answered."""
    return list(
        db.session.execute(
            select(Deelnemer)
            .join(Deelnemer.gemeente)
            .where(Deelnemer.inventarisatie_id == inventarisatie.id)
            .options(selectinload(Deelnemer.gemeente), selectinload(Deelnemer.antwoorden))
            .order_by(func.coalesce(Gemeente.roepnaam, Gemeente.naam))
        ).scalars()
    )


def deelnemers() -> Select[int]:
    """The ids of every municipality invited to an inventory: the programme's membership."""
    return select(Deelnemer.gemeente_id).distinct()


def deelnames_van(gemeente: Gemeente) -> list[Deelnemer]:
    """The inventories the municipality was invited to, newest first."""
    return list(
        db.session.execute(
            select(Deelnemer)
            .join(Deelnemer.inventarisatie)
            .where(Deelnemer.gemeente_id == gemeente.id)
            .options(selectinload(Deelnemer.inventarisatie), selectinload(Deelnemer.antwoorden))
            .order_by(Inventarisatie.datum.desc())
        ).scalars()
    )


# --- Answers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AntwoordRegel:
    """What was filled in for one theme; ``behoefte`` None and nothing else: no answer."""

    thema_id: int
    behoefte: bool | None
    prioriteit: int | None = None
    toelichting: str | None = None
    contactpersoon: str | None = None

    @property
    def leeg(self) -> bool:
        return (
            self.behoefte is None
            and self.prioriteit is None
            and not (self.toelichting or "").strip()
            and not (self.contactpersoon or "").strip()
        )


class RegelFout(InventarisatieFout):
    """Refusals on the rows of an answers form: per theme id, per field, the message."""

    def __init__(self, fouten: dict[int, dict[str, str]]) -> None:
        super().__init__("Niet alle antwoorden zijn goed ingevuld; zie de gemarkeerde velden.")
        self.fouten = fouten


def controleer_regel(regel: AntwoordRegel) -> dict[str, str]:
    """The messages per field of one row; empty when the row is allowed."""
    fouten: dict[str, str] = {}
    if regel.leeg:
        return fouten
    if regel.behoefte is None:
        fouten["behoefte"] = regels.BEHOEFTE_ONTBREEKT
    if melding := regels.prioriteit(regel.behoefte, regel.prioriteit):
        fouten["prioriteit"] = melding
    for veld, maximum in (
        ("toelichting", regels.TOELICHTING_MAX),
        ("contactpersoon", regels.CONTACT_MAX),
    ):
        if len((getattr(regel, veld) or "").strip()) > maximum:
            fouten[veld] = f"Dit is hooguit {maximum} tekens lang."
    return fouten


def antwoorden_van(deelnemer: Deelnemer) -> dict[int, Antwoord]:
    """The municipality's answers by theme id."""
    return {
        a.thema_id: a
        for a in db.session.execute(
            select(Antwoord).where(
                Antwoord.inventarisatie_id == deelnemer.inventarisatie_id,
                Antwoord.gemeente_id == deelnemer.gemeente_id,
            )
        ).scalars()
    }


def sla_antwoorden_op(
    deelnemer: Deelnemer,
    regels_: Sequence[AntwoordRegel],
    *,
    beantwoord_op: date | None,
    door: str,
    versie: int | None,
    bron: str = "web",
) -> int:
    """Store a municipality's answers, one row per theme of the inventory: new answers are
    added, changed ones changed, emptied ones removed. Returns the number of answers changed.

    ``beantwoord_op`` is the date the municipality answered; None keeps the date it has, or,
    the first time, leaves it unanswered. Refused as a whole when any row breaks a rule.
    """
    controleer_versie(deelnemer, versie, "de antwoorden van deze gemeente")
    themas = {t.id: t for t in deelnemer.inventarisatie.themas}
    if {r.thema_id for r in regels_} - themas.keys() or len(regels_) != len(
        {r.thema_id for r in regels_}
    ):
        raise Conflict(
            "De thema's van deze inventarisatie zijn intussen gewijzigd. Uw antwoorden zijn niet "
            "opgeslagen; laad de pagina opnieuw."
        )
    fouten = {r.thema_id: f for r in regels_ if (f := controleer_regel(r))}
    if fouten:
        raise RegelFout(fouten)
    if beantwoord_op is not None and beantwoord_op < deelnemer.uitgenodigd_op:
        raise InventarisatieFout(
            "Een gemeente antwoordt niet vóór de uitnodiging "
            f"({deelnemer.uitgenodigd_op:%d-%m-%Y}).",
            "beantwoord_op",
        )
    bestaand = antwoorden_van(deelnemer)
    gewijzigd = 0
    for regel in regels_:
        antwoord = bestaand.get(regel.thema_id)
        if regel.leeg:
            if antwoord is not None:
                db.session.delete(antwoord)
                gewijzigd += 1
            continue
        waarden = {
            "behoefte": bool(regel.behoefte),
            "prioriteit": regel.prioriteit,
            "toelichting": (regel.toelichting or "").strip() or None,
            "contactpersoon": (regel.contactpersoon or "").strip() or None,
        }
        if antwoord is None:
            db.session.add(
                Antwoord(
                    thema=themas[regel.thema_id],
                    gemeente_id=deelnemer.gemeente_id,
                    bron=bron,
                    ingevuld_door=door,
                    **waarden,
                )
            )
            gewijzigd += 1
        elif any(getattr(antwoord, k) != v for k, v in waarden.items()):
            for k, v in waarden.items():
                setattr(antwoord, k, v)
            antwoord.bron, antwoord.ingevuld_door, antwoord.ingevuld_op = bron, door, utcnow()
            gewijzigd += 1
    if beantwoord_op is not None:
        deelnemer.beantwoord_op = beantwoord_op
    # A save moves the participant's version on, so that a form drawn before it is stale.
    attributes.flag_modified(deelnemer, "beantwoord_op")
    db.session.flush()
    return gewijzigd
