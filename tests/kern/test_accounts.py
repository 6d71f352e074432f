"""Accounts: signing in and out, passwords, blocking, and managing accounts on screen and CLI."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kern.accounts.models import Gebruiker, Rol
from kern.db import utcnow
from tests.aanmelden import tweede_factor
from tests.kern.factories import WACHTWOORD, maak_gebruiker
from tests.pagina import csrf_token

ONGELDIG = "Onbekend e-mailadres, onjuist wachtwoord of geblokkeerd account."
NIEUW_WACHTWOORD = "een-ander-lang-wachtwoord"


def aanmelden(client: FlaskClient, email: str, wachtwoord: str = WACHTWOORD, **kwargs):
    """Post the login form, the subject of these tests (elsewhere: `login_as`), and when the
    password is right the second factor; the answer to the last step."""
    antwoord = client.post("/aanmelden", data={"email": email, "wachtwoord": wachtwoord}, **kwargs)
    if antwoord.status_code == 302 and antwoord.location.startswith("/aanmelden/"):
        return tweede_factor(client, email, antwoord)
    return antwoord


def is_aangemeld(client: FlaskClient) -> bool:
    """Signed in when the start page does not send the client to the login form."""
    antwoord = client.get("/")
    return not (antwoord.status_code == 302 and urlsplit(antwoord.location).path == "/aanmelden")


def aantal_gebruikers(db) -> int:
    return db.session.execute(select(func.count(Gebruiker.id))).scalar_one()


# --- Signing in and out ---------------------------------------------------------------------


def test_signing_in_welcomes_the_user_and_records_when(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    voor = utcnow()

    antwoord = aanmelden(client, officer.email)

    assert antwoord.status_code == 302
    assert antwoord.location == "/"
    assert f"Welkom, {officer.naam}." in client.get("/").text
    aangemeld_op = officer.laatst_aangemeld_op
    assert aangemeld_op is not None
    assert aangemeld_op.tzinfo is not None
    assert voor - timedelta(seconds=1) <= aangemeld_op <= utcnow()


def test_the_email_address_is_not_case_sensitive(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER, email="piet@voorbeeld.nl")

    assert aanmelden(client, " Piet@Voorbeeld.NL").status_code == 302
    assert is_aangemeld(client)
    assert officer.laatst_aangemeld_op is not None


@pytest.mark.parametrize("geval", ["wrong-password", "unknown-email", "blocked-user"])
def test_a_failed_login_says_the_same_for_every_reason_and_signs_nobody_in(db, client, geval):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER, actief=geval != "blocked-user")
    email, wachtwoord = {
        "wrong-password": (officer.email, "niet-het-goede-wachtwoord"),
        "unknown-email": ("niemand@voorbeeld.nl", WACHTWOORD),
        "blocked-user": (officer.email, WACHTWOORD),
    }[geval]

    antwoord = aanmelden(client, email, wachtwoord)

    assert antwoord.status_code == 200
    assert ONGELDIG in antwoord.text
    assert not is_aangemeld(client)
    assert officer.laatst_aangemeld_op is None


@pytest.mark.parametrize(
    ("volgende", "verwacht"),
    [
        pytest.param("/gemeenten/", "/gemeenten/", id="local-path"),
        pytest.param("/gemeenten/?q=amster", "/gemeenten/?q=amster", id="local-path-with-query"),
        pytest.param("http://evil.example/", "/", id="absolute-url"),
        pytest.param("//evil.example/", "/", id="scheme-relative-url"),
        pytest.param("/\\evil.example", "/", id="backslash"),
        pytest.param("https:evil.example", "/", id="scheme-without-slashes"),
        pytest.param("javascript:alert(1)", "/", id="javascript"),
        pytest.param("gemeenten", "/", id="relative-path"),
    ],
)
def test_next_is_followed_only_to_a_local_path(db, client, volgende, verwacht):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)

    antwoord = aanmelden(client, officer.email, query_string={"next": volgende})

    assert antwoord.status_code == 302
    assert antwoord.location == verwacht


def test_a_page_that_needs_a_login_sends_the_visitor_there_and_back(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)

    naar_login = client.get("/gemeenten/")
    assert naar_login.status_code == 302
    assert naar_login.location == "/aanmelden?next=%2Fgemeenten%2F"
    login_pagina = client.get(naar_login.location).text
    assert "Meld u aan om deze pagina te zien." in login_pagina

    terug = aanmelden(client, officer.email, query_string={"next": "/gemeenten/"})
    assert terug.location == "/gemeenten/"


def test_signing_out_takes_a_post(db, login_as):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    client = login_as(officer)

    antwoord = client.get("/afmelden")

    assert antwoord.status_code == 405
    assert "Niet toegestaan" in antwoord.text
    assert is_aangemeld(client)


def test_signing_out_ends_the_session(db, login_as):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    client = login_as(officer)

    antwoord = client.post("/afmelden", follow_redirects=True)

    assert antwoord.request.path == "/aanmelden"
    assert "U bent afgemeld." in antwoord.text
    assert not is_aangemeld(client)


def test_the_cookie_from_before_signing_out_no_longer_opens_pages(app, db, login_as):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    client = login_as(officer)
    oud = client.get_cookie("session")
    assert oud is not None

    client.post("/afmelden")

    # Someone who kept the cookie (same address, same browser) replays it.
    herhaald = app.test_client()
    herhaald.set_cookie("session", oud.value, domain=oud.domain)
    assert not is_aangemeld(herhaald)
    assert herhaald.get("/gemeenten/").location == "/aanmelden?next=%2Fgemeenten%2F"
    # Signing in again works and starts a session of its own.
    assert aanmelden(client, officer.email).status_code == 302
    assert is_aangemeld(client)


# --- Blocking -------------------------------------------------------------------------------


def test_blocking_a_user_ends_their_session_at_once(db, login_as):
    medewerker = maak_gebruiker(Rol.FINANCIEN)
    beheerder = maak_gebruiker(Rol.BEHEERDER)
    zijn_client = login_as(medewerker)
    assert is_aangemeld(zijn_client)
    beheer = login_as(beheerder)

    antwoord = beheer.post(f"/beheer/gebruikers/{medewerker.id}/blokkeren", follow_redirects=True)

    assert antwoord.request.path == "/beheer/gebruikers"
    assert f"{medewerker.naam} is geblokkeerd; alle sessies zijn beëindigd." in antwoord.text
    assert medewerker.actief is False
    assert not is_aangemeld(zijn_client)
    assert ONGELDIG in aanmelden(zijn_client, medewerker.email).text
    assert not is_aangemeld(zijn_client)


def test_an_unblocked_user_can_sign_in_again(app, db, login_as):
    medewerker = maak_gebruiker(Rol.FINANCIEN, actief=False)
    beheerder = maak_gebruiker(Rol.BEHEERDER)
    beheer = login_as(beheerder)

    antwoord = beheer.post(f"/beheer/gebruikers/{medewerker.id}/deblokkeren", follow_redirects=True)

    assert f"{medewerker.naam} kan weer aanmelden." in antwoord.text
    assert medewerker.actief is True
    zijn_client = app.test_client()
    assert aanmelden(zijn_client, medewerker.email).status_code == 302
    assert is_aangemeld(zijn_client)


def test_an_administrator_cannot_block_themself(db, login_as):
    beheerder = maak_gebruiker(Rol.BEHEERDER)
    client = login_as(beheerder)

    antwoord = client.post(f"/beheer/gebruikers/{beheerder.id}/blokkeren", follow_redirects=True)

    assert "U kunt uw eigen account niet blokkeren." in antwoord.text
    assert beheerder.actief is True
    assert client.get("/beheer/gebruikers").status_code == 200


def test_blocking_an_unknown_user_is_a_404(db, login_as):
    beheerder = maak_gebruiker(Rol.BEHEERDER)

    antwoord = login_as(beheerder).post("/beheer/gebruikers/999999/blokkeren")

    assert antwoord.status_code == 404


# --- Changing the password ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gegevens", "melding"),
    [
        pytest.param(
            {"huidig": "niet-het-huidige", "nieuw": NIEUW_WACHTWOORD},
            "Het huidige wachtwoord klopt niet.",
            id="wrong-current-password",
        ),
        pytest.param(
            {"huidig": WACHTWOORD, "nieuw": "elf-tekens!"},
            "Een wachtwoord heeft minstens 12 tekens.",
            id="too-short",
        ),
        pytest.param(
            {"huidig": WACHTWOORD, "nieuw": "Wachtwoord2026!"},
            "Dit wachtwoord wordt veel gebruikt en is daardoor makkelijk te raden",
            id="common-password-with-digits",
        ),
        pytest.param(
            {"huidig": WACHTWOORD, "nieuw": "zin-met-mijn-naam-TEST"},
            "Een wachtwoord mag uw e-mailnaam niet bevatten.",
            id="contains-email-name",
        ),
        pytest.param(
            {"huidig": WACHTWOORD, "nieuw": NIEUW_WACHTWOORD, "herhaling": NIEUW_WACHTWOORD + "x"},
            "De twee nieuwe wachtwoorden zijn niet gelijk.",
            id="repetition-differs",
        ),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(db, login_as, gegevens, melding):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER, email="mijn.naam.test@voorbeeld.nl")
    hash_voor = officer.wachtwoord_hash
    client = login_as(officer)
    gegevens = {"herhaling": gegevens["nieuw"], **gegevens}

    antwoord = client.post("/account/wachtwoord", data=gegevens)

    assert antwoord.status_code == 200
    html = antwoord.text
    assert melding in html
    assert "Het formulier is niet verwerkt." in html
    assert officer.wachtwoord_hash == hash_voor
    assert is_aangemeld(client)


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(db, login_as):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    laptop = login_as(officer)
    telefoon = login_as(officer)
    assert is_aangemeld(telefoon)

    antwoord = laptop.post(
        "/account/wachtwoord",
        data={"huidig": WACHTWOORD, "nieuw": NIEUW_WACHTWOORD, "herhaling": NIEUW_WACHTWOORD},
        follow_redirects=True,
    )

    assert "Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd." in antwoord.text
    assert is_aangemeld(laptop)
    assert not is_aangemeld(telefoon)
    assert ONGELDIG in aanmelden(telefoon, officer.email, WACHTWOORD).text
    assert aanmelden(telefoon, officer.email, NIEUW_WACHTWOORD).status_code == 302


# --- Creating accounts on screen ------------------------------------------------------------


@pytest.fixture
def beheer(login_as, amsterdam):
    """A signed-in administrator's client, with Amsterdam in the register."""
    return login_as(Rol.BEHEERDER)


def test_the_new_user_form_offers_the_municipalities(beheer, amsterdam):
    html = beheer.get("/beheer/gebruikers/nieuw").text

    assert f'<option value="{amsterdam.id}">GM0363 Amsterdam</option>' in html


def test_an_administrator_creates_a_municipality_user(app, db, beheer, amsterdam):
    antwoord = beheer.post(
        "/beheer/gebruikers/nieuw",
        data={
            "naam": "Jan Jansen",
            "email": "Jan.Jansen@Amsterdam.nl",
            "rol": "gemeente",
            "gemeente_id": str(amsterdam.id),
            "wachtwoord": WACHTWOORD,
        },
        follow_redirects=True,
    )

    html = antwoord.text
    assert antwoord.request.path == "/beheer/gebruikers"
    assert "Account voor Jan Jansen (jan.jansen@amsterdam.nl) aangemaakt." in html
    assert "GM0363 Amsterdam" in html
    nieuw = db.session.execute(
        select(Gebruiker).where(Gebruiker.email == "jan.jansen@amsterdam.nl")
    ).scalar_one()
    assert nieuw.rol is Rol.GEMEENTE
    assert nieuw.gemeente_id == amsterdam.id
    assert nieuw.actief
    zijn_client = app.test_client()
    assert "Uw herstelcodes" in aanmelden(zijn_client, "jan.jansen@amsterdam.nl").text  # enrolled
    assert zijn_client.get("/").location == "/gemeenten/GM0363"


AMSTERDAM = "amsterdam"  # replaced by Amsterdam's id in the test


@pytest.mark.parametrize(
    ("wijziging", "melding"),
    [
        pytest.param(
            {"rol": "gemeente", "gemeente_id": "0"},
            "Kies de gemeente van deze medewerker.",
            id="municipality-role-without-municipality",
        ),
        pytest.param(
            {"rol": "financien", "gemeente_id": AMSTERDAM},
            "Alleen medewerkers van een gemeente horen bij een gemeente.",
            id="other-role-with-municipality",
        ),
        pytest.param(
            {"email": "PIET@Voorbeeld.nl"},
            "Er bestaat al een account met e-mailadres piet@voorbeeld.nl.",
            id="duplicate-email-other-case",
        ),
        pytest.param(
            {"wachtwoord": "elf-tekens!"},
            "Een wachtwoord heeft minstens 12 tekens.",
            id="short-password",
        ),
        pytest.param(
            {"wachtwoord": "qwerty123456"},
            "Dit wachtwoord wordt veel gebruikt en is daardoor makkelijk te raden",
            id="common-password",
        ),
        pytest.param(
            {"email": "collega.janssen@voorbeeld.nl", "wachtwoord": "janssen-op-het-werk"},
            "Een wachtwoord mag uw e-mailnaam niet bevatten.",
            id="password-contains-the-new-users-email-name",
        ),
        pytest.param(
            {"email": "geen-e-mailadres"},
            "Dit is geen geldig e-mailadres.",
            id="invalid-email",
        ),
        pytest.param({"naam": ""}, "Vul een naam in.", id="no-name"),
        pytest.param({"naam": "N" * 121}, "Een naam is hooguit 120 tekens lang.", id="long-name"),
        pytest.param(
            {"email": "a" * 250 + "@b.nl"},
            "Een e-mailadres is hooguit 254 tekens lang.",
            id="long-email",
        ),
        pytest.param(
            {"wachtwoord": "w" * 201},
            "Een wachtwoord is hooguit 200 tekens lang.",
            id="long-password",
        ),
        # WTForms' own message for a choice that is not in the list, in its Dutch translation.
        pytest.param({"rol": "keizer"}, "Ongeldige keuze.", id="unknown-role"),
    ],
)
def test_a_refused_new_user_says_why_and_creates_nobody(db, beheer, wijziging, melding, amsterdam):
    maak_gebruiker(Rol.BELEIDSMEDEWERKER, email="piet@voorbeeld.nl")
    voor = aantal_gebruikers(db)
    gegevens = {
        "naam": "Nieuwe Collega",
        "email": "nieuw@voorbeeld.nl",
        "rol": "beleidsmedewerker",
        "gemeente_id": "0",
        "wachtwoord": WACHTWOORD,
        **wijziging,
    }
    if gegevens["gemeente_id"] == AMSTERDAM:
        gegevens["gemeente_id"] = str(amsterdam.id)

    antwoord = beheer.post("/beheer/gebruikers/nieuw", data=gegevens)

    assert antwoord.status_code == 200
    html = antwoord.text
    assert melding in html
    assert "Het formulier is niet verwerkt." in html
    assert aantal_gebruikers(db) == voor


@pytest.mark.csrf
def test_a_post_without_csrf_token_is_refused_and_changes_nothing(app, db):
    beheerder = maak_gebruiker(Rol.BEHEERDER)
    collega = maak_gebruiker(Rol.FINANCIEN)
    client = app.test_client()

    # Without the token even the login form is refused.
    geweigerd = aanmelden(client, beheerder.email)
    assert geweigerd.status_code == 400
    assert "Het formulier is verlopen of ongeldig" in geweigerd.text
    assert not is_aangemeld(client)

    # With the token from the page it works.
    token = csrf_token(client.get("/aanmelden"))
    antwoord = client.post(
        "/aanmelden",
        data={"email": beheerder.email, "wachtwoord": WACHTWOORD, "csrf_token": token},
    )
    assert tweede_factor(client, beheerder.email, antwoord).status_code == 302
    voor = aantal_gebruikers(db)

    nieuw = client.post(
        "/beheer/gebruikers/nieuw",
        data={
            "naam": "Zonder Token",
            "email": "zonder-token@voorbeeld.nl",
            "rol": "beleidsmedewerker",
            "gemeente_id": "0",
            "wachtwoord": WACHTWOORD,
        },
    )
    blokkeer = client.post(f"/beheer/gebruikers/{collega.id}/blokkeren")

    for antwoord in (nieuw, blokkeer):
        assert antwoord.status_code == 400
        html = antwoord.text
        assert "Ongeldig verzoek" in html
        assert "Het formulier is verlopen of ongeldig" in html
        assert "er is niets gewijzigd" in html
    assert aantal_gebruikers(db) == voor
    assert collega.actief is True
    assert is_aangemeld(client)


# --- flask gebruikers ... -------------------------------------------------------------------


def aanmaken(runner, *extra: str, rol: str = "gemeente", email: str = "Jan@Amsterdam.nl"):
    return runner.invoke(
        args=[
            "gebruikers",
            "aanmaken",
            "--email",
            email,
            "--naam",
            "Jan Jansen",
            "--rol",
            rol,
            "--wachtwoord",
            WACHTWOORD,
            *extra,
        ]
    )


def aanmaken_met(runner, email: str, wachtwoord: str):
    return runner.invoke(
        args=[
            "gebruikers",
            "aanmaken",
            "--email",
            email,
            "--naam",
            "Kort",
            "--rol",
            "financien",
            "--wachtwoord",
            wachtwoord,
        ]
    )


def test_cli_creates_a_municipality_user(app, db, runner, amsterdam):

    resultaat = aanmaken(runner, "--gemeente", "gm0363")

    assert resultaat.exit_code == 0, resultaat.output
    assert "Aangemaakt: jan@amsterdam.nl (Medewerker gemeente)." in resultaat.output
    nieuw = db.session.execute(
        select(Gebruiker).where(Gebruiker.email == "jan@amsterdam.nl")
    ).scalar_one()
    assert nieuw.rol is Rol.GEMEENTE
    assert nieuw.gemeente_id == amsterdam.id
    zijn_client = app.test_client()
    assert "Uw herstelcodes" in aanmelden(zijn_client, "jan@amsterdam.nl").text  # enrolled
    assert is_aangemeld(zijn_client)


@pytest.mark.parametrize(
    ("extra", "rol", "melding"),
    [
        pytest.param(
            ("--gemeente", "GM9999"),
            "gemeente",
            "Geen gemeente met CBS-code GM9999.",
            id="unknown-municipality",
        ),
        pytest.param(
            (),
            "gemeente",
            "Een medewerker van een gemeente hoort bij precies één gemeente.",
            id="municipality-role-without-municipality",
        ),
        pytest.param(
            ("--gemeente", "GM0363"),
            "financien",
            "Alleen medewerkers van een gemeente horen bij een gemeente.",
            id="other-role-with-municipality",
        ),
    ],
)
def test_cli_refuses_a_wrong_municipality_and_creates_nobody(
    db, runner, amsterdam, extra, rol, melding
):

    resultaat = aanmaken(runner, *extra, rol=rol)

    assert resultaat.exit_code == 1
    assert melding in resultaat.output
    assert aantal_gebruikers(db) == 0


def test_cli_refuses_a_short_password_and_a_duplicate_email(db, runner, amsterdam):
    maak_gebruiker(Rol.FINANCIEN, email="jan@amsterdam.nl")

    dubbel = aanmaken(runner, rol="financien", email="JAN@amsterdam.nl")
    kort = aanmaken_met(runner, "kort@voorbeeld.nl", "elf-tekens!")

    assert dubbel.exit_code == 1
    assert "Er bestaat al een account met e-mailadres jan@amsterdam.nl." in dubbel.output
    veelgebruikt = aanmaken_met(runner, "veel@voorbeeld.nl", "iloveyou2026")

    assert kort.exit_code == 1
    assert "Een wachtwoord heeft minstens 12 tekens." in kort.output
    assert veelgebruikt.exit_code == 1
    assert "Dit wachtwoord wordt veel gebruikt" in veelgebruikt.output
    assert aantal_gebruikers(db) == 1


def test_cli_lists_every_account_with_role_status_and_municipality(db, runner, amsterdam):
    maak_gebruiker(Rol.GEMEENTE, gemeente=amsterdam, email="jan@amsterdam.nl")
    maak_gebruiker(Rol.FINANCIEN, email="geld@voorbeeld.nl", actief=False)

    resultaat = runner.invoke(args=["gebruikers", "lijst"])

    assert resultaat.exit_code == 0
    regels = {regel.split()[0]: regel for regel in resultaat.output.splitlines()}
    assert "Medewerker gemeente" in regels["jan@amsterdam.nl"]
    assert "actief" in regels["jan@amsterdam.nl"]
    assert "GM0363 Amsterdam" in regels["jan@amsterdam.nl"]
    assert "Financiën" in regels["geld@voorbeeld.nl"]
    assert "geblokkeerd" in regels["geld@voorbeeld.nl"]


def test_cli_blocks_a_user_and_ends_their_session_then_unblocks(db, runner, login_as):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER, email="piet@voorbeeld.nl")
    zijn_client = login_as(officer)
    assert is_aangemeld(zijn_client)

    geblokkeerd = runner.invoke(args=["gebruikers", "blokkeren", "Piet@Voorbeeld.nl"])

    assert geblokkeerd.exit_code == 0
    assert "Geblokkeerd: Piet@Voorbeeld.nl." in geblokkeerd.output
    assert officer.actief is False
    assert not is_aangemeld(zijn_client)
    assert ONGELDIG in aanmelden(zijn_client, officer.email).text

    gedeblokkeerd = runner.invoke(args=["gebruikers", "deblokkeren", "piet@voorbeeld.nl"])

    assert gedeblokkeerd.exit_code == 0
    assert "Gedeblokkeerd: piet@voorbeeld.nl." in gedeblokkeerd.output
    assert officer.actief is True
    assert aanmelden(zijn_client, officer.email).status_code == 302


@pytest.mark.parametrize("opdracht", ["blokkeren", "deblokkeren"])
def test_cli_says_so_when_the_email_is_unknown(runner, opdracht):
    resultaat = runner.invoke(args=["gebruikers", opdracht, "niemand@voorbeeld.nl"])

    assert resultaat.exit_code == 1
    assert "Geen account met e-mailadres niemand@voorbeeld.nl." in resultaat.output
