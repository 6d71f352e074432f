"""What gunicorn itself answers, with the project's gunicorn.conf.py, as `make serve` runs it.

gunicorn answers some requests without asking the application, in English. These tests start
the real server on a free port and check that what reaches the user is the Dutch page.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kern.app import PROJECT

# An app like wsgi.py's, with one view that fails, as a bug would, and one that hangs.
WSGI = """
import time

from kern.app import create_app
from kern.accounts.access import openbaar

app = create_app()


@app.route("/stuk")
@openbaar
def stuk():
    raise RuntimeError("geheime interne details")


@app.route("/traag")
@openbaar
def traag():
    time.sleep(30)
    return "klaar"
"""


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(map_: Path, *opties: str) -> Iterator[str]:
    """gunicorn with the project's config and the app above; yields the base URL."""
    (map_ / "testwsgi.py").write_text(WSGI)
    poort = _vrije_poort()
    omgeving = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "APP_ENV"))},
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{map_ / 'db.sqlite'}",
    }
    proces = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            str(PROJECT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{poort}",
            "--workers",
            "1",
            "--no-control-socket",  # one per user by default: not to be taken from a real server
            "--pythonpath",
            f"{map_},{PROJECT}",
            *opties,
            "testwsgi:app",
        ],
        cwd=map_,
        env=omgeving,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    basis = f"http://127.0.0.1:{poort}"
    try:
        for _ in range(100):
            if proces.poll() is not None:
                pytest.fail(f"gunicorn stopped with exit code {proces.returncode}")
            try:
                urllib.request.urlopen(basis + "/aanmelden", timeout=2).close()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        yield basis
    finally:
        proces.terminate()
        proces.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with gunicorn(tmp_path_factory.mktemp("gunicorn")) as basis:
        yield basis


def _vraag(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as antwoord:  # noqa: S310
            return antwoord.status, antwoord.read().decode()
    except urllib.error.HTTPError as fout:
        with fout:
            return fout.code, fout.read().decode()


def test_a_request_line_of_10_kb_gets_the_dutch_414(server):
    code, html = _vraag(server + "/gemeenten/?q=" + "a" * 10 * 1024)

    assert code == 414
    assert "Adres te lang" in html
    assert '<html lang="nl">' in html


def test_an_error_in_the_app_gets_the_dutch_500(server):
    code, html = _vraag(server + "/stuk")

    assert code == 500
    assert "Er ging iets mis" in html
    assert "geheime interne details" not in html
    assert "Internal Server Error" not in html


def test_a_request_ended_by_the_worker_timeout_gets_the_dutch_500(tmp_path):
    with gunicorn(tmp_path, "--timeout", "2") as basis:
        code, html = _vraag(basis + "/traag")

    assert code == 500
    assert "Er ging iets mis" in html
    assert "Internal Server Error" not in html
