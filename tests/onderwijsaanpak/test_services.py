"""The onderwijsaanpak's rules, through its services: the cohort and its phases, activities,
lessons from the pilots and reporting rounds. What the database holds after each step."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from gemeenten import programmas
from gemeenten.models import Gemeente, Programma
from gemeenten.services import DeelnameFout, voeg_deelname_toe
from kern.audit import historie
from kern.db import db
from onderwijsaanpak import services
from onderwijsaanpak.models import (
    Activiteit,
    ActiviteitSoort,
    Cohortlid,
    Fase,
    Faseperiode,
    Les,
    Niveau,
    RapportageStatus,
)
from onderwijsaanpak.services import OnderwijsFout
from tests.gemeenten.factories import maak_gemeente
from tests.onderwijsaanpak.factories import (
    PILOT_START,
    UITROL_START,
    VANDAAG,
    gegevens,
    maak_activiteit,
    maak_cohortlid,
    maak_rapportage,
    maak_ronde,
    verplaats,
)


def aantal(model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def leden() -> set[int]:
    return set(db.session.execute(programmas.leden(Programma.ONDERWIJSAANPAK)).scalars())


# --- The cohort and its phases --------------------------------------------------------------


def test_taking_a_municipality_into_the_cohort_starts_its_phase_history(amsterdam):
    lid = services.neem_op(
        amsterdam,
        fase=Fase.PILOT,
        gepland_start=date(2015, 9, 1),
        gestart_op=date(2015, 10, 12),
        toelichting="  Pilot met drie scholen  ",
        door="beleid@minbzk.nl",
    )

    assert (lid.gemeente, lid.fase, lid.toelichting, lid.opgenomen_door) == (
        amsterdam,
        Fase.PILOT,
        "Pilot met drie scholen",
        "beleid@minbzk.nl",
    )
    [periode] = lid.perioden
    assert (periode.volgnummer, periode.fase, periode.gepland_start, periode.gestart_op) == (
        1,
        Fase.PILOT,
        date(2015, 9, 1),
        date(2015, 10, 12),
    )
    assert periode.ingang == date(2015, 10, 12)
    assert periode.vastgelegd_door == "beleid@minbzk.nl"


def test_moving_from_pilot_to_rollout_keeps_the_pilot_in_the_history(amsterdam):
    lid = maak_cohortlid(amsterdam, Fase.PILOT, gestart_op=date(2015, 10, 1))

    services.verplaats(
        lid,
        naar=Fase.UITROL,
        gepland_start=date(2016, 1, 4),
        gestart_op=None,
        reden="De pilot is afgerond; verder in de uitrol.",
        door="beleid@minbzk.nl",
        versie=lid.versie,
    )
    db.session.commit()

    lid = db.session.get(Cohortlid, lid.id)
    assert lid is not None
    assert lid.fase is Fase.UITROL
    assert [(p.volgnummer, p.fase, p.gepland_start, p.gestart_op) for p in lid.perioden] == [
        (1, Fase.PILOT, PILOT_START, date(2015, 10, 1)),
        (2, Fase.UITROL, date(2016, 1, 4), None),
    ]
    pilot, uitrol = lid.perioden
    assert (pilot.reden, pilot.vastgelegd_door) == (None, "test")
    assert (uitrol.reden, uitrol.vastgelegd_door) == (
        "De pilot is afgerond; verder in de uitrol.",
        "beleid@minbzk.nl",
    )
    assert lid.was_pilot
    # The phase on a date follows the history.
    assert lid.fase_op(date(2015, 8, 1)) is Fase.PILOT  # before any start: the first phase
    assert lid.fase_op(date(2015, 12, 31)) is Fase.PILOT
    assert lid.fase_op(date(2016, 1, 4)) is Fase.UITROL
    # And the audit trail has the move.
    assert [r.actie for r in historie("faseperiode", uitrol.id)] == ["aangemaakt"]
    assert historie("cohortlid", lid.id)[-1].wijzigingen["fase"] == ["pilot", "uitrol"]


@pytest.mark.parametrize(
    ("wijziging", "veld", "melding"),
    [
        ({"naar": Fase.PILOT}, "naar", "Amsterdam is al in de fase pilot."),
        ({"reden": "   "}, "reden", "Geef de reden."),
        (
            {"gepland_start": date(2015, 8, 31)},
            "gepland_start",
            "De nieuwe fase begint vóór de huidige (1 september 2015)",
        ),
        ({"versie": 0}, None, "Iemand anders heeft de fase van deze gemeente intussen gewijzigd"),
    ],
    ids=["same phase", "no reason", "before the current phase", "stale version"],
)
def test_a_refused_move_changes_nothing(amsterdam, wijziging, veld, melding):
    lid = maak_cohortlid(amsterdam, Fase.PILOT)
    db.session.commit()
    argumenten = {
        "naar": Fase.UITROL,
        "gepland_start": UITROL_START,
        "gestart_op": None,
        "reden": "Naar de uitrol",
        "door": "test",
        "versie": lid.versie,
        **wijziging,
    }

    with pytest.raises(OnderwijsFout, match=re.escape(melding)) as fout:
        services.verplaats(lid, **argumenten)  # type: ignore[arg-type]

    assert fout.value.veld == veld
    db.session.rollback()
    assert [p.fase for p in lid.perioden] == [Fase.PILOT]
    assert aantal(Faseperiode) == 1


def test_leaving_and_rejoining_the_cohort_are_phases_too(amsterdam, rotterdam):
    lid = maak_cohortlid(amsterdam)
    maak_cohortlid(rotterdam, Fase.PILOT)
    assert leden() == {amsterdam.id, rotterdam.id}

    verplaats(lid, Fase.BEEINDIGD, date(2017, 1, 1), "Geen capaciteit meer")

    assert not lid.doet_mee
    assert leden() == {rotterdam.id}
    assert lid.fase_op(date(2016, 12, 31)) is Fase.UITROL
    assert lid.fase_op(date(2017, 1, 1)) is Fase.BEEINDIGD

    verplaats(lid, Fase.UITROL, date(2017, 9, 1), "Weer opgenomen")

    assert leden() == {amsterdam.id, rotterdam.id}
    assert [p.fase for p in lid.perioden] == [Fase.UITROL, Fase.BEEINDIGD, Fase.UITROL]


def test_a_municipality_joins_the_cohort_once(amsterdam):
    lid = maak_cohortlid(amsterdam)

    with pytest.raises(OnderwijsFout, match="Amsterdam hoort al bij het cohort") as fout:
        maak_cohortlid(amsterdam, Fase.PILOT)
    assert fout.value.veld == "gemeente_id"

    verplaats(lid, Fase.BEEINDIGD, date(2017, 1, 1), "Gestopt")
    with pytest.raises(OnderwijsFout, match="Amsterdam deed eerder mee; neem haar weer op"):
        maak_cohortlid(amsterdam)


def test_an_ended_municipality_and_a_phase_out_of_the_approach_are_refused(db):
    weg = maak_gemeente("GM0738", "Aalburg", "Noord-Brabant")
    weg.geldig_tot = date(2018, 12, 31)
    amsterdam = maak_gemeente()

    with pytest.raises(OnderwijsFout, match=re.escape("Aalburg bestaat niet meer.")):
        maak_cohortlid(weg)
    with pytest.raises(OnderwijsFout, match="in de pilot of de uitrol"):
        maak_cohortlid(amsterdam, Fase.BEEINDIGD)
    assert aantal(Cohortlid) == 0


def test_membership_follows_from_the_cohort_and_is_not_set_by_hand(amsterdam):
    maak_cohortlid(amsterdam)

    herkomst = programmas.herkomst(Programma.ONDERWIJSAANPAK)
    assert (herkomst.met_de_hand, herkomst.uitleg) == (False, "volgt uit het cohort")
    assert Programma.ONDERWIJSAANPAK not in programmas.met_de_hand()
    with pytest.raises(DeelnameFout, match="Deelname aan Onderwijsaanpak volgt uit het cohort"):
        voeg_deelname_toe(amsterdam, Programma.ONDERWIJSAANPAK, "test")


def test_the_dates_of_the_current_phase_can_be_set_later(amsterdam):
    lid = maak_cohortlid(amsterdam, Fase.PILOT)
    verplaats(lid, Fase.UITROL, date(2016, 1, 4), "Uitrol")
    pilot, uitrol = lid.perioden

    services.wijzig_startdata(
        uitrol, gepland_start=date(2016, 1, 4), gestart_op=date(2016, 2, 1), versie=uitrol.versie
    )
    assert uitrol.ingang == date(2016, 2, 1)

    with pytest.raises(OnderwijsFout, match="Alleen de data van de huidige fase"):
        services.wijzig_startdata(
            pilot, gepland_start=PILOT_START, gestart_op=None, versie=pilot.versie
        )
    with pytest.raises(OnderwijsFout, match="vóór de vorige") as fout:
        services.wijzig_startdata(
            uitrol, gepland_start=date(2015, 1, 1), gestart_op=None, versie=uitrol.versie
        )
    assert fout.value.veld == "gepland_start"


# --- Activities -----------------------------------------------------------------------------


def test_an_activity_is_stored_as_reported_with_a_clean_brin_code(amsterdam):
    maak_cohortlid(amsterdam)

    activiteit = maak_activiteit(
        amsterdam,
        soort=ActiviteitSoort.BURGERSCHAP,
        datum=date(2016, 4, 20),
        school="  ROC van Amsterdam  ",
        brin=" 25lp ",
        niveau=Niveau.MBO,
        deelnemers=120,
        aanbieder="Stichting Debat",
        opmerkingen="   ",
    )

    db.session.expire_all()
    opgeslagen = db.session.get(Activiteit, activiteit.id)
    assert opgeslagen is not None
    assert (
        opgeslagen.gemeente,
        opgeslagen.soort,
        opgeslagen.datum,
        opgeslagen.school,
        opgeslagen.brin,
        opgeslagen.niveau,
        opgeslagen.deelnemers,
        opgeslagen.aanbieder,
        opgeslagen.opmerkingen,
        opgeslagen.bron,
        opgeslagen.gemeld_door,
    ) == (
        amsterdam,
        ActiviteitSoort.BURGERSCHAP,
        date(2016, 4, 20),
        "ROC van Amsterdam",
        "25LP",
        Niveau.MBO,
        120,
        "Stichting Debat",
        None,
        "web",
        "test",
    )


@pytest.mark.parametrize(
    ("velden", "veld", "melding"),
    [
        ({"school": "  "}, "school", "Vul de naam van de school of het schoolbestuur in."),
        ({"school": "x" * 201}, "school", "Dit is hooguit 200 tekens lang."),
        ({"brin": "AB12"}, "brin", "Een BRIN-code is twee cijfers en twee letters"),
        ({"brin": "12AB0"}, "brin", "Een BRIN-code is twee cijfers en twee letters"),
        ({"deelnemers": 0}, "deelnemers", "Een activiteit heeft minstens één deelnemer."),
        ({"deelnemers": 10_001}, "deelnemers", "Meer dan 10.000 deelnemers"),
        ({"datum": date(2017, 11, 16)}, "datum", "deze datum ligt in de toekomst"),
        ({"datum": date(2014, 12, 31)}, "datum", "De onderwijsaanpak begon in 2015"),
        ({"aanbieder": "x" * 201}, "aanbieder", "Dit is hooguit 200 tekens lang."),
    ],
)
def test_an_invalid_activity_is_refused_on_its_field(amsterdam, velden, veld, melding):
    maak_cohortlid(amsterdam)

    with pytest.raises(OnderwijsFout, match=re.escape(melding)) as fout:
        maak_activiteit(amsterdam, **velden)

    assert fout.value.veld == veld
    assert aantal(Activiteit) == 0


def test_only_a_municipality_taking_part_reports_activities(amsterdam, rotterdam):
    lid = maak_cohortlid(amsterdam)
    verplaats(lid, Fase.BEEINDIGD, date(2017, 1, 1), "Gestopt")

    with pytest.raises(
        OnderwijsFout, match=re.escape("Rotterdam neemt niet deel aan de onderwijsaanpak.")
    ):
        maak_activiteit(rotterdam)
    with pytest.raises(OnderwijsFout, match="deed op 2 februari 2017 niet mee"):
        maak_activiteit(amsterdam, datum=date(2017, 2, 2))
    maak_activiteit(amsterdam, datum=date(2016, 12, 31))  # before it left
    assert aantal(Activiteit) == 1


def test_an_activity_is_changed_with_its_version_and_removed(amsterdam):
    maak_cohortlid(amsterdam)
    activiteit = maak_activiteit(amsterdam, deelnemers=20)

    services.wijzig_activiteit(
        activiteit, gegevens(deelnemers=25), versie=activiteit.versie, vandaag=VANDAAG
    )
    assert activiteit.deelnemers == 25
    with pytest.raises(services.Conflict):
        services.wijzig_activiteit(activiteit, gegevens(deelnemers=30), versie=1, vandaag=VANDAAG)

    services.verwijder_activiteit(activiteit, versie=activiteit.versie)
    assert aantal(Activiteit) == 0
    assert [r.actie for r in historie("activiteit", activiteit.id)] == [
        "aangemaakt",
        "gewijzigd",
        "verwijderd",
    ]


# --- Lessons from the pilots ----------------------------------------------------------------


def test_lessons_are_recorded_for_pilot_municipalities_only(amsterdam, rotterdam):
    pilot = maak_cohortlid(amsterdam, Fase.PILOT)
    maak_cohortlid(rotterdam, Fase.UITROL)
    les = services.LesGegevens("Ouders", "Betrek ouders vanaf het begin.", date(2015, 12, 1))

    vastgelegd = services.leg_les_vast(amsterdam, les, door="test")
    with pytest.raises(OnderwijsFout, match="Rotterdam heeft geen pilotfase gehad"):
        services.leg_les_vast(rotterdam, les, door="test")

    # A pilot municipality that moved on to the rollout keeps its lessons and gets new ones.
    verplaats(pilot, Fase.UITROL, UITROL_START, "Uitrol")
    services.leg_les_vast(amsterdam, les, door="test")
    services.wijzig_les(
        vastgelegd,
        services.LesGegevens("Ouders", "Betrek ouders vanaf het begin.", date(2015, 12, 1), True),
        versie=vastgelegd.versie,
    )
    assert vastgelegd.in_uitrol
    assert aantal(Les) == 2
    with pytest.raises(OnderwijsFout, match=re.escape("Vul het thema in.")) as fout:
        services.leg_les_vast(amsterdam, services.LesGegevens(" ", "x", date(2016, 1, 1)), door="t")
    assert fout.value.veld == "thema"


# --- Reporting rounds -----------------------------------------------------------------------


def test_rounds_do_not_overlap_and_are_due_after_their_period(db):
    maak_ronde("Schooljaar 2015-2016", date(2015, 8, 1), date(2016, 7, 31), date(2016, 10, 1))

    with pytest.raises(OnderwijsFout, match="Er is al een ronde met de naam") as fout:
        maak_ronde("Schooljaar 2015-2016", date(2016, 8, 1), date(2017, 7, 31))
    assert fout.value.veld == "naam"
    with pytest.raises(OnderwijsFout, match="overlapt met de ronde Schooljaar 2015-2016") as fout:
        maak_ronde("Voorjaar 2016", date(2016, 1, 1), date(2016, 6, 30), date(2016, 9, 1))
    assert fout.value.veld == "periode_van"
    with pytest.raises(
        OnderwijsFout, match=re.escape("Het einde van de periode ligt vóór het begin.")
    ):
        maak_ronde("Achterstevoren", date(2017, 7, 31), date(2016, 8, 1))
    with pytest.raises(OnderwijsFout, match="De uiterste datum ligt vóór het einde") as fout:
        maak_ronde("Te vroeg", date(2016, 8, 1), date(2017, 7, 31), date(2017, 7, 1))
    assert fout.value.veld == "uiterlijk"


def test_a_report_counts_the_activities_of_the_period_and_freezes_them(amsterdam):
    maak_cohortlid(amsterdam)
    ronde = maak_ronde()
    ervoor = maak_activiteit(amsterdam, datum=date(2016, 7, 31), deelnemers=7)
    erin = maak_activiteit(amsterdam, datum=date(2016, 9, 1), deelnemers=20)
    maak_activiteit(amsterdam, datum=date(2017, 7, 31), deelnemers=30)

    rapportage = maak_rapportage(ronde, amsterdam)

    assert (rapportage.volgnummer, rapportage.status) == (1, RapportageStatus.INGEDIEND)
    assert (rapportage.aantal_activiteiten, rapportage.deelnemers) == (2, 50)
    # The period's activities are fixed now; those outside it are not.
    with pytest.raises(OnderwijsFout, match=r"Schooljaar 2016-2017 .* is ingediend"):
        maak_activiteit(amsterdam, datum=date(2017, 1, 10))
    with pytest.raises(OnderwijsFout, match="is ingediend"):
        services.verwijder_activiteit(erin, versie=erin.versie)
    with pytest.raises(OnderwijsFout, match="is ingediend"):  # nor moved out of the period
        services.wijzig_activiteit(
            erin, gegevens(datum=date(2016, 7, 1)), versie=erin.versie, vandaag=VANDAAG
        )
    services.wijzig_activiteit(
        ervoor, gegevens(deelnemers=8), versie=ervoor.versie, vandaag=VANDAAG
    )
    with pytest.raises(OnderwijsFout, match="wacht op beoordeling"):
        maak_rapportage(ronde, amsterdam)


def test_a_report_sent_back_opens_its_period_again_and_is_submitted_anew(amsterdam):
    maak_cohortlid(amsterdam)
    ronde = maak_ronde()
    maak_activiteit(amsterdam, datum=date(2016, 9, 1), deelnemers=20)
    eerste = maak_rapportage(ronde, amsterdam)

    with pytest.raises(OnderwijsFout, match=re.escape("Geef aan wat de gemeente moet verbeteren.")):
        services.stuur_terug(eerste, reden=" ", door="test", versie=eerste.versie)
    services.stuur_terug(
        eerste, reden="De debatten in mei ontbreken.", door="beleid", versie=eerste.versie
    )
    maak_activiteit(amsterdam, datum=date(2017, 5, 12), deelnemers=60)
    tweede = maak_rapportage(ronde, amsterdam)
    services.keur_goed(tweede, door="beleid", versie=tweede.versie, reactie="Dank u.")

    assert [
        (r.volgnummer, r.status, r.aantal_activiteiten, r.deelnemers)
        for r in services.rapportages_van(ronde, amsterdam)
    ] == [
        (1, RapportageStatus.TERUGGESTUURD, 1, 20),
        (2, RapportageStatus.GOEDGEKEURD, 2, 80),
    ]
    assert (eerste.reactie, eerste.beoordeeld_door) == ("De debatten in mei ontbreken.", "beleid")
    with pytest.raises(OnderwijsFout, match="is goedgekeurd"):
        maak_activiteit(amsterdam, datum=date(2017, 1, 10))
    with pytest.raises(OnderwijsFout, match="goedgekeurd en kan niet meer worden beoordeeld"):
        services.stuur_terug(tweede, reden="Toch niet", door="beleid", versie=tweede.versie)
    with pytest.raises(
        OnderwijsFout, match=re.escape("De rapportage over deze ronde is goedgekeurd.")
    ):
        maak_rapportage(ronde, amsterdam)


def test_the_state_of_a_round_per_municipality(amsterdam, rotterdam):
    utrecht = maak_gemeente("GM0344", "Utrecht", "Utrecht")
    delft = maak_gemeente("GM0503", "Delft", "Zuid-Holland")
    for gemeente in (amsterdam, rotterdam, utrecht):
        maak_cohortlid(gemeente)
    ronde = maak_ronde(uiterlijk=date(2017, 10, 1))  # before VANDAAG: late without a report
    maak_rapportage(ronde, amsterdam)
    teruggestuurd = maak_rapportage(ronde, rotterdam)
    services.stuur_terug(teruggestuurd, reden="Onvolledig", door="t", versie=1)

    standen = {s.gemeente.naam: s for s in services.stand_van_ronde(ronde, VANDAAG)}

    assert set(standen) == {"Amsterdam", "Rotterdam", "Utrecht"}  # not Delft: not in the cohort
    assert [(n, s.label, s.te_doen, s.te_laat) for n, s in sorted(standen.items())] == [
        ("Amsterdam", "Ingediend", False, False),
        ("Rotterdam", "Teruggestuurd", True, True),
        ("Utrecht", "Nog niet ingediend", True, True),
    ]
    op_tijd = services.stand_van_ronde(ronde, date(2017, 9, 30))
    assert [s.te_laat for s in op_tijd] == [False, False, False]
    assert services.open_standen(delft, VANDAAG) == []
    assert [s.ronde for s in services.open_standen(utrecht, VANDAAG)] == [ronde]

    services.sluit_ronde(ronde, door="beleid", versie=ronde.versie)

    gesloten = {s.gemeente.naam: s for s in services.stand_van_ronde(ronde, VANDAAG)}
    assert (gesloten["Utrecht"].label, gesloten["Utrecht"].te_laat) == ("Niet ingediend", False)
    assert services.open_standen(utrecht, VANDAAG) == []
    with pytest.raises(OnderwijsFout, match="Deze ronde is gesloten"):
        maak_rapportage(ronde, utrecht)
    with pytest.raises(OnderwijsFout, match=re.escape("Deze ronde is al gesloten.")):
        services.sluit_ronde(ronde, door="beleid", versie=ronde.versie)


def test_a_report_waits_for_the_end_of_its_period(amsterdam):
    maak_cohortlid(amsterdam)
    ronde = maak_ronde(
        "Schooljaar 2017-2018", date(2017, 8, 1), date(2018, 7, 31), date(2018, 10, 1)
    )

    with pytest.raises(OnderwijsFout, match="loopt tot en met 31 juli 2018"):
        maak_rapportage(ronde, amsterdam)


def test_a_rounds_period_is_fixed_once_someone_reported(amsterdam):
    maak_cohortlid(amsterdam)
    ronde = maak_ronde()
    nieuw = services.RondeGegevens(
        "Schooljaar 2016/2017", date(2016, 8, 1), date(2017, 7, 31), date(2017, 11, 1)
    )
    services.wijzig_ronde(ronde, nieuw, versie=ronde.versie)
    maak_rapportage(ronde, amsterdam)

    anders = services.RondeGegevens(
        "Schooljaar 2016/2017", date(2016, 9, 1), date(2017, 7, 31), date(2017, 11, 1)
    )
    with pytest.raises(OnderwijsFout, match="de periode verandert daarom niet meer"):
        services.wijzig_ronde(ronde, anders, versie=ronde.versie)
    assert (ronde.naam, ronde.uiterlijk, ronde.periode_van) == (
        "Schooljaar 2016/2017",
        date(2017, 11, 1),
        date(2016, 8, 1),
    )


def test_a_municipality_page_summary(amsterdam, rotterdam):
    assert services.samenvatting(rotterdam, VANDAAG) is None
    maak_cohortlid(amsterdam, Fase.PILOT)
    maak_activiteit(amsterdam, datum=date(2016, 3, 1), deelnemers=10)
    maak_activiteit(amsterdam, datum=date(2017, 6, 1), deelnemers=15)
    ronde = maak_ronde()

    samenvatting = services.samenvatting(amsterdam, VANDAAG)

    assert samenvatting is not None
    assert (samenvatting.lid.fase, samenvatting.aantal_activiteiten, samenvatting.deelnemers) == (
        Fase.PILOT,
        2,
        25,
    )
    assert samenvatting.laatste_activiteit == date(2017, 6, 1)
    assert [s.ronde for s in samenvatting.te_doen] == [ronde]


def test_gemeente_is_in_the_cohort_list_with_its_counts(amsterdam, rotterdam):
    maak_cohortlid(rotterdam)
    maak_cohortlid(amsterdam, Fase.PILOT)
    maak_activiteit(amsterdam, deelnemers=12)

    regels = services.cohort()

    assert [(r.lid.gemeente.naam, r.aantal_activiteiten, r.deelnemers) for r in regels] == [
        ("Amsterdam", 1, 12),  # the pilots first
        ("Rotterdam", 0, 0),
    ]
    assert [g.naam for g in services.niet_in_cohort()] == []
    assert isinstance(regels[0].lid.gemeente, Gemeente)
