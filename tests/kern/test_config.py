"""Configuration: safe in development, refused in production unless it is really safe."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest

from kern import demo
from kern.app import create_app
from kern.config import DEVELOPMENT_SECRET_KEY, ConfigError
from kern.db import db

GOEDE_SLEUTEL = "een-echt-geheime-sleutel-van-ruim-tweeendertig-tekens"


@pytest.fixture(autouse=True)
def schone_omgeving(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the shell running the tests has set must not decide these tests."""
    for naam in ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DEMO_PASSWORD"):
        monkeypatch.delenv(naam, raising=False)
    for naam in list(os.environ):
        if naam.startswith("FLASK_"):
            monkeypatch.delenv(naam)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'config.sqlite'}"


def test_production_without_a_secret_key_falls_back_to_the_development_key_and_refuses(
    monkeypatch, sqlite_url
):
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url})


@pytest.mark.parametrize(
    "sleutel",
    [
        pytest.param(None, id="none"),
        pytest.param("", id="empty"),
        pytest.param(DEVELOPMENT_SECRET_KEY, id="development-key"),
        pytest.param("x" * 31, id="31-characters"),
    ],
)
def test_production_refuses_an_unsafe_secret_key(sleutel, sqlite_url):
    with pytest.raises(ConfigError, match="at least 32 characters"):
        create_app(
            {"APP_ENV": "production", "SECRET_KEY": sleutel, "SQLALCHEMY_DATABASE_URI": sqlite_url}
        )


def test_production_starts_with_a_long_key_and_sends_the_cookie_only_over_https(
    monkeypatch, sqlite_url
):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOEDE_SLEUTEL)
    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url})

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.testing
    # The login form puts a CSRF token in the session, so the page sets the cookie.
    antwoord = app.test_client().get("/aanmelden")
    assert antwoord.status_code == 200
    cookie = antwoord.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


def test_production_without_database_url_refuses_instead_of_using_the_development_sqlite(
    monkeypatch,
):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOEDE_SLEUTEL)

    with pytest.raises(ConfigError, match="DATABASE_URL"):
        create_app()


def test_production_starts_with_database_url(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOEDE_SLEUTEL)
    monkeypatch.setenv("DATABASE_URL", "postgres://vg@db.example/vg")

    app = create_app()

    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://vg@db.example/vg"


def test_development_does_not_demand_https_for_the_cookie(sqlite_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url})

    assert app.config["APP_ENV"] == "development"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_an_unknown_app_env_is_refused(monkeypatch, sqlite_url):
    monkeypatch.setenv("APP_ENV", "staging")
    with pytest.raises(ConfigError, match="'staging' is unknown"):
        create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url})


@pytest.mark.parametrize(
    ("gegeven", "verwacht"),
    [
        (
            "postgres://vg:geheim@db.example:5432/vg",
            "postgresql+psycopg://vg:geheim@db.example:5432/vg",
        ),
        (
            "postgresql://vg:geheim@db.example:5432/vg",
            "postgresql+psycopg://vg:geheim@db.example:5432/vg",
        ),
        (
            "postgresql+psycopg://vg:geheim@db.example:5432/vg",
            "postgresql+psycopg://vg:geheim@db.example:5432/vg",
        ),
        ("sqlite:////srv/vg/vg.sqlite", "sqlite:////srv/vg/vg.sqlite"),
    ],
)
def test_database_url_from_the_environment_uses_the_psycopg_driver(monkeypatch, gegeven, verwacht):
    monkeypatch.setenv("DATABASE_URL", gegeven)
    app = create_app({"APP_ENV": "testing"})

    assert app.config["SQLALCHEMY_DATABASE_URI"] == verwacht
    with app.app_context():
        assert db.engine.url.render_as_string(hide_password=False) == verwacht


def test_settings_handed_to_create_app_win_over_the_environment(monkeypatch, sqlite_url):
    monkeypatch.setenv("DATABASE_URL", "postgres://vg@db.example/vg")
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": sqlite_url})

    assert app.config["SQLALCHEMY_DATABASE_URI"] == sqlite_url


def test_flask_prefixed_environment_variables_reach_the_config_parsed_as_json(
    monkeypatch, sqlite_url
):
    monkeypatch.setenv("FLASK_MAX_CONTENT_LENGTH", "2097152")
    monkeypatch.setenv("FLASK_WTF_CSRF_TIME_LIMIT", "3600")
    monkeypatch.setenv("FLASK_SESSION_COOKIE_SAMESITE", "Strict")
    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url})

    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 3600
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Strict"


def test_production_accepts_the_key_as_flask_secret_key(monkeypatch, sqlite_url):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("FLASK_SECRET_KEY", GOEDE_SLEUTEL)
    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url})

    assert app.config["SECRET_KEY"] == GOEDE_SLEUTEL


def test_the_conventional_secret_key_wins_over_flask_secret_key(monkeypatch, sqlite_url):
    monkeypatch.setenv("FLASK_SECRET_KEY", "uit-flask-secret-key-" + "a" * 20)
    monkeypatch.setenv("SECRET_KEY", GOEDE_SLEUTEL)
    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url})

    assert app.config["SECRET_KEY"] == GOEDE_SLEUTEL


@pytest.fixture
def productie(monkeypatch, sqlite_url):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOEDE_SLEUTEL)
    return create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url})


def test_demo_data_is_never_loaded_in_production(productie):
    with productie.app_context(), pytest.raises(click.ClickException, match="productie"):
        demo.laad(productie)


def test_the_demo_command_refuses_in_production(productie, tmp_path):
    resultaat = productie.test_cli_runner().invoke(args=["demo", "laden"])

    assert resultaat.exit_code == 1
    assert "Demogegevens worden in productie nooit geladen." in resultaat.output
    assert not (tmp_path / "config.sqlite").exists()  # not even a database was opened


def test_passwords_are_hashed_with_scrypt_unless_configured_otherwise(sqlite_url):
    from kern.accounts.models import Gebruiker, Rol

    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url})
    with app.app_context():
        gebruiker = Gebruiker(email="a@b.nl", naam="A", rol=Rol.FINANCIEN)
        gebruiker.zet_wachtwoord("een-lang-wachtwoord")
    assert gebruiker.wachtwoord_hash.startswith("scrypt:")
    assert gebruiker.controleer_wachtwoord("een-lang-wachtwoord")


def test_production_refuses_a_cheap_password_hash(sqlite_url):
    with pytest.raises(ConfigError, match="scrypt"):
        create_app(
            {
                "APP_ENV": "production",
                "SECRET_KEY": GOEDE_SLEUTEL,
                "SQLALCHEMY_DATABASE_URI": sqlite_url,
                "WACHTWOORD_HASH": "pbkdf2:sha256:1",
            }
        )
