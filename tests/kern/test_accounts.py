"""Accounts: signing in and out, passwords, blocking, and managing accounts on screen and CLI."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kern.accounts.models import Gebruiker, Rol
from kern.db import utcnow
from tests.gemeenten.factories import maak_gemeente
from tests.kern.factories import WACHTWOORD, maak_gebruiker

ONGELDIG = "Onbekend e-mailadres, onjuist wachtwoord of geblokkeerd account."
NIEUW_WACHTWOORD = "een-ander-lang-wachtwoord"


def aanmelden(client: FlaskClient, email: str, wachtwoord: str = WACHTWOORD, **kwargs):
    return client.post("/aanmelden", data={"email": email, "wachtwoord": wachtwoord}, **kwargs)


def is_aangemeld(client: FlaskClient) -> bool:
    """Signed in when the start page does not send the client to the login form."""
    antwoord = client.get("/")
    return not (antwoord.status_code == 302 and urlsplit(antwoord.location).path == "/aanmelden")


def uit_database(db, gebruiker: Gebruiker) -> Gebruiker:
    """The user as the database holds it now, not as this session remembers it."""
    db.session.expire_all()
    return db.session.get(Gebruiker, gebruiker.id)


def aantal_gebruikers(db) -> int:
    return db.session.execute(select(func.count(Gebruiker.id))).scalar_one()


# --- Signing in and out ---------------------------------------------------------------------


def test_signing_in_welcomes_the_user_and_records_when(app, db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    db.session.commit()
    voor = utcnow()

    antwoord = aanmelden(client, officer.email)

    assert antwoord.status_code == 302
    assert antwoord.location == "/"
    assert f"Welkom, {officer.naam}." in client.get("/").get_data(as_text=True)
    aangemeld_op = uit_database(db, officer).laatst_aangemeld_op
    assert aangemeld_op is not None
    assert aangemeld_op.tzinfo is not None
    assert voor - timedelta(seconds=1) <= aangemeld_op <= utcnow()


def test_the_email_address_is_not_case_sensitive(app, db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER, email="piet@voorbeeld.nl")
    db.session.commit()

    assert aanmelden(client, " Piet@Voorbeeld.NL").status_code == 302
    assert is_aangemeld(client)
    assert uit_database(db, officer).laatst_aangemeld_op is not None


@pytest.mark.parametrize("geval", ["wrong-password", "unknown-email", "blocked-user"])
def test_a_failed_login_says_the_same_for_every_reason_and_signs_nobody_in(app, db, client, geval):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER, actief=geval != "blocked-user")
    db.session.commit()
    email, wachtwoord = {
        "wrong-password": (officer.email, "niet-het-goede-wachtwoord"),
        "unknown-email": ("niemand@voorbeeld.nl", WACHTWOORD),
        "blocked-user": (officer.email, WACHTWOORD),
    }[geval]

    antwoord = aanmelden(client, email, wachtwoord)

    assert antwoord.status_code == 200
    assert ONGELDIG in antwoord.get_data(as_text=True)
    assert not is_aangemeld(client)
    assert uit_database(db, officer).laatst_aangemeld_op is None


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
def test_next_is_followed_only_to_a_local_path(app, db, client, volgende, verwacht):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    db.session.commit()

    antwoord = client.post(
        "/aanmelden",
        query_string={"next": volgende},
        data={"email": officer.email, "wachtwoord": WACHTWOORD},
    )

    assert antwoord.status_code == 302
    assert antwoord.location == verwacht


def test_a_page_that_needs_a_login_sends_the_visitor_there_and_back(app, db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    db.session.commit()

    naar_login = client.get("/gemeenten/")
    assert naar_login.status_code == 302
    assert naar_login.location == "/aanmelden?next=%2Fgemeenten%2F"
    login_pagina = client.get(naar_login.location).get_data(as_text=True)
    assert "Meld u aan om deze pagina te zien." in login_pagina

    terug = aanmelden(client, officer.email, query_string={"next": "/gemeenten/"})
    assert terug.location == "/gemeenten/"


def test_signing_out_takes_a_post(app, db, login):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    db.session.commit()
    client = login(officer)

    antwoord = client.get("/afmelden")

    assert antwoord.status_code == 405
    assert "Niet toegestaan" in antwoord.get_data(as_text=True)
    assert is_aangemeld(client)


def test_signing_out_ends_the_session(app, db, login):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    db.session.commit()
    client = login(officer)

    antwoord = client.post("/afmelden", follow_redirects=True)

    assert antwoord.request.path == "/aanmelden"
    assert "U bent afgemeld." in antwoord.get_data(as_text=True)
    assert not is_aangemeld(client)


def test_the_cookie_from_before_signing_out_no_longer_opens_pages(app, db, login):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    db.session.commit()
    client = login(officer)
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


def test_blocking_a_user_ends_their_session_at_once(app, db, login):
    medewerker = maak_gebruiker(Rol.FINANCIEN)
    beheerder = maak_gebruiker(Rol.BEHEERDER)
    db.session.commit()
    zijn_client = app.test_client()
    aanmelden(zijn_client, medewerker.email)
    assert is_aangemeld(zijn_client)
    beheer = login(beheerder)

    antwoord = beheer.post(f"/beheer/gebruikers/{medewerker.id}/blokkeren", follow_redirects=True)

    assert antwoord.request.path == "/beheer/gebruikers"
    assert f"{medewerker.naam} is geblokkeerd; alle sessies zijn beëindigd." in antwoord.get_data(
        as_text=True
    )
    assert uit_database(db, medewerker).actief is False
    assert not is_aangemeld(zijn_client)
    assert ONGELDIG in aanmelden(zijn_client, medewerker.email).get_data(as_text=True)
    assert not is_aangemeld(zijn_client)


def test_an_unblocked_user_can_sign_in_again(app, db, login):
    medewerker = maak_gebruiker(Rol.FINANCIEN, actief=False)
    beheerder = maak_gebruiker(Rol.BEHEERDER)
    db.session.commit()
    beheer = login(beheerder)

    antwoord = beheer.post(f"/beheer/gebruikers/{medewerker.id}/deblokkeren", follow_redirects=True)

    assert f"{medewerker.naam} kan weer aanmelden." in antwoord.get_data(as_text=True)
    assert uit_database(db, medewerker).actief is True
    zijn_client = app.test_client()
    assert aanmelden(zijn_client, medewerker.email).status_code == 302
    assert is_aangemeld(zijn_client)


def test_an_administrator_cannot_block_themself(app, db, login):
    beheerder = maak_gebruiker(Rol.BEHEERDER)
    db.session.commit()
    client = login(beheerder)

    antwoord = client.post(f"/beheer/gebruikers/{beheerder.id}/blokkeren", follow_redirects=True)

    assert "U kunt uw eigen account niet blokkeren." in antwoord.get_data(as_text=True)
    assert uit_database(db, beheerder).actief is True
    assert client.get("/beheer/gebruikers").status_code == 200


def test_blocking_an_unknown_user_is_a_404(app, db, login):
    beheerder = maak_gebruiker(Rol.BEHEERDER)
    db.session.commit()

    antwoord = login(beheerder).post("/beheer/gebruikers/999999/blokkeren")

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
            {"huidig": WACHTWOORD, "nieuw": NIEUW_WACHTWOORD, "herhaling": NIEUW_WACHTWOORD + "x"},
            "De twee nieuwe wachtwoorden zijn niet gelijk.",
            id="repetition-differs",
        ),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(app, db, login, gegevens, melding):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    db.session.commit()
    hash_voor, sleutel_voor = officer.wachtwoord_hash, officer.sessiesleutel
    client = login(officer)
    gegevens = {"herhaling": gegevens["nieuw"], **gegevens}

    antwoord = client.post("/account/wachtwoord", data=gegevens)

    assert antwoord.status_code == 200
    html = antwoord.get_data(as_text=True)
    assert melding in html
    assert "Het formulier is niet verwerkt." in html
    opgeslagen = uit_database(db, officer)
    assert opgeslagen.wachtwoord_hash == hash_voor
    assert opgeslagen.sessiesleutel == sleutel_voor
    assert is_aangemeld(client)


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(app, db, login):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    db.session.commit()
    laptop = login(officer)
    telefoon = app.test_client()
    aanmelden(telefoon, officer.email)
    assert is_aangemeld(telefoon)

    antwoord = laptop.post(
        "/account/wachtwoord",
        data={"huidig": WACHTWOORD, "nieuw": NIEUW_WACHTWOORD, "herhaling": NIEUW_WACHTWOORD},
        follow_redirects=True,
    )

    assert "Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd." in antwoord.get_data(
        as_text=True
    )
    assert is_aangemeld(laptop)
    assert not is_aangemeld(telefoon)
    assert ONGELDIG in aanmelden(telefoon, officer.email, WACHTWOORD).get_data(as_text=True)
    assert aanmelden(telefoon, officer.email, NIEUW_WACHTWOORD).status_code == 302


# --- Creating accounts on screen ------------------------------------------------------------


@pytest.fixture
def beheer(app, db, login):
    """A signed-in administrator's client, with Amsterdam in the register."""
    maak_gemeente("GM0363", "Amsterdam")
    beheerder = maak_gebruiker(Rol.BEHEERDER)
    db.session.commit()
    return login(beheerder)


def amsterdam_id(db) -> int:
    from gemeenten.models import Gemeente

    return db.session.execute(select(Gemeente.id).where(Gemeente.cbs_code == "GM0363")).scalar_one()


def test_the_new_user_form_offers_the_municipalities(app, db, beheer):
    html = beheer.get("/beheer/gebruikers/nieuw").get_data(as_text=True)

    assert f'<option value="{amsterdam_id(db)}">GM0363 Amsterdam</option>' in html


def test_an_administrator_creates_a_municipality_user(app, db, beheer):
    antwoord = beheer.post(
        "/beheer/gebruikers/nieuw",
        data={
            "naam": "Jan Jansen",
            "email": "Jan.Jansen@Amsterdam.nl",
            "rol": "gemeente",
            "gemeente_id": str(amsterdam_id(db)),
            "wachtwoord": WACHTWOORD,
        },
        follow_redirects=True,
    )

    html = antwoord.get_data(as_text=True)
    assert antwoord.request.path == "/beheer/gebruikers"
    assert "Account voor Jan Jansen (jan.jansen@amsterdam.nl) aangemaakt." in html
    assert "GM0363 Amsterdam" in html
    nieuw = db.session.execute(
        select(Gebruiker).where(Gebruiker.email == "jan.jansen@amsterdam.nl")
    ).scalar_one()
    assert nieuw.rol is Rol.GEMEENTE
    assert nieuw.gemeente_id == amsterdam_id(db)
    assert nieuw.actief
    zijn_client = app.test_client()
    assert aanmelden(zijn_client, "jan.jansen@amsterdam.nl").location == "/"
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
def test_a_refused_new_user_says_why_and_creates_nobody(app, db, beheer, wijziging, melding):
    maak_gebruiker(Rol.BELEIDSMEDEWERKER, email="piet@voorbeeld.nl")
    db.session.commit()
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
        gegevens["gemeente_id"] = str(amsterdam_id(db))

    antwoord = beheer.post("/beheer/gebruikers/nieuw", data=gegevens)

    assert antwoord.status_code == 200
    html = antwoord.get_data(as_text=True)
    assert melding in html
    assert "Het formulier is niet verwerkt." in html
    db.session.expire_all()
    assert aantal_gebruikers(db) == voor


@pytest.mark.csrf
def test_a_post_without_csrf_token_is_refused_and_changes_nothing(app, db):
    beheerder = maak_gebruiker(Rol.BEHEERDER)
    collega = maak_gebruiker(Rol.FINANCIEN)
    db.session.commit()
    client = app.test_client()

    # Without the token even the login form is refused.
    geweigerd = aanmelden(client, beheerder.email)
    assert geweigerd.status_code == 400
    assert "Het formulier is verlopen of ongeldig" in geweigerd.get_data(as_text=True)
    assert not is_aangemeld(client)

    # With the token from the page it works.
    pagina = client.get("/aanmelden").get_data(as_text=True)
    gevonden = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', pagina)
    assert gevonden is not None
    token = gevonden.group(1)
    antwoord = client.post(
        "/aanmelden",
        data={"email": beheerder.email, "wachtwoord": WACHTWOORD, "csrf_token": token},
    )
    assert antwoord.status_code == 302
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
        html = antwoord.get_data(as_text=True)
        assert "Ongeldig verzoek" in html
        assert "Het formulier is verlopen of ongeldig" in html
        assert "er is niets gewijzigd" in html
    db.session.expire_all()
    assert aantal_gebruikers(db) == voor
    assert uit_database(db, collega).actief is True
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


def test_cli_creates_a_municipality_user(app, db, runner):
    maak_gemeente("GM0363", "Amsterdam")
    db.session.commit()

    resultaat = aanmaken(runner, "--gemeente", "gm0363")

    assert resultaat.exit_code == 0, resultaat.output
    assert "Aangemaakt: jan@amsterdam.nl (Medewerker gemeente)." in resultaat.output
    db.session.expire_all()
    nieuw = db.session.execute(
        select(Gebruiker).where(Gebruiker.email == "jan@amsterdam.nl")
    ).scalar_one()
    assert nieuw.rol is Rol.GEMEENTE
    assert nieuw.gemeente_id == amsterdam_id(db)
    assert aanmelden(app.test_client(), "jan@amsterdam.nl").status_code == 302


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
def test_cli_refuses_a_wrong_municipality_and_creates_nobody(app, db, runner, extra, rol, melding):
    maak_gemeente("GM0363", "Amsterdam")
    db.session.commit()

    resultaat = aanmaken(runner, *extra, rol=rol)

    assert resultaat.exit_code == 1
    assert melding in resultaat.output
    db.session.expire_all()
    assert aantal_gebruikers(db) == 0


def test_cli_refuses_a_short_password_and_a_duplicate_email(app, db, runner):
    maak_gebruiker(Rol.FINANCIEN, email="jan@amsterdam.nl")
    db.session.commit()

    dubbel = aanmaken(runner, rol="financien", email="JAN@amsterdam.nl")
    kort = runner.invoke(
        args=[
            "gebruikers",
            "aanmaken",
            "--email",
            "kort@voorbeeld.nl",
            "--naam",
            "Kort",
            "--rol",
            "financien",
            "--wachtwoord",
            "elf-tekens!",
        ]
    )

    assert dubbel.exit_code == 1
    assert "Er bestaat al een account met e-mailadres jan@amsterdam.nl." in dubbel.output
    assert kort.exit_code == 1
    assert "Een wachtwoord heeft minstens 12 tekens." in kort.output
    db.session.expire_all()
    assert aantal_gebruikers(db) == 1


def test_cli_lists_every_account_with_role_status_and_municipality(app, db, runner):
    amsterdam = maak_gemeente("GM0363", "Amsterdam")
    maak_gebruiker(Rol.GEMEENTE, gemeente=amsterdam, email="jan@amsterdam.nl")
    maak_gebruiker(Rol.FINANCIEN, email="geld@voorbeeld.nl", actief=False)
    db.session.commit()

    resultaat = runner.invoke(args=["gebruikers", "lijst"])

    assert resultaat.exit_code == 0
    regels = {regel.split()[0]: regel for regel in resultaat.output.splitlines()}
    assert "Medewerker gemeente" in regels["jan@amsterdam.nl"]
    assert "actief" in regels["jan@amsterdam.nl"]
    assert "GM0363 Amsterdam" in regels["jan@amsterdam.nl"]
    assert "Financiën" in regels["geld@voorbeeld.nl"]
    assert "geblokkeerd" in regels["geld@voorbeeld.nl"]


def test_cli_blocks_a_user_and_ends_their_session_then_unblocks(app, db, runner):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER, email="piet@voorbeeld.nl")
    db.session.commit()
    zijn_client = app.test_client()
    aanmelden(zijn_client, officer.email)
    assert is_aangemeld(zijn_client)

    geblokkeerd = runner.invoke(args=["gebruikers", "blokkeren", "Piet@Voorbeeld.nl"])

    assert geblokkeerd.exit_code == 0
    assert "Geblokkeerd: Piet@Voorbeeld.nl." in geblokkeerd.output
    assert uit_database(db, officer).actief is False
    assert not is_aangemeld(zijn_client)
    assert ONGELDIG in aanmelden(zijn_client, officer.email).get_data(as_text=True)

    gedeblokkeerd = runner.invoke(args=["gebruikers", "deblokkeren", "piet@voorbeeld.nl"])

    assert gedeblokkeerd.exit_code == 0
    assert "Gedeblokkeerd: piet@voorbeeld.nl." in gedeblokkeerd.output
    assert uit_database(db, officer).actief is True
    assert aanmelden(zijn_client, officer.email).status_code == 302


@pytest.mark.parametrize("opdracht", ["blokkeren", "deblokkeren"])
def test_cli_says_so_when_the_email_is_unknown(app, db, runner, opdracht):
    resultaat = runner.invoke(args=["gebruikers", opdracht, "niemand@voorbeeld.nl"])

    assert resultaat.exit_code == 1
    assert "Geen account met e-mailadres niemand@voorbeeld.nl." in resultaat.output
