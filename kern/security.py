"""Guards every request passes and headers every answer carries, whatever view it is.

A request URI longer than `LANGSTE_ADRES` is refused with a Dutch 414.

Control characters: no one types them, PostgreSQL cannot store a NUL in a text column, and
further on they only make trouble (in logs, in Excel, in file names). One hook refuses them in
the path, the query string, form fields and upload file names with a Dutch 400, before any view
or query sees them. Tab, line feed and carriage return are allowed in values: multi-line text
has them.

Security headers: the pages have no inline script or style (the SVG chart included: its
styling is in the stylesheet), so the Content-Security-Policy allows only this site's own
files, no plugins, no <base>, forms only to this site, and no framing by anyone (with
X-Frame-Options for older browsers), which stops clickjacking of every button. HSTS outside
development, where the site is served over HTTPS.
"""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.wrappers import Response

from kern.errors import foutpagina

# The longest request URI (path and query string) served. gunicorn.conf.py lifts gunicorn's
# own limit, whose answer is an English page, so that this one answers in Dutch.
LANGSTE_ADRES = 8 * 1024

# C0 controls, DEL and C1 controls.
STUURTEKEN = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The same without tab, line feed and carriage return.
STUURTEKEN_IN_TEKST = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def stuurteken_in_verzoek() -> str | None:
    """Where the current request carries a control character, in the user's words; or None."""
    if STUURTEKEN.search(request.path):
        return "het adres"
    if any(
        STUURTEKEN.search(naam) or STUURTEKEN_IN_TEKST.search(waarde)
        for naam, waarde in request.args.items(multi=True)
    ):
        return "het adres"
    if any(
        STUURTEKEN.search(naam) or STUURTEKEN_IN_TEKST.search(waarde)
        for naam, waarde in request.form.items(multi=True)
    ):
        return "wat u hebt ingevuld"
    if any(
        STUURTEKEN.search(naam) or STUURTEKEN.search(bestand.filename or "")
        for naam, bestand in request.files.items(multi=True)
    ):
        return "de naam van het bestand"
    return None


def controleer_verzoek() -> tuple[str, int] | None:
    """Refuse a request with a too long address or with control characters in it."""
    if len(request.environ.get("RAW_URI") or request.full_path) > LANGSTE_ADRES:
        return foutpagina(414)
    waar = stuurteken_in_verzoek()
    if waar is None:
        return None
    return foutpagina(
        400,
        f"Het verzoek bevat een stuurteken (een onzichtbaar teken, zoals een nul-byte) in {waar}. "
        "Haal het weg en probeer het opnieuw; er is niets gewijzigd.",
    )


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
KOPPEN = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000"  # a year; without includeSubDomains, which is not ours to decide


def register(app: Flask) -> None:
    # First of all before_request hooks, so that nothing else reads the input before it.
    app.before_request(controleer_verzoek)
    koppen = dict(KOPPEN)
    if app.config["APP_ENV"] != "development":
        koppen["Strict-Transport-Security"] = HSTS

    @app.after_request
    def beveiligingskoppen(antwoord: Response) -> Response:
        antwoord.headers.update(koppen)
        return antwoord
