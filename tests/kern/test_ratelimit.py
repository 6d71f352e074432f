"""Guessing passwords is slowed down without locking anyone out (kern/accounts/pogingen.py):
failed sign-ins are counted per account and address, per address, and per account from any
address, in the security log that every worker shares."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kern.accounts import pogingen
from kern.accounts.models import Rol
from kern.app import create_app
from kern.beveiligingslog import Beveiligingsregel, Gebeurtenis, Resultaat
from kern.db import utcnow
from tests.kern.factories import WACHTWOORD, maak_gebruiker

pytestmark = pytest.mark.ratelimit

THUIS = "192.0.2.10"
ELDERS = "198.51.100.7"


def _poging(client, email, wachtwoord="fout-wachtwoord-123", adres=THUIS):
    return client.post(
        "/aanmelden",
        data={"email": email, "wachtwoord": wachtwoord},
        environ_base={"REMOTE_ADDR": adres},
    )


def mislukt(db, email: str, adres: str, *, geleden: timedelta) -> None:
    db.session.add(
        Beveiligingsregel(
            tijdstip=utcnow() - geleden,
            door=pogingen.poger(email),
            gebeurtenis=Gebeurtenis.AANMELDEN,
            resultaat=Resultaat.MISLUKT,
            adres=adres,
        )
    )
    db.session.flush()


def test_the_sixth_attempt_from_one_address_waits_even_with_the_right_password(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    for _ in range(5):
        assert _poging(client, officer.email).status_code == 200

    geweigerd = _poging(client, officer.email, WACHTWOORD)

    assert geweigerd.status_code == 429
    assert 590 <= int(geweigerd.headers["Retry-After"]) <= 600
    assert "Te veel pogingen" in geweigerd.text
    assert "U kunt het over 10 minuten opnieuw proberen." in geweigerd.text
    assert client.get("/").status_code == 302  # still not signed in


def test_someone_guessing_from_elsewhere_does_not_lock_the_owner_out(db, client, app):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    for _ in range(5):
        _poging(client, officer.email, adres=ELDERS)

    eigenaar = app.test_client()
    assert _poging(eigenaar, officer.email, WACHTWOORD, adres=THUIS).status_code == 302


def test_the_limit_for_one_account_leaves_other_accounts_from_that_address_alone(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    collega = maak_gebruiker(Rol.FINANCIEN)
    for _ in range(5):
        _poging(client, officer.email)

    assert _poging(client, collega.email, WACHTWOORD).status_code == 302


def test_an_address_that_tries_twenty_accounts_waits(db, client):
    for nummer in range(20):
        _poging(client, f"iemand{nummer}@voorbeeld.nl")
    collega = maak_gebruiker(Rol.FINANCIEN)

    assert _poging(client, collega.email, WACHTWOORD).status_code == 429
    assert _poging(client, collega.email, WACHTWOORD, adres=ELDERS).status_code == 302


def test_many_addresses_guessing_one_account_slow_it_down_but_never_lock_it(db):
    email = "ambtenaar@voorbeeld.nl"
    for nummer in range(12):
        mislukt(db, email, f"203.0.113.{nummer}", geleden=timedelta(seconds=1))
    nu = utcnow()

    # 12 failures, 2 past the free 10: wait 2**2 = 4 s after the last one, from any address.
    assert 2 <= pogingen.wachttijd(email, THUIS, nu) <= 4
    assert pogingen.wachttijd(email, THUIS, nu + timedelta(seconds=4)) == 0

    for nummer in range(40):
        mislukt(db, email, f"203.0.113.{100 + nummer}", geleden=timedelta(seconds=1))
    assert pogingen.wachttijd(email, THUIS, utcnow()) <= 300  # never more than five minutes


def test_failures_older_than_ten_minutes_no_longer_count(db):
    email = "ambtenaar@voorbeeld.nl"
    for _ in range(5):
        mislukt(db, email, THUIS, geleden=timedelta(minutes=11))

    assert pogingen.wachttijd(email, THUIS, utcnow()) == 0


def test_a_refused_attempt_does_not_extend_the_wait(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    for _ in range(5):
        _poging(client, officer.email)
    for _ in range(10):
        assert _poging(client, officer.email).status_code == 429

    regels = db.session.query(Beveiligingsregel).filter_by(door=pogingen.poger(officer.email))
    assert sum(r.resultaat is Resultaat.MISLUKT for r in regels) == 5
    assert sum(r.resultaat is Resultaat.GEWEIGERD for r in regels) == 10


def test_successful_sign_ins_do_not_count(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    for _ in range(8):
        assert _poging(client, officer.email, WACHTWOORD).status_code == 302
        client.post("/afmelden")


def test_every_worker_counts_the_same_failures(app_config, db):
    """Two app instances on one database, as two gunicorn workers: the counts are shared."""
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    db.session.commit()
    eerste, tweede = create_app(app_config), create_app(app_config)
    for _ in range(5):
        _poging(eerste.test_client(), officer.email)

    assert _poging(tweede.test_client(), officer.email, WACHTWOORD).status_code == 429
    for werker in (eerste, tweede):
        with werker.app_context():
            db.engine.dispose()
