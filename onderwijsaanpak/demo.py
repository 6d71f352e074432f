"""Demo data: a plausible onderwijsaanpak, labelled as demo on screen.

The real cohort is not public. The demo cohort is the eighteen municipalities that received
versterkingsgelden for 2017 (the first eighteen of `gemeenten.demo`): Amsterdam and Rotterdam
run the pilot from autumn 2015, the sixteen others the rollout from January 2016. Each has a
few activities between 2015 and 2017; the pilots have lessons, some taken into the rollout.
The round of school year 2015-2016 is closed (most reports approved, one sent back and approved
later, one never submitted); that of 2016-2017 is open and past its due date: some reports wait
for review, Rotterdam's was sent back, and Amsterdam (the demo municipality user's) has still to
submit. Reports carry the moments of those years (`TE_LAAT`): most came in the weeks before the
due date, two of the first round and one of the second after it, and the reviews a few days
later. Everything goes through the services, under the name "demo" in the audit trail.

Loading adds what is missing: a municipality already in the cohort keeps its phase and gets no
demo activities, and a round that exists gets no demo reports, so loading twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from gemeenten.demo import DEMO_GEMEENTEN
from gemeenten.models import Gemeente
from kern import audit, tijd
from kern.db import db
from kern.demo import Verslag
from kern.tijd import TIJDZONE
from onderwijsaanpak import services
from onderwijsaanpak.models import (
    ActiviteitSoort,
    Cohortlid,
    Fase,
    Niveau,
    Rapportageronde,
)

DOOR = "demo"
TOELICHTING = "Demo-cohort (de echte deelnemers zijn niet openbaar)"
COHORT = tuple(code for code, _, _ in DEMO_GEMEENTEN[:18])
PILOTS = {"GM0363": date(2015, 10, 5), "GM0599": date(2015, 10, 12)}  # actual starts
PILOT_GEPLAND = date(2015, 9, 1)
UITROL_GEPLAND = date(2016, 1, 4)


@dataclass(frozen=True)
class Soort:
    """A kind of activity the demo gives every municipality, with its numbers."""

    soort: ActiviteitSoort
    school: str  # with the municipality's name for {}
    niveau: Niveau
    deelnemers: int
    aanbieder: str


SOORTEN = (
    Soort(
        ActiviteitSoort.TRAINING_SCHOOLBESTUUR,
        "Stichting Voortgezet Onderwijs {}",
        Niveau.VO,
        9,
        "Bureau Weerbaar Onderwijs",
    ),
    Soort(
        ActiviteitSoort.TRAINING_PROFESSIONALS,
        "Stedelijk College {}",
        Niveau.VO,
        24,
        "Bureau Weerbaar Onderwijs",
    ),
    Soort(
        ActiviteitSoort.BURGERSCHAP,
        "Stedelijk College {}",
        Niveau.VO,
        110,
        "Debatcentrum Open Gesprek",
    ),
    Soort(
        ActiviteitSoort.TRAINING_PROFESSIONALS,
        "ROC {}",
        Niveau.MBO,
        31,
        "Bureau Weerbaar Onderwijs",
    ),
    Soort(ActiviteitSoort.BURGERSCHAP, "ROC {}", Niveau.MBO, 140, "Debatcentrum Open Gesprek"),
)

LESSEN = {
    "GM0363": (
        (
            "Schoolleiding eerst",
            "Begin bij het schoolbestuur en de schoolleiding: zonder hun steun komen docenten "
            "niet vrij voor de training.",
            date(2015, 12, 14),
            True,
        ),
        (
            "Ouders",
            "Betrek ouders vanaf het begin; een ouderavond na de debatten hielp om zorgen "
            "bespreekbaar te maken.",
            date(2016, 2, 8),
            False,
        ),
    ),
    "GM0599": (
        (
            "Signalen en zorgstructuur",
            "Leg vooraf vast bij wie een docent met een zorgelijk signaal terechtkan; de training "
            "werkt pas als die route bekend is.",
            date(2015, 12, 21),
            True,
        ),
    ),
}


@dataclass(frozen=True)
class Ronde:
    naam: str
    van: date
    tot: date
    uiterlijk: date
    open: bool


VORIG_SCHOOLJAAR = Ronde(
    "Schooljaar 2015-2016 (demo)", date(2015, 8, 1), date(2016, 7, 31), date(2016, 10, 1), False
)
DIT_SCHOOLJAAR = Ronde(
    "Schooljaar 2016-2017 (demo)", date(2016, 8, 1), date(2017, 7, 31), date(2017, 10, 1), True
)


def _activiteitdata(start: date, volgnummer: int) -> list[date]:
    """Four to six dates from the phase's start to mid 2017, a few months apart."""
    aantal = 4 + volgnummer % 3
    stap = (date(2017, 6, 30) - start).days // aantal
    return [start + timedelta(days=stap * i + 7 * (volgnummer % 4)) for i in range(aantal)]


def _neem_op(gemeente: Gemeente, volgnummer: int) -> Cohortlid:
    fase, gepland, gestart = Fase.UITROL, UITROL_GEPLAND, UITROL_GEPLAND
    if gemeente.cbs_code in PILOTS:
        fase, gepland, gestart = Fase.PILOT, PILOT_GEPLAND, PILOTS[gemeente.cbs_code]
    else:
        # The rollout started in the first weeks of 2016; the last two joined in spring.
        gestart += timedelta(weeks=volgnummer % 8 + (12 if volgnummer >= 16 else 0))
    return services.neem_op(
        gemeente,
        fase=fase,
        gepland_start=gepland,
        gestart_op=gestart,
        toelichting=TOELICHTING,
        door=DOOR,
        demo=True,
    )


def _meld_activiteiten(lid: Cohortlid, volgnummer: int, vandaag: date) -> int:
    gemeente = lid.gemeente
    naam = gemeente.roepnaam or gemeente.naam
    start = lid.huidige_periode.ingang
    # On a day before mid 2017 (a test's clock), only what had happened by then.
    data = [datum for datum in _activiteitdata(start, volgnummer) if datum <= vandaag]
    for i, datum in enumerate(data):
        soort = SOORTEN[(i + volgnummer) % len(SOORTEN)]
        services.meld_activiteit(
            gemeente,
            services.ActiviteitGegevens(
                soort=soort.soort,
                datum=datum,
                school=soort.school.format(naam),
                niveau=soort.niveau,
                deelnemers=soort.deelnemers + 3 * ((volgnummer + i) % 5),
                aanbieder=soort.aanbieder,
            ),
            door=DOOR,
            vandaag=vandaag,
        )
    return len(data)


def _open_ronde(ronde: Ronde, leden: dict[str, Cohortlid], vandaag: date) -> bool:
    """Open the round with its reports; False when it exists already."""
    bestaand = db.session.execute(
        select(Rapportageronde.id).where(Rapportageronde.naam == ronde.naam)
    ).first()
    if bestaand is not None:
        return False
    nieuw = services.open_ronde(
        services.RondeGegevens(ronde.naam, ronde.van, ronde.tot, ronde.uiterlijk),
        door=DOOR,
        demo=True,
    )
    if vandaag <= ronde.tot:  # a test's clock before the period ended: nothing to report yet
        return True
    for code, lid in leden.items():
        _rapporteer(nieuw, ronde, code, lid)
    if not ronde.open:
        services.sluit_ronde(nieuw, door=DOOR, versie=nieuw.versie)
    return True


# Days after the due date that a municipality (by its place in the cohort) submitted; the
# others submitted in the weeks before it.
TE_LAAT = {VORIG_SCHOOLJAAR.naam: {3: 9, 11: 16}, DIT_SCHOOLJAAR.naam: {9: 5}}


def _moment(dag: date, plaats: int) -> datetime:
    """A working hour on ``dag`` (Amsterdam), never later than now."""
    moment = datetime.combine(dag, time(9 + plaats % 7), tzinfo=TIJDZONE).astimezone(UTC)
    return min(moment, tijd.nu())


def _ingediend_op(demo: Ronde, plaats: int) -> datetime:
    """When the municipality submitted: on time, or as late as `TE_LAAT` says."""
    te_laat = TE_LAAT[demo.naam].get(plaats)
    dagen = te_laat if te_laat is not None else -(2 + (plaats * 7) % 24)
    return _moment(demo.uiterlijk + timedelta(days=dagen), plaats)


def _later(moment: datetime, dagen: int) -> datetime:
    return min(moment + timedelta(days=dagen), tijd.nu())


def _rapporteer(ronde: Rapportageronde, demo: Ronde, code: str, lid: Cohortlid) -> None:
    """Each municipality's report in the round, by its place in the cohort, at the moments a
    round of the time would have seen: most on time, a few after the due date."""
    plaats = COHORT.index(code)
    if demo.open and code == "GM0363":  # Amsterdam: the demo municipality user submits it
        return
    if not demo.open and plaats == 17:  # Zwolle never submitted the first year
        return
    if demo.open and plaats >= 14:  # four are late in the open round
        return
    op = _ingediend_op(demo, plaats)
    rapportage = services.dien_in(
        ronde, lid.gemeente, toelichting=None, door=DOOR, vandaag=_dag(op), op=op
    )
    if code == "GM0599" or (not demo.open and plaats == 5):
        op = _later(op, 6)
        services.stuur_terug(
            rapportage,
            reden="Bij de activiteiten ontbreken de BRIN-codes van de scholen; vul die aan, "
            "zodat we kunnen tellen hoeveel scholen zijn bereikt.",
            door=DOOR,
            versie=rapportage.versie,
            op=op,
        )
        if demo.open:
            return  # Rotterdam has still to send it again
        op = _later(op, 8)
        rapportage = services.dien_in(
            ronde,
            lid.gemeente,
            toelichting="De BRIN-codes staan niet in onze administratie; we vragen ze op bij de "
            "scholen en vullen ze in de volgende ronde aan.",
            door=DOOR,
            vandaag=_dag(op),
            op=op,
        )
    if not demo.open or plaats % 2 == 0:  # the open round: half still waits for review
        services.keur_goed(
            rapportage, door=DOOR, versie=rapportage.versie, op=_later(op, 5 + plaats % 9)
        )


def _dag(moment: datetime) -> date:
    return moment.astimezone(TIJDZONE).date()


def laad_demo(verslag: Verslag) -> None:
    vandaag = tijd.vandaag()
    gemeenten = {
        g.cbs_code: g
        for g in db.session.execute(select(Gemeente).where(Gemeente.cbs_code.in_(COHORT)))
        .scalars()
        .all()
    }
    nieuw = activiteiten = lessen = rondes = 0
    with audit.als(DOOR):
        leden: dict[str, Cohortlid] = {}
        for volgnummer, code in enumerate(COHORT):
            gemeente = gemeenten[code]
            bestaand = services.cohortlid_van(gemeente)
            if bestaand is not None:
                leden[code] = bestaand
                continue
            lid = leden[code] = _neem_op(gemeente, volgnummer)
            nieuw += 1
            activiteiten += _meld_activiteiten(lid, volgnummer, vandaag)
            for thema, tekst, datum, in_uitrol in LESSEN.get(code, ()):
                services.leg_les_vast(
                    gemeente, services.LesGegevens(thema, tekst, datum, in_uitrol), door=DOOR
                )
                lessen += 1
        deelnemend = {code: lid for code, lid in leden.items() if lid.doet_mee}
        for ronde in (VORIG_SCHOOLJAAR, DIT_SCHOOLJAAR):
            rondes += _open_ronde(ronde, deelnemend, vandaag)
    verslag(
        f"Demo-onderwijsaanpak: {nieuw} gemeenten in het cohort opgenomen "
        f"({len(COHORT) - nieuw} waren er al), {activiteiten} activiteiten, {lessen} lessen, "
        f"{rondes} rapportagerondes toegevoegd."
    )
