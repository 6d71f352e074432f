"""Fixtures shared by the whole suite: `app`, `db`, `client`, `runner` and `login`.

The suite runs on SQLite by default; set ``TEST_DATABASE_URL`` (``postgresql+psycopg://...``)
to run it against PostgreSQL, as `.ci/run` does. Each test starts with an empty schema: on
SQLite a copy of a database file made once per run, on PostgreSQL the tables emptied after each
test (and made again when a test, such as the migration test, dropped them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask, g, request_started
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import inspect, text

from kern.accounts.models import Gebruiker
from kern.app import create_app
from kern.db import db as _db
from tests.factories import WACHTWOORD

# CBS's lists live next to the project, not in it; GEMEENTEN_DATA points elsewhere.
SHARED_DATA = Path(
    os.environ.get("GEMEENTEN_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)


POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def database_url(tmp_path: Path) -> str:
    return POSTGRES_URL or f"sqlite:///{tmp_path / 'test.sqlite'}"


def _leeg_schema() -> None:
    """Drop whatever a previous test (or a migration test) left behind."""
    _db.drop_all()
    with _db.engine.begin() as verbinding:
        verbinding.execute(text("DROP TABLE IF EXISTS alembic_version"))


_kolommen_vergeleken = False


def _schema_compleet() -> bool:
    """Whether the database has the models' tables; the first time in a run, their columns
    too, so that a database kept from a run before a new migration is made again."""
    global _kolommen_vergeleken
    inspector = inspect(_db.engine)
    aanwezig = set(inspector.get_table_names())
    if not (set(_db.metadata.tables) <= aanwezig and "alembic_version" not in aanwezig):
        return False
    if not _kolommen_vergeleken:
        _kolommen_vergeleken = True
        for tabel in _db.metadata.sorted_tables:
            kolommen = {k["name"] for k in inspector.get_columns(tabel.name)}
            if kolommen != set(tabel.columns.keys()):
                return False
    return True


def _tabellen_legen() -> None:
    namen = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
    with _db.engine.begin() as verbinding:
        verbinding.execute(text(f"TRUNCATE {namen} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def sqlite_sjabloon(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """An SQLite file with the empty schema, copied for every test (None on PostgreSQL)."""
    if POSTGRES_URL:
        return None
    pad = tmp_path_factory.mktemp("sjabloon") / "leeg.sqlite"
    sjabloon_app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{pad}"})
    with sjabloon_app.app_context():
        _db.create_all()
        _db.engine.dispose()
    return pad


@pytest.fixture
def app_config(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, object]:
    return {
        "APP_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-geheim",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "WTF_CSRF_ENABLED": request.node.get_closest_marker("csrf") is not None,
        "RATELIMIT_ENABLED": request.node.get_closest_marker("ratelimit") is not None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "DEMO_PASSWORD": "demo-wachtwoord-voor-tests",
        # Hundreds of sign-ins: one hashing round keeps them fast (production: scrypt).
        "WACHTWOORD_HASH": "pbkdf2:sha256:1",
        "SERVER_NAME": "localhost",
    }


def _lege_g(sender: Flask, **extra: object) -> None:
    """Start every request with an empty `g`, as in production.

    The `app` fixture keeps one app context open for the whole test and test-client requests
    reuse it, so without this `g` outlives a request: Flask-Login's cached user (and
    Flask-WTF's token) would carry over to the next request, even from another client.
    """
    for naam in list(g):
        g.pop(naam)


@pytest.fixture
def app(
    app_config: dict[str, object], tmp_path: Path, sqlite_sjabloon: Path | None
) -> Iterator[Flask]:
    if sqlite_sjabloon is not None:
        shutil.copyfile(sqlite_sjabloon, tmp_path / "test.sqlite")
    app = create_app(app_config)
    app.instance_path = str(tmp_path / "instance")
    request_started.connect(_lege_g, app)
    with app.app_context():
        if sqlite_sjabloon is None and not _schema_compleet():
            _leeg_schema()
            _db.create_all()
        yield app
        _db.session.remove()
        if sqlite_sjabloon is None and _schema_compleet():
            _tabellen_legen()
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> object:
    return _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def login(client: FlaskClient) -> Callable[[Gebruiker], FlaskClient]:
    """Sign a user in through the login form; returns the client."""

    def aanmelden(gebruiker: Gebruiker, wachtwoord: str = WACHTWOORD) -> FlaskClient:
        antwoord = client.post(
            "/aanmelden", data={"email": gebruiker.email, "wachtwoord": wachtwoord}
        )
        assert antwoord.status_code == 302, antwoord.get_data(as_text=True)
        return client

    return aanmelden


@pytest.fixture
def shared_data() -> Path:
    """The CBS lists next to the project; tests that need them skip where they are absent."""
    if not (SHARED_DATA / "gemeenten-2025-01-01.csv").exists():
        pytest.skip(f"{SHARED_DATA} is not present (set GEMEENTEN_DATA)")
    return SHARED_DATA
