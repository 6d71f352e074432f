"""`flask demo laden`: 49 demo municipalities and one account per role, loaded idempotently."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from gemeenten.models import Deelname, Gemeente
from kern.accounts.models import Gebruiker, Rol
from kern.demo import DEMO_ACCOUNTS, WACHTWOORDBESTAND
from tests.aanmelden import meld_aan
from tests.pagina import tekst

DEMO_EMAILS = [email for email, *_ in DEMO_ACCOUNTS]


def laden(runner):
    resultaat = runner.invoke(args=["demo", "laden"])
    assert resultaat.exit_code == 0, resultaat.output
    return resultaat.output


def aantal(db, model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def accounts(db) -> dict[str, str]:
    """Per e-mail address: the password hash (it changes on a reset)."""
    return {g.email: g.wachtwoord_hash for g in db.session.execute(select(Gebruiker)).scalars()}


def test_loading_the_demo_gives_49_municipalities_and_one_account_per_role(db, runner):
    uitvoer = laden(runner)

    assert aantal(db, Gemeente) == 49
    gebruikers = db.session.execute(select(Gebruiker)).scalars().all()
    assert sorted(g.email for g in gebruikers) == sorted(DEMO_EMAILS)
    assert {g.rol for g in gebruikers} == set(Rol)
    for gebruiker in gebruikers:
        if gebruiker.rol is Rol.GEMEENTE:
            gemeente = db.session.get(Gemeente, gebruiker.gemeente_id)
            assert gemeente is not None
            assert gemeente.cbs_code == "GM0363"
        else:
            assert gebruiker.gemeente_id is None
    assert "Demo-gemeenten: 49 toegevoegd, 0 waren er al." in uitvoer
    assert "wachtwoord voor alle vier: demo-wachtwoord-voor-tests" in uitvoer
    for email in DEMO_EMAILS:
        assert email in uitvoer
    assert "gemeente@demo.example  (GM0363)" in uitvoer


def test_loading_twice_changes_nothing(db, runner):
    laden(runner)
    voor = {model: aantal(db, model) for model in (Gemeente, Deelname, Gebruiker)}
    accounts_voor = accounts(db)

    uitvoer = laden(runner)

    assert {model: aantal(db, model) for model in voor} == voor
    assert accounts(db) == accounts_voor
    assert "Demo-gemeenten: 0 toegevoegd, 49 waren er al." in uitvoer
    assert "Demo-deelnames aan programma's: 0 toegevoegd." in uitvoer


def test_without_demo_password_one_is_generated_kept_and_reused(app, db, runner):
    app.config["DEMO_PASSWORD"] = None
    bestand = Path(app.instance_path) / WACHTWOORDBESTAND
    assert not bestand.exists()

    eerste = laden(runner)

    wachtwoord = bestand.read_text(encoding="utf-8").strip()
    assert len(wachtwoord) >= 12
    assert f"wachtwoord voor alle vier: {wachtwoord})" in eerste
    assert bestand.stat().st_mode & 0o077 == 0, "the password file is readable by others"
    accounts_voor = accounts(db)

    tweede = laden(runner)

    assert bestand.read_text(encoding="utf-8").strip() == wachtwoord
    assert f"wachtwoord voor alle vier: {wachtwoord})" in tweede
    assert accounts(db) == accounts_voor
    aangemeld = app.test_client()
    assert "Uw herstelcodes" in meld_aan(aangemeld, "beheer@demo.example", wachtwoord).text
    assert aangemeld.get("/").status_code == 200


def test_a_new_demo_password_is_set_on_the_existing_accounts(app, db, runner):
    laden(runner)
    app.config["DEMO_PASSWORD"] = "een-nieuw-demo-wachtwoord"

    laden(runner)

    client = app.test_client()
    oud = client.post(
        "/aanmelden",
        data={"email": "beleid@demo.example", "wachtwoord": "demo-wachtwoord-voor-tests"},
    )
    assert oud.status_code == 200
    nieuw = client.post(
        "/aanmelden",
        data={"email": "beleid@demo.example", "wachtwoord": "een-nieuw-demo-wachtwoord"},
    )
    assert nieuw.status_code == 302


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("email", "startpagina"),
    [
        ("beleid@demo.example", "/"),
        ("gemeente@demo.example", "/gemeenten/GM0363"),
        ("financien@demo.example", "/"),
        ("beheer@demo.example", "/"),
    ],
)
def test_every_demo_account_signs_in_with_the_demo_password(app, db, email, startpagina):
    client = app.test_client()
    naam = next(naam for e, naam, *_ in DEMO_ACCOUNTS if e == email)

    antwoord = meld_aan(client, email, "demo-wachtwoord-voor-tests")

    # The demo's accounts enrol at their first sign-in.
    assert f"Welkom, {naam}. Uw tweede factor is ingesteld." in tekst(antwoord)
    assert "Uw herstelcodes" in tekst(antwoord)
    start = client.get("/", follow_redirects=True)
    assert start.status_code == 200
    assert start.request.path == startpagina
