"""The onderwijsaanpak's pages: the cohort, phases, activities and lessons through the forms,
as an officer and as a municipality user. What the pages say and what the database holds."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from kern.accounts.models import Rol
from kern.db import db
from onderwijsaanpak.models import Activiteit, Cohortlid, Fase, Faseperiode, Les, Niveau
from tests.onderwijsaanpak.factories import maak_activiteit, maak_cohortlid
from tests.pagina import meldingen, tekst

GEMEENTE = "/onderwijsaanpak/gemeenten/GM0363"


def veldfout(antwoord: TestResponse, veld: str) -> str | None:
    """The message beside one field, as a reader sees it."""
    gevonden = re.search(rf'<p class="foutmelding" id="{veld}-fout">(.*?)</p>', antwoord.text, re.S)
    return tekst(gevonden[1]) if gevonden else None


def aantal(model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def activiteit_data(**wijziging: str) -> dict[str, str]:
    return {
        "soort": "training_professionals",
        "datum": "10-03-2016",
        "school": "Het Amstel Lyceum",
        "brin": "",
        "niveau": "vo",
        "deelnemers": "20",
        "aanbieder": "",
        "opmerkingen": "",
        **wijziging,
    }


# --- The cohort -----------------------------------------------------------------------------


def test_an_officer_takes_a_municipality_into_the_cohort(login_as, amsterdam, rotterdam):
    maak_cohortlid(rotterdam)
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    formulier = officier.get("/onderwijsaanpak/cohort/nieuw")
    assert "GM0363 Amsterdam" in tekst(formulier)
    assert "GM0599 Rotterdam" not in tekst(formulier)  # already in the cohort

    antwoord = officier.post(
        "/onderwijsaanpak/cohort/nieuw",
        data={
            "gemeente_id": str(amsterdam.id),
            "fase": "pilot",
            "gepland_start": "01-09-2015",
            "gestart_op": "2015-10-12",
            "toelichting": "Pilot met drie scholen",
        },
        follow_redirects=True,
    )

    assert meldingen(antwoord) == [
        ("succes", "Amsterdam is opgenomen in het cohort, in de fase pilot.")
    ]
    assert "<h1>Onderwijsaanpak: Amsterdam</h1>" in antwoord.text
    assert "Fase Pilot Geplande start 1 september 2015 Werkelijke start 12 oktober 2015" in (
        tekst(antwoord)
    )
    lijst = tekst(officier.get("/onderwijsaanpak/"))
    assert lijst.index("Amsterdam") < lijst.index("Rotterdam")  # the pilots first


@pytest.mark.parametrize(
    ("wijziging", "veld", "melding"),
    [
        ({"gemeente_id": ""}, "gemeente_id", "Kies een gemeente."),
        ({"gemeente_id": "abc"}, "gemeente_id", "Kies een gemeente uit de lijst."),
        ({"gemeente_id": "99999"}, "gemeente_id", "Kies een gemeente uit de lijst."),
        ({"fase": "beeindigd"}, "fase", "Kies de pilot of de uitrol."),
        ({"gepland_start": ""}, "gepland_start", "Vul de geplande start in."),
        ({"gepland_start": "31-02-2016"}, "gepland_start", "Dit is geen geldige datum"),
        ({"gestart_op": "morgen"}, "gestart_op", "Dit is geen geldige datum"),
        ({"toelichting": "x" * 201}, "toelichting", "Een toelichting is hooguit 200 tekens lang."),
    ],
)
def test_taking_in_refuses_invalid_input_on_its_field(
    login_as, amsterdam, wijziging, veld, melding
):
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    data = {"gemeente_id": str(amsterdam.id), "fase": "uitrol", "gepland_start": "04-01-2016"}

    antwoord = officier.post("/onderwijsaanpak/cohort/nieuw", data={**data, **wijziging})

    assert antwoord.status_code == 400
    assert melding in (veldfout(antwoord, veld) or "")
    assert aantal(Cohortlid) == 0


def test_the_cohort_pages_are_for_the_ministry(login_as, amsterdam):
    maak_cohortlid(amsterdam)
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    financien = login_as(Rol.FINANCIEN)

    assert gemeente.get("/onderwijsaanpak/").status_code == 403
    assert gemeente.get("/onderwijsaanpak/cohort/nieuw").status_code == 403
    assert financien.get("/onderwijsaanpak/").status_code == 200
    assert financien.get("/onderwijsaanpak/cohort/nieuw").status_code == 403
    assert "Gemeente opnemen in het cohort" not in tekst(financien.get("/onderwijsaanpak/"))


# --- Phases ---------------------------------------------------------------------------------


def test_moving_a_pilot_into_the_rollout_by_form_keeps_its_history(login_as, amsterdam):
    lid = maak_cohortlid(amsterdam, Fase.PILOT, gestart_op=date(2015, 10, 12))
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    formulier = officier.get(f"{GEMEENTE}/fase").text
    assert 'value="uitrol"' in formulier
    assert 'value="pilot"' not in formulier  # not the phase it is in

    antwoord = officier.post(
        f"{GEMEENTE}/fase",
        data={
            "naar": "uitrol",
            "gepland_start": "04-01-2016",
            "gestart_op": "",
            "reden": "De pilot is afgerond.",
            "versie": str(lid.versie),
        },
        follow_redirects=True,
    )

    assert meldingen(antwoord) == [("succes", "Amsterdam: uitrol vastgelegd.")]
    assert "Fase Uitrol Geplande start 4 januari 2016 Werkelijke start nog niet" in tekst(antwoord)
    historie = [tekst(rij) for rij in re.findall(r"<tr>(.*?)</tr>", antwoord.text, re.S)]
    assert historie[1].startswith("Uitrol 4 januari 2016 — De pilot is afgerond. ")
    assert historie[2].startswith("Pilot 1 september 2015 12 oktober 2015 Opgenomen in het cohort")
    assert re.search(r" door beleidsmedewerker\d+@voorbeeld\.nl$", historie[1])
    assert [p.fase for p in db.session.get(Cohortlid, lid.id).perioden] == [Fase.PILOT, Fase.UITROL]


def test_a_phase_move_without_a_reason_or_on_an_old_version_changes_nothing(login_as, amsterdam):
    lid = maak_cohortlid(amsterdam, Fase.PILOT)
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    data = {"naar": "uitrol", "gepland_start": "04-01-2016", "reden": "Uitrol", "versie": "1"}

    zonder_reden = officier.post(f"{GEMEENTE}/fase", data={**data, "reden": ""})
    al_in_pilot = officier.post(f"{GEMEENTE}/fase", data={**data, "naar": "pilot"})
    te_vroeg = officier.post(f"{GEMEENTE}/fase", data={**data, "gepland_start": "01-08-2015"})
    verouderd = officier.post(f"{GEMEENTE}/fase", data={**data, "versie": "0"})

    assert zonder_reden.status_code == 400
    assert veldfout(zonder_reden, "reden") == "Geef de reden."
    assert al_in_pilot.status_code == 400
    assert veldfout(al_in_pilot, "naar") == "Kies de nieuwe fase uit de lijst."
    assert te_vroeg.status_code == 400
    assert "De nieuwe fase begint vóór de huidige (1 september 2015)" in (
        veldfout(te_vroeg, "gepland_start") or ""
    )
    assert verouderd.status_code == 409
    assert "Iemand anders heeft de fase van deze gemeente intussen gewijzigd" in tekst(verouderd)
    assert f'name="versie" type="hidden" value="{lid.versie}"' in verouderd.text
    assert aantal(Faseperiode) == 1


def test_the_dates_of_the_current_phase_by_form(login_as, amsterdam):
    lid = maak_cohortlid(amsterdam)
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    versie = lid.huidige_periode.versie

    antwoord = officier.post(
        f"{GEMEENTE}/fase/data",
        data={"gepland_start": "04-01-2016", "gestart_op": "18-01-2016", "versie": str(versie)},
        follow_redirects=True,
    )

    assert meldingen(antwoord) == [("succes", "De data van de fase uitrol zijn gewijzigd.")]
    assert "18 januari 2016" in tekst(antwoord)
    tweede = officier.post(
        f"{GEMEENTE}/fase/data",
        data={"gepland_start": "04-01-2016", "gestart_op": "", "versie": str(versie)},
    )
    assert tweede.status_code == 409


# --- Activities -----------------------------------------------------------------------------


def test_a_municipality_user_reports_an_activity_of_its_own(login_as, amsterdam):
    maak_cohortlid(amsterdam)
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    assert "Activiteit melden" in tekst(gemeente.get(GEMEENTE))

    antwoord = gemeente.post(
        f"{GEMEENTE}/activiteiten/nieuw",
        data=activiteit_data(
            soort="burgerschap",
            datum="2016-04-20",
            school="ROC van Amsterdam",
            brin="25lp",
            niveau="mbo",
            deelnemers="120",
            aanbieder="Stichting Debat",
        ),
        follow_redirects=True,
    )

    assert meldingen(antwoord) == [
        (
            "succes",
            "Gemeld: Burgerschaps- of debatactiviteit voor leerlingen op 20 april 2016 "
            "(ROC van Amsterdam).",
        )
    ]
    pagina = tekst(antwoord)
    assert "1 activiteit met samen 120 deelnemers; de laatste op 20 april 2016." in pagina
    assert (
        "20 april 2016 Burgerschaps- of debatactiviteit voor leerlingen ROC van Amsterdam "
        "(BRIN 25LP) MBO 120 Stichting Debat —" in pagina
    )
    activiteit = db.session.execute(select(Activiteit)).scalar_one()
    assert (activiteit.gemeente, activiteit.niveau, activiteit.brin, activiteit.bron) == (
        amsterdam,
        Niveau.MBO,
        "25LP",
        "web",
    )
    assert activiteit.gemeld_door.startswith("gemeente")


def test_an_officer_reports_for_any_municipality(login_as, amsterdam, rotterdam):
    maak_cohortlid(rotterdam)
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    antwoord = officier.post(
        "/onderwijsaanpak/gemeenten/GM0599/activiteiten/nieuw", data=activiteit_data()
    )

    assert antwoord.status_code == 302
    activiteit = db.session.execute(select(Activiteit)).scalar_one()
    assert (activiteit.gemeente, activiteit.gemeld_door.startswith("beleidsmedewerker")) == (
        rotterdam,
        True,
    )


@pytest.mark.parametrize(
    ("wijziging", "veld", "melding"),
    [
        ({"soort": ""}, "soort", "Kies de soort activiteit."),
        ({"soort": "lezing"}, "soort", "Kies de soort activiteit."),
        ({"datum": ""}, "datum", "Vul de datum van de activiteit in."),
        (
            {"datum": "30-02-2016"},
            "datum",
            "Dit is geen geldige datum; schrijf haar als 9-11-2015.",
        ),
        ({"datum": "16-11-2017"}, "datum", "deze datum ligt in de toekomst"),
        ({"datum": "31-12-2014"}, "datum", "De onderwijsaanpak begon in 2015"),
        ({"school": ""}, "school", "Vul de naam van de school of het schoolbestuur in."),
        ({"school": " \t "}, "school", "Vul de naam van de school of het schoolbestuur in."),
        ({"school": "x" * 201}, "school", "Een naam is hooguit 200 tekens lang."),
        ({"brin": "AB12"}, "brin", "Een BRIN-code is twee cijfers en twee letters"),
        ({"niveau": "havo"}, "niveau", "Kies VO of MBO."),
        ({"deelnemers": ""}, "deelnemers", "Vul het aantal deelnemers in."),
        ({"deelnemers": "twintig"}, "deelnemers", "Vul een heel getal in"),
        ({"deelnemers": "2,5"}, "deelnemers", "Vul een heel getal in"),
        ({"deelnemers": "١٢٣"}, "deelnemers", "Vul een heel getal in"),
        ({"deelnemers": "-3"}, "deelnemers", "Vul een heel getal in"),
        ({"deelnemers": "0"}, "deelnemers", "Een activiteit heeft minstens één deelnemer."),
        ({"deelnemers": "10001"}, "deelnemers", "Meer dan 10.000 deelnemers"),
        ({"aanbieder": "x" * 201}, "aanbieder", "Een aanbieder is hooguit 200 tekens lang."),
        ({"opmerkingen": "x" * 5001}, "opmerkingen", "Een opmerking is hooguit 5000 tekens lang."),
    ],
)
def test_an_invalid_activity_is_refused_on_its_field(login_as, amsterdam, wijziging, veld, melding):
    maak_cohortlid(amsterdam)
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    antwoord = gemeente.post(f"{GEMEENTE}/activiteiten/nieuw", data=activiteit_data(**wijziging))

    assert antwoord.status_code == 400
    assert melding in (veldfout(antwoord, veld) or ""), tekst(antwoord)
    assert "Het formulier is niet verwerkt." in tekst(antwoord)
    assert aantal(Activiteit) == 0


def test_another_municipalitys_activities_do_not_exist_for_a_municipality_user(
    login_as, amsterdam, rotterdam
):
    maak_cohortlid(amsterdam)
    maak_cohortlid(rotterdam)
    van_rotterdam = maak_activiteit(rotterdam, school="Erasmiaans Gymnasium")
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    rotterdam_url = "/onderwijsaanpak/gemeenten/GM0599"

    for antwoord in (
        gemeente.get(rotterdam_url),
        gemeente.get(f"{rotterdam_url}/activiteiten/nieuw"),
        gemeente.post(f"{rotterdam_url}/activiteiten/nieuw", data=activiteit_data()),
        gemeente.get(f"{rotterdam_url}/activiteiten/{van_rotterdam.id}"),
        # Rotterdam's activity under Amsterdam's own code: 404 for everyone.
        gemeente.get(f"{GEMEENTE}/activiteiten/{van_rotterdam.id}"),
        gemeente.post(
            f"{GEMEENTE}/activiteiten/{van_rotterdam.id}/verwijderen",
            data={"verwijderen-versie": "1"},
        ),
        officier.get(f"{GEMEENTE}/activiteiten/{van_rotterdam.id}"),
        officier.post(
            f"{GEMEENTE}/activiteiten/{van_rotterdam.id}", data=activiteit_data(versie="1")
        ),
    ):
        assert antwoord.status_code == 404
        assert "Erasmiaans" not in tekst(antwoord)
    assert "Erasmiaans Gymnasium" not in tekst(gemeente.get(GEMEENTE))
    assert aantal(Activiteit) == 1
    assert db.session.get(Activiteit, van_rotterdam.id).versie == 1


def test_a_municipality_outside_the_cohort_has_no_onderwijsaanpak_page(login_as, amsterdam):
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    assert gemeente.get(GEMEENTE).status_code == 404
    assert officier.get(f"{GEMEENTE}/activiteiten/nieuw").status_code == 404


def test_an_activity_is_corrected_and_removed_by_form(login_as, amsterdam):
    maak_cohortlid(amsterdam)
    activiteit = maak_activiteit(amsterdam, deelnemers=20)
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    url = f"{GEMEENTE}/activiteiten/{activiteit.id}"
    formulier = gemeente.get(url).text
    assert 'value="20"' in formulier
    assert re.search(r'<input checked [^>]*value="training_professionals">', formulier)

    gewijzigd = gemeente.post(url, data=activiteit_data(deelnemers="25", versie="1"))
    verouderd = gemeente.post(url, data=activiteit_data(deelnemers="30", versie="1"))

    assert gewijzigd.status_code == 302
    assert verouderd.status_code == 409
    assert "Iemand anders heeft deze activiteit intussen gewijzigd" in tekst(verouderd)
    assert db.session.get(Activiteit, activiteit.id).deelnemers == 25

    verwijderd = gemeente.post(
        f"{url}/verwijderen", data={"verwijderen-versie": "2"}, follow_redirects=True
    )

    assert meldingen(verwijderd) == [
        (
            "succes",
            "Verwijderd: Training voor onderwijsprofessionals op 10 maart 2016 "
            "(Het Amstel Lyceum).",
        )
    ]
    assert "Er zijn nog geen activiteiten gemeld." in tekst(verwijderd)
    assert aantal(Activiteit) == 0


def test_finance_sees_the_activities_but_reports_none(login_as, amsterdam):
    maak_cohortlid(amsterdam)
    activiteit = maak_activiteit(amsterdam, school="Het Amstel Lyceum")
    financien = login_as(Rol.FINANCIEN)

    pagina = tekst(financien.get(GEMEENTE))

    assert "Het Amstel Lyceum" in pagina
    assert "Activiteit melden" not in pagina
    assert "Wijzigen" not in pagina
    assert financien.get(f"{GEMEENTE}/activiteiten/{activiteit.id}").status_code == 403


# --- Lessons --------------------------------------------------------------------------------


def test_an_officer_records_a_lesson_of_a_pilot_and_marks_it_taken_into_the_rollout(
    login_as, amsterdam
):
    maak_cohortlid(amsterdam, Fase.PILOT)
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    antwoord = officier.post(
        f"{GEMEENTE}/lessen/nieuw",
        data={"thema": "Ouders", "tekst": "Betrek ouders vanaf het begin.", "datum": "01-12-2015"},
        follow_redirects=True,
    )

    assert meldingen(antwoord) == [("succes", "Les vastgelegd: Ouders.")]
    assert "Betrek ouders vanaf het begin." in tekst(antwoord)
    les = db.session.execute(select(Les)).scalar_one()
    assert les.in_uitrol is False

    officier.post(
        f"{GEMEENTE}/lessen/{les.id}",
        data={
            "thema": "Ouders",
            "tekst": "Betrek ouders vanaf het begin.",
            "datum": "01-12-2015",
            "in_uitrol": "y",
            "versie": "1",
        },
    )

    overzicht = tekst(officier.get("/onderwijsaanpak/lessen"))
    assert "1 les, waarvan 1 overgenomen in de uitrol." in overzicht
    assert "Amsterdam Ouders 1 december 2015 Betrek ouders vanaf het begin. Overgenomen" in (
        overzicht
    )


def test_a_lesson_needs_a_pilot_and_an_officer(login_as, amsterdam):
    maak_cohortlid(amsterdam, Fase.UITROL)
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    data = {"thema": "Ouders", "tekst": "Betrek ouders.", "datum": "01-12-2015"}

    geweigerd = officier.post(f"{GEMEENTE}/lessen/nieuw", data=data)
    verboden = gemeente.post(f"{GEMEENTE}/lessen/nieuw", data=data)
    leeg = officier.post(f"{GEMEENTE}/lessen/nieuw", data={**data, "tekst": " "})

    assert geweigerd.status_code == 400
    assert "Amsterdam heeft geen pilotfase gehad." in tekst(geweigerd)
    assert verboden.status_code == 403
    assert leeg.status_code == 400
    assert aantal(Les) == 0
