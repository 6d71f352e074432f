"""The fixtures of `tests/conftest.py` keep their promises: every request and command runs in an
app context of its own, sees what the test built, and the test reads afterwards what it changed."""

from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import select

from gemeenten.models import Deelname, Programma
from kern.accounts.models import Gebruiker, Rol
from tests.kern.factories import maak_gebruiker
from tests.pagina import meldingen, tekst


def test_a_request_sees_what_the_test_built_and_the_test_reads_what_it_changed(
    db, login_as, amsterdam
):
    beheerder = login_as(Rol.BEHEERDER)
    gebruiker = maak_gebruiker(Rol.GEMEENTE, gemeente=amsterdam)
    assert gebruiker.actief

    antwoord = beheerder.post(f"/beheer/gebruikers/{gebruiker.id}/blokkeren")

    assert antwoord.status_code == 302
    assert not gebruiker.actief  # read again from the database, without expire_all or refresh
    opgeslagen = select(Gebruiker.actief).where(Gebruiker.id == gebruiker.id)
    assert db.session.execute(opgeslagen).scalar_one() is False


def test_a_refused_request_leaves_nothing_in_the_tests_session(db, login_as, amsterdam):
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    geweigerd = officier.post(
        "/gemeenten/GM0363/deelnames",
        data={"programma": "behoefte_inventarisatie", "toelichting": "x" * 201},
        follow_redirects=True,
    )

    assert meldingen(geweigerd) == [("fout", "Een toelichting is hooguit 200 tekens lang.")]
    assert amsterdam.deelnames == []
    assert db.session.execute(select(Deelname)).scalars().all() == []


def test_each_login_is_another_browser(db, login_as, amsterdam, rotterdam, client):
    van_amsterdam = login_as(Rol.GEMEENTE, gemeente=amsterdam)
    van_rotterdam = login_as(Rol.GEMEENTE, gemeente=rotterdam)

    assert van_amsterdam.get("/gemeenten/GM0363").status_code == 200
    assert van_rotterdam.get("/gemeenten/GM0363").status_code == 404
    assert van_rotterdam.get("/gemeenten/GM0599").status_code == 200
    assert van_amsterdam.get("/gemeenten/GM0599").status_code == 404
    assert client.get("/gemeenten/GM0363").status_code == 302  # nobody signed in there


def test_the_welcome_is_behind_the_signed_in_client(login_as, amsterdam):
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    pagina = officier.get("/gemeenten/GM0363")

    assert meldingen(pagina) == []
    assert "Amsterdam" in tekst(pagina)


def test_a_request_does_not_share_the_tests_g(db, login_as, amsterdam):
    g.gezien = "door de test"
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    officier.get("/gemeenten/GM0363")

    assert g.gezien == "door de test"
    assert "_login_user" not in g  # Flask-Login's user of the request stayed in the request


def test_a_test_without_db_holds_no_app_context(login_as):
    officier = login_as(Rol.FINANCIEN)

    assert officier.get("/").status_code == 200
    assert not has_app_context()


def test_a_command_runs_in_a_context_of_its_own(db, runner, amsterdam):
    gebruiker = maak_gebruiker(Rol.GEMEENTE, gemeente=amsterdam)

    resultaat = runner.invoke(args=["gebruikers", "blokkeren", gebruiker.email])

    assert resultaat.exit_code == 0, resultaat.output
    assert not gebruiker.actief


def test_a_membership_through_the_form_is_in_the_tests_session(db, login_as, amsterdam):
    officier = login_as(Rol.BELEIDSMEDEWERKER)

    officier.post("/gemeenten/GM0363/deelnames", data={"programma": "behoefte_inventarisatie"})

    assert [d.programma for d in amsterdam.deelnames] == [Programma.BEHOEFTE_INVENTARISATIE]
