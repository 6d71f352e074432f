"""Fixtures shared by the whole suite: `app`, `db`, `client`, `runner` and `login_as`; the
people (`beleidsmedewerker` and the browser signed in as them, `officier`; `medewerker_financien`
and `financien`), the municipalities every package's tests use, the `demo`, and
`twee_gemeenten`, the world the permission matrix, the exports and the form property test use.

As in Flask's tutorial, `app` pushes no context: every request and every command runs in an app
context of its own (its own `g`, its own database session), as under a real server, whether or
not the test holds one. A test that builds or reads rows itself asks for `db`, which holds an app
context (and so a session) for the test. Before each request or command that session commits what
the test built, so the request sees it, and forgets what it had loaded, so that what the test
reads afterwards comes from the database.

The factories (`maak_*`) live beside the tests of their package: `tests/kern/factories.py`,
`tests/gemeenten/factories.py`, `tests/subsidies/factories.py`; each package's `conftest.py` holds
the fixtures only its tests use.

The suite runs on SQLite by default; set ``TEST_DATABASE_URL`` (``postgresql+psycopg://...``)
to run it against PostgreSQL, as `.ci/run` does. Each test starts with an empty schema: on
SQLite a copy of a database file made once per run (with the demo loaded, for a test that asks
for `demo`, or `twee_gemeenten` built, for a test that asks for that), on PostgreSQL the tables
emptied after each test (and made again when a test, such as the migration test, dropped them).
"""

from __future__ import annotations

import contextvars
import dataclasses
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import create_engine, inspect, literal, or_, select, text
from sqlalchemy.engine import make_url
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from gemeenten.inventarisatie.models import Actie, Inventarisatie
from gemeenten.models import Deelname, Gemeente, Programma
from kern.accounts.models import Gebruiker, Rol
from kern.app import create_app
from kern.db import db as _db
from kern.uploads import Upload
from onderwijsaanpak import services as onderwijsaanpak
from onderwijsaanpak.models import Activiteit, Fase, Les, Rapportage, Rapportageronde
from subsidies import historische_import, services, verantwoording_import
from subsidies.models import Beschikking, BetalingSoort, Regeling, RegelingJaar
from tests.aanmelden import meld_aan, sessie_van
from tests.gemeenten.factories import maak_deelname, maak_gemeente
from tests.inventarisatie.factories import (
    inventarisatie_met_themas,
    maak_actie,
    maak_antwoord,
    maak_antwoordenupload,
    maak_deelnemer,
)
from tests.kern.factories import WACHTWOORD, maak_gebruiker
from tests.onderwijsaanpak.factories import (
    maak_activiteit,
    maak_activiteitenupload,
    maak_cohortlid,
    maak_rapportage,
    maak_ronde,
)
from tests.subsidies.factories import maak_beschikking, maak_regeling, maak_verantwoording

# CBS's lists live next to the project, not in it; GEMEENTEN_DATA points elsewhere.
SHARED_DATA = Path(
    os.environ.get("GEMEENTEN_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)


def _database_per_werker(url: str | None) -> str | None:
    """Under pytest-xdist (``-n 2``, as `.ci/run` runs the PostgreSQL pass) each worker gets a
    database of its own, named after the suite's with the worker's id, made when missing."""
    werker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not werker:
        return url
    basis = make_url(url)
    naam = f"{basis.database}_{werker}"
    beheer = create_engine(basis.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with beheer.connect() as verbinding:
        bestaat = verbinding.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :naam"), {"naam": naam}
        ).first()
        if bestaat is None:
            verbinding.execute(text(f'CREATE DATABASE "{naam}"'))
    beheer.dispose()
    return basis.set(database=naam).render_as_string(hide_password=False)


def _bouwers_bewaren() -> None:
    """Each test makes an app of its own, and werkzeug compiles every URL rule's builder anew
    for each (generated Python, ``compile``): nearly all of ``create_app``'s time. The
    builder depends only on the rule's text, its parts, its defaults and whether unknown
    arguments are appended; it reaches the rule's converters through the rule it is bound to.
    So the suite compiles it once per rule and binds it to each app's own rule."""
    bewaard: dict[tuple[object, ...], Any] = {}
    compileer = Rule._compile_builder

    def bewaarde_bouwer(rule: Rule, append_unknown: bool = True) -> Any:
        sleutel = (
            rule.rule,
            tuple(rule._trace),
            repr(sorted((rule.defaults or {}).items())),
            tuple((naam, type(c)) for naam, c in rule._converters.items()),
            append_unknown,
        )
        if sleutel not in bewaard:
            bewaard[sleutel] = compileer(rule, append_unknown)
        return bewaard[sleutel]

    Rule._compile_builder = bewaarde_bouwer  # type: ignore[method-assign,assignment]


_bouwers_bewaren()


POSTGRES_URL = _database_per_werker(os.environ.get("TEST_DATABASE_URL"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, only the tests that use a database: every database the suite uses comes
    through ``app_config``; a test without it (the Excel reader, formatting, password rules,
    configuration) runs the same code on both passes, and the SQLite pass has run it."""
    if not POSTGRES_URL:
        return
    met: list[pytest.Item] = []
    zonder: list[pytest.Item] = []
    for item in items:
        (met if "app_config" in getattr(item, "fixturenames", ()) else zonder).append(item)
    if zonder:
        config.hook.pytest_deselected(items=zonder)
        items[:] = met


def database_url(tmp_path: Path) -> str:
    return POSTGRES_URL or f"sqlite:///{tmp_path / 'test.sqlite'}"


# --- Requests and commands in a context of their own ----------------------------------------


def _voor_verzoek() -> None:
    """The test's session commits what the test built and forgets what it loaded."""
    if has_app_context():
        _db.session.commit()


class Client(FlaskClient):
    """The test client; every request runs in a context of its own, as under a server, and
    its answer is read to the end there (a streamed export needs the request's context).

    (``with client:``, which keeps the request's context for the test, is not supported.)
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        _voor_verzoek()
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


class CliRunner(FlaskCliRunner):
    """The CLI runner; every command runs in an app context of its own, as from a shell."""

    def invoke(self, *args: Any, **kwargs: Any) -> Result:
        _voor_verzoek()
        return contextvars.Context().run(super().invoke, *args, **kwargs)


# --- The schema -----------------------------------------------------------------------------


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


_reeksen_herstarten: str | None = None


def _tabellen_legen() -> None:
    """Empty every table and restart its ids, as a fresh schema would have them.

    DELETE in dependency order and one ALTER SEQUENCE per sequence take a fifth of what one
    TRUNCATE of all tables takes (about 15 ms against 65 ms here, after each of ~2,000 tests):
    TRUNCATE pays a fixed cost per table, DELETE on a nearly empty table almost nothing."""
    global _reeksen_herstarten
    with _db.engine.begin() as verbinding:
        if _reeksen_herstarten is None:
            reeksen = verbinding.execute(
                text(
                    "SELECT quote_ident(sequence_name) FROM information_schema.sequences "
                    "WHERE sequence_schema = current_schema()"
                )
            ).scalars()
            _reeksen_herstarten = "; ".join(f"ALTER SEQUENCE {r} RESTART" for r in reeksen)
        for tabel in reversed(_db.metadata.sorted_tables):
            verbinding.execute(tabel.delete())
        if _reeksen_herstarten:
            verbinding.exec_driver_sql(_reeksen_herstarten)


def instellingen(database_url: str, **extra: object) -> dict[str, object]:
    """The configuration of the app under test."""
    return {
        "APP_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-geheim",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "POGINGEN_BEPERKEN": False,
        "DEMO_PASSWORD": "demo-wachtwoord-voor-tests",
        # Hundreds of sign-ins: one hashing round keeps them fast (production: scrypt).
        "WACHTWOORD_HASH": "pbkdf2:sha256:1",
        # A page's statements do not depend on when its session last wrote its activity
        # (tests/kern/test_sessies.py sets this itself).
        "SESSIE_ACTIVITEIT_BIJWERKEN_NA": 24 * 3600,
        "SERVER_NAME": "localhost",
        **extra,
    }


@pytest.fixture(scope="session")
def sqlite_sjabloon(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """An SQLite file with the empty schema, copied for every test (None on PostgreSQL)."""
    if POSTGRES_URL:
        return None
    pad = tmp_path_factory.mktemp("sjabloon") / "leeg.sqlite"
    sjabloon_app = create_app(instellingen(f"sqlite:///{pad}"))
    with sjabloon_app.app_context():
        _db.create_all()
        _db.engine.dispose()
    return pad


@pytest.fixture(scope="session")
def sqlite_demo(
    tmp_path_factory: pytest.TempPathFactory, sqlite_sjabloon: Path | None
) -> Path | None:
    """An SQLite file with the demo loaded, made once and copied for every test that asks for
    `demo` (None on PostgreSQL, where such a test loads it itself)."""
    if sqlite_sjabloon is None:
        return None
    pad = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    shutil.copyfile(sqlite_sjabloon, pad)
    demo_app = create_app(instellingen(f"sqlite:///{pad}"))
    resultaat = demo_app.test_cli_runner().invoke(args=["demo", "laden"])
    assert resultaat.exit_code == 0, resultaat.output
    with demo_app.app_context():
        _db.engine.dispose()
    return pad


# --- The application ------------------------------------------------------------------------


@pytest.fixture
def app_config(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, object]:
    return instellingen(
        database_url(tmp_path),
        WTF_CSRF_ENABLED=request.node.get_closest_marker("csrf") is not None,
        POGINGEN_BEPERKEN=request.node.get_closest_marker("ratelimit") is not None,
    )


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    app_config: dict[str, object],
    tmp_path: Path,
    sqlite_sjabloon: Path | None,
) -> Iterator[Flask]:
    wereld: _Samengesteld | None = None
    if sqlite_sjabloon is not None:
        bron = sqlite_sjabloon
        if "demo" in request.fixturenames:  # see `demo`
            bron = request.getfixturevalue("sqlite_demo")
        elif "twee_gemeenten" in request.fixturenames:  # see `twee_gemeenten`
            bron, wereld = request.getfixturevalue("sqlite_twee_gemeenten")
        shutil.copyfile(bron, tmp_path / "test.sqlite")
    app = create_app(app_config)
    app.extensions[GEBOUWDE_WERELD] = wereld
    app.instance_path = str(tmp_path / "instance")
    app.test_client_class = Client
    app.test_cli_runner_class = CliRunner
    if sqlite_sjabloon is None:
        with app.app_context():
            if not _schema_compleet():
                _leeg_schema()
                _db.create_all()
    yield app
    with app.app_context():
        if sqlite_sjabloon is None and _schema_compleet():
            _tabellen_legen()
        _db.engine.dispose()


@pytest.fixture
def lege_database(app: Flask, tmp_path: Path) -> Iterator[str]:
    """The URL of a second, empty database of the same kind as the suite's."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'tweede.sqlite'}"
        return
    naam = f"{url.database}_tweede_{uuid.uuid4().hex[:8]}"
    beheer = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with beheer.connect() as verbinding:
        verbinding.execute(text(f'CREATE DATABASE "{naam}"'))
    try:
        yield url.set(database=naam).render_as_string(hide_password=False)
    finally:
        with beheer.connect() as verbinding:
            verbinding.execute(text(f'DROP DATABASE IF EXISTS "{naam}" WITH (FORCE)'))
        beheer.dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[SQLAlchemy]:
    """The database, for a test that builds or reads rows itself: an app context, and so a
    session, held for the whole test."""
    with app.app_context():
        yield _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser nobody has signed in with."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def login_as(app: Flask) -> Callable[..., FlaskClient]:
    """A new client, signed in through the login form and the second factor as a browser would
    (CSRF tokens included when the test switches CSRF on; see `tests/aanmelden.py`); the
    welcome message is not left for the test's first page.

    ``login_as(Rol.FINANCIEN)`` makes an account with that role first (its second factor
    enrolled); ``login_as(Rol.GEMEENTE, gemeente=amsterdam)`` one of that municipality;
    ``login_as(gebruiker)`` signs in an account the test made (its password `WACHTWOORD`), or
    one of the demo's, which enrols on its first sign-in.
    Each call is another browser, so one test can have several people signed in at once.
    """

    def aanmelden(
        wie: Rol | Gebruiker, *, gemeente: Gemeente | None = None, wachtwoord: str = WACHTWOORD
    ) -> FlaskClient:
        with sessie_van(app):
            if isinstance(wie, Rol):
                wie = maak_gebruiker(wie, gemeente=gemeente)
            elif gemeente is not None:
                raise TypeError("gemeente= goes with a role, not with an account")
            email = wie.email
            _db.session.commit()
        client = app.test_client()
        antwoord = meld_aan(client, email, wachtwoord)
        assert antwoord.status_code in (200, 302), f"{email} is not signed in: {antwoord.text}"
        with client.session_transaction() as sessie:
            sessie.pop("_flashes", None)  # the welcome, shown on the page a browser opens next
        return client

    return aanmelden


# --- People and municipalities --------------------------------------------------------------


@pytest.fixture
def beleidsmedewerker(db: SQLAlchemy) -> Gebruiker:
    """A grant officer's account."""
    return maak_gebruiker(Rol.BELEIDSMEDEWERKER)


@pytest.fixture
def officier(login_as: Callable[..., FlaskClient], beleidsmedewerker: Gebruiker) -> FlaskClient:
    """A browser signed in as `beleidsmedewerker`."""
    return login_as(beleidsmedewerker)


@pytest.fixture
def medewerker_financien(db: SQLAlchemy) -> Gebruiker:
    """An account of finance (financiën)."""
    return maak_gebruiker(Rol.FINANCIEN)


@pytest.fixture
def financien(login_as: Callable[..., FlaskClient], medewerker_financien: Gebruiker) -> FlaskClient:
    """A browser signed in as `medewerker_financien`."""
    return login_as(medewerker_financien)


@pytest.fixture
def amsterdam(db: SQLAlchemy) -> Gemeente:
    return maak_gemeente("GM0363", "Amsterdam", "Noord-Holland")


@pytest.fixture
def rotterdam(db: SQLAlchemy) -> Gemeente:
    return maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland")


@pytest.fixture
def den_haag(db: SQLAlchemy) -> Gemeente:
    """'s-Gravenhage, known as Den Haag."""
    gemeente = maak_gemeente("GM0518", "'s-Gravenhage", "Zuid-Holland")
    gemeente.roepnaam = "Den Haag"
    return gemeente


@pytest.fixture
def utrecht(db: SQLAlchemy) -> Gemeente:
    return maak_gemeente("GM0344", "Utrecht", "Utrecht")


@pytest.fixture
def demo(db: SQLAlchemy, runner: FlaskCliRunner, sqlite_demo: Path | None) -> RegelingJaar:
    """The demo data (`flask demo laden`): 49 municipalities, an account per role and the 2015
    grants of nine of them, decided; the scheme's year 2015. On SQLite the test's database
    starts as a copy of the demo loaded once per run (`app` sees that the test asks for it)."""
    if sqlite_demo is None:
        if POSTGRES_URL and _tabellen_leeg() and "demo" in _momentopnamen:
            _herstel(_momentopnamen["demo"])
        else:
            leeg = POSTGRES_URL is not None and _tabellen_leeg()
            resultaat = runner.invoke(args=["demo", "laden"])
            assert resultaat.exit_code == 0, resultaat.output
            if leeg:
                _momentopnamen["demo"] = _momentopname(None)
    return db.session.execute(select(RegelingJaar)).scalar_one()


# --- A world built once per run, loaded again by its rows' ids ------------------------------

GEBOUWDE_WERELD = "tests_gebouwde_wereld"


@dataclass(frozen=True)
class _Rij:
    klasse: type
    id: int


@dataclass(frozen=True)
class _Samengesteld:
    klasse: type
    velden: dict[str, object]


def _sleutels(waarde: object) -> object:
    """A dataclass of rows (in dataclasses and dicts) as the rows' classes and ids."""
    if dataclasses.is_dataclass(waarde) and not isinstance(waarde, type):
        velden = {v.name: _sleutels(getattr(waarde, v.name)) for v in dataclasses.fields(waarde)}
        return _Samengesteld(type(waarde), velden)
    if isinstance(waarde, dict):
        return {sleutel: _sleutels(w) for sleutel, w in waarde.items()}
    return _Rij(type(waarde), inspect(waarde).identity[0])


def _laad(sleutels: object) -> object:
    """What `_sleutels` gave, with every row loaded in the test's session."""
    if isinstance(sleutels, _Samengesteld):
        return sleutels.klasse(**{naam: _laad(w) for naam, w in sleutels.velden.items()})
    if isinstance(sleutels, dict):
        return {sleutel: _laad(w) for sleutel, w in sleutels.items()}
    assert isinstance(sleutels, _Rij)
    return _db.session.get_one(sleutels.klasse, sleutels.id)


# --- Everything twice: the permission matrix's world -----------------------------------------


@dataclass
class Onderwijs:
    """The onderwijsaanpak of both municipalities: pilots, each with an activity, a lesson and
    a report waiting for review in an open round."""

    eigen_activiteit: Activiteit
    andere_activiteit: Activiteit
    eigen_les: Les
    andere_les: Les
    ronde: Rapportageronde
    eigen_rapportage: Rapportage
    andere_rapportage: Rapportage
    eigen_upload: Upload  # activities sent as Excel, checked, waiting for confirmation
    andere_upload: Upload


@dataclass
class TweeGemeenten:
    """Two municipalities with one of everything each, and an account per role; the
    municipality user is of the own one (Amsterdam), never to see the other (Rotterdam)."""

    eigen: Gemeente  # the municipality user's own municipality (A)
    andere: Gemeente  # another municipality (B), which that user must never see
    eigen_deelname: Deelname
    andere_deelname: Deelname
    regeling: Regeling
    eigen_beschikking: Beschikking
    andere_beschikking: Beschikking
    eigen_upload: Upload  # a return uploaded as Excel for the own decision
    andere_upload: Upload
    historische_import: Upload  # an officer's bulk import of the scheme
    gebruikers: dict[Rol, Gebruiker]
    doelwit: Gebruiker  # the account that views about "a user" act on
    onderwijs: Onderwijs
    inventarisatie: Inventarisatie  # open for the municipalities, both invited, each with a
    # need on both themes (and on the one theme of a later inventory, to compare with); the own
    # one has not sent its answers yet (no date)
    actie: Actie  # the national response to both needs on the first theme
    antwoordenupload: Upload  # its answers sent as Excel, checked, waiting for confirmation


@pytest.fixture
def twee_gemeenten(app: Flask, db: SQLAlchemy) -> TweeGemeenten:
    """On SQLite the test's database starts as a copy of the world built once per run (`app`
    sees that the test asks for it), and the world's rows are loaded by their ids; otherwise
    (PostgreSQL, or a test that also wants the demo) it is built here."""
    if (gebouwd := app.extensions[GEBOUWDE_WERELD]) is not None:
        wereld = _laad(gebouwd)
        assert isinstance(wereld, TweeGemeenten)
        return wereld
    if POSTGRES_URL and _tabellen_leeg():
        return _postgresql_wereld(db)
    return bouw_twee_gemeenten(db)


@dataclass
class _Momentopname:
    """A world's rows on PostgreSQL, per table as ``COPY``'s text, with the positions of the
    sequences, and how to find its rows again."""

    tabellen: dict[str, bytes]
    reeksen: dict[str, int]
    sleutels: object


# On PostgreSQL, per pytest worker (each has its own database): "twee_gemeenten", "demo".
_momentopnamen: dict[str, _Momentopname] = {}


def _postgresql_wereld(db: SQLAlchemy) -> TweeGemeenten:
    """PostgreSQL's counterpart of the SQLite copy: the first test of a worker that asks for
    the world builds it and keeps its rows; each later one, its tables emptied after the test
    before, gets the same rows back by ``COPY`` and the sequences where they were. The demo
    (`demo`) is kept the same way."""
    if (bewaard := _momentopnamen.get("twee_gemeenten")) is None:
        wereld = bouw_twee_gemeenten(db)
        db.session.commit()
        _momentopnamen["twee_gemeenten"] = _momentopname(_sleutels(wereld))
        return wereld
    _herstel(bewaard)
    hersteld = _laad(bewaard.sleutels)
    assert isinstance(hersteld, TweeGemeenten)
    return hersteld


def _tabellen_leeg() -> bool:
    """No rows in any table (a test may have made some before it asked for the world)."""
    ergens = or_(*(select(literal(1)).select_from(t).exists() for t in _db.metadata.sorted_tables))
    return not _db.session.execute(select(ergens)).scalar_one()


def _psycopg() -> Any:
    """The test's session's own connection, psycopg's (for COPY)."""
    verbinding = _db.session.connection().connection.driver_connection
    assert verbinding is not None
    return verbinding


def _momentopname(sleutels: object) -> _Momentopname:
    tabellen = {}
    with _psycopg().cursor() as cursor:
        for tabel in _db.metadata.sorted_tables:
            with cursor.copy(f'COPY "{tabel.name}" TO STDOUT') as copy:
                tabellen[tabel.name] = b"".join(bytes(deel) for deel in copy)
        reeksen = dict(
            cursor.execute(
                "SELECT quote_ident(sequencename), last_value FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            ).fetchall()
        )
    _db.session.commit()
    return _Momentopname(tabellen, reeksen, sleutels)


def _herstel(momentopname: _Momentopname) -> None:
    with _psycopg().cursor() as cursor:
        for tabel in _db.metadata.sorted_tables:  # parents before children
            if rijen := momentopname.tabellen[tabel.name]:
                with cursor.copy(f'COPY "{tabel.name}" FROM STDIN') as copy:
                    copy.write(rijen)
        for reeks, positie in momentopname.reeksen.items():
            cursor.execute("SELECT setval(%s, %s)", (reeks, positie))
    _db.session.commit()


@pytest.fixture(scope="session")
def sqlite_twee_gemeenten(
    tmp_path_factory: pytest.TempPathFactory, sqlite_sjabloon: Path | None
) -> tuple[Path, _Samengesteld] | None:
    """An SQLite file with `twee_gemeenten` built, and how to find its rows again (None on
    PostgreSQL)."""
    if sqlite_sjabloon is None:
        return None
    pad = tmp_path_factory.mktemp("twee_gemeenten") / "twee_gemeenten.sqlite"
    shutil.copyfile(sqlite_sjabloon, pad)
    bouw_app = create_app(instellingen(f"sqlite:///{pad}"))
    with bouw_app.app_context():
        wereld = _sleutels(bouw_twee_gemeenten(_db))
        _db.session.commit()
        _db.engine.dispose()
    assert isinstance(wereld, _Samengesteld)
    return pad, wereld


def bouw_twee_gemeenten(db: SQLAlchemy) -> TweeGemeenten:
    eigen = maak_gemeente("GM0363", "Amsterdam", "Noord-Holland")
    andere = maak_gemeente("GM0599", "Rotterdam", "Zuid-Holland")
    regeling = maak_regeling()
    beschikkingen = {}
    for gemeente in (eigen, andere):
        beschikkingen[gemeente.id] = maak_beschikking(gemeente, regeling)
        services.plan_betaling(
            beschikkingen[gemeente.id],
            soort=BetalingSoort.VOORSCHOT,
            bedrag=Decimal("50000.00"),
            gepland_op=date(2015, 11, 1),
        )
        maak_verantwoording(beschikkingen[gemeente.id])
    # Each upload as a request of its own would keep it: after what came before is committed.
    uploads = {}
    for gemeente in (eigen, andere):
        db.session.commit()
        uploads[gemeente.id] = verantwoording_import.ontvang(
            beschikkingen[gemeente.id],
            f"geen werkmap van {gemeente.naam}".encode(),
            bestandsnaam="verantwoording.xlsx",
            door="test",
        )[0]
    db.session.commit()
    historie = historische_import.ontvang(
        regeling, historische_import.sjabloon(regeling), bestandsnaam="leeg.xlsx", door="test"
    )[0]
    twee = TweeGemeenten(
        eigen=eigen,
        andere=andere,
        eigen_deelname=maak_deelname(eigen, Programma.BEHOEFTE_INVENTARISATIE),
        andere_deelname=maak_deelname(andere, Programma.BEHOEFTE_INVENTARISATIE),
        regeling=regeling,
        eigen_beschikking=beschikkingen[eigen.id],
        andere_beschikking=beschikkingen[andere.id],
        eigen_upload=uploads[eigen.id],
        andere_upload=uploads[andere.id],
        historische_import=historie,
        gebruikers={
            rol: maak_gebruiker(rol, gemeente=eigen if rol is Rol.GEMEENTE else None) for rol in Rol
        },
        doelwit=maak_gebruiker(Rol.FINANCIEN),
        onderwijs=_onderwijs(eigen, andere),
        **_inventarisatie(eigen, andere),
    )
    return twee


def _inventarisatie(eigen: Gemeente, andere: Gemeente) -> dict[str, Any]:
    inventarisatie = inventarisatie_met_themas(
        (("Kennisopbouw", "Kennis"), ("Lokale behoeften", "Netwerk"))
    )
    kennis, netwerk = inventarisatie.themas
    behoeften = []
    inventarisatie.open_voor_gemeenten = True
    inventarisatie.uiterlijk = date(2015, 12, 1)
    for gemeente in (eigen, andere):
        maak_deelnemer(inventarisatie, gemeente, date(2015, 11, 1) if gemeente is andere else None)
        behoeften.append(maak_antwoord(kennis, gemeente, prioriteit=4))
        maak_antwoord(netwerk, gemeente, prioriteit=2)  # no action yet
    later = inventarisatie_met_themas([("Deel", "Kennis")], "Inventarisatie 2017", date(2017, 3, 1))
    for gemeente in (eigen, andere):
        maak_deelnemer(later, gemeente, date(2017, 3, 20))
        maak_antwoord(later.themas[0], gemeente, prioriteit=5)
    return {
        "inventarisatie": inventarisatie,
        "actie": maak_actie(inventarisatie, themas=[kennis], behoeften=behoeften),
        "antwoordenupload": maak_antwoordenupload(inventarisatie),
    }


def _onderwijs(eigen: Gemeente, andere: Gemeente) -> Onderwijs:
    activiteiten, lessen, rapportages = {}, {}, {}
    ronde = maak_ronde()
    for gemeente in (eigen, andere):
        maak_cohortlid(gemeente, Fase.PILOT)
        activiteiten[gemeente.id] = maak_activiteit(gemeente, school=f"School in {gemeente.naam}")
        lessen[gemeente.id] = onderwijsaanpak.leg_les_vast(
            gemeente,
            onderwijsaanpak.LesGegevens("Ouders", f"Les uit {gemeente.naam}", date(2015, 12, 1)),
            door="test",
        )
        rapportages[gemeente.id] = maak_rapportage(ronde, gemeente)
    uploads = {g.id: maak_activiteitenupload(g, f"Upload in {g.naam}") for g in (eigen, andere)}
    return Onderwijs(
        eigen_activiteit=activiteiten[eigen.id],
        andere_activiteit=activiteiten[andere.id],
        eigen_les=lessen[eigen.id],
        andere_les=lessen[andere.id],
        ronde=ronde,
        eigen_rapportage=rapportages[eigen.id],
        andere_rapportage=rapportages[andere.id],
        eigen_upload=uploads[eigen.id],
        andere_upload=uploads[andere.id],
    )


@pytest.fixture
def shared_data() -> Path:
    """The CBS lists next to the project; tests that need them skip where they are absent."""
    if not (SHARED_DATA / "gemeenten-2025-01-01.csv").exists():
        pytest.skip(f"{SHARED_DATA} is not present (set GEMEENTEN_DATA)")
    return SHARED_DATA
