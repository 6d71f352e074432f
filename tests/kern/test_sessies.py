"""Sessions on the server (kern/accounts/sessies.py): each sign-in its own, ending on its own
(signing out, idle for 30 minutes, 12 hours old) or all together (a new password, blocking,
"overal afmelden"); a copy of an ended session's cookie opens nothing."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from kern.accounts.models import Gebruiker, Rol, Sessie, sleutel_van
from kern.db import utcnow
from tests.aanmelden import meld_aan
from tests.kern.factories import WACHTWOORD, maak_gebruiker
from tests.pagina import meldingen, tekst


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SESSIE_ACTIVITEIT_BIJWERKEN_NA": 60}


def is_aangemeld(client: FlaskClient) -> bool:
    antwoord = client.get("/")
    return not (antwoord.status_code == 302 and urlsplit(antwoord.location).path == "/aanmelden")


def kopie(app, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s cookie (same address, same browser)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    dief = app.test_client()
    dief.set_cookie("session", cookie.value, domain=cookie.domain)
    return dief


def token_van(app, client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    inhoud = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    return str(inhoud["_user_id"])


def sessies_van(db, gebruiker: Gebruiker) -> list[Sessie]:
    return list(
        db.session.execute(
            select(Sessie).where(Sessie.gebruiker_id == gebruiker.id).order_by(Sessie.id)
        ).scalars()
    )


@pytest.fixture
def officer(db):
    return maak_gebruiker(Rol.BELEIDSMEDEWERKER, email="ambtenaar@voorbeeld.nl")


def test_every_sign_in_is_a_session_of_its_own_and_the_database_keeps_only_its_hash(
    app, db, login_as, officer
):
    laptop = login_as(officer)
    telefoon = login_as(officer)

    lopend = sessies_van(db, officer)
    assert len(lopend) == 2
    tokens = {token_van(app, laptop), token_van(app, telefoon)}
    assert len(tokens) == 2
    assert {s.sleutel for s in lopend} == {sleutel_van(t) for t in tokens}
    assert not tokens & {s.sleutel for s in lopend}  # the cookie's token is not in the table


def test_signing_in_again_in_the_same_browser_gives_a_new_cookie(app, db, login_as, officer):
    client = login_as(officer)
    voor = token_van(app, client)
    client.post("/afmelden")

    meld_aan(client, officer.email, WACHTWOORD)

    assert token_van(app, client) != voor
    assert is_aangemeld(client)


def test_signing_out_ends_this_session_only_and_its_cookie_opens_nothing(
    app, db, login_as, officer
):
    laptop = login_as(officer)
    telefoon = login_as(officer)
    dief = kopie(app, laptop)

    laptop.post("/afmelden")

    assert not is_aangemeld(laptop)
    assert not is_aangemeld(dief)  # the replayed cookie of the ended session
    assert is_aangemeld(telefoon)
    afgelopen, lopend = sessies_van(db, officer)
    assert afgelopen.beeindigd_op is not None
    assert lopend.beeindigd_op is None


@pytest.mark.parametrize(
    ("stil", "open_"),
    [(timedelta(minutes=29), True), (timedelta(minutes=31), False)],
    ids=["idle-29-minutes", "idle-31-minutes"],
)
def test_a_session_ends_after_30_minutes_without_a_request(app, db, login_as, officer, stil, open_):
    client = login_as(officer)
    dief = kopie(app, client)
    (sessie,) = sessies_van(db, officer)
    sessie.laatst_actief_op = utcnow() - stil

    assert is_aangemeld(client) is open_
    assert is_aangemeld(dief) is open_
    (sessie,) = sessies_van(db, officer)
    if open_:
        assert utcnow() - sessie.laatst_actief_op < timedelta(minutes=1)  # activity written
        assert sessie.beeindigd_op is None
    else:
        assert sessie.beeindigd_op is not None


def test_a_session_ends_12_hours_after_signing_in_however_active(app, db, login_as, officer):
    client = login_as(officer)
    (sessie,) = sessies_van(db, officer)
    sessie.begonnen_op = utcnow() - timedelta(hours=12, minutes=1)
    sessie.laatst_actief_op = utcnow()

    assert not is_aangemeld(client)
    antwoord = client.get("/gemeenten/")
    assert antwoord.location == "/aanmelden?next=%2Fgemeenten%2F"


def test_activity_is_written_at_most_once_a_minute(app, db, login_as, officer):
    client = login_as(officer)
    (sessie,) = sessies_van(db, officer)
    eerder = utcnow() - timedelta(seconds=30)
    sessie.laatst_actief_op = eerder

    client.get("/")

    (sessie,) = sessies_van(db, officer)
    assert sessie.laatst_actief_op == eerder


def test_the_overview_lists_ones_own_running_sessions_and_marks_this_one(
    db, login_as, officer, beleidsmedewerker
):
    laptop = login_as(officer)
    login_as(officer)
    login_as(beleidsmedewerker)  # someone else's session is not shown
    afgelopen = login_as(officer)
    afgelopen.post("/afmelden")

    pagina = laptop.get("/account/sessies")

    assert pagina.status_code == 200
    inhoud = tekst(pagina)
    assert "Lopende sessies (2)" in inhoud
    assert inhoud.count("deze sessie") == 1
    assert "Een sessie eindigt na 30 minuten zonder activiteit, en altijd 12 uur na" in inhoud


def test_signing_out_elsewhere_keeps_this_session(app, db, login_as, officer):
    laptop = login_as(officer)
    telefoon = login_as(officer)
    tablet = login_as(officer)

    antwoord = laptop.post("/account/sessies/elders-afmelden", follow_redirects=True)

    assert meldingen(antwoord) == [("succes", "Afgemeld op 2 andere apparaten.")]
    assert is_aangemeld(laptop)
    assert not is_aangemeld(telefoon)
    assert not is_aangemeld(tablet)


def test_signing_out_everywhere_ends_every_session_this_one_included(app, db, login_as, officer):
    laptop = login_as(officer)
    telefoon = login_as(officer)
    dief = kopie(app, laptop)

    antwoord = laptop.post("/account/sessies/overal-afmelden", follow_redirects=True)

    assert antwoord.request.path == "/aanmelden"
    assert ("info", "U bent overal afgemeld, ook hier.") in meldingen(antwoord)
    assert not any(is_aangemeld(c) for c in (laptop, telefoon, dief))
    assert all(s.beeindigd_op is not None for s in sessies_van(db, officer))


def test_a_new_password_ends_every_other_session_and_starts_a_new_one_here(
    app, db, login_as, officer
):
    laptop = login_as(officer)
    telefoon = login_as(officer)
    dief = kopie(app, laptop)

    laptop.post(
        "/account/wachtwoord",
        data={
            "huidig": WACHTWOORD,
            "nieuw": "een nieuw en lang zinnetje",
            "herhaling": "een nieuw en lang zinnetje",
        },
    )

    assert is_aangemeld(laptop)
    assert not is_aangemeld(telefoon)
    assert not is_aangemeld(dief)  # the cookie from before the change
    assert sum(s.beeindigd_op is None for s in sessies_van(db, officer)) == 1


def test_blocking_ends_every_session(db, login_as, officer):
    laptop = login_as(officer)
    beheer = login_as(Rol.BEHEERDER)

    beheer.post(f"/beheer/gebruikers/{officer.id}/blokkeren")

    assert not is_aangemeld(laptop)
    assert all(s.beeindigd_op is not None for s in sessies_van(db, officer))


def test_a_copied_cookie_in_another_browser_opens_nothing(app, db, login_as, officer):
    """Flask-Login's strong session protection: the cookie is bound to the address and the
    browser that signed in (a permanent session would only mark it stale)."""
    client = login_as(officer)
    dief = kopie(app, client)
    dief.environ_base["HTTP_USER_AGENT"] = "Een andere browser/1.0"

    assert not is_aangemeld(dief)
    assert is_aangemeld(client)
