"""The onderwijsaanpak's pages exported through `kern.export`: the cohort, the rounds and one
round, the lessons, a municipality's activities. Read back, each says what its page says; a
municipality user's export holds their own municipality only. (`tests/kern/test_export.py`
checks every export for safety and privacy as every role.)"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from kern.accounts.models import Rol
from onderwijsaanpak import services
from onderwijsaanpak.models import Fase
from tests.onderwijsaanpak.factories import (
    maak_activiteit,
    maak_cohortlid,
    maak_rapportage,
    maak_ronde,
)


def rijen(antwoord, blad: str | None = None) -> list[tuple[object, ...]]:
    assert antwoord.status_code == 200, antwoord.status_code
    werkmap = load_workbook(io.BytesIO(antwoord.data), data_only=True)
    return list((werkmap[blad] if blad else werkmap.worksheets[0]).iter_rows(values_only=True))


def csv_rijen(antwoord) -> list[list[str]]:
    assert antwoord.status_code == 200, antwoord.status_code
    tekst = antwoord.get_data(as_text=True).removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(tekst), delimiter=";"))


@pytest.fixture
def cohort(db, amsterdam, rotterdam):
    maak_cohortlid(amsterdam, Fase.PILOT)
    maak_cohortlid(rotterdam)
    maak_activiteit(amsterdam, deelnemers=20)
    maak_activiteit(amsterdam, deelnemers=15, datum=date(2016, 9, 12), school="Het Bredero")
    maak_activiteit(rotterdam, deelnemers=40, school="Wolfert van Borselen")
    services.leg_les_vast(
        amsterdam,
        services.LesGegevens("Ouders", "=HYPERLINK(1) ouders eerst", date(2015, 12, 1), True),
        door="test",
    )
    ronde = maak_ronde()
    maak_rapportage(ronde, amsterdam)
    return ronde


def test_the_cohort_export_has_each_member_and_the_totals(cohort, login_as):
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    assert "/onderwijsaanpak/?formaat=xlsx" in officier.get("/onderwijsaanpak/").text

    blad = rijen(officier.get("/onderwijsaanpak/?formaat=xlsx"), "Cohort")

    assert blad[0][:8] == (
        "Gemeente",
        "CBS-code",
        "Fase",
        "Geplande start",
        "Werkelijke start",
        "Activiteiten",
        "Deelnemers",
        "Laatste activiteit",
    )
    assert [r[:3] + r[5:7] for r in blad[1:]] == [
        ("Amsterdam", "GM0363", "Pilot", 2, 35),
        ("Rotterdam", "GM0599", "Uitrol", 1, 40),
        ("Totaal", None, None, 3, 75),
    ]
    assert blad[1][7] == datetime(2016, 9, 12)


def test_the_rounds_export_says_who_reported_and_who_is_late(cohort, login_as):
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    lijst = officier.get("/onderwijsaanpak/rondes?formaat=xlsx")
    rondes = rijen(lijst, "Rondes")
    per_gemeente = rijen(lijst, "Per gemeente")
    ronde = csv_rijen(officier.get(f"/onderwijsaanpak/rondes/{cohort.id}?formaat=csv"))

    assert rondes[1][0] == "Schooljaar 2016-2017"
    assert rondes[1][4:] == ("Open", 2, 1, 1)
    assert [(r[0], r[1], r[3], r[4]) for r in per_gemeente[1:3]] == [
        ("Schooljaar 2016-2017", "Amsterdam", "Ingediend", "nee"),
        ("Schooljaar 2016-2017", "Rotterdam", "Nog niet ingediend", "ja"),
    ]
    assert ronde[0][:4] == ["Gemeente", "CBS-code", "Stand", "Te laat"]
    assert [r[:4] for r in ronde[1:3]] == [
        ["Amsterdam", "GM0363", "Ingediend", "nee"],
        ["Rotterdam", "GM0599", "Nog niet ingediend", "ja"],
    ]
    assert ronde[1][5] == "ja"  # submitted on 15 November 2017, due 1 October
    assert ronde[2][5] == ""  # no report: not late or in time, just missing


def test_the_lessons_export_keeps_a_formula_like_lesson_as_text(cohort, login_as):
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    blad = rijen(officier.get("/onderwijsaanpak/lessen?formaat=xlsx"), "Lessen")

    assert blad[1][:6] == (
        "Amsterdam",
        "GM0363",
        "Ouders",
        datetime(2015, 12, 1),
        "=HYPERLINK(1) ouders eerst",
        "Overgenomen",
    )


def test_a_municipality_user_exports_their_own_activities_only(cohort, amsterdam, login_as):
    klerk = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    pagina = klerk.get("/onderwijsaanpak/gemeenten/GM0363")
    assert "/onderwijsaanpak/gemeenten/GM0363?formaat=xlsx" in pagina.text

    blad = rijen(klerk.get("/onderwijsaanpak/gemeenten/GM0363?formaat=xlsx"), "Activiteiten")
    andere = klerk.get("/onderwijsaanpak/gemeenten/GM0599?formaat=xlsx")

    assert [(r[0], r[1], r[3], r[6]) for r in blad[1:]] == [
        ("Amsterdam", datetime(2016, 9, 12), "Het Bredero", 15),
        ("Amsterdam", datetime(2016, 3, 10), "Het Amstel Lyceum", 20),
        ("Totaal", None, None, 35),
    ]
    assert andere.status_code == 404
    assert b"Wolfert" not in andere.data
    # The ministry's overviews are not the municipality's to export.
    assert klerk.get("/onderwijsaanpak/rondes?formaat=csv").status_code == 403
    assert klerk.get("/onderwijsaanpak/?formaat=csv").status_code == 403
