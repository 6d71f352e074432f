"""Reporting rounds through the pages: the officer opens one, the cohort reports in it, the
officer sees who reported and who is late, and approves a report or sends it back."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from kern.accounts.models import Rol
from kern.db import db
from onderwijsaanpak.models import Rapportage, Rapportageronde, RapportageStatus
from tests.gemeenten.factories import maak_gemeente
from tests.onderwijsaanpak.factories import (
    maak_activiteit,
    maak_cohortlid,
    maak_rapportage,
    maak_ronde,
)
from tests.pagina import meldingen, tekst

RONDE = {
    "naam": "Schooljaar 2016-2017",
    "periode_van": "01-08-2016",
    "periode_tot": "31-07-2017",
    "uiterlijk": "01-10-2017",
}


def aantal(model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def rijen(pagina: str) -> list[str]:
    """The rows of the page's tables, as a reader sees them."""
    return [tekst(rij) for rij in re.findall(r"<tr>(.*?)</tr>", pagina, re.S)]


def test_an_officer_opens_a_round(login_as, db):
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    antwoord = officier.post("/onderwijsaanpak/rondes/nieuw", data=RONDE, follow_redirects=True)

    assert meldingen(antwoord) == [("succes", "De ronde Schooljaar 2016-2017 is geopend.")]
    assert "Periode 1 augustus 2016 tot en met 31 juli 2017" in tekst(antwoord)
    assert "Uiterlijk rapporteren op 1 oktober 2017" in tekst(antwoord)
    ronde = db.session.execute(select(Rapportageronde)).scalar_one()
    assert (ronde.naam, ronde.periode_van, ronde.uiterlijk, ronde.is_open) == (
        "Schooljaar 2016-2017",
        date(2016, 8, 1),
        date(2017, 10, 1),
        True,
    )


@pytest.mark.parametrize(
    ("wijziging", "veld", "melding"),
    [
        ({"naam": ""}, "naam", "Geef de ronde een naam."),
        ({"naam": "  "}, "naam", "Geef de ronde een naam."),
        ({"naam": "x" * 121}, "naam", "Een naam is hooguit 120 tekens lang."),
        ({"periode_van": ""}, "periode_van", "Vul het begin van de periode in."),
        ({"periode_tot": "31-13-2017"}, "periode_tot", "Dit is geen geldige datum"),
        ({"periode_tot": "01-07-2016"}, "periode_tot", "Het einde van de periode ligt vóór"),
        ({"uiterlijk": "01-07-2017"}, "uiterlijk", "De uiterste datum ligt vóór het einde"),
        ({"naam": "Eerder"}, "naam", "Er is al een ronde met de naam Eerder."),
        (
            {"periode_van": "01-06-2016"},
            "periode_van",
            "De periode overlapt met de ronde Eerder",
        ),
    ],
)
def test_an_invalid_round_is_refused_on_its_field(login_as, db, wijziging, veld, melding):
    maak_ronde("Eerder", date(2015, 8, 1), date(2016, 7, 31), date(2016, 10, 1))
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    antwoord = officier.post("/onderwijsaanpak/rondes/nieuw", data={**RONDE, **wijziging})

    assert antwoord.status_code == 400
    fout = re.search(rf'<p class="foutmelding" id="{veld}-fout">(.*?)</p>', antwoord.text, re.S)
    assert fout is not None
    assert melding in tekst(fout[1])
    assert aantal(Rapportageronde) == 1


def test_a_municipality_reports_and_the_officer_sends_it_back_then_approves(
    login_as, amsterdam, rotterdam
):
    maak_cohortlid(amsterdam)
    maak_cohortlid(rotterdam)
    ronde = maak_ronde()
    maak_activiteit(amsterdam, datum=date(2016, 10, 4), deelnemers=18, school="Cartesius Lyceum")
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    pagina_url = f"/onderwijsaanpak/gemeenten/GM0363/rondes/{ronde.id}"

    eerst = gemeente.get(pagina_url)
    assert "Cartesius Lyceum" in tekst(eerst)
    assert "Te laat: nog niet ingediend" in tekst(eerst)  # due 1 October, today 15 November

    ingediend = gemeente.post(
        f"{pagina_url}/indienen",
        data={"toelichting": "De trainingen van het voorjaar volgen."},
        follow_redirects=True,
    )
    assert meldingen(ingediend) == [
        (
            "succes",
            "De rapportage over Schooljaar 2016-2017 is ingediend, met 1 activiteit(en); zij "
            "wacht op beoordeling door het ministerie.",
        )
    ]
    assert "De rapportage is ingediend en wacht op beoordeling door het ministerie." in tekst(
        ingediend
    )
    assert "Versie 1" in tekst(ingediend)
    assert "na de uiterste datum" in tekst(ingediend)

    overzicht = officier.get(f"/onderwijsaanpak/rondes/{ronde.id}")
    assert "1 van 2 gemeenten hebben ingediend; 1 is te laat." in tekst(overzicht)
    assert [r for r in rijen(overzicht.text) if r.startswith(("Amsterdam", "Rotterdam"))] == [
        "Amsterdam Ingediend 15 november 2017 12:00 1 18",
        "Rotterdam Te laat: nog niet ingediend — — —",
    ]

    rapportage = db.session.execute(select(Rapportage)).scalar_one()
    teruggestuurd = officier.post(
        f"/onderwijsaanpak/gemeenten/GM0363/rapportages/{rapportage.id}/terugsturen",
        data={"terugsturen-versie": "1", "terugsturen-reden": "De debatten in mei ontbreken."},
        follow_redirects=True,
    )
    assert meldingen(teruggestuurd) == [
        ("succes", "De rapportage is teruggestuurd naar Amsterdam.")
    ]

    bij_gemeente = gemeente.get(pagina_url)
    assert "Teruggestuurd; wat de gemeente moet verbeteren: De debatten in mei ontbreken." in (
        tekst(bij_gemeente)
    )
    maak_activiteit(amsterdam, datum=date(2017, 5, 12), deelnemers=60)
    gemeente.post(f"{pagina_url}/indienen", data={})
    tweede = db.session.execute(select(Rapportage).where(Rapportage.volgnummer == 2)).scalar_one()
    assert (tweede.aantal_activiteiten, tweede.deelnemers) == (2, 78)

    goedgekeurd = officier.post(
        f"/onderwijsaanpak/gemeenten/GM0363/rapportages/{tweede.id}/goedkeuren",
        data={"goedkeuren-versie": "1", "goedkeuren-reactie": ""},
        follow_redirects=True,
    )
    assert meldingen(goedgekeurd) == [("succes", "De rapportage van Amsterdam is goedgekeurd.")]
    assert "De rapportage over deze ronde is goedgekeurd." in tekst(goedgekeurd)
    assert [r.status for r in db.session.execute(select(Rapportage)).scalars()] == [
        RapportageStatus.TERUGGESTUURD,
        RapportageStatus.GOEDGEKEURD,
    ]


def test_sending_back_needs_a_reason_and_the_current_version(login_as, amsterdam):
    maak_cohortlid(amsterdam)
    ronde = maak_ronde()
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    officier.post(f"/onderwijsaanpak/gemeenten/GM0363/rondes/{ronde.id}/indienen", data={})
    rapportage = db.session.execute(select(Rapportage)).scalar_one()
    url = f"/onderwijsaanpak/gemeenten/GM0363/rapportages/{rapportage.id}"

    zonder_reden = officier.post(
        f"{url}/terugsturen", data={"terugsturen-versie": "1", "terugsturen-reden": ""}
    )
    verouderd = officier.post(
        f"{url}/terugsturen", data={"terugsturen-versie": "0", "terugsturen-reden": "Onvolledig"}
    )

    assert zonder_reden.status_code == 400
    assert "Geef aan wat de gemeente moet verbeteren." in tekst(zonder_reden)
    assert verouderd.status_code == 409
    assert "Iemand anders heeft deze rapportage intussen gewijzigd" in tekst(verouderd)
    assert rapportage.status is RapportageStatus.INGEDIEND


def test_reports_of_another_municipality_do_not_exist_for_a_municipality_user(
    login_as, amsterdam, rotterdam
):
    maak_cohortlid(amsterdam)
    maak_cohortlid(rotterdam)
    ronde = maak_ronde()
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    officier.post(f"/onderwijsaanpak/gemeenten/GM0599/rondes/{ronde.id}/indienen", data={})
    van_rotterdam = db.session.execute(select(Rapportage)).scalar_one()

    assert gemeente.get(f"/onderwijsaanpak/gemeenten/GM0599/rondes/{ronde.id}").status_code == 404
    assert (
        gemeente.post(f"/onderwijsaanpak/gemeenten/GM0599/rondes/{ronde.id}/indienen").status_code
        == 404
    )
    assert gemeente.get(f"/onderwijsaanpak/rondes/{ronde.id}").status_code == 403
    # Rotterdam's report under Amsterdam's code: 404, for the officer too.
    onder_amsterdam = f"/onderwijsaanpak/gemeenten/GM0363/rapportages/{van_rotterdam.id}"
    assert (
        officier.post(f"{onder_amsterdam}/goedkeuren", data={"goedkeuren-versie": "1"}).status_code
        == 404
    )
    assert van_rotterdam.status is RapportageStatus.INGEDIEND
    assert aantal(Rapportage) == 1


def test_closing_a_round_ends_reporting_in_it(login_as, amsterdam):
    maak_cohortlid(amsterdam)
    ronde = maak_ronde()
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    gesloten = officier.post(
        f"/onderwijsaanpak/rondes/{ronde.id}/sluiten",
        data={"sluiten-versie": "1"},
        follow_redirects=True,
    )

    assert meldingen(gesloten) == [("succes", "De ronde Schooljaar 2016-2017 is gesloten.")]
    assert "Amsterdam Niet ingediend" in tekst(gesloten)
    weigering = gemeente.post(
        f"/onderwijsaanpak/gemeenten/GM0363/rondes/{ronde.id}/indienen",
        data={},
        follow_redirects=True,
    )
    assert weigering.status_code == 400
    assert ("fout", "Deze ronde is gesloten; er wordt niet meer in gerapporteerd.") in meldingen(
        weigering
    )
    assert aantal(Rapportage) == 0
    assert (
        officier.post(
            f"/onderwijsaanpak/rondes/{ronde.id}/sluiten", data={"sluiten-versie": "1"}
        ).status_code
        == 409
    )


def test_changing_a_round_moves_its_due_date(login_as, amsterdam):
    maak_cohortlid(amsterdam)
    ronde = maak_ronde()
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    antwoord = officier.post(
        f"/onderwijsaanpak/rondes/{ronde.id}/wijzigen",
        data={**RONDE, "uiterlijk": "01-12-2017", "versie": "1"},
        follow_redirects=True,
    )

    assert meldingen(antwoord) == [("succes", "De ronde Schooljaar 2016-2017 is gewijzigd.")]
    bij_gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam).get(
        f"/onderwijsaanpak/gemeenten/GM0363/rondes/{ronde.id}"
    )
    assert "Uiterlijk 1 december 2017" in tekst(bij_gemeente)
    assert "Te laat" not in tekst(bij_gemeente)


def test_a_municipality_that_joined_late_is_in_the_round_and_one_outside_is_not(
    login_as, amsterdam, rotterdam
):
    utrecht = maak_gemeente("GM0344", "Utrecht", "Utrecht")
    maak_cohortlid(amsterdam)
    ronde = maak_ronde()
    maak_cohortlid(rotterdam)
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    pagina = tekst(officier.get(f"/onderwijsaanpak/rondes/{ronde.id}"))

    assert "Amsterdam" in pagina
    assert "Rotterdam" in pagina
    assert utrecht.naam not in pagina
    assert officier.get(f"/onderwijsaanpak/gemeenten/GM0344/rondes/{ronde.id}").status_code == 404


def test_a_closed_round_counts_only_the_reports_that_came_in(login_as, amsterdam, rotterdam):
    maak_cohortlid(amsterdam)
    maak_cohortlid(rotterdam)
    ronde = maak_ronde()
    maak_rapportage(ronde, amsterdam)
    officier = login_as(Rol.BELEIDSMEDEWERKER)
    officier.post(f"/onderwijsaanpak/rondes/{ronde.id}/sluiten", data={"sluiten-versie": "1"})

    lijst = rijen(officier.get("/onderwijsaanpak/rondes").text)
    pagina = tekst(officier.get(f"/onderwijsaanpak/rondes/{ronde.id}"))

    assert lijst[1] == (
        "Schooljaar 2016-2017 1 augustus 2016 tot en met 31 juli 2017 1 oktober 2017 Gesloten "
        "1 van 2 0"
    )
    assert "1 van 2 gemeenten hebben ingediend." in pagina
