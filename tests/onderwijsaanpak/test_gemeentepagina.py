"""The onderwijsaanpak on a municipality's page: its section beside the versterkingsgelden,
and, at the top (a municipality user's start page), what it still has to report."""

from __future__ import annotations

import re
from datetime import date

from kern import paginering
from kern.accounts.models import Rol
from onderwijsaanpak.models import Fase
from tests.onderwijsaanpak.factories import (
    maak_activiteit,
    maak_cohortlid,
    maak_rapportage,
    maak_ronde,
)
from tests.pagina import tekst
from tests.subsidies.factories import maak_beschikking


def sectie(pagina: str) -> str:
    """The onderwijsaanpak's section, as a reader sees it."""
    gevonden = re.search(r'<h2 id="onderwijsaanpak">(.*?)(?=<h2|</main>)', pagina, re.S)
    assert gevonden is not None, "no onderwijsaanpak section on the page"
    return tekst(gevonden[1])


def te_rapporteren(pagina: str) -> str | None:
    gevonden = re.search(r'<section class="te-doen"[^>]*>(.*?)</section>', pagina, re.S)
    return tekst(gevonden[1]) if gevonden else None


def test_the_page_shows_versterkingsgelden_and_onderwijsaanpak_together(officier, amsterdam):
    maak_beschikking(amsterdam)
    maak_cohortlid(amsterdam, Fase.PILOT, gestart_op=date(2015, 10, 5))
    maak_activiteit(amsterdam, datum=date(2016, 3, 1), deelnemers=20)
    maak_activiteit(amsterdam, datum=date(2017, 5, 9), deelnemers=45)
    maak_ronde(uiterlijk=date(2017, 12, 1))

    pagina = officier.get("/gemeenten/GM0363").text

    assert pagina.index('id="versterkingsgelden"') < pagina.index('id="onderwijsaanpak"')
    assert sectie(pagina) == (
        "Onderwijsaanpak "
        "Fase Pilot, gestart op 5 oktober 2015 "
        "Activiteiten 2, samen 65 deelnemers "
        "Laatste activiteit 9 mei 2017 "
        "Open rapportageronde Schooljaar 2016-2017, uiterlijk 1 december 2017: "
        "Nog niet ingediend "
        "De onderwijsaanpak van Amsterdam: fasen, activiteiten, lessen uit de pilot en "
        "rapportages."
    )
    assert '<a href="/onderwijsaanpak/gemeenten/GM0363">' in pagina


def test_a_municipality_outside_the_cohort_has_no_section(officier, amsterdam):
    maak_ronde()

    pagina = officier.get("/gemeenten/GM0363").text

    assert 'id="onderwijsaanpak"' not in pagina
    assert te_rapporteren(pagina) is None


def test_the_start_page_of_a_municipality_user_says_what_is_due(login_as, amsterdam):
    maak_cohortlid(amsterdam)
    maak_ronde("Schooljaar 2015-2016", date(2015, 8, 1), date(2016, 7, 31), date(2016, 10, 1))
    maak_ronde("Schooljaar 2016-2017", date(2016, 8, 1), date(2017, 7, 31), date(2017, 12, 1))
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    start = gemeente.get("/", follow_redirects=True)

    assert start.request.path == "/gemeenten/GM0363"
    assert te_rapporteren(start.text) == (
        "Te rapporteren "
        "Te laat: Onderwijsaanpak: rapportage Schooljaar 2015-2016, uiterlijk 1 oktober 2016 "
        "Onderwijsaanpak: rapportage Schooljaar 2016-2017, uiterlijk 1 december 2017"
    )
    assert start.text.index('id="te-doen"') < start.text.index("<dt>CBS-code</dt>")


def test_what_is_due_follows_the_reports(login_as, officier, amsterdam):
    maak_cohortlid(amsterdam)
    ronde = maak_ronde(uiterlijk=date(2017, 12, 1))
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    rapportage = maak_rapportage(ronde, amsterdam)

    ingediend = gemeente.get("/gemeenten/GM0363").text
    assert te_rapporteren(ingediend) is None
    assert "Schooljaar 2016-2017, uiterlijk 1 december 2017: Ingediend" in sectie(ingediend)

    officier.post(
        f"/onderwijsaanpak/gemeenten/GM0363/rapportages/{rapportage.id}/terugsturen",
        data={"terugsturen-versie": "1", "terugsturen-reden": "Onvolledig"},
    )

    teruggestuurd = gemeente.get("/gemeenten/GM0363").text
    assert te_rapporteren(teruggestuurd) == (
        "Te rapporteren Onderwijsaanpak: rapportage Schooljaar 2016-2017 (teruggestuurd), "
        "uiterlijk 1 december 2017"
    )


def test_a_municipality_user_sees_no_other_municipalitys_onderwijsaanpak(
    login_as, amsterdam, rotterdam
):
    maak_cohortlid(amsterdam)
    maak_cohortlid(rotterdam)
    maak_activiteit(rotterdam, school="Erasmiaans Gymnasium")
    gemeente = login_as(Rol.GEMEENTE, gemeente=amsterdam)

    eigen = gemeente.get("/gemeenten/GM0363")
    andere = gemeente.get("/gemeenten/GM0599")

    assert "Activiteiten 0, samen 0 deelnemers" in sectie(eigen.text)
    assert "Erasmiaans" not in eigen.text
    assert "Rotterdam" not in eigen.text
    assert andere.status_code == 404


def test_a_members_activities_come_a_page_at_a_time_counted_in_all(
    officier, amsterdam, monkeypatch
):
    monkeypatch.setattr(paginering, "PER_PAGINA", 2)
    maak_cohortlid(amsterdam)
    for dag, school in ((1, "Eerste"), (2, "Tweede"), (3, "Derde")):
        maak_activiteit(amsterdam, datum=date(2016, 3, dag), school=school, deelnemers=10)
    adres = "/onderwijsaanpak/gemeenten/GM0363"

    eerste, tweede = officier.get(adres), officier.get(f"{adres}?pagina=2")

    def scholen(pagina) -> list[str]:
        tabel = re.search(r'<caption id="activiteiten-titel".*?</table>', pagina.text, re.S)
        assert tabel is not None
        return re.findall(r"Eerste|Tweede|Derde", tabel[0])

    assert scholen(eerste) == ["Derde", "Tweede"]
    assert scholen(tweede) == ["Eerste"]
    for pagina in (eerste, tweede):
        assert "3 activiteiten met samen 30 deelnemers" in tekst(pagina)
    assert "nieuwste eerst (1–2 van 3)" in tekst(eerste)
    assert officier.get(f"{adres}?pagina=3").status_code == 404
    export = officier.get(f"{adres}?pagina=2&formaat=csv")
    assert all(school in export.text for school in ("Eerste", "Tweede", "Derde"))
