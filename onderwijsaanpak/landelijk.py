"""``flask demo landelijk``: the onderwijsaanpak at national scale.

Every third municipality of the list joins the cohort on 5 January 2015: the first two in the
pilot, which move to the rollout on 4 January 2016, the others in the rollout; the third member
ends its participation on 1 July of the last year. Each member reports three activities a year
(February, June, October; none after its participation ended), the pilots record two lessons,
and each calendar year has a reporting round in which the members take turns: approved,
submitted and waiting, sent back, not reported. Every round but the last is closed. All of it
through the services; the schools, BRIN codes and numbers of participants come from the seed.
"""

from __future__ import annotations

from datetime import date
from random import Random
from string import ascii_uppercase

from gemeenten.models import Gemeente
from kern.db import db
from kern.demo import LANDELIJK_DOOR, Landelijk, Verslag
from onderwijsaanpak import services
from onderwijsaanpak.models import ActiviteitSoort, Cohortlid, Fase, Niveau, Rapportageronde

DOOR = LANDELIJK_DOOR
ELKE = 3  # every third municipality takes part
PILOTS = 2
START = date(2015, 1, 5)
NAAR_UITROL = date(2016, 1, 4)
MAANDEN = (2, 6, 10)  # an activity on the 15th of each
SCHOLEN = (
    (ActiviteitSoort.TRAINING_SCHOOLBESTUUR, "Stichting Voortgezet Onderwijs", Niveau.VO),
    (ActiviteitSoort.TRAINING_PROFESSIONALS, "Stedelijk College", Niveau.VO),
    (ActiviteitSoort.BURGERSCHAP, "ROC", Niveau.MBO),
)
LESSEN = (
    ("Schoolleiding eerst", "Begin bij het schoolbestuur (testgegevens).", date(2015, 6, 1)),
    ("Ouders", "Betrek ouders vanaf het begin (testgegevens).", date(2015, 11, 2)),
)


def _brin(rng: Random) -> str:
    return f"{rng.randrange(10, 100)}{rng.choice(ascii_uppercase)}{rng.choice(ascii_uppercase)}"


def _neem_op(gemeente: Gemeente, plaats: int) -> Cohortlid:
    fase = Fase.PILOT if plaats < PILOTS else Fase.UITROL
    return services.neem_op(
        gemeente,
        fase=fase,
        gepland_start=START,
        gestart_op=START,
        toelichting="Testgegevens",
        door=DOOR,
    )


def _verplaats(lid: Cohortlid, naar: Fase, op: date, reden: str) -> None:
    services.verplaats(
        lid, naar=naar, gepland_start=op, gestart_op=op, reden=reden, door=DOOR, versie=lid.versie
    )


def _rapporteer(ronde: Rapportageronde, lid: Cohortlid, beurt: int, vandaag: date) -> int:
    """The member's report in the round by its turn; the number of reports made."""
    if beurt % 4 == 3:
        return 0
    rapportage = services.dien_in(ronde, lid.gemeente, toelichting=None, door=DOOR, vandaag=vandaag)
    if beurt % 4 == 0:
        services.keur_goed(rapportage, door=DOOR, versie=rapportage.versie)
    elif beurt % 4 == 2:
        services.stuur_terug(
            rapportage,
            reden="Vul de BRIN-codes aan (testgegevens).",
            door=DOOR,
            versie=rapportage.versie,
        )
    return 1


def genereer(opdracht: Landelijk, verslag: Verslag) -> None:
    rng = opdracht.rng("onderwijsaanpak")
    jaren = opdracht.jaartallen
    einde = date(jaren[-1], 7, 1)
    leden = [
        _neem_op(db.session.get_one(Gemeente, id_), plaats)
        for plaats, id_ in enumerate(opdracht.gemeente_ids[::ELKE])
    ]
    lessen = 0
    for lid in leden[:PILOTS]:
        for thema, tekst, datum in LESSEN:
            services.leg_les_vast(
                lid.gemeente, services.LesGegevens(thema, tekst, datum, in_uitrol=True), door=DOOR
            )
            lessen += 1
    activiteiten = rapportages = 0
    for volgnummer, jaar in enumerate(jaren):
        if jaar == NAAR_UITROL.year:
            for lid in leden[:PILOTS]:
                _verplaats(lid, Fase.UITROL, NAAR_UITROL, "De pilot is afgerond (testgegevens).")
        for plaats, lid in enumerate(leden):
            naam = lid.gemeente.weergavenaam
            for maand in MAANDEN:
                datum = date(jaar, maand, 15)
                if plaats == PILOTS and len(jaren) > 1 and datum >= einde:
                    continue
                soort, school, niveau = SCHOLEN[(plaats + maand) % len(SCHOLEN)]
                services.meld_activiteit(
                    lid.gemeente,
                    services.ActiviteitGegevens(
                        soort=soort,
                        datum=datum,
                        school=f"{school} {naam}",
                        niveau=niveau,
                        deelnemers=rng.randint(5, 200),
                        brin=_brin(rng),
                        aanbieder="Bureau Weerbaar Onderwijs",
                    ),
                    door=DOOR,
                    vandaag=opdracht.vandaag,
                )
                activiteiten += 1
        ronde = services.open_ronde(
            services.RondeGegevens(
                f"Kalenderjaar {jaar} (testgegevens)",
                date(jaar, 1, 1),
                date(jaar, 12, 31),
                date(jaar + 1, 3, 1),
            ),
            door=DOOR,
        )
        for plaats, lid in enumerate(leden):
            rapportages += _rapporteer(ronde, lid, plaats + volgnummer, opdracht.vandaag)
        if jaar != jaren[-1]:
            services.sluit_ronde(ronde, door=DOOR, versie=ronde.versie)
        db.session.commit()
    if len(leden) > PILOTS and len(jaren) > 1:
        _verplaats(leden[PILOTS], Fase.BEEINDIGD, einde, "Gestopt (testgegevens).")
    verslag(
        f"Onderwijsaanpak: {len(leden)} gemeenten in het cohort, {activiteiten} activiteiten, "
        f"{lessen} lessen, {len(jaren)} rapportagerondes met {rapportages} rapportages."
    )
