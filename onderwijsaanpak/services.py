"""The onderwijsaanpak: cohort and phases, activities, lessons, reporting rounds.

Services check the rules and change the objects; they flush and never commit. Every refusal is
an `OnderwijsFout` with a Dutch message for the user and, where one field is wrong, that field's
name; nothing has changed when one is raised. Changes reach the audit trail through
`kern.audit` (every model here is `Geaudit`). Views read the clock and hand ``vandaag`` in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from gemeenten.models import Gemeente
from kern.db import db, utcnow
from kern.formatting import datum as datum_tekst
from onderwijsaanpak import regels
from onderwijsaanpak.models import (
    DEELNEMENDE_FASEN,
    Activiteit,
    ActiviteitSoort,
    Cohortlid,
    Fase,
    Faseperiode,
    Les,
    Niveau,
    Rapportage,
    Rapportageronde,
    RapportageStatus,
)


class OnderwijsFout(ValueError):
    """A change the rules do not allow; the message is for the user, ``veld`` names the form
    field it is about (None: the form as a whole)."""

    def __init__(self, melding: str, veld: str | None = None) -> None:
        super().__init__(melding)
        self.veld = veld


class Conflict(OnderwijsFout):
    """Someone else changed the record since the form was drawn."""


def controleer_versie(obj: Any, versie: int | None, wat: str) -> None:
    if versie is None or versie != obj.versie:
        raise Conflict(
            f"Iemand anders heeft {wat} intussen gewijzigd. Uw wijziging is niet opgeslagen; "
            "bekijk de nieuwe gegevens en probeer het opnieuw."
        )


def _tekst(waarde: str | None, maximum: int, veld: str, *, leeg: str | None = None) -> str | None:
    """Text without surrounding white space; refused when too long, or empty if ``leeg`` says
    what to fill in."""
    schoon = (waarde or "").strip()
    if not schoon:
        if leeg is not None:
            raise OnderwijsFout(leeg, veld)
        return None
    if len(schoon) > maximum:
        raise OnderwijsFout(f"Dit is hooguit {maximum} tekens lang.", veld)
    return schoon


# --- Cohort and phases ----------------------------------------------------------------------


def cohortleden() -> Select[int]:
    """The ids of the municipalities that take part now (pilot or rollout): the programme's
    membership for the register (`gemeenten.programmas`)."""
    return select(Cohortlid.gemeente_id).where(Cohortlid.doet_mee)


def cohortlid_van(gemeente: Gemeente) -> Cohortlid | None:
    return db.session.execute(
        select(Cohortlid).where(Cohortlid.gemeente_id == gemeente.id)
    ).scalar_one_or_none()


def neem_op(
    gemeente: Gemeente,
    *,
    fase: Fase,
    gepland_start: date,
    gestart_op: date | None,
    toelichting: str | None,
    door: str,
    demo: bool = False,
) -> Cohortlid:
    """Take ``gemeente`` into the cohort, in the pilot or the rollout."""
    if fase not in DEELNEMENDE_FASEN:
        raise OnderwijsFout("Een gemeente komt in het cohort in de pilot of de uitrol.", "fase")
    if not gemeente.actief:
        raise OnderwijsFout(f"{gemeente.weergavenaam} bestaat niet meer.", "gemeente_id")
    bestaand = cohortlid_van(gemeente)
    if bestaand is not None:
        if bestaand.doet_mee:
            raise OnderwijsFout(
                f"{gemeente.weergavenaam} hoort al bij het cohort "
                f"(fase {bestaand.fase.label.lower()}).",
                "gemeente_id",
            )
        raise OnderwijsFout(
            f"{gemeente.weergavenaam} deed eerder mee; neem haar weer op met een nieuwe fase "
            "op haar pagina van de onderwijsaanpak, zodat haar geschiedenis bewaard blijft.",
            "gemeente_id",
        )
    lid = Cohortlid(
        gemeente=gemeente,
        fase=fase,
        toelichting=_tekst(toelichting, 200, "toelichting"),
        demo=demo,
        opgenomen_door=door,
    )
    lid.perioden.append(
        Faseperiode(
            volgnummer=1,
            fase=fase,
            gepland_start=gepland_start,
            gestart_op=gestart_op,
            vastgelegd_door=door,
        )
    )
    db.session.add(lid)
    db.session.flush()
    return lid


def verplaats(
    lid: Cohortlid,
    *,
    naar: Fase,
    gepland_start: date,
    gestart_op: date | None,
    reden: str,
    door: str,
    versie: int | None,
) -> Faseperiode:
    """Move a member to another phase (or out of the approach, or back in); the current phase
    stays in the history with who moved it, when and why."""
    controleer_versie(lid, versie, "de fase van deze gemeente")
    naam = lid.gemeente.weergavenaam
    if naar is lid.fase:
        raise OnderwijsFout(f"{naam} is al in de fase {naar.label.lower()}.", "naar")
    if naar.doet_mee and not lid.gemeente.actief:
        raise OnderwijsFout(f"{naam} bestaat niet meer.", "naar")
    schone_reden = _tekst(reden, regels.TOELICHTING_MAX, "reden", leeg="Geef de reden.")
    huidige = lid.huidige_periode
    if (gestart_op or gepland_start) < huidige.ingang:
        raise OnderwijsFout(
            f"De nieuwe fase begint vóór de huidige ({datum_tekst(huidige.ingang)}); kies een "
            "latere datum, of pas de data van de huidige fase aan.",
            "gestart_op" if gestart_op else "gepland_start",
        )
    periode = Faseperiode(
        volgnummer=len(lid.perioden) + 1,
        fase=naar,
        gepland_start=gepland_start,
        gestart_op=gestart_op,
        reden=schone_reden,
        vastgelegd_door=door,
    )
    lid.perioden.append(periode)
    lid.fase = naar
    db.session.flush()
    return periode


def wijzig_startdata(
    periode: Faseperiode, *, gepland_start: date, gestart_op: date | None, versie: int | None
) -> None:
    """Set the planned and actual start of a member's current phase."""
    controleer_versie(periode, versie, "de data van deze fase")
    perioden = periode.cohortlid.perioden
    if periode is not perioden[-1]:
        raise OnderwijsFout("Alleen de data van de huidige fase kunnen worden gewijzigd.")
    if len(perioden) > 1 and (gestart_op or gepland_start) < perioden[-2].ingang:
        raise OnderwijsFout(
            f"De fase zou dan beginnen vóór de vorige ({datum_tekst(perioden[-2].ingang)}).",
            "gestart_op" if gestart_op else "gepland_start",
        )
    periode.gepland_start = gepland_start
    periode.gestart_op = gestart_op
    db.session.flush()


@dataclass(frozen=True)
class Cohortregel:
    """One member in the cohort's list."""

    lid: Cohortlid
    aantal_activiteiten: int
    deelnemers: int
    laatste_activiteit: date | None


def cohort() -> list[Cohortregel]:
    """Every member (those that left last), with its activities counted in one query."""
    tellingen = {
        gemeente_id: (aantal, deelnemers, laatste)
        for gemeente_id, aantal, deelnemers, laatste in db.session.execute(
            select(
                Activiteit.gemeente_id,
                func.count(Activiteit.id),
                func.sum(Activiteit.deelnemers),
                func.max(Activiteit.datum),
            ).group_by(Activiteit.gemeente_id)
        )
    }
    leden = db.session.execute(
        select(Cohortlid).options(
            selectinload(Cohortlid.gemeente), selectinload(Cohortlid.perioden)
        )
    ).scalars()
    regels_ = [Cohortregel(lid, *tellingen.get(lid.gemeente_id, (0, 0, None))) for lid in leden]
    volgorde = {Fase.PILOT: 0, Fase.UITROL: 1, Fase.BEEINDIGD: 2}
    return sorted(
        regels_,
        key=lambda r: (volgorde[r.lid.fase], r.lid.gemeente.roepnaam or r.lid.gemeente.naam),
    )


def niet_in_cohort() -> list[Gemeente]:
    """The existing municipalities that could join: never in the cohort, by name."""
    return list(
        db.session.execute(
            select(Gemeente)
            .where(Gemeente.actief, Gemeente.id.not_in(select(Cohortlid.gemeente_id)))
            .order_by(func.coalesce(Gemeente.roepnaam, Gemeente.naam))
        ).scalars()
    )


# --- Activities -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiviteitGegevens:
    """What is reported of one activity."""

    soort: ActiviteitSoort
    datum: date
    school: str
    niveau: Niveau
    deelnemers: int
    brin: str | None = None
    aanbieder: str | None = None
    opmerkingen: str | None = None


def ingediende_rapportage(gemeente_id: int, datum: date) -> Rapportage | None:
    """The submitted or approved report that covers ``datum`` for the municipality: its
    activities of that period no longer change."""
    laatste = _laatste_rapportages(
        select(Rapportage)
        .join(Rapportage.ronde)
        .where(
            Rapportage.gemeente_id == gemeente_id,
            Rapportageronde.periode_van <= datum,
            Rapportageronde.periode_tot >= datum,
        )
    )
    return next(
        (
            r
            for r in laatste
            if r.status in (RapportageStatus.INGEDIEND, RapportageStatus.GOEDGEKEURD)
        ),
        None,
    )


def melden_geweigerd(gemeente: Gemeente, datum: date) -> str | None:
    """Why no activity of ``gemeente`` on ``datum`` can be reported, changed or removed now;
    None when it can."""
    lid = cohortlid_van(gemeente)
    if lid is None:
        return f"{gemeente.weergavenaam} neemt niet deel aan de onderwijsaanpak."
    if not lid.fase_op(datum).doet_mee:
        return (
            f"{gemeente.weergavenaam} deed op {datum_tekst(datum)} niet mee aan de onderwijsaanpak."
        )
    rapportage = ingediende_rapportage(gemeente.id, datum)
    if rapportage is not None:
        ronde = rapportage.ronde
        return (
            f"De rapportage over {ronde.naam} ({datum_tekst(ronde.periode_van)} tot en met "
            f"{datum_tekst(ronde.periode_tot)}) is {rapportage.status.value}; de activiteiten "
            "in die periode liggen daarmee vast."
            + (
                " Het ministerie kan de rapportage terugsturen als er iets moet veranderen."
                if rapportage.status is RapportageStatus.INGEDIEND
                else ""
            )
        )
    return None


def _controleer_activiteit(
    gemeente: Gemeente, gegevens: ActiviteitGegevens, vandaag: date
) -> ActiviteitGegevens:
    """The values as stored, or the first refusal with its field."""
    school = _tekst(
        gegevens.school,
        regels.SCHOOL_MAX,
        "school",
        leeg=regels.SCHOOL_ONTBREEKT,
    )
    brin = regels.lees_brin(gegevens.brin)
    if fout := regels.brin_fout(brin):
        raise OnderwijsFout(fout, "brin")
    if fout := regels.deelnemers_fout(gegevens.deelnemers):
        raise OnderwijsFout(fout, "deelnemers")
    if fout := regels.activiteitdatum_fout(gegevens.datum, vandaag):
        raise OnderwijsFout(fout, "datum")
    if fout := melden_geweigerd(gemeente, gegevens.datum):
        raise OnderwijsFout(fout, "datum")
    return ActiviteitGegevens(
        soort=gegevens.soort,
        datum=gegevens.datum,
        school=school or "",
        niveau=gegevens.niveau,
        deelnemers=gegevens.deelnemers,
        brin=brin,
        aanbieder=_tekst(gegevens.aanbieder, regels.AANBIEDER_MAX, "aanbieder"),
        opmerkingen=_tekst(gegevens.opmerkingen, regels.OPMERKINGEN_MAX, "opmerkingen"),
    )


def _zet(activiteit: Activiteit, gegevens: ActiviteitGegevens) -> None:
    activiteit.soort = gegevens.soort
    activiteit.datum = gegevens.datum
    activiteit.school = gegevens.school
    activiteit.brin = gegevens.brin
    activiteit.niveau = gegevens.niveau
    activiteit.deelnemers = gegevens.deelnemers
    activiteit.aanbieder = gegevens.aanbieder
    activiteit.opmerkingen = gegevens.opmerkingen


def meld_activiteit(
    gemeente: Gemeente,
    gegevens: ActiviteitGegevens,
    *,
    door: str,
    vandaag: date,
    bron: str = "web",
) -> Activiteit:
    """Report an activity held in ``gemeente``."""
    schoon = _controleer_activiteit(gemeente, gegevens, vandaag)
    activiteit = Activiteit(gemeente=gemeente, bron=bron, gemeld_door=door)
    _zet(activiteit, schoon)
    db.session.add(activiteit)
    db.session.flush()
    return activiteit


def wijzig_activiteit(
    activiteit: Activiteit, gegevens: ActiviteitGegevens, *, versie: int | None, vandaag: date
) -> None:
    controleer_versie(activiteit, versie, "deze activiteit")
    if fout := melden_geweigerd(activiteit.gemeente, activiteit.datum):
        raise OnderwijsFout(fout)
    _zet(activiteit, _controleer_activiteit(activiteit.gemeente, gegevens, vandaag))
    db.session.flush()


def verwijder_activiteit(activiteit: Activiteit, *, versie: int | None) -> None:
    """Remove a wrongly reported activity; the audit trail keeps what it was."""
    controleer_versie(activiteit, versie, "deze activiteit")
    if fout := melden_geweigerd(activiteit.gemeente, activiteit.datum):
        raise OnderwijsFout(fout)
    db.session.delete(activiteit)
    db.session.flush()


def activiteiten_van(gemeente: Gemeente, ronde: Rapportageronde | None = None) -> list[Activiteit]:
    """The municipality's activities, newest first; within ``ronde``'s period if given."""
    return list(db.session.execute(activiteiten(gemeente, ronde)).scalars())


def activiteiten(gemeente: Gemeente, ronde: Rapportageronde | None = None) -> Select[Any]:
    """`activiteiten_van` as a query, to take a page of (`kern.paginering.pagina_van`)."""
    query = select(Activiteit).where(Activiteit.gemeente_id == gemeente.id)
    if ronde is not None:
        query = query.where(
            Activiteit.datum >= ronde.periode_van, Activiteit.datum <= ronde.periode_tot
        )
    return query.order_by(Activiteit.datum.desc(), Activiteit.id.desc())


# --- Lessons from the pilots ----------------------------------------------------------------


@dataclass(frozen=True)
class LesGegevens:
    thema: str
    tekst: str
    datum: date
    in_uitrol: bool = False


def _controleer_les(gegevens: LesGegevens) -> LesGegevens:
    return LesGegevens(
        thema=_tekst(gegevens.thema, regels.THEMA_MAX, "thema", leeg="Vul het thema in.") or "",
        tekst=_tekst(gegevens.tekst, regels.LES_MAX, "tekst", leeg="Beschrijf de les.") or "",
        datum=gegevens.datum,
        in_uitrol=gegevens.in_uitrol,
    )


def leg_les_vast(gemeente: Gemeente, gegevens: LesGegevens, *, door: str) -> Les:
    """Record a lesson learned in a pilot municipality."""
    lid = cohortlid_van(gemeente)
    if lid is None or not lid.was_pilot:
        raise OnderwijsFout(
            f"Lessen worden vastgelegd voor pilotgemeenten; {gemeente.weergavenaam} heeft "
            "geen pilotfase gehad."
        )
    schoon = _controleer_les(gegevens)
    les = Les(
        gemeente=gemeente,
        thema=schoon.thema,
        tekst=schoon.tekst,
        datum=schoon.datum,
        in_uitrol=schoon.in_uitrol,
        vastgelegd_door=door,
    )
    db.session.add(les)
    db.session.flush()
    return les


def wijzig_les(les: Les, gegevens: LesGegevens, *, versie: int | None) -> None:
    controleer_versie(les, versie, "deze les")
    schoon = _controleer_les(gegevens)
    les.thema = schoon.thema
    les.tekst = schoon.tekst
    les.datum = schoon.datum
    les.in_uitrol = schoon.in_uitrol
    db.session.flush()


def lessen(gemeente: Gemeente | None = None) -> list[Les]:
    """The lessons of one pilot municipality or of all, newest first."""
    query = select(Les).options(selectinload(Les.gemeente))
    if gemeente is not None:
        query = query.where(Les.gemeente_id == gemeente.id)
    return list(db.session.execute(query.order_by(Les.datum.desc(), Les.id.desc())).scalars())


# --- Reporting rounds -----------------------------------------------------------------------


@dataclass(frozen=True)
class RondeGegevens:
    naam: str
    periode_van: date
    periode_tot: date
    uiterlijk: date


def _controleer_ronde(
    gegevens: RondeGegevens, ronde: Rapportageronde | None = None
) -> RondeGegevens:
    naam = _tekst(gegevens.naam, regels.RONDENAAM_MAX, "naam", leeg="Geef de ronde een naam.") or ""
    anderen = select(Rapportageronde)
    if ronde is not None:
        anderen = anderen.where(Rapportageronde.id != ronde.id)
    if db.session.execute(anderen.where(Rapportageronde.naam == naam)).first():
        raise OnderwijsFout(f"Er is al een ronde met de naam {naam}.", "naam")
    if fout := regels.periode_fout(gegevens.periode_van, gegevens.periode_tot):
        raise OnderwijsFout(fout, "periode_tot")
    if fout := regels.uiterlijk_fout(gegevens.periode_tot, gegevens.uiterlijk):
        raise OnderwijsFout(fout, "uiterlijk")
    overlap = (
        db.session.execute(
            anderen.where(
                Rapportageronde.periode_van <= gegevens.periode_tot,
                Rapportageronde.periode_tot >= gegevens.periode_van,
            ).order_by(Rapportageronde.periode_van)
        )
        .scalars()
        .first()
    )
    if overlap is not None:
        raise OnderwijsFout(
            f"De periode overlapt met de ronde {overlap.naam} ({datum_tekst(overlap.periode_van)} "
            f"tot en met {datum_tekst(overlap.periode_tot)}); een activiteit hoort bij één ronde.",
            "periode_van",
        )
    return RondeGegevens(naam, gegevens.periode_van, gegevens.periode_tot, gegevens.uiterlijk)


def open_ronde(gegevens: RondeGegevens, *, door: str, demo: bool = False) -> Rapportageronde:
    """Open a round: the cohort reports the activities of its period by its due date."""
    schoon = _controleer_ronde(gegevens)
    ronde = Rapportageronde(
        naam=schoon.naam,
        periode_van=schoon.periode_van,
        periode_tot=schoon.periode_tot,
        uiterlijk=schoon.uiterlijk,
        demo=demo,
        geopend_door=door,
    )
    db.session.add(ronde)
    db.session.flush()
    return ronde


def wijzig_ronde(ronde: Rapportageronde, gegevens: RondeGegevens, *, versie: int | None) -> None:
    """Rename a round or move its due date; its period only while nobody has reported."""
    controleer_versie(ronde, versie, "deze ronde")
    if not ronde.is_open:
        raise OnderwijsFout("Deze ronde is gesloten en verandert niet meer.")
    schoon = _controleer_ronde(gegevens, ronde)
    andere_periode = (schoon.periode_van, schoon.periode_tot) != (
        ronde.periode_van,
        ronde.periode_tot,
    )
    if andere_periode and ronde.rapportages:
        raise OnderwijsFout(
            "Er is al gerapporteerd in deze ronde; de periode verandert daarom niet meer. De "
            "naam en de uiterste datum kunnen wel.",
            "periode_van",
        )
    ronde.naam = schoon.naam
    ronde.periode_van = schoon.periode_van
    ronde.periode_tot = schoon.periode_tot
    ronde.uiterlijk = schoon.uiterlijk
    db.session.flush()


def sluit_ronde(ronde: Rapportageronde, *, door: str, versie: int | None) -> None:
    """Close a round: nobody reports in it any more; what was reported stays."""
    controleer_versie(ronde, versie, "deze ronde")
    if not ronde.is_open:
        raise OnderwijsFout("Deze ronde is al gesloten.")
    ronde.gesloten_op = utcnow()
    ronde.gesloten_door = door
    db.session.flush()


def rondes(*, alleen_open: bool = False) -> list[Rapportageronde]:
    """The rounds, latest period first."""
    query = select(Rapportageronde).order_by(Rapportageronde.periode_van.desc())
    if alleen_open:
        query = query.where(Rapportageronde.is_open)
    return list(db.session.execute(query).scalars())


def _laatste_rapportages(query: Select[Rapportage]) -> list[Rapportage]:
    """Of the reports ``query`` finds, the latest per round and municipality."""
    laatste: dict[tuple[int, int], Rapportage] = {}
    for rapportage in db.session.execute(query.order_by(Rapportage.volgnummer)).scalars():
        laatste[(rapportage.ronde_id, rapportage.gemeente_id)] = rapportage
    return list(laatste.values())


def rapportages_van(ronde: Rapportageronde, gemeente: Gemeente) -> list[Rapportage]:
    """Every submission of the municipality in the round, oldest first."""
    return list(
        db.session.execute(
            select(Rapportage)
            .where(Rapportage.ronde_id == ronde.id, Rapportage.gemeente_id == gemeente.id)
            .order_by(Rapportage.volgnummer)
        ).scalars()
    )


def indienen_geweigerd(ronde: Rapportageronde, gemeente: Gemeente, vandaag: date) -> str | None:
    """Why the municipality cannot submit its report in ``ronde`` now; None when it can."""
    if not ronde.is_open:
        return "Deze ronde is gesloten; er wordt niet meer in gerapporteerd."
    if vandaag <= ronde.periode_tot:
        return (
            f"De periode van deze ronde loopt tot en met {datum_tekst(ronde.periode_tot)}; "
            "rapporteer als die voorbij is, zodat alle activiteiten erin staan."
        )
    lid = cohortlid_van(gemeente)
    if lid is None or not lid.doet_mee:
        return f"{gemeente.weergavenaam} neemt niet deel aan de onderwijsaanpak."
    eerdere = rapportages_van(ronde, gemeente)
    if eerdere and eerdere[-1].status is RapportageStatus.INGEDIEND:
        return "De rapportage is ingediend en wacht op beoordeling door het ministerie."
    if eerdere and eerdere[-1].status is RapportageStatus.GOEDGEKEURD:
        return "De rapportage over deze ronde is goedgekeurd."
    return None


def dien_in(
    ronde: Rapportageronde,
    gemeente: Gemeente,
    *,
    toelichting: str | None,
    door: str,
    vandaag: date,
    op: datetime | None = None,
) -> Rapportage:
    """Submit the municipality's report: its activities in the round's period, as they are.
    ``op`` is the moment of submission, now unless given (the demo tells of past rounds)."""
    if fout := indienen_geweigerd(ronde, gemeente, vandaag):
        raise OnderwijsFout(fout)
    activiteiten = activiteiten_van(gemeente, ronde)
    rapportage = Rapportage(
        ronde=ronde,
        gemeente=gemeente,
        volgnummer=len(rapportages_van(ronde, gemeente)) + 1,
        status=RapportageStatus.INGEDIEND,
        aantal_activiteiten=len(activiteiten),
        deelnemers=sum(a.deelnemers for a in activiteiten),
        toelichting=_tekst(toelichting, regels.TOELICHTING_MAX, "toelichting"),
        ingediend_door=door,
        ingediend_op=op or utcnow(),
    )
    db.session.add(rapportage)
    db.session.flush()
    return rapportage


def _te_beoordelen(rapportage: Rapportage, versie: int | None) -> None:
    controleer_versie(rapportage, versie, "deze rapportage")
    if rapportage.status is not RapportageStatus.INGEDIEND:
        raise OnderwijsFout(
            f"Deze rapportage is {rapportage.status.value} en kan niet meer worden beoordeeld."
        )


def keur_goed(
    rapportage: Rapportage,
    *,
    door: str,
    versie: int | None,
    reactie: str | None = None,
    op: datetime | None = None,
) -> None:
    _te_beoordelen(rapportage, versie)
    rapportage.reactie = _tekst(reactie, regels.TOELICHTING_MAX, "reactie")
    rapportage.status = RapportageStatus.GOEDGEKEURD
    rapportage.beoordeeld_door = door
    rapportage.beoordeeld_op = op or utcnow()
    db.session.flush()


def stuur_terug(
    rapportage: Rapportage,
    *,
    reden: str,
    door: str,
    versie: int | None,
    op: datetime | None = None,
) -> None:
    """Send a report back with a reason: its period's activities can change again."""
    _te_beoordelen(rapportage, versie)
    rapportage.reactie = _tekst(
        reden, regels.TOELICHTING_MAX, "reden", leeg="Geef aan wat de gemeente moet verbeteren."
    )
    rapportage.status = RapportageStatus.TERUGGESTUURD
    rapportage.beoordeeld_door = door
    rapportage.beoordeeld_op = op or utcnow()
    db.session.flush()


@dataclass(frozen=True)
class Stand:
    """Where one municipality's report in one round stands."""

    ronde: Rapportageronde
    gemeente: Gemeente
    laatste: Rapportage | None
    vandaag: date

    @property
    def te_doen(self) -> bool:
        """The municipality still has to submit: nothing yet, or sent back, in an open round."""
        return self.ronde.is_open and (
            self.laatste is None or self.laatste.status is RapportageStatus.TERUGGESTUURD
        )

    @property
    def te_laat(self) -> bool:
        return self.te_doen and self.vandaag > self.ronde.uiterlijk

    @property
    def ingediend(self) -> bool:
        """A report came in and was not sent back: submitted, or approved."""
        return self.laatste is not None and self.laatste.status in (
            RapportageStatus.INGEDIEND,
            RapportageStatus.GOEDGEKEURD,
        )

    @property
    def label(self) -> str:
        if self.laatste is not None:
            return self.laatste.status.label
        return "Nog niet ingediend" if self.ronde.is_open else "Niet ingediend"


def stand_van_ronde(ronde: Rapportageronde, vandaag: date) -> list[Stand]:
    """Per municipality taking part (and any other that reported in it), by name."""
    return standen_van_rondes([ronde], vandaag)[0][1]


def standen_van_rondes(
    rondes: list[Rapportageronde], vandaag: date
) -> list[tuple[Rapportageronde, list[Stand]]]:
    """`stand_van_ronde` of each round, in two queries however many rounds there are."""
    laatste: dict[int, dict[int, Rapportage]] = {ronde.id: {} for ronde in rondes}
    for rapportage in _laatste_rapportages(
        # The round loaded with each: an export reads it after the request's session.
        select(Rapportage)
        .where(Rapportage.ronde_id.in_(laatste.keys()))
        .options(selectinload(Rapportage.ronde))
    ):
        laatste[rapportage.ronde_id][rapportage.gemeente_id] = rapportage
    gemeld = {gemeente_id for per_ronde in laatste.values() for gemeente_id in per_ronde}
    gemeenten = db.session.execute(
        select(Gemeente, Gemeente.id.in_(cohortleden()))
        .where(Gemeente.id.in_(cohortleden()) | Gemeente.id.in_(gemeld))
        .order_by(func.coalesce(Gemeente.roepnaam, Gemeente.naam))
    ).all()
    return [
        (
            ronde,
            [
                Stand(ronde, gemeente, laatste[ronde.id].get(gemeente.id), vandaag)
                for gemeente, doet_mee in gemeenten
                if doet_mee or gemeente.id in laatste[ronde.id]
            ],
        )
        for ronde in rondes
    ]


def standen_van(gemeente: Gemeente, vandaag: date, *, alleen_open: bool = False) -> list[Stand]:
    """The municipality's place in every round (or every open one), latest period first: the
    rounds of a member, and any other round it reported in."""
    lid = cohortlid_van(gemeente)
    doet_mee = lid is not None and lid.doet_mee
    laatste = {
        r.ronde_id: r
        for r in _laatste_rapportages(
            select(Rapportage).where(Rapportage.gemeente_id == gemeente.id)
        )
    }
    return [
        Stand(ronde, gemeente, laatste.get(ronde.id), vandaag)
        for ronde in rondes(alleen_open=alleen_open)
        if doet_mee or ronde.id in laatste
    ]


def open_standen(gemeente: Gemeente, vandaag: date) -> list[Stand]:
    """The municipality's place in every open round, due date first."""
    return sorted(standen_van(gemeente, vandaag, alleen_open=True), key=lambda s: s.ronde.uiterlijk)


# --- The municipality's page ----------------------------------------------------------------


@dataclass(frozen=True)
class Samenvatting:
    """The onderwijsaanpak on a municipality's page."""

    lid: Cohortlid
    aantal_activiteiten: int
    deelnemers: int
    laatste_activiteit: date | None
    standen: list[Stand]

    @property
    def te_doen(self) -> list[Stand]:
        return [s for s in self.standen if s.te_doen]


def samenvatting(gemeente: Gemeente, vandaag: date) -> Samenvatting | None:
    lid = cohortlid_van(gemeente)
    if lid is None:
        return None
    aantal, deelnemers, laatste = db.session.execute(
        select(
            func.count(Activiteit.id),
            func.coalesce(func.sum(Activiteit.deelnemers), 0),
            func.max(Activiteit.datum),
        ).where(Activiteit.gemeente_id == gemeente.id)
    ).one()
    return Samenvatting(lid, aantal, deelnemers, laatste, open_standen(gemeente, vandaag))
