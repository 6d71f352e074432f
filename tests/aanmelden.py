"""Signing in as a browser does: the password, then the second factor (enrolling first when the
account has none yet). `login_as` in conftest.py and the tests that sign in by hand use this.

A code works once, also within its 30 seconds, and the suite signs the same account in many
times a second. So before it posts a code, ``tweede_factor`` forgets the account's last used
time step, as if the 30 seconds had passed; the code is still computed from the account's own
secret with pyotp and checked by the server as any other. Tests of the replay guard itself
(tests/kern/test_tweede_factor.py) post codes by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pyotp
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from kern.accounts.models import Gebruiker
from kern.db import db
from tests.pagina import csrf_token

CODEPAGINA = "/aanmelden/code"
INSTELPAGINA = "/aanmelden/instellen"


@contextmanager
def sessie_van(app: Flask) -> Iterator[None]:
    """The test's database session when it holds one (`db`), else one for the moment."""
    if has_app_context():
        yield
        return
    with app.app_context():
        yield


def met_csrf(client: FlaskClient, url: str, gegevens: dict[str, str]) -> dict[str, str]:
    """``gegevens`` with the CSRF token of the form at ``url`` when the app checks it."""
    if client.application.config["WTF_CSRF_ENABLED"]:
        return {**gegevens, "csrf_token": csrf_token(client.get(url))}
    return gegevens


def geheim_op_pagina(pagina: TestResponse) -> str:
    """The secret the enrolment page shows to type over (in groups of four)."""
    gevonden = re.search(r'<code class="geheim">([A-Z2-7 ]+)</code>', pagina.text)
    assert gevonden is not None, "the enrolment page shows no secret"
    return gevonden[1].replace(" ", "")


def vergeet_laatste_stap(app: Flask, email: str) -> str | None:
    """Forget the account's last used time step; returns its secret when enrolled."""
    with sessie_van(app):
        gebruiker = db.session.execute(
            select(Gebruiker).where(func.lower(Gebruiker.email) == email.strip().lower())
        ).scalar_one()
        gebruiker.totp_laatste_stap = None
        geheim = gebruiker.totp_geheim if gebruiker.totp_ingesteld_op else None
        db.session.commit()
    return geheim


def tweede_factor(client: FlaskClient, email: str, na_wachtwoord: TestResponse) -> TestResponse:
    """Give the second factor after ``na_wachtwoord``, the answer to the password: a code from
    the account's secret, or, for an account without one, enrol as the page says."""
    pad = urlsplit(na_wachtwoord.location).path
    assert na_wachtwoord.status_code == 302, f"{email}: the password was refused"
    assert pad in (CODEPAGINA, INSTELPAGINA), f"{email}: sent to {pad}, not the second factor"
    app = client.application
    url = na_wachtwoord.location
    geheim = vergeet_laatste_stap(app, email)
    if pad == INSTELPAGINA:
        pagina = client.get(url)
        assert pagina.status_code == 200, pagina.text
        geheim = geheim_op_pagina(pagina)
    assert geheim is not None
    return client.post(url, data=met_csrf(client, url, {"code": pyotp.TOTP(geheim).now()}))


def meld_aan(client: FlaskClient, email: str, wachtwoord: str) -> TestResponse:
    """Sign in with both factors; the answer to the last step (a redirect to the page the
    browser wanted, or the recovery codes after enrolling)."""
    na_wachtwoord = client.post(
        "/aanmelden",
        data=met_csrf(client, "/aanmelden", {"email": email, "wachtwoord": wachtwoord}),
    )
    return tweede_factor(client, email, na_wachtwoord)
