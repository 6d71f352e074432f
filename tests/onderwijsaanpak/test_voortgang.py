"""The progress overview (`onderwijsaanpak/voortgang.py`, ``/onderwijsaanpak/voortgang``): figures
from known activities, municipalities without recent activity from known dates (today is
`VANDAAG`, 15 November 2017, through the clock fixture), the export read back against the
page, and a number of SQL statements that does not grow with the cohort."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from kern.accounts.models import Rol
from onderwijsaanpak import services, voortgang
from onderwijsaanpak.models import ActiviteitSoort, Fase
from tests.gemeenten.factories import maak_gemeente
from tests.onderwijsaanpak.factories import VANDAAG, maak_activiteit, maak_cohortlid
from tests.pagina import tekst
from tests.sql import telling

PAGINA = "/onderwijsaanpak/voortgang"
BESTUUR = ActiviteitSoort.TRAINING_SCHOOLBESTUUR
PROF = ActiviteitSoort.TRAINING_PROFESSIONALS
LEERLINGEN = ActiviteitSoort.BURGERSCHAP


@pytest.fixture
def cohort(amsterdam, rotterdam, utrecht):
    """Amsterdam (pilot): 12 + 30 + 8 + 100 participants, last on 3 October 2017.
    Rotterdam and Delft (rollout): 25 + 40 and 60; Delft last active on 2 March 2017.
    Utrecht (rollout) has no activity; Leiden ended its participation after one activity."""
    delft = maak_gemeente("GM0503", "Delft", "Zuid-Holland")
    leiden = maak_gemeente("GM0546", "Leiden", "Zuid-Holland")
    maak_cohortlid(amsterdam, Fase.PILOT)
    for gemeente in (rotterdam, delft, utrecht, leiden):
        maak_cohortlid(gemeente, Fase.UITROL)
    a = {"soort": BESTUUR, "datum": date(2015, 11, 2)}
    maak_activiteit(amsterdam, **a, school="Bestuur Noord", deelnemers=12)
    maak_activiteit(amsterdam, soort=PROF, school="Het Amstel Lyceum", deelnemers=30)
    maak_activiteit(amsterdam, soort=PROF, school="het amstel lyceum", deelnemers=8)
    maak_activiteit(
        amsterdam, soort=LEERLINGEN, school="ROC Zuid", deelnemers=100, datum=date(2017, 10, 3)
    )
    maak_activiteit(rotterdam, soort=BESTUUR, school="Bestuur Maas", deelnemers=25)
    maak_activiteit(
        rotterdam, soort=LEERLINGEN, school="Erasmus", deelnemers=40, datum=date(2017, 9, 1)
    )
    maak_activiteit(delft, soort=PROF, school="Delfts", deelnemers=60, datum=date(2017, 3, 2))
    maak_activiteit(leiden, soort=PROF, school="Leids", deelnemers=5, datum=date(2016, 2, 1))
    lid = services.cohortlid_van(leiden)
    assert lid is not None
    services.verplaats(
        lid,
        naar=Fase.BEEINDIGD,
        gepland_start=date(2016, 6, 1),
        gestart_op=None,
        reden="Gestopt",
        door="test",
        versie=lid.versie,
    )


def test_the_figures_per_municipality_per_phase_and_overall(db, cohort):
    vg = voortgang.voortgang(VANDAAG)

    per_gemeente = {r.gemeente.naam: r for r in vg.regels}
    assert [r.gemeente.naam for r in vg.regels] == [
        "Amsterdam",
        "Delft",
        "Rotterdam",
        "Utrecht",
        "Leiden",
    ]  # pilot, rollout, ended; by name within a phase
    assert per_gemeente["Amsterdam"].bereik == voortgang.Bereik(
        trainingen=3, professionals=38, schoolbesturen=1, leerlingen=100, scholen=2, deelnemers=150
    )
    assert per_gemeente["Utrecht"].bereik == voortgang.Bereik()
    assert per_gemeente["Utrecht"].laatste_activiteit is None
    fasen = {t.fase: t for t in vg.per_fase}
    assert list(fasen) == [Fase.PILOT, Fase.UITROL, Fase.BEEINDIGD]
    assert fasen[Fase.PILOT].bereik.deelnemers == 150
    assert fasen[Fase.UITROL].bereik.deelnemers == 25 + 40 + 60
    assert fasen[Fase.UITROL].gemeenten == 3
    assert fasen[Fase.UITROL].bereik.trainingen == 2
    assert fasen[Fase.UITROL].laatste_activiteit == date(2017, 9, 1)
    assert fasen[Fase.BEEINDIGD].bereik.professionals == 5
    assert vg.totaal.bereik == voortgang.Bereik(
        trainingen=6, professionals=103, schoolbesturen=2, leerlingen=140, scholen=5, deelnemers=280
    )
    assert vg.totaal.gemeenten == 5


def test_reach_over_time_is_cumulative_per_phase_per_quarter(db, cohort):
    vg = voortgang.voortgang(VANDAAG)

    assert vg.fasen_in_verloop == [Fase.PILOT, Fase.UITROL, Fase.BEEINDIGD]
    assert (vg.verloop[0].label, vg.verloop[-1].label) == ("2015 K4", "2017 K4")
    assert len(vg.verloop) == 9  # every quarter in between, also those without activity
    kwartalen = {p.label: p.cumulatief for p in vg.verloop}
    assert kwartalen["2015 K4"] == {Fase.PILOT: 12, Fase.UITROL: 0, Fase.BEEINDIGD: 0}
    assert kwartalen["2016 K1"] == {Fase.PILOT: 50, Fase.UITROL: 25, Fase.BEEINDIGD: 5}
    assert kwartalen["2016 K3"] == kwartalen["2016 K2"] == kwartalen["2016 K1"]
    assert kwartalen["2017 K4"] == {Fase.PILOT: 150, Fase.UITROL: 125, Fase.BEEINDIGD: 5}


@pytest.mark.parametrize(
    ("maanden", "peildatum", "stil"),
    [
        (6, date(2017, 5, 15), ["Delft", "Utrecht"]),  # Delft's last: 2 March
        (9, date(2017, 2, 15), ["Utrecht"]),
        (2, date(2017, 9, 15), ["Rotterdam", "Delft", "Utrecht"]),  # Amsterdam: 3 October
    ],
)
def test_members_without_recent_activity_are_flagged(db, cohort, maanden, peildatum, stil):
    vg = voortgang.voortgang(VANDAAG, maanden)

    assert vg.peildatum == peildatum
    assert sorted(r.gemeente.naam for r in vg.stil) == sorted(stil)  # Leiden ended: never


def test_months_back_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert voortgang.maanden_terug(date(2017, 11, 15), 6) == date(2017, 5, 15)
    assert voortgang.maanden_terug(date(2017, 8, 31), 6) == date(2017, 2, 28)
    assert voortgang.maanden_terug(date(2016, 1, 31), 1) == date(2015, 12, 31)
    assert voortgang.maanden_terug(date(2016, 3, 31), 13) == date(2015, 2, 28)


def _getallen(rij: str) -> list[str]:
    return re.findall(r'<td class="getal">([^<]*)</td>', rij)


def test_the_page_shows_the_totals_and_who_is_quiet(db, cohort, login_as):
    pagina = login_as(Rol.FINANCIEN).get(PAGINA)

    assert pagina.status_code == 200
    totaal = re.search(r'<tr class="totaal">(.*?)</tr>', pagina.text, re.S)
    assert totaal is not None
    # municipalities, trainings, professionals, boards, pupils, schools, quiet
    assert _getallen(totaal[1]) == ["5", "6", "103", "2", "140", "5", "2"]
    stil = tekst(pagina).split("Geen recente activiteit", 1)[1].split("Per gemeente")[0]
    assert "2 deelnemende gemeenten hadden geen activiteit sinds 15 mei 2017" in stil
    assert "Delft (uitrol), laatste activiteit: 2 maart 2017" in stil
    assert "Utrecht (uitrol), laatste activiteit: geen" in stil
    assert "Leiden" not in stil
    assert "style=" not in pagina.text  # the CSP allows no style attribute
    assert "<style" not in pagina.text  # nor a style element
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="grafiek" role="img"' in pagina.text
    assert "2017 K4, pilot: 150 deelnemers" in pagina.text


def test_the_months_filter_changes_the_flags_and_refuses_nonsense(db, cohort, login_as):
    client = login_as(Rol.BELEIDSMEDEWERKER)

    negen = tekst(client.get(f"{PAGINA}?maanden=9"))
    assert "1 deelnemende gemeente had geen activiteit sinds 15 februari 2017" in negen
    for waarde in ("0", "61", "zes", "٦"):
        antwoord = client.get(f"{PAGINA}?maanden={waarde}")
        assert antwoord.status_code == 200
        assert "Kies een aantal maanden van 1 tot en met 60" in tekst(antwoord)
        assert "hadden geen activiteit sinds 15 mei 2017" in tekst(antwoord)  # the default


def test_the_page_is_for_those_who_read_the_programmes(db, cohort, amsterdam, login_as):
    assert login_as(Rol.GEMEENTE, gemeente=amsterdam).get(PAGINA).status_code == 403
    assert login_as(Rol.BEHEERDER).get(PAGINA).status_code == 403
    assert login_as(Rol.FINANCIEN).get(PAGINA).status_code == 200


def test_an_empty_cohort_says_so(db, login_as):
    pagina = login_as(Rol.BELEIDSMEDEWERKER).get(PAGINA)

    assert pagina.status_code == 200
    assert "Er zijn nog geen gemeenten in het cohort." in tekst(pagina)


def test_the_export_read_back_equals_the_page(db, cohort, login_as):
    client = login_as(Rol.FINANCIEN)
    pagina = client.get(f"{PAGINA}?maanden=9").text
    assert "/onderwijsaanpak/voortgang?maanden=9&amp;formaat=xlsx" in pagina
    totaal = re.search(r'<tr class="totaal">(.*?)</tr>', pagina, re.S)
    assert totaal is not None

    antwoord = client.get(f"{PAGINA}?maanden=9&formaat=xlsx")
    werkmap = load_workbook(io.BytesIO(antwoord.get_data()), data_only=True)
    fasen = list(werkmap["Per fase"].iter_rows(values_only=True))
    gemeenten = list(werkmap["Per gemeente"].iter_rows(values_only=True))

    assert [r[0] for r in fasen[1:]] == ["Pilot", "Uitrol", "Deelname beëindigd", "Alle fasen"]
    alle = fasen[-1]
    assert [str(w) for w in (*alle[1:7], alle[8])] == _getallen(totaal[1])
    assert alle[7].date() == date(2017, 10, 3)
    kop = gemeenten[0]
    assert kop[:4] == ("Gemeente", "CBS-code", "Fase", "Trainingen")
    assert gemeenten[-1][0] == "Totaal"
    assert gemeenten[-1][3:8] == alle[2:7]  # the sheet's sums are the page's totals
    utrecht = next(r for r in gemeenten if r[0] == "Utrecht")
    assert (utrecht[8], utrecht[9]) == (None, "ja")


def _neem_op(van: int, tot: int) -> None:
    for nr in range(van, tot):
        gemeente = maak_gemeente(f"GM{9000 + nr}", f"Gemeente {nr}", "Utrecht")
        maak_cohortlid(gemeente, Fase.PILOT if nr < 2 else Fase.UITROL)
        maak_activiteit(gemeente, soort=PROF, deelnemers=10 + nr)
        maak_activiteit(gemeente, soort=LEERLINGEN, deelnemers=5, datum=date(2017, 6, 1))


def _tel(client) -> tuple[int, str]:
    with telling() as statements:
        pagina = client.get(PAGINA)
    assert pagina.status_code == 200
    return len(statements), tekst(pagina)


def test_the_number_of_statements_does_not_grow_with_the_cohort(db, login_as):
    client = login_as(Rol.FINANCIEN)
    _neem_op(0, 3)
    bij_drie, pagina = _tel(client)
    assert "Gemeente 2" in pagina
    _neem_op(3, 10)
    bij_tien, pagina = _tel(client)
    assert "Gemeente 9" in pagina

    assert bij_tien == bij_drie
