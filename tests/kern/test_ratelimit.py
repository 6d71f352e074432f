"""Guessing passwords is slowed down: failed logins are counted per address and per e-mail."""

from __future__ import annotations

import uuid

import pytest

from kern.accounts.models import Rol
from kern.app import create_app
from tests.diensten import redis_antwoordt
from tests.kern.factories import WACHTWOORD, maak_gebruiker

pytestmark = pytest.mark.ratelimit


def _poging(client, email, wachtwoord="fout-wachtwoord-123"):
    return client.post("/aanmelden", data={"email": email, "wachtwoord": wachtwoord})


def test_sixth_failed_login_for_one_address_is_refused_even_with_the_right_password(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    for _ in range(5):
        assert _poging(client, officer.email).status_code == 200

    geweigerd = _poging(client, officer.email, WACHTWOORD)

    assert geweigerd.status_code == 429
    assert "Te veel pogingen" in geweigerd.text
    assert client.get("/").status_code == 302  # still not signed in


def test_the_limit_for_one_email_leaves_other_accounts_alone(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    collega = maak_gebruiker(Rol.FINANCIEN)
    for _ in range(5):
        _poging(client, officer.email)

    assert _poging(client, collega.email, WACHTWOORD).status_code == 302


def test_successful_logins_do_not_count(db, client):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    for _ in range(8):
        assert _poging(client, officer.email, WACHTWOORD).status_code == 302
        client.post("/afmelden")


@pytest.mark.skipif(not redis_antwoordt(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_url_the_counters_live_in_redis_for_every_worker(app_config, db):
    import redis

    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    db.session.commit()
    prefix = f"test-{uuid.uuid4().hex}"
    werker = create_app(
        {
            **app_config,
            "RATELIMIT_KEY_PREFIX": prefix,
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        }
    )
    for _ in range(5):
        _poging(werker.test_client(), officer.email)

    server = redis.Redis(host="127.0.0.1", port=6379)
    try:
        sleutels = server.keys(f"*{prefix}*")
        assert sleutels, "no rate-limit counters were written to Redis"
        assert _poging(werker.test_client(), officer.email, WACHTWOORD).status_code == 429
    finally:
        if sleutels := server.keys(f"*{prefix}*"):
            server.delete(*sleutels)
        server.close()
        with werker.app_context():
            db.engine.dispose()


def test_redis_url_chooses_redis_as_the_rate_limit_store(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://redis.example:6379/2")
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://redis.example:6379/2"
