"""The grant cycle: schemes, decisions, payments, returns and settlement.

Services check the rules and change the objects; they flush and never commit. Every refusal is
a `SubsidieFout` with a Dutch message for the user; nothing has changed when one is raised.
Changes reach the audit trail through `kern.audit` (every model here is `Geaudit`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, or_, select

from gemeenten.models import Gemeente
from kern import uploads
from kern.db import db, utcnow
from kern.formatting import geld
from kern.uploads import Upload
from subsidies import regels
from subsidies.models import (
    NUL,
    Beschikking,
    BeschikkingStatus,
    BeschikkingVersie,
    Bestedingsdoel,
    Betaling,
    BetalingSoort,
    Doelbedrag,
    Regeling,
    RegelingJaar,
    Vaststelling,
    Verantwoording,
    VerantwoordingRegel,
    VerantwoordingStatus,
    beschikking_deelnemers,
)

STANDAARD_DOELEN = (
    ("kennisbevordering", "Kennisbevordering", "26"),
    ("vroegsignalering", "Vroegsignalering", "26, 30"),
    ("persoonsgerichte_aanpak", "Persoonsgerichte aanpak", "30"),
)
BINNENKORT = timedelta(days=30)  # a return due within this is "binnenkort"

BESLOTEN = (BeschikkingStatus.BESCHIKT, BeschikkingStatus.GEWIJZIGD)


class SubsidieFout(ValueError):
    """A change that the rules do not allow; the message is for the user."""


class Conflict(SubsidieFout):
    """Someone else changed the record since the form was drawn."""


class PlafondOverschreden(SubsidieFout):
    def __init__(self, regeling_jaar: RegelingJaar, tekort: Decimal, in_concept: Decimal) -> None:
        self.tekort = tekort
        concept = (
            f" Daarnaast staat er {geld(in_concept)} in concept; dat telt pas mee als het is "
            "beschikt."
            if in_concept
            else ""
        )
        super().__init__(
            f"{regels.plafond_overschreden(regeling_jaar.plafond, regeling_jaar.jaar, tekort)}"
            f"{concept} Bevestig de overschrijding als dat de bedoeling is."
        )


def controleer_versie(obj: Any, versie: int | None, wat: str) -> None:
    if versie is None or versie != obj.versie:
        raise Conflict(
            f"Iemand anders heeft {wat} intussen gewijzigd. Uw wijziging is niet opgeslagen; "
            "bekijk de nieuwe gegevens en probeer het opnieuw."
        )


def controleer_upload(upload: Upload, versie: int | None, **anders: str) -> None:
    """Refuse a step on a checked upload (import it, check it again) when the user saw another
    version of it, or it cannot be imported (`kern.uploads.niet_te_importeren`)."""
    controleer_versie(upload, versie, "deze upload")
    if (waarom := uploads.niet_te_importeren(upload, **anders)) is not None:
        raise SubsidieFout(waarom)


# --- Schemes ------------------------------------------------------------------------------


def maak_regeling(
    *,
    naam: str,
    grondslag: str,
    kamerstuk: str | None = None,
    omschrijving: str | None = None,
    jaren: Mapping[int, Decimal] | None = None,
    doelen: Iterable[tuple[str, str, str | None]] = STANDAARD_DOELEN,
) -> Regeling:
    naam = naam.strip()
    if db.session.execute(select(Regeling.id).where(Regeling.naam == naam)).first():
        raise SubsidieFout(f"Er bestaat al een regeling met de naam {naam}.")
    regeling = Regeling(
        naam=naam,
        grondslag=grondslag.strip(),
        kamerstuk=(kamerstuk or "").strip() or None,
        omschrijving=(omschrijving or "").strip() or None,
    )
    for volgorde, (code, doelnaam, maatregelen) in enumerate(doelen, 1):
        regeling.doelen.append(
            Bestedingsdoel(code=code, naam=doelnaam, maatregelen=maatregelen, volgorde=volgorde)
        )
    db.session.add(regeling)
    for jaar, plafond in sorted((jaren or {}).items()):
        voeg_jaar_toe(regeling, jaar, plafond)
    db.session.flush()
    return regeling


def voeg_jaar_toe(regeling: Regeling, jaar: int, plafond: Decimal) -> RegelingJaar:
    if any(j.jaar == jaar for j in regeling.jaren):
        raise SubsidieFout(f"{regeling.naam} heeft al een jaar {jaar}.")
    if plafond < 0:
        raise SubsidieFout("Een plafond is nul of meer.")
    regeling_jaar = RegelingJaar(jaar=jaar, plafond=plafond)
    regeling.jaren.append(regeling_jaar)
    db.session.flush()
    return regeling_jaar


def voeg_doel_toe(regeling: Regeling, code: str, naam: str, maatregelen: str | None) -> None:
    if any(d.code == code for d in regeling.doelen):
        raise SubsidieFout(f"{regeling.naam} heeft al een bestedingsdoel {code}.")
    volgorde = max((d.volgorde for d in regeling.doelen), default=0) + 1
    regeling.doelen.append(
        Bestedingsdoel(code=code, naam=naam, maatregelen=maatregelen, volgorde=volgorde)
    )
    db.session.flush()


def wijzig_plafond(regeling_jaar: RegelingJaar, plafond: Decimal, versie: int | None) -> None:
    controleer_versie(regeling_jaar, versie, "dit jaar van de regeling")
    toegekend = toegekend_in(regeling_jaar)
    if plafond < toegekend:
        raise SubsidieFout(
            f"Er is al {geld(toegekend)} toegekend; het plafond kan niet lager worden."
        )
    regeling_jaar.plafond = plafond
    db.session.flush()


def toegekend_in(regeling_jaar: RegelingJaar, behalve: Beschikking | None = None) -> Decimal:
    """The amounts of every decision of the year that counts as granted (`Beschikking.telt_mee`);
    drafts do not, and are shown apart (`in_concept_in`)."""
    return sum(
        (
            b.bedrag
            for b in regeling_jaar.beschikkingen
            if b.telt_mee and b.bedrag is not None and b is not behalve
        ),
        NUL,
    )


def in_concept_in(regeling_jaar: RegelingJaar, behalve: Beschikking | None = None) -> Decimal:
    """The amounts of the year's drafts: not granted yet, but an officer should see them."""
    return sum(
        (
            b.bedrag
            for b in regeling_jaar.beschikkingen
            if b.in_concept and b.bedrag is not None and b is not behalve
        ),
        NUL,
    )


@dataclass(frozen=True)
class Plafondstand:
    """A year's ceiling against what is granted, with the drafts apart."""

    plafond: Decimal
    toegekend: Decimal
    in_concept: Decimal
    concepten: int  # drafts, with or without an amount

    @property
    def ruimte(self) -> Decimal:
        return self.plafond - self.toegekend

    @property
    def overschreden(self) -> bool:
        return self.toegekend > self.plafond


def plafondstand(regeling_jaar: RegelingJaar) -> Plafondstand:
    return Plafondstand(
        plafond=regeling_jaar.plafond,
        toegekend=toegekend_in(regeling_jaar),
        in_concept=in_concept_in(regeling_jaar),
        concepten=sum(1 for b in regeling_jaar.beschikkingen if b.in_concept),
    )


def plafondstanden(jaren: Sequence[RegelingJaar]) -> dict[int, tuple[Plafondstand, int]]:
    """Per year (by id): `plafondstand` and the number of decisions, in one query."""
    concept = Beschikking.status == BeschikkingStatus.CONCEPT
    rijen = db.session.execute(
        select(
            Beschikking.regeling_jaar_id,
            func.sum(case((Beschikking.telt_mee, Beschikking.bedrag))),
            func.sum(case((concept, Beschikking.bedrag))),
            func.count(case((concept, Beschikking.id))),
            func.count(Beschikking.id),
        )
        .where(Beschikking.regeling_jaar_id.in_([jaar.id for jaar in jaren]))
        .group_by(Beschikking.regeling_jaar_id)
    ).all()
    per_jaar = {rij[0]: rij[1:] for rij in rijen}
    uit = {}
    for jaar in jaren:
        toegekend, in_concept, concepten, aantal = per_jaar.get(jaar.id, (None, None, 0, 0))
        stand = Plafondstand(jaar.plafond, toegekend or NUL, in_concept or NUL, concepten)
        uit[jaar.id] = (stand, aantal)
    return uit


def betaald_in(regeling_jaar: RegelingJaar) -> Decimal:
    """What the year's decisions paid on balance (`Beschikking.betaald` summed), in SQL: paid
    out minus clawbacks received, of every decision, a withdrawn one's too."""
    netto = case(
        (Betaling.soort == BetalingSoort.TERUGVORDERING, -Betaling.betaald_bedrag),
        else_=Betaling.betaald_bedrag,
    )
    totaal = db.session.execute(
        select(func.sum(netto))
        .join(Betaling.beschikking)
        .where(Beschikking.regeling_jaar_id == regeling_jaar.id)
    ).scalar_one()
    return totaal if totaal is not None else NUL


def nog_vast_te_stellen_in(regeling_jaar: RegelingJaar) -> int:
    """The year's granted decisions whose amount is not set yet."""
    return db.session.execute(
        select(func.count(Beschikking.id)).where(
            Beschikking.regeling_jaar_id == regeling_jaar.id,
            Beschikking.telt_mee,
            Beschikking.bedrag.is_(None),
        )
    ).scalar_one()


def _controleer_plafond(
    regeling_jaar: RegelingJaar,
    bedrag: Decimal | None,
    behalve: Beschikking | None,
    bevestigd: bool,
) -> None:
    """Refuse, unless confirmed, an amount that takes the granted total over the ceiling.

    Only granted amounts count: a draft reserves nothing, and is checked again when decided.
    """
    if bedrag is None or bevestigd:
        return
    tekort = regels.plafond_tekort(
        regeling_jaar.plafond, toegekend_in(regeling_jaar, behalve), bedrag
    )
    if tekort is not None:
        raise PlafondOverschreden(regeling_jaar, tekort, in_concept_in(regeling_jaar, behalve))


def ontvangers() -> Select[int]:
    """The ids of the municipalities with a granted decision (`Beschikking.telt_mee`), as the
    recipient or as a participant of a region: who takes part in the versterkingsgelden."""
    toegekend = select(Beschikking.id).where(Beschikking.telt_mee)
    deelnemer = beschikking_deelnemers.c
    return select(Gemeente.id).where(
        or_(
            Gemeente.id.in_(select(Beschikking.gemeente_id).where(Beschikking.telt_mee)),
            Gemeente.id.in_(
                select(deelnemer.gemeente_id).where(deelnemer.beschikking_id.in_(toegekend))
            ),
        )
    )


# --- Decisions ----------------------------------------------------------------------------


@dataclass
class BeschikkingGegevens:
    """What an officer enters for a decision."""

    bedrag: Decimal | None
    doelbedragen: dict[int, Decimal] = field(default_factory=dict)  # doel id -> amount
    regio_naam: str | None = None
    deelnemers: list[Gemeente] = field(default_factory=list)
    toelichting: str | None = None


def standaard_uiterste_datum(jaar: int) -> date:
    """The return for year T is due on 15 July of T+1 (as the SiSa return)."""
    return date(jaar + 1, 7, 15)


def controleer_gegevens(regeling_jaar: RegelingJaar, gegevens: BeschikkingGegevens) -> None:
    """Refuse amounts per purpose that are not the scheme's, not set, negative or do not add
    up to the total."""
    doel_ids = {d.id for d in regeling_jaar.regeling.doelen}
    if set(gegevens.doelbedragen) - doel_ids:
        raise SubsidieFout("Een bestedingsdoel hoort niet bij deze regeling.")
    if gegevens.bedrag is None and any(gegevens.doelbedragen.values()):
        raise SubsidieFout(
            "Zonder totaalbedrag (nog vast te stellen) is er geen verdeling per doel."
        )
    verdeeld = sum(gegevens.doelbedragen.values(), NUL)
    if gegevens.doelbedragen and gegevens.bedrag is not None and verdeeld != gegevens.bedrag:
        raise SubsidieFout(
            f"De bedragen per doel tellen op tot {geld(verdeeld)}, niet tot het toegekende "
            f"{geld(gegevens.bedrag)}. Laat de verdeling leeg of maak haar sluitend."
        )
    if any(b < 0 for b in gegevens.doelbedragen.values()):
        raise SubsidieFout("Een bedrag per doel is nul of meer.")


def _zet_gegevens(beschikking: Beschikking, gegevens: BeschikkingGegevens) -> None:
    beschikking.bedrag = gegevens.bedrag
    beschikking.regio_naam = (gegevens.regio_naam or "").strip() or None
    # By object, not by gemeente_id: a new decision has no gemeente_id before its first flush.
    beschikking.deelnemers = [g for g in gegevens.deelnemers if g is not beschikking.gemeente]
    beschikking.toelichting = (gegevens.toelichting or "").strip() or None
    bestaand = {d.doel_id: d for d in beschikking.doelbedragen}
    for doel_id, bedrag in gegevens.doelbedragen.items():
        if doel_id in bestaand:
            bestaand.pop(doel_id).bedrag = bedrag
        else:
            beschikking.doelbedragen.append(Doelbedrag(doel_id=doel_id, bedrag=bedrag))
    for overbodig in bestaand.values():
        beschikking.doelbedragen.remove(overbodig)


def controleer_nieuw(
    regeling_jaar: RegelingJaar,
    gemeente: Gemeente,
    gegevens: BeschikkingGegevens,
    *,
    heeft_al: bool,
) -> None:
    """Refuse a new decision for a municipality that has ended or has one for the year
    (``heeft_al``), or whose amounts do not add up (`controleer_gegevens`)."""
    if not gemeente.actief:
        raise SubsidieFout(f"{gemeente.weergavenaam} bestaat niet meer.")
    if heeft_al:
        raise SubsidieFout(
            f"{gemeente.weergavenaam} heeft al een beschikking voor {regeling_jaar.label}."
        )
    controleer_gegevens(regeling_jaar, gegevens)


def maak_beschikking(
    regeling_jaar: RegelingJaar,
    gemeente: Gemeente,
    gegevens: BeschikkingGegevens,
    *,
    bevestig_overschrijding: bool = False,
) -> Beschikking:
    """A draft decision for ``gemeente`` (the recipient or lead municipality)."""
    controleer_nieuw(
        regeling_jaar,
        gemeente,
        gegevens,
        heeft_al=any(b.gemeente_id == gemeente.id for b in regeling_jaar.beschikkingen),
    )
    _controleer_plafond(regeling_jaar, gegevens.bedrag, None, bevestig_overschrijding)
    beschikking = Beschikking(
        regeling_jaar=regeling_jaar,
        gemeente=gemeente,
        status=BeschikkingStatus.CONCEPT,
        verantwoording_uiterlijk=standaard_uiterste_datum(regeling_jaar.jaar),
    )
    db.session.add(beschikking)
    _zet_gegevens(beschikking, gegevens)
    db.session.flush()
    return beschikking


def _bewaar_versie(beschikking: Beschikking, door: str, reden: str | None) -> None:
    # By the purposes' ids: a per-purpose amount added in this unit of work has no `doel` yet.
    codes = {d.id: d.code for d in beschikking.regeling_jaar.regeling.doelen}
    db.session.add(
        BeschikkingVersie(
            beschikking=beschikking,
            volgnummer=len(beschikking.versies) + 1,
            status=beschikking.status,
            kenmerk=beschikking.kenmerk,
            datum=beschikking.datum,
            bedrag=beschikking.bedrag,
            doelbedragen=versie_doelbedragen(
                codes, {d.doel_id: d.bedrag for d in beschikking.doelbedragen}
            ),
            reden=reden,
            vastgelegd_door=door,
        )
    )


def versie_doelbedragen(
    codes: Mapping[int, str], doelbedragen: Mapping[int, Decimal]
) -> dict[str, str]:
    """A version's amounts per purpose as kept: by the purpose's code, as text."""
    return {codes[doel_id]: f"{bedrag:.2f}" for doel_id, bedrag in doelbedragen.items()}


def controleer_kenmerk(kenmerk: str, bezet: Callable[[str], bool]) -> str:
    """The decision number as kept (trimmed); refused when empty or ``bezet`` (in use)."""
    kenmerk = kenmerk.strip()
    if not kenmerk:
        raise SubsidieFout("Een beschikking heeft een kenmerk.")
    if bezet(kenmerk):
        raise SubsidieFout(regels.kenmerk_bezet(kenmerk))
    return kenmerk


def _kenmerk_bezet(kenmerk: str, beschikking: Beschikking) -> bool:
    return (
        db.session.execute(
            select(Beschikking.id).where(
                Beschikking.kenmerk == kenmerk, Beschikking.id != beschikking.id
            )
        ).first()
        is not None
    )


def beschik(
    beschikking: Beschikking,
    *,
    kenmerk: str,
    datum: date,
    door: str,
    versie: int | None,
    bevestig_overschrijding: bool = False,
) -> None:
    """Decide a draft: it gets its decision number and date, and counts as granted."""
    controleer_versie(beschikking, versie, "deze beschikking")
    if beschikking.status is not BeschikkingStatus.CONCEPT:
        raise SubsidieFout(
            f"Alleen een concept kan worden beschikt; deze beschikking is "
            f"{beschikking.status.label.lower()}."
        )
    _controleer_plafond(
        beschikking.regeling_jaar, beschikking.bedrag, beschikking, bevestig_overschrijding
    )
    beschikking.kenmerk = controleer_kenmerk(kenmerk, lambda k: _kenmerk_bezet(k, beschikking))
    beschikking.datum = datum
    beschikking.status = BeschikkingStatus.BESCHIKT
    _bewaar_versie(beschikking, door, None)
    db.session.flush()


def controleer_wijziging(
    status: BeschikkingStatus,
    regeling_jaar: RegelingJaar,
    gegevens: BeschikkingGegevens,
    reden: str | None,
) -> None:
    """Refuse to change a decision that is withdrawn or settled, to amend a decided one
    without a reason, or amounts that do not add up (`controleer_gegevens`)."""
    if status not in (BeschikkingStatus.CONCEPT, *BESLOTEN):
        raise SubsidieFout(
            f"Deze beschikking is {status.toestand} en kan niet meer worden gewijzigd."
        )
    if status in BESLOTEN and not (reden or "").strip():
        raise SubsidieFout("Geef de reden van de wijziging; die komt in de beschikking.")
    controleer_gegevens(regeling_jaar, gegevens)


def lager_dan_betaald(
    status: BeschikkingStatus, bedrag: Decimal | None, betaald: Decimal
) -> str | None:
    """A decided grant does not drop below what was paid (reclaim first)."""
    if status in BESLOTEN and bedrag is not None and bedrag < betaald:
        return (
            f"Er is al {geld(betaald)} betaald; het bedrag kan niet lager worden zonder eerst "
            "terug te vorderen."
        )
    return None


def wijzig_beschikking(
    beschikking: Beschikking,
    gegevens: BeschikkingGegevens,
    *,
    door: str,
    versie: int | None,
    reden: str | None = None,
    datum: date | None = None,
    bevestig_overschrijding: bool = False,
) -> None:
    """Edit a draft, or amend a decided grant (with a reason; the earlier version is kept)."""
    controleer_versie(beschikking, versie, "deze beschikking")
    status = beschikking.status
    controleer_wijziging(status, beschikking.regeling_jaar, gegevens, reden)
    _controleer_plafond(
        beschikking.regeling_jaar, gegevens.bedrag, beschikking, bevestig_overschrijding
    )
    if (lager := lager_dan_betaald(status, gegevens.bedrag, beschikking.betaald)) is not None:
        raise SubsidieFout(lager)
    # One flush for the whole change: loading a collection halfway would flush the first half,
    # and the decision would get two audit entries and two version numbers for one amendment.
    with db.session.no_autoflush:
        _zet_gegevens(beschikking, gegevens)
        if status in BESLOTEN:
            beschikking.status = BeschikkingStatus.GEWIJZIGD
            if datum is not None:
                beschikking.datum = datum
            _bewaar_versie(beschikking, door, (reden or "").strip())
    db.session.flush()


def trek_in(
    beschikking: Beschikking, *, reden: str, door: str, versie: int | None, vandaag: date
) -> None:
    """Withdraw a decision; what was paid is planned to be reclaimed, from `vandaag` on."""
    controleer_versie(beschikking, versie, "deze beschikking")
    if beschikking.status not in (BeschikkingStatus.CONCEPT, *BESLOTEN):
        raise SubsidieFout(
            f"Deze beschikking is {beschikking.status.toestand} en kan niet worden ingetrokken."
        )
    if not reden.strip():
        raise SubsidieFout("Geef de reden van de intrekking.")
    betaald = beschikking.betaald
    beschikking.status = BeschikkingStatus.INGETROKKEN
    _bewaar_versie(beschikking, door, reden.strip())
    for betaling in [b for b in beschikking.betalingen if b.is_open]:
        _annuleer(betaling, f"Beschikking ingetrokken: {reden.strip()}", door)
    if betaald > 0:
        beschikking.betalingen.append(
            Betaling(
                soort=BetalingSoort.TERUGVORDERING,
                bedrag=betaald,
                gepland_op=vandaag,
                omschrijving="Terugvordering na intrekking",
            )
        )
    db.session.flush()


# --- Payments -----------------------------------------------------------------------------


def plannen_geweigerd(
    soort: BetalingSoort,
    bedrag: Decimal,
    *,
    status: BeschikkingStatus,
    toegekend: Decimal | None,
    betaald: Decimal,
    gepland: Decimal,
) -> str | None:
    """Why a payment of ``bedrag`` cannot be planned on a decision in ``status`` that granted
    ``toegekend`` and has ``betaald`` paid and ``gepland`` planned; None when it can."""
    if bedrag <= 0:
        return "Een betaling is groter dan nul."
    if soort is BetalingSoort.VOORSCHOT:
        if status not in BESLOTEN:
            return f"Deze beschikking is {status.toestand}; er wordt geen voorschot op betaald."
        if toegekend is None:
            return (
                "Het bedrag van deze beschikking is nog niet vastgesteld; er kan nog geen "
                "voorschot worden gepland."
            )
        ruimte = toegekend - betaald - gepland
        if bedrag > ruimte:
            return (
                f"Dit voorschot is {geld(bedrag - ruimte)} meer dan nog open staat "
                f"({geld(max(ruimte, NUL))})."
            )
    elif status is BeschikkingStatus.CONCEPT:
        return "Op een concept wordt niets betaald of teruggevorderd."
    return None


def plan_betaling(
    beschikking: Beschikking,
    *,
    soort: BetalingSoort,
    bedrag: Decimal,
    gepland_op: date,
    omschrijving: str | None = None,
) -> Betaling:
    geweigerd = plannen_geweigerd(
        soort,
        bedrag,
        status=beschikking.status,
        toegekend=beschikking.bedrag,
        betaald=beschikking.betaald,
        gepland=beschikking.gepland,
    )
    if geweigerd is not None:
        raise SubsidieFout(geweigerd)
    betaling = Betaling(
        soort=soort,
        bedrag=bedrag,
        gepland_op=gepland_op,
        omschrijving=(omschrijving or "").strip() or None,
    )
    beschikking.betalingen.append(betaling)
    db.session.flush()
    return betaling


def registratie_geweigerd(betaling: Betaling) -> str | None:
    """Why ``betaling`` cannot be registered as paid (or received); None when it can."""
    if betaling.betaald_op is not None:
        return f"Deze betaling is al op {betaling.betaald_op:%d-%m-%Y} geregistreerd."
    if betaling.geannuleerd_op is not None:
        return "Deze betaling is geannuleerd en wordt niet meer betaald."
    return None


def controleer_registratie(betaling: Betaling, bedrag: Decimal) -> None:
    """Refuse a registration the rules do not allow, before anything changes."""
    geweigerd = registratie_geweigerd(betaling)
    if geweigerd is not None:
        raise SubsidieFout(geweigerd)
    if bedrag <= 0:
        raise SubsidieFout("Het betaalde bedrag is groter dan nul.")
    if bedrag > betaling.bedrag:
        werkwoord = "ontvangen" if betaling.is_terugvordering else "betaald"
        raise SubsidieFout(
            f"Er kan niet meer {werkwoord} worden geregistreerd dan gepland "
            f"({geld(betaling.bedrag)}); het verschil is {geld(bedrag - betaling.bedrag)}."
        )


def registreer_betaling(
    betaling: Betaling,
    *,
    betaald_op: date,
    versie: int | None,
    bedrag: Decimal | None = None,
    kenmerk: str | None = None,
) -> None:
    """Register a planned payment as made (a clawback: as received), with the amount that
    actually went out (the planned amount when None) and the bank's reference, if any.

    Less than planned may be registered: the rest is no longer planned, and room for a new
    payment opens on the decision. More than planned is refused.
    """
    controleer_versie(betaling, versie, "deze betaling")
    betaald = betaling.bedrag if bedrag is None else bedrag
    controleer_registratie(betaling, betaald)
    betaling.betaald_op = betaald_op
    betaling.betaald_bedrag = betaald
    betaling.betalingskenmerk = (kenmerk or "").strip() or None
    db.session.flush()


def registreer_betalingen(
    betalingen: Sequence[Betaling], *, betaald_op: date, kenmerk: str | None = None
) -> None:
    """Register a batch of planned payments as made, each at its planned amount, on one date
    and under one reference. All or nothing (`controleer_batch`)."""
    controleer_batch(betalingen)
    for betaling in betalingen:
        registreer_betaling(
            betaling, betaald_op=betaald_op, versie=betaling.versie, kenmerk=kenmerk
        )


def controleer_batch(betalingen: Sequence[Betaling]) -> None:
    """Refuse a batch with nothing in it, or with a payment that cannot be registered (named)."""
    if not betalingen:
        raise SubsidieFout("Kies minstens één betaling.")
    for betaling in betalingen:
        geweigerd = registratie_geweigerd(betaling)
        if geweigerd is not None:
            raise SubsidieFout(f"{_betaling_naam(betaling)}: {geweigerd}")


def _betaling_naam(betaling: Betaling) -> str:
    return (
        f"{betaling.soort.label} van {geld(betaling.bedrag)} aan {betaling.beschikking.ontvanger}"
    )


def _annuleer(betaling: Betaling, reden: str, door: str) -> None:
    betaling.geannuleerd_op = utcnow()
    betaling.geannuleerd_door = door
    betaling.reden_annulering = reden


def annuleer_betaling(betaling: Betaling, *, reden: str, door: str, versie: int | None) -> None:
    """Cancel a planned payment that will not be made; the row stays, with the reason."""
    controleer_versie(betaling, versie, "deze betaling")
    if betaling.betaald_op is not None:
        raise SubsidieFout(
            f"Deze betaling is al op {betaling.betaald_op:%d-%m-%Y} geregistreerd; die wordt "
            "niet geannuleerd."
        )
    if betaling.geannuleerd_op is not None:
        raise SubsidieFout("Deze betaling is al geannuleerd.")
    if not reden.strip():
        raise SubsidieFout("Geef de reden van de annulering.")
    _annuleer(betaling, reden.strip(), door)
    db.session.flush()


# --- Returns ------------------------------------------------------------------------------


def indienen_geweigerd(beschikking: Beschikking) -> str | None:
    """Why no return can be submitted for ``beschikking`` now; None when one can."""
    return indienen_geweigerd_bij(
        beschikking.status, goedgekeurde_eindverantwoording(beschikking) is not None
    )


def indienen_geweigerd_bij(status: BeschikkingStatus, eind_goedgekeurd: bool) -> str | None:
    """`indienen_geweigerd` on values: the decision's status, and whether its final return is
    approved."""
    if status not in BESLOTEN:
        return (
            f"Deze beschikking is {status.toestand}; er kan geen verantwoording voor worden "
            "ingediend."
        )
    if eind_goedgekeurd:
        return "De eindverantwoording is al goedgekeurd."
    return None


@dataclass(frozen=True)
class Besteding:
    in_jaar: Decimal
    cumulatief: Decimal


def controleer_bestedingen(
    doelen: Sequence[Bestedingsdoel], bestedingen: Mapping[int, Besteding], jaar: int
) -> None:
    """Refuse a return that leaves out a purpose of the scheme or names another, or whose
    spending is negative, cumulatively below the year's, or too large to keep."""
    ontbrekend = [d.naam for d in doelen if d.id not in bestedingen]
    if ontbrekend:
        raise SubsidieFout("Vul de besteding in voor: " + ", ".join(ontbrekend) + ".")
    if set(bestedingen) - {d.id for d in doelen}:
        raise SubsidieFout("Een bestedingsdoel hoort niet bij deze regeling.")
    for doel in doelen:
        besteding = bestedingen[doel.id]
        if besteding.in_jaar < 0 or besteding.cumulatief < 0:
            raise SubsidieFout(f"{doel.naam}: een besteding is nul of meer.")
        te_laag = regels.cumulatief_te_laag(besteding.in_jaar, besteding.cumulatief, jaar)
        if te_laag:
            raise SubsidieFout(f"{doel.naam}: {te_laag[0].lower()}{te_laag[1:]}")
    te_groot = regels.totaal_te_groot(b.cumulatief for b in bestedingen.values())
    if te_groot:
        raise SubsidieFout(te_groot)


def dien_in(
    beschikking: Beschikking,
    *,
    bestedingen: Mapping[int, Besteding],
    eindverantwoording: bool,
    toelichting: str | None,
    door: str,
    bron: str = "web",
) -> tuple[Verantwoording, list[str]]:
    """Submit a new version of the return. Returns it with warnings for the officer."""
    geweigerd = indienen_geweigerd(beschikking)
    if geweigerd is not None:
        raise SubsidieFout(geweigerd)
    doelen = beschikking.regeling_jaar.regeling.doelen
    controleer_bestedingen(doelen, bestedingen, beschikking.regeling_jaar.jaar)
    for eerdere in beschikking.verantwoordingen:
        if eerdere.status is VerantwoordingStatus.INGEDIEND:
            eerdere.status = VerantwoordingStatus.VERVANGEN
    verantwoording = Verantwoording(
        volgnummer=len(beschikking.verantwoordingen) + 1,
        status=VerantwoordingStatus.INGEDIEND,
        eindverantwoording=eindverantwoording,
        toelichting_afwijking=(toelichting or "").strip() or None,
        bron=bron,
        ingediend_door=door,
        regels=[
            VerantwoordingRegel(
                doel_id=d.id,
                besteed_in_jaar=bestedingen[d.id].in_jaar,
                besteed_cumulatief=bestedingen[d.id].cumulatief,
            )
            for d in doelen
        ],
    )
    beschikking.verantwoordingen.append(verantwoording)
    db.session.flush()
    return verantwoording, waarschuwingen(verantwoording)


def waarschuwingen(verantwoording: Verantwoording) -> list[str]:
    """What the officer should look at; none of it blocks a submission."""
    beschikking = verantwoording.beschikking
    uit: list[str] = []
    boven = regels.boven_toekenning(verantwoording.besteed_cumulatief, beschikking.bedrag)
    if boven:
        uit.append(boven)
    if (
        beschikking.bedrag is not None
        and verantwoording.eindverantwoording
        and verantwoording.besteed_cumulatief != beschikking.bedrag
        and not verantwoording.toelichting_afwijking
    ):
        uit.append("De besteding wijkt af van het toegekende bedrag, zonder toelichting.")
    return uit


def _te_beoordelen(verantwoording: Verantwoording, versie: int | None) -> None:
    controleer_versie(verantwoording, versie, "deze verantwoording")
    if verantwoording.status is not VerantwoordingStatus.INGEDIEND:
        raise SubsidieFout(
            f"Deze verantwoording is {verantwoording.status.label.lower()} en kan niet meer "
            "worden beoordeeld."
        )


def keur_goed(
    verantwoording: Verantwoording, *, door: str, versie: int | None, reactie: str | None = None
) -> None:
    _te_beoordelen(verantwoording, versie)
    verantwoording.status = VerantwoordingStatus.GOEDGEKEURD
    verantwoording.beoordeeld_door = door
    verantwoording.beoordeeld_op = utcnow()
    verantwoording.reactie = (reactie or "").strip() or None
    db.session.flush()


def stuur_terug(
    verantwoording: Verantwoording, *, reden: str, door: str, versie: int | None
) -> None:
    _te_beoordelen(verantwoording, versie)
    if not reden.strip():
        raise SubsidieFout("Geef aan wat de gemeente moet verbeteren.")
    verantwoording.status = VerantwoordingStatus.TERUGGESTUURD
    verantwoording.beoordeeld_door = door
    verantwoording.beoordeeld_op = utcnow()
    verantwoording.reactie = reden.strip()
    db.session.flush()


# --- Settlement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Voorstel:
    verantwoording: Verantwoording
    toegekend: Decimal
    subsidiabel: Decimal
    vastgesteld: Decimal
    betaald: Decimal

    @property
    def saldo(self) -> Decimal:
        """Positive: still to pay (nabetaling); negative: to reclaim (terugvordering)."""
        return self.vastgesteld - self.betaald


def goedgekeurde_eindverantwoording(beschikking: Beschikking) -> Verantwoording | None:
    for verantwoording in reversed(beschikking.verantwoordingen):
        if (
            verantwoording.status is VerantwoordingStatus.GOEDGEKEURD
            and verantwoording.eindverantwoording
        ):
            return verantwoording
    return None


def voorstel_geweigerd(
    status: BeschikkingStatus, bedrag: Decimal | None, eind_goedgekeurd: bool
) -> str | None:
    """Why a decision in ``status`` granting ``bedrag`` cannot be settled; None when it can."""
    if status is BeschikkingStatus.VASTGESTELD:
        return "Deze beschikking is al vastgesteld."
    if status not in BESLOTEN:
        return f"Deze beschikking is {status.toestand} en kan niet worden vastgesteld."
    if bedrag is None:
        return "Stel eerst het toegekende bedrag vast (wijzig de beschikking)."
    if not eind_goedgekeurd:
        return "Er is nog geen goedgekeurde eindverantwoording."
    return None


def voorstel_vaststelling(beschikking: Beschikking) -> Voorstel:
    """settled = min(granted, eligible spending); saldo = settled - paid."""
    eind = goedgekeurde_eindverantwoording(beschikking)
    geweigerd = voorstel_geweigerd(beschikking.status, beschikking.bedrag, eind is not None)
    if geweigerd is not None:
        raise SubsidieFout(geweigerd)
    assert eind is not None
    assert beschikking.bedrag is not None
    subsidiabel = eind.besteed_cumulatief
    return Voorstel(
        verantwoording=eind,
        toegekend=beschikking.bedrag,
        subsidiabel=subsidiabel,
        vastgesteld=regels.vast_te_stellen(beschikking.bedrag, subsidiabel),
        betaald=beschikking.betaald,
    )


def vaststellen_geweigerd(beschikking: Beschikking) -> str | None:
    """Why a settlement that could be proposed cannot be recorded now; None when it can."""
    open_ = sum(1 for b in beschikking.betalingen if b.is_open)
    return vaststellen_geweigerd_bij(open_, beschikking.gepland)


def vaststellen_geweigerd_bij(open_: int, gepland: Decimal) -> str | None:
    """`vaststellen_geweigerd` on values: the number of open payments and what they total."""
    if not open_:
        return None
    wat = (
        "staat nog een geplande betaling"
        if open_ == 1
        else f"staan nog {open_} geplande betalingen"
    )
    return (
        f"Vaststellen kan nog niet: er {wat} open ({geld(gepland)}). Registreer die als betaald "
        "of annuleer die met een reden, bij de betalingen van de beschikking."
    )


def reden_vastgesteld(vastgesteld: Decimal) -> str:
    """The reason a settled decision's version gives."""
    return f"Vastgesteld op {geld(vastgesteld)}"


def saldobetaling(saldo: Decimal, datum: date) -> dict[str, Any] | None:
    """The payment a settlement on ``datum`` plans: an extra payment (``saldo`` positive) or a
    clawback, due 30 days later; None when nothing is left to pay or reclaim."""
    if saldo == 0:
        return None
    return {
        "soort": BetalingSoort.NABETALING if saldo > 0 else BetalingSoort.TERUGVORDERING,
        "bedrag": abs(saldo),
        "gepland_op": datum + timedelta(days=30),
        "omschrijving": "Na vaststelling",
    }


def stel_vast(
    beschikking: Beschikking, *, datum: date, door: str, versie: int | None
) -> Vaststelling:
    """Record the settlement and plan the extra payment or the clawback."""
    controleer_versie(beschikking, versie, "deze beschikking")
    voorstel = voorstel_vaststelling(beschikking)
    geweigerd = vaststellen_geweigerd(beschikking)
    if geweigerd is not None:
        raise SubsidieFout(geweigerd)
    vaststelling = Vaststelling(
        beschikking=beschikking,
        verantwoording=voorstel.verantwoording,
        subsidiabel=voorstel.subsidiabel,
        vastgesteld_bedrag=voorstel.vastgesteld,
        betaald=voorstel.betaald,
        saldo=voorstel.saldo,
        datum=datum,
        vastgesteld_door=door,
    )
    db.session.add(vaststelling)
    beschikking.status = BeschikkingStatus.VASTGESTELD
    _bewaar_versie(beschikking, door, reden_vastgesteld(voorstel.vastgesteld))
    if (saldo := saldobetaling(voorstel.saldo, datum)) is not None:
        beschikking.betalingen.append(Betaling(**saldo))
    db.session.flush()
    return vaststelling


# --- Deadlines ----------------------------------------------------------------------------


def termijn(beschikking: Beschikking, vandaag: date) -> str:
    """Where the return stands against its due date: for the overviews' flags. A decision whose
    amount is not yet set ("nog vast te stellen") has nothing to account for yet: n.v.t."""
    if beschikking.status not in BESLOTEN or beschikking.bedrag is None:
        return "n.v.t."
    laatste = beschikking.laatste_verantwoording
    if laatste is not None and laatste.status in (
        VerantwoordingStatus.INGEDIEND,
        VerantwoordingStatus.GOEDGEKEURD,
    ):
        return "ingediend"
    if vandaag > beschikking.verantwoording_uiterlijk:
        return "te laat"
    if vandaag >= beschikking.verantwoording_uiterlijk - BINNENKORT:
        return "binnenkort"
    return "op tijd"
