"""Signing in with two factors, as a browser does: a password alone reaches no protected page;
enrolling at the first sign-in; codes and recovery codes that work once; wrong codes refused
and counted; cookies of ended sessions refused; the development-only skip."""

from __future__ import annotations

import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession

from kern.accounts import tweede_factor
from kern.accounts.access import rollen_van
from kern.accounts.models import Gebruiker, Rol, Sessie
from kern.beveiligingslog import Beveiligingsregel, Gebeurtenis, Resultaat
from kern.db import utcnow
from tests.aanmelden import geheim_op_pagina, vergeet_laatste_stap
from tests.kern.factories import WACHTWOORD, maak_gebruiker
from tests.kern.test_security import koppen_fouten
from tests.kern.test_sessies import is_aangemeld, kopie
from tests.kern.test_toegang import REGELS, VOORBEELDEN, bouw_url, regel_in, vraag
from tests.pagina import foutmeldingen, meldingen, tekst

FOUT = (
    "Deze code klopt niet of is al gebruikt. Wacht op de volgende code uit uw app, "
    "of gebruik een herstelcode."
)


def wachtwoord_alleen(client, gebruiker: Gebruiker, **kwargs):
    """The first step only: the password."""
    return client.post(
        "/aanmelden", data={"email": gebruiker.email, "wachtwoord": WACHTWOORD}, **kwargs
    )


def code_nu(gebruiker: Gebruiker) -> str:
    assert gebruiker.totp_geheim is not None
    return pyotp.TOTP(gebruiker.totp_geheim).now()


def log(db, gebeurtenis: Gebeurtenis) -> list[tuple[str, Resultaat, str]]:
    return [
        (r.door, r.resultaat, r.toelichting)
        for r in db.session.execute(
            select(Beveiligingsregel)
            .where(Beveiligingsregel.gebeurtenis == gebeurtenis)
            .order_by(Beveiligingsregel.id)
        ).scalars()
    ]


# --- A password alone reaches nothing -------------------------------------------------------


def test_a_password_alone_reaches_no_protected_page(app, db, twee_gemeenten):
    """Every route of the URL map, every method, with a session whose password checked out
    and whose second factor is pending: only public pages answer; the rest send the browser
    to the login page (which sends it on to the code), and nothing changes its session."""
    beheerder = twee_gemeenten.gebruikers[Rol.BEHEERDER]  # the widest role but one's reach
    client = app.test_client()
    assert urlsplit(wachtwoord_alleen(client, beheerder).location).path == "/aanmelden/code"
    fouten = []
    for endpoint, pad, methode in REGELS:
        if rollen_van(app, endpoint) is None:
            continue  # public: the login page, the health check, the second factor's pages
        url = bouw_url(regel_in(app, endpoint, pad), twee_gemeenten, VOORBEELDEN)
        antwoord = vraag(client, url, methode)
        doel = urlsplit(antwoord.location or "").path
        if antwoord.status_code != 302 or doel != "/aanmelden":
            fouten.append(f"{methode} {url}: {antwoord.status_code} {antwoord.location}")
    assert not fouten, "\n".join(fouten)
    (sessie,) = db.session.execute(select(Sessie)).scalars()
    assert sessie.beeindigd_op is None
    assert sessie.tweede_factor_op is None
    naar_code = client.get("/aanmelden?next=/beheer/gebruikers")
    assert naar_code.location == "/aanmelden/code?next=/beheer/gebruikers"


def test_the_code_then_opens_the_page_the_browser_wanted(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    naar_login = client.get("/gemeenten/")
    na_wachtwoord = wachtwoord_alleen(client, officer, query_string={"next": "/gemeenten/"})
    assert na_wachtwoord.location == "/aanmelden/code?next=/gemeenten/"
    assert not is_aangemeld(client)

    antwoord = client.post(na_wachtwoord.location, data={"code": code_nu(officer)})

    assert naar_login.location == "/aanmelden?next=%2Fgemeenten%2F"
    assert antwoord.location == "/gemeenten/"
    assert is_aangemeld(client)
    assert db.session.get(Gebruiker, officer.id).laatst_aangemeld_op is not None
    assert log(db, Gebeurtenis.TWEEDE_FACTOR) == [
        (officer.email, Resultaat.GELUKT, "code uit de app")
    ]


def test_the_signed_in_session_gets_a_new_cookie_and_the_pending_one_opens_nothing(app, db):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    client = app.test_client()
    wachtwoord_alleen(client, officer)
    wachtend = kopie(app, client)

    client.post("/aanmelden/code", data={"code": code_nu(officer)})

    assert is_aangemeld(client)
    assert not is_aangemeld(wachtend)  # the cookie from between the two steps
    assert wachtend.get("/aanmelden/code").location == "/aanmelden"


def test_signing_out_before_the_second_factor_ends_the_waiting_session(app, db):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    client = app.test_client()
    wachtwoord_alleen(client, officer)
    dief = kopie(app, client)

    antwoord = client.post("/aanmelden/afbreken", follow_redirects=True)

    assert meldingen(antwoord) == [("info", "U bent afgemeld.")]
    assert db.session.execute(select(Sessie.beeindigd_op)).scalar_one() is not None
    assert dief.post("/aanmelden/code", data={"code": code_nu(officer)}).location == "/aanmelden"
    assert not is_aangemeld(dief)


def test_the_second_factor_must_follow_within_15_minutes(app, db):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    client = app.test_client()
    wachtwoord_alleen(client, officer)
    sessie = db.session.execute(select(Sessie)).scalar_one()
    sessie.begonnen_op = sessie.laatst_actief_op = utcnow() - timedelta(minutes=16)

    antwoord = client.post("/aanmelden/code", data={"code": code_nu(officer)})

    assert antwoord.location == "/aanmelden"
    assert not is_aangemeld(client)
    assert db.session.execute(select(Sessie.beeindigd_op)).scalar_one() is not None


# --- Codes work once; wrong ones are refused and counted -------------------------------------


def test_a_code_is_refused_the_second_time_also_within_its_30_seconds(app, db):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    code = code_nu(officer)
    eerste, tweede = app.test_client(), app.test_client()
    wachtwoord_alleen(eerste, officer)
    wachtwoord_alleen(tweede, officer)

    gelukt = eerste.post("/aanmelden/code", data={"code": code})
    herhaald = tweede.post("/aanmelden/code", data={"code": code})

    assert gelukt.status_code == 302
    assert herhaald.status_code == 400
    assert foutmeldingen(herhaald) == [FOUT]
    assert not is_aangemeld(tweede)
    assert log(db, Gebeurtenis.TWEEDE_FACTOR)[-1] == (
        f"{officer.email} (poging)",
        Resultaat.MISLUKT,
        "code al gebruikt",
    )


@pytest.mark.parametrize("code", ["000000x", "", "12 34", "<script>", "١٢٣٤٥٦", "9" * 41])
def test_a_wrong_code_is_refused_in_dutch_and_signs_nobody_in(db, client, code):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    wachtwoord_alleen(client, officer)

    antwoord = client.post("/aanmelden/code", data={"code": code})

    assert antwoord.status_code == 400
    assert foutmeldingen(antwoord)
    assert not is_aangemeld(client)
    assert db.session.get(Gebruiker, officer.id).totp_laatste_stap is None


@pytest.mark.ratelimit
def test_wrong_codes_count_with_wrong_passwords_and_then_even_the_right_code_waits(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    client.post("/aanmelden", data={"email": officer.email, "wachtwoord": "fout-wachtwoord-12"})
    wachtwoord_alleen(client, officer)
    goed = code_nu(officer)
    fout = f"{(int(goed) + 500_000) % 10**6:06d}"
    for _ in range(4):
        assert client.post("/aanmelden/code", data={"code": fout}).status_code == 400

    geweigerd = client.post("/aanmelden/code", data={"code": goed})

    assert geweigerd.status_code == 429
    assert 590 <= int(geweigerd.headers["Retry-After"]) <= 600
    assert "U kunt het over 10 minuten opnieuw proberen." in tekst(geweigerd)
    assert not is_aangemeld(client)
    pogingen = log(db, Gebeurtenis.TWEEDE_FACTOR)
    assert [r for _, r, _ in pogingen] == [Resultaat.MISLUKT] * 4 + [Resultaat.GEWEIGERD]
    assert db.session.get(Gebruiker, officer.id).totp_laatste_stap is None  # the code unused


# --- Recovery codes -------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(app, db):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    codes = tweede_factor.nieuwe_herstelcodes(officer)
    eerste, tweede = app.test_client(), app.test_client()
    wachtwoord_alleen(eerste, officer)
    wachtwoord_alleen(tweede, officer)

    gelukt = eerste.post("/aanmelden/code", data={"code": codes[0]}, follow_redirects=True)
    herhaald = tweede.post("/aanmelden/code", data={"code": codes[0]})

    assert (
        "info",
        "U bent aangemeld met een herstelcode; u heeft er nog 9. Elke herstelcode werkt één "
        "keer. Nieuwe maakt u onder 'Tweede factor'.",
    ) in meldingen(gelukt)
    assert herhaald.status_code == 400
    assert not is_aangemeld(tweede)
    assert "nog 9 herstelcodes ongebruikt" in tekst(eerste.get("/account/tweede-factor"))


def test_new_recovery_codes_replace_the_old_ones(db, login_as):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    oud = tweede_factor.nieuwe_herstelcodes(officer)
    client = login_as(officer)

    pagina = client.post("/account/tweede-factor/herstelcodes")

    assert pagina.headers["Cache-Control"] == "no-store"
    nieuw = [c for c in tekst(pagina).split() if len(c) == 19 and c.count("-") == 3]
    assert len(nieuw) == 10
    assert not tweede_factor.controleer(db.session.get(Gebruiker, officer.id), oud[0]).goed
    assert tweede_factor.controleer(db.session.get(Gebruiker, officer.id), nieuw[0]).goed


# --- Enrolling ------------------------------------------------------------------------------


def test_the_first_sign_in_enrols_with_a_qr_code_and_shows_recovery_codes_once(app, db):
    nieuw = maak_gebruiker(Rol.FINANCIEN, tweede_factor=False)
    client = app.test_client()

    na_wachtwoord = wachtwoord_alleen(client, nieuw)
    pagina = client.get(na_wachtwoord.location)
    nogmaals = client.get(na_wachtwoord.location)
    geheim = geheim_op_pagina(pagina)
    fout = client.post(
        "/aanmelden/instellen",
        data={"code": f"{(int(pyotp.TOTP(geheim).now()) + 1) % 10**6:06d}"},
    )
    na_fout = is_aangemeld(client)
    klaar = client.post("/aanmelden/instellen", data={"code": pyotp.TOTP(geheim).now()})

    assert na_wachtwoord.location == "/aanmelden/instellen"
    assert pagina.status_code == 200
    assert '<svg width="' in pagina.text
    assert "<title>QR-code om de tweede factor in te stellen</title>" in pagina.text
    assert koppen_fouten(pagina, "the enrolment page") == []  # no script, no inline style
    assert geheim_op_pagina(nogmaals) == geheim
    assert fout.status_code == 400
    assert not na_fout
    assert klaar.status_code == 200
    assert klaar.headers["Cache-Control"] == "no-store"
    assert "Uw herstelcodes" in tekst(klaar)
    assert is_aangemeld(client)
    gebruiker = db.session.get(Gebruiker, nieuw.id)
    assert gebruiker.totp_geheim == geheim
    assert tweede_factor.herstelcodes_over(gebruiker) == 10
    assert log(db, Gebeurtenis.TWEEDE_FACTOR_INGESTELD) == [(nieuw.email, Resultaat.GELUKT, "")]


def test_an_enrolled_account_is_not_shown_its_secret_again(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    wachtwoord_alleen(client, officer)

    antwoord = client.get("/aanmelden/instellen")

    assert antwoord.location == "/aanmelden/code"


def test_after_a_reset_the_old_cookie_is_refused_and_the_next_sign_in_enrols_anew(
    app, db, login_as
):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    oud_geheim = officer.totp_geheim
    laptop = login_as(officer)
    dief = kopie(app, laptop)
    login_as(Rol.BEHEERDER).post(f"/beheer/gebruikers/{officer.id}/tweede-factor-resetten")

    opnieuw = app.test_client()
    na_wachtwoord = wachtwoord_alleen(opnieuw, officer)
    oude_code = opnieuw.post(
        "/aanmelden/code", data={"code": pyotp.TOTP(oud_geheim).now()}, follow_redirects=True
    )

    assert not is_aangemeld(laptop)
    assert not is_aangemeld(dief)
    assert na_wachtwoord.location == "/aanmelden/instellen"
    assert oude_code.request.path == "/aanmelden/instellen"
    assert not is_aangemeld(opnieuw)
    assert geheim_op_pagina(oude_code) != oud_geheim


def test_login_as_completes_the_real_flow_also_for_an_account_without_a_factor(db, login_as):
    nieuw = maak_gebruiker(Rol.FINANCIEN, tweede_factor=False)

    client = login_as(nieuw)

    assert is_aangemeld(client)
    assert tweede_factor.ingesteld(db.session.get(Gebruiker, nieuw.id))


# --- Development may skip it, and says so ----------------------------------------------------


@pytest.fixture
def app_config(app_config, request):
    if request.node.get_closest_marker("overslaan"):
        return {**app_config, "APP_ENV": "development", "TWEEDE_FACTOR_OVERSLAAN": True}
    return app_config


@pytest.mark.overslaan
def test_in_development_the_factor_may_be_skipped_and_every_page_says_so(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER, tweede_factor=False)

    antwoord = wachtwoord_alleen(client, officer)
    start = client.get("/")

    assert antwoord.location == "/"
    assert start.status_code == 200
    assert "Tweede factor overgeslagen: alleen in ontwikkeling." in tekst(start)
    assert "Tweede factor overgeslagen: alleen in ontwikkeling." in tekst(client.get("/gemeenten/"))
    assert log(db, Gebeurtenis.AANMELDEN) == [
        (officer.email, Resultaat.GELUKT, "tweede factor overgeslagen (ontwikkeling)")
    ]


def test_without_the_skip_no_page_mentions_it(client):
    assert "overgeslagen" not in tekst(client.get("/aanmelden"))


def test_the_test_helper_forgets_the_last_step_only_for_the_account_it_signs_in(db, app):
    een, twee = maak_gebruiker(), maak_gebruiker()
    een.totp_laatste_stap = twee.totp_laatste_stap = 5

    vergeet_laatste_stap(app, een.email)

    assert db.session.get(Gebruiker, twee.id).totp_laatste_stap == 5
    assert db.session.get(Gebruiker, een.id).totp_laatste_stap is None


def test_the_second_factor_pages_leave_a_signed_in_user_alone(db, login_as):
    client = login_as(Rol.FINANCIEN)

    for antwoord in (
        client.post("/aanmelden/afbreken"),
        client.get("/aanmelden/code"),
        client.get("/aanmelden/instellen"),
    ):
        assert antwoord.location == "/"
    assert is_aangemeld(client)


def test_the_sessions_overview_shows_a_sign_in_waiting_for_its_second_factor(app, db, login_as):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    laptop = login_as(officer)
    wachtwoord_alleen(app.test_client(), officer)  # someone else who knows the password

    pagina = tekst(laptop.get("/account/sessies"))

    assert "Lopende sessies (2)" in pagina
    assert pagina.count("wacht op de tweede factor") == 1
    laptop.post("/account/sessies/elders-afmelden")
    lopend = select(Sessie.beeindigd_op.is_(None)).order_by(Sessie.id)
    assert db.session.execute(lopend).scalars().all() == [
        True,
        False,
    ]


def test_one_code_sent_twice_at_the_same_instant_signs_in_once(app, db):
    """Two browsers post the same code at once. Each request is held just before it takes the
    code's time step (the conditional UPDATE) until both have checked the code, so the
    database decides: on PostgreSQL the second UPDATE waits for the first to commit and then
    finds the step taken; on SQLite the second writer waits for the first one's lock."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    code = code_nu(officer)
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        wachtwoord_alleen(browser, officer)
    barriere = threading.Barrier(2, timeout=15)
    draden: set[int] = set()

    def voor_de_stap(toestand: ORMExecuteState) -> None:
        if toestand.is_update and threading.get_ident() in draden:
            draden.discard(threading.get_ident())
            barriere.wait()

    antwoorden: list[object] = [None, None]

    def post(i: int) -> None:
        draden.add(threading.get_ident())
        try:
            antwoorden[i] = browsers[i].post("/aanmelden/code", data={"code": code})
        except BaseException as fout:  # reported below, in the test's thread
            antwoorden[i] = fout

    db.session.commit()
    event.listen(OrmSession, "do_orm_execute", voor_de_stap)
    try:
        threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        event.remove(OrmSession, "do_orm_execute", voor_de_stap)

    codes = sorted(getattr(a, "status_code", a) for a in antwoorden)
    assert codes == [302, 400], antwoorden
    assert sum(is_aangemeld(b) for b in browsers) == 1
    pogingen = log(db, Gebeurtenis.TWEEDE_FACTOR)
    assert sorted((r.value, t) for _, r, t in pogingen) == [
        ("gelukt", "code uit de app"),
        ("mislukt", "code al gebruikt"),
    ]
