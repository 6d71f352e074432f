"""Security headers on every answer, and pages that need no inline script or style.

Every route under every role is checked by the permission matrix in `test_toegang`, which
calls `koppen_fouten` on each answer; the tests here cover what the URL map does not list:
static files, error pages, and the difference between development and production.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Blueprint

from kern.accounts.access import openbaar
from kern.accounts.models import Rol
from kern.app import PROJECT, create_app
from kern.db import db as _db

CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
KOPPEN = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000"

# Inline script or style, which the policy blocks: a <script> or <style> element, a style
# attribute, an event handler attribute, a javascript: link.
INLINE = re.compile(
    r"<script|<style|<[^>]*\s(style|on[a-z]+)\s*=|javascript:", re.IGNORECASE | re.DOTALL
)


def koppen_fouten(antwoord, wat: str, hsts: bool = True) -> list[str]:
    """What is wrong with one answer's security headers and inline code; empty when nothing."""
    fouten = [
        f"{wat}: {naam} is {antwoord.headers.get(naam)!r}, not {waarde!r}"
        for naam, waarde in KOPPEN.items()
        if antwoord.headers.get(naam) != waarde
    ]
    if hsts and antwoord.headers.get("Strict-Transport-Security") != HSTS:
        fouten.append(f"{wat}: no Strict-Transport-Security {HSTS!r}")
    if antwoord.mimetype == "text/html" and (gevonden := INLINE.search(antwoord.text)):
        fouten.append(f"{wat}: inline code the policy blocks: {gevonden.group(0)[:80]!r}")
    return fouten


def test_static_files_carry_the_headers(client):
    antwoord = client.get("/static/app.css")

    antwoord.close()
    assert antwoord.status_code == 200
    assert koppen_fouten(antwoord, "app.css") == []


def test_error_pages_carry_the_headers(app, login_as):
    stuk = Blueprint("stuk", __name__)

    @stuk.route("/stuk")
    @openbaar
    def kapot() -> str:
        raise RuntimeError("kapot")

    app.register_blueprint(stuk)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = login_as(Rol.FINANCIEN)

    for pad, code in [("/bestaat-niet", 404), ("/beheer/gebruikers", 403), ("/stuk", 500)]:
        antwoord = client.get(pad)
        assert antwoord.status_code == code
        assert koppen_fouten(antwoord, pad) == []


def test_the_503_page_without_a_database_carries_the_headers(app_config, tmp_path):
    kapot = create_app(
        {**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'weg' / 'db.sqlite'}"}
    )

    antwoord = kapot.test_client().get("/gezondheid")

    assert antwoord.status_code == 503
    assert koppen_fouten(antwoord, "503") == []
    with kapot.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize(("omgeving", "hsts"), [("development", False), ("testing", True)])
def test_hsts_outside_development_only(app_config, omgeving, hsts):
    app = create_app({**app_config, "APP_ENV": omgeving, "TESTING": omgeving == "testing"})

    antwoord = app.test_client().get("/aanmelden")

    assert antwoord.status_code == 200
    assert koppen_fouten(antwoord, omgeving, hsts=hsts) == []
    assert ("Strict-Transport-Security" in antwoord.headers) is hsts
    with app.app_context():
        _db.engine.dispose()


def test_no_template_has_inline_script_or_style():
    """The policy has no 'unsafe-inline': a style attribute would simply not apply."""
    gevonden = [
        f"{pad.relative_to(PROJECT)}: {m.group(0)[:60]!r}"
        for pad in sorted(Path(PROJECT, "templates").rglob("*.html"))
        for m in INLINE.finditer(pad.read_text(encoding="utf-8"))
    ]

    assert gevonden == []
