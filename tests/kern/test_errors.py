"""Error pages: in Dutch, without stack traces, and still there when the database is not."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Blueprint
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from gemeenten.models import Gemeente
from kern import errors
from kern.accounts.access import openbaar
from kern.accounts.models import Gebruiker, Rol
from kern.app import create_app
from kern.db import db as _db
from tests.diensten import redis_antwoordt
from tests.gemeenten.factories import maak_gemeente
from tests.kern.factories import maak_gebruiker

SPOREN = ("Traceback", 'File "', "RuntimeError", "OperationalError", "sqlalchemy", "psycopg")


def _zonder_sporen(html: str) -> None:
    for spoor in SPOREN:
        assert spoor not in html, f"the error page shows {spoor!r}"


def test_unknown_page_is_a_dutch_404_with_the_menu(beleidsmedewerker, officier):
    antwoord = officier.get("/bestaat-niet")

    assert antwoord.status_code == 404
    html = antwoord.text
    assert "Pagina niet gevonden" in html
    assert 'aria-label="Hoofdmenu"' in html
    assert beleidsmedewerker.naam in html


def test_forbidden_page_is_a_dutch_403_with_the_menu(db, login_as):
    financien = maak_gebruiker(Rol.FINANCIEN)
    client = login_as(financien)

    antwoord = client.get("/beheer/gebruikers")

    assert antwoord.status_code == 403
    html = antwoord.text
    assert "Geen toegang" in html
    assert "U hebt geen toegang tot deze pagina." in html
    assert 'aria-label="Hoofdmenu"' in html
    assert financien.naam in html


def test_a_too_large_upload_is_refused_with_its_limit(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    # Built by hand: werkzeug's test client spools a large body to a temporary file that it
    # does not close when the app refuses to read it.
    grens = "grens"
    lichaam = (
        (
            f"--{grens}\r\n"
            'Content-Disposition: form-data; name="bestand"; filename="verantwoording.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"x" * (1024 * 1024)
        + f"\r\n--{grens}--\r\n".encode()
    )

    antwoord = client.post(
        "/aanmelden", data=lichaam, content_type=f"multipart/form-data; boundary={grens}"
    )

    assert antwoord.status_code == 413
    html = antwoord.text
    assert "Bestand te groot" in html
    assert "groter dan de toegestane 1 MB" in html


def test_an_unexpected_error_shows_a_dutch_page_without_the_traceback(app, login_as):
    stuk = Blueprint("stuk", __name__)

    @stuk.route("/stuk")
    @openbaar
    def kapot() -> str:
        raise RuntimeError("geheime interne details")

    app.register_blueprint(stuk)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = login_as(Rol.BELEIDSMEDEWERKER)

    antwoord = client.get("/stuk")

    assert antwoord.status_code == 500
    html = antwoord.text
    assert "Er ging iets mis" in html
    assert "Er is niets gewijzigd." in html
    assert "geheime interne details" not in html
    _zonder_sporen(html)


def test_a_view_that_kept_something_sends_the_user_there_when_it_then_fails(app, db, login_as):
    stuk = Blueprint("bewaard", __name__)

    @stuk.route("/bewaard")
    @openbaar
    def kapot() -> str:
        maak_gemeente("GM0363", "Amsterdam", "Noord-Holland")  # flushed: the request's work
        errors.bij_storing("/bewaard/pagina", "Het is bewaard, maar niet verwerkt.")
        raise RuntimeError("geheime interne details")

    app.register_blueprint(stuk)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = login_as(Rol.BELEIDSMEDEWERKER)

    antwoord = client.get("/bewaard")

    assert antwoord.status_code == 302
    assert antwoord.location == "/bewaard/pagina"
    with client.session_transaction() as sessie:
        assert ("fout", "Het is bewaard, maar niet verwerkt.") in sessie["_flashes"]
    assert db.session.execute(select(Gemeente)).first() is None  # rolled back


ONBEREIKBAAR = {
    "postgresql-closed-port": lambda tmp: "postgresql+psycopg://postgres@127.0.0.1:1/none",
    "sqlite-missing-directory": lambda tmp: f"sqlite:///{tmp / 'bestaat-niet' / 'db.sqlite'}",
}


@pytest.fixture(params=sorted(ONBEREIKBAAR))
def zonder_database(request, app_config, tmp_path: Path):
    """An app whose database cannot be reached at all."""
    url = ONBEREIKBAAR[request.param](tmp_path)
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})
    yield app
    with app.app_context():
        _db.engine.dispose()


def _moet_503_zijn(antwoord) -> None:
    assert antwoord.status_code == 503
    assert antwoord.headers["Retry-After"] == "60"
    html = antwoord.text
    assert "Database niet bereikbaar" in html
    assert "Er is niets gewijzigd." in html
    _zonder_sporen(html)


def test_health_check_says_503_when_the_database_is_unreachable(zonder_database):
    _moet_503_zijn(zonder_database.test_client().get("/gezondheid"))


def test_a_signed_in_user_gets_503_when_the_database_is_unreachable(officier, zonder_database):
    cookie = officier.get_cookie("session")
    assert cookie is not None
    client = zonder_database.test_client()
    # The same secret key, so the broken app accepts the cookie and must load the user.
    client.set_cookie("session", cookie.value, domain=cookie.domain)

    _moet_503_zijn(client.get("/aanmelden"))
    _moet_503_zijn(client.get("/"))


def test_health_check_is_ok_when_the_database_answers(client):
    antwoord = client.get("/gezondheid")

    assert antwoord.status_code == 200
    assert antwoord.get_json() == {"status": "ok", "database": "ok", "redis": "niet ingesteld"}
    assert antwoord.headers["Cache-Control"] == "no-store"


def _gezondheid_met_redis(app_config, url: str):
    app = create_app({**app_config, "REDIS_URL": url})
    antwoord = app.test_client().get("/gezondheid")
    with app.app_context():
        _db.engine.dispose()
    return antwoord


def test_health_check_says_503_when_the_configured_redis_does_not_answer(app_config):
    antwoord = _gezondheid_met_redis(app_config, "redis://127.0.0.1:9/0")  # nothing listens

    assert antwoord.status_code == 503
    assert antwoord.headers["Retry-After"] == "60"
    assert antwoord.get_json() == {"status": "storing", "database": "ok", "redis": "onbereikbaar"}


@pytest.mark.skipif(not redis_antwoordt(), reason="no Redis on 127.0.0.1:6379")
def test_health_check_is_ok_when_the_configured_redis_answers(app_config):
    antwoord = _gezondheid_met_redis(app_config, "redis://127.0.0.1:6379/0")

    assert antwoord.status_code == 200
    assert antwoord.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.mark.skipif(not redis_antwoordt(), reason="no Redis on 127.0.0.1:6379")
def test_health_check_follows_redis_going_away_and_coming_back(app_config):
    luik = _Doorgeefluik(("127.0.0.1", 6379))
    luik.start()
    app = create_app({**app_config, "REDIS_URL": f"redis://127.0.0.1:{luik.poort}/0"})
    client = app.test_client()
    try:
        assert client.get("/gezondheid").get_json()["redis"] == "ok"  # a kept connection now

        luik.stop()
        weg = client.get("/gezondheid")
        assert weg.status_code == 503
        assert weg.get_json() == {"status": "storing", "database": "ok", "redis": "onbereikbaar"}

        luik.start()  # the same address, as a restarted Redis
        terug = client.get("/gezondheid")
        assert terug.status_code == 200
        assert terug.get_json()["redis"] == "ok"
    finally:
        with contextlib.suppress(OSError, AssertionError):
            luik.stop()
        with app.app_context():
            _db.engine.dispose()


def _aangemeld_zonder_database(officier, kapot):
    """A signed-in officer's cookie, sent to an app whose database cannot be reached."""
    cookie = officier.get_cookie("session")
    assert cookie is not None
    client = kapot.test_client()
    client.set_cookie("session", cookie.value, domain=cookie.domain)
    return client


def test_a_signed_in_404_renders_without_the_database(officier, zonder_database):
    client = _aangemeld_zonder_database(officier, zonder_database)

    antwoord = client.get("/bestaat-niet")

    assert antwoord.status_code == 404
    html = antwoord.text
    assert "Pagina niet gevonden" in html
    assert 'aria-label="Hoofdmenu"' not in html  # who is signed in is not known
    _zonder_sporen(html)


def test_a_signed_in_post_without_its_token_renders_without_the_database(officier, zonder_database):
    zonder_database.config["WTF_CSRF_ENABLED"] = True
    client = _aangemeld_zonder_database(officier, zonder_database)

    antwoord = client.post("/afmelden", data={})

    assert antwoord.status_code == 400
    html = antwoord.text
    assert "Het formulier is verlopen of ongeldig." in html
    _zonder_sporen(html)


def test_a_unique_key_refusing_a_row_is_a_dutch_409_and_nothing_is_kept(app, db):
    """Two creates of the same thing at once: the database's unique key lets one win."""
    dubbel = Blueprint("dubbel", __name__)

    def gebruiker(email: str | None) -> Gebruiker:
        return Gebruiker(email=email, naam="Naam", rol=Rol.FINANCIEN, wachtwoord_hash="-")

    @dubbel.route("/dubbel", methods=["POST"])
    @openbaar
    def maak_twee() -> str:
        _db.session.add(gebruiker("een@voorbeeld.nl"))
        _db.session.flush()
        _db.session.add_all([gebruiker("dubbel@voorbeeld.nl"), gebruiker("dubbel@voorbeeld.nl")])
        _db.session.commit()
        return "aangemaakt"

    @dubbel.route("/kapot", methods=["POST"])
    @openbaar
    def breek_regel() -> str:
        _db.session.add(gebruiker(None))
        _db.session.commit()
        return "aangemaakt"

    app.register_blueprint(dubbel)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()

    botsing = client.post("/dubbel")
    kapot = client.post("/kapot")

    assert botsing.status_code == 409
    html = botsing.text
    assert "Iemand anders heeft dit intussen gewijzigd" in html
    assert "niet opgeslagen" in html
    _zonder_sporen(html)
    assert kapot.status_code == 500  # a broken rule is a bug, not someone else's change
    assert db.session.execute(select(func.count(Gebruiker.id))).scalar_one() == 0


class _Doorgeefluik:
    """A TCP relay to the database server that the test can cut and restore on the same port, as
    a database restarting or a network failing looks to the application: every open connection
    breaks, new ones are refused, until it is back."""

    def __init__(self, doel: tuple[str, int]) -> None:
        self.doel = doel
        self.poort = 0
        self._luisteraar: socket.socket | None = None
        self._verbindingen: list[socket.socket] = []
        self._slot = threading.Lock()

    def start(self) -> None:
        luisteraar = socket.socket()
        luisteraar.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        luisteraar.bind(("127.0.0.1", self.poort))
        luisteraar.listen()
        self.poort = luisteraar.getsockname()[1]
        self._luisteraar = luisteraar
        threading.Thread(target=self._aanvaard, args=(luisteraar,), daemon=True).start()

    def stop(self) -> None:
        assert self._luisteraar is not None
        # shutdown first: a close alone leaves the socket listening while accept() waits on it.
        with contextlib.suppress(OSError):
            self._luisteraar.shutdown(socket.SHUT_RDWR)
        self._luisteraar.close()
        with self._slot:
            for verbinding in self._verbindingen:
                with contextlib.suppress(OSError):
                    verbinding.shutdown(socket.SHUT_RDWR)
                verbinding.close()
            self._verbindingen.clear()

    def _aanvaard(self, luisteraar: socket.socket) -> None:
        while True:
            try:
                binnen, _ = luisteraar.accept()
            except OSError:
                return  # stopped
            buiten = socket.create_connection(self.doel)
            with self._slot:
                self._verbindingen += [binnen, buiten]
            for van, naar in ((binnen, buiten), (buiten, binnen)):
                threading.Thread(target=self._pijp, args=(van, naar), daemon=True).start()

    @staticmethod
    def _pijp(van: socket.socket, naar: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := van.recv(65536):
                naar.sendall(data)
        with contextlib.suppress(OSError):
            naar.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def doorgeefluik(app_config) -> Iterator[tuple[_Doorgeefluik, str]]:
    url = make_url(str(app_config["SQLALCHEMY_DATABASE_URI"]))
    if url.get_backend_name() != "postgresql":
        pytest.skip("a database server that goes away is PostgreSQL's; SQLite is a file")
    luik = _Doorgeefluik((url.host or "127.0.0.1", url.port or 5432))
    luik.start()
    yield luik, url.set(host="127.0.0.1", port=luik.poort).render_as_string(hide_password=False)
    with contextlib.suppress(OSError, AssertionError):
        luik.stop()


def test_the_application_recovers_by_itself_when_the_database_returns(
    officier, app_config, doorgeefluik
):
    luik, url = doorgeefluik
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})
    client = app.test_client()
    cookie = officier.get_cookie("session")
    assert cookie is not None
    client.set_cookie("session", cookie.value, domain=cookie.domain)
    # The same browser as `officier`: the session is bound to its user agent.
    client.environ_base.update(officier.environ_base)
    assert client.get("/").status_code == 200  # the pool now holds a live connection

    luik.stop()
    _moet_503_zijn(client.get("/"))
    _moet_503_zijn(client.get("/gezondheid"))

    luik.start()  # the same address, as a restarted server
    assert client.get("/gezondheid").status_code == 200
    antwoord = client.get("/")
    assert antwoord.status_code == 200
    assert "Welkom" in antwoord.text

    # A restart between two requests: the pooled connection is dead, and the next page must not
    # be the one to find out (the pool checks a connection before lending it).
    luik.stop()
    luik.start()
    assert client.get("/").status_code == 200
    with app.app_context():
        _db.engine.dispose()
