"""Error pages: Dutch, without stack traces, and usable when the database is down.

A view that has kept something before a step that may fail (an upload's original, before its
check) names the page that shows it with `bij_storing`: an unexpected failure from there on
sends the user to that page instead of the 500 page, rolled back and logged as any failure.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from kern import beveiligingslog
from kern.beveiligingslog import Gebeurtenis, Resultaat
from kern.db import db

log = logging.getLogger(__name__)

TEKSTEN: dict[int, tuple[str, str]] = {
    400: ("Ongeldig verzoek", "Het verzoek kon niet worden verwerkt."),
    403: ("Geen toegang", "U hebt geen toegang tot deze pagina."),
    404: (
        "Pagina niet gevonden",
        "Deze pagina bestaat niet, of u hebt er geen toegang toe. Controleer het adres.",
    ),
    405: ("Niet toegestaan", "Deze handeling kan op deze pagina niet worden uitgevoerd."),
    409: (
        "Intussen gewijzigd",
        "Iemand anders heeft dit intussen gewijzigd. Uw wijziging is niet opgeslagen; ga terug, "
        "laad de pagina opnieuw, bekijk de nieuwe gegevens en probeer het dan nog eens.",
    ),
    413: ("Bestand te groot", "Het bestand is groter dan de toegestane {limiet}."),
    414: (
        "Adres te lang",
        "Het adres van deze pagina is te lang om te verwerken. Ga terug en zoek met minder "
        "tekst; er is niets gewijzigd.",
    ),
    429: (
        "Te veel pogingen",
        "Er is te vaak een onjuist wachtwoord ingevoerd. Wacht even en probeer het dan "
        "opnieuw; een juist wachtwoord werkt dan weer.",
    ),
    500: (
        "Er ging iets mis",
        "Er is een onverwachte fout opgetreden. Er is niets gewijzigd. Probeer het later opnieuw; "
        "blijft het misgaan, meld het dan aan de beheerder.",
    ),
    503: (
        "Database niet bereikbaar",
        "De database is tijdelijk niet bereikbaar. Er is niets gewijzigd. "
        "Probeer het over een paar minuten opnieuw.",
    ),
}

# Pages that must render without asking the database who is signed in. Every other error
# page asks, and falls back to the same bare page when the database does not answer.
KALE_PAGINAS = {500, 503}


def _limiet() -> str:
    grootte = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return f"{grootte / (1024 * 1024):.0f} MB".replace(".", ",")


def _gebruiker_geladen() -> bool:
    """Load the signed-in user for the menu; False when the database does not answer."""
    try:
        current_user._get_current_object()
    except SQLAlchemyError:
        log.warning("error page without the user: the database did not answer", exc_info=True)
        _rollback()
        return False
    return True


def foutpagina(code: int, detail: str | None = None) -> tuple[str, int]:
    titel, tekst = TEKSTEN.get(code, TEKSTEN[500])
    return (
        render_template(
            "errors/fout.html",
            code=code,
            titel=titel,
            tekst=tekst.format(limiet=_limiet()),
            detail=detail,
            kaal=code in KALE_PAGINAS or not _gebruiker_geladen(),
        ),
        code,
    )


def bij_storing(url: str, melding: str | None = None) -> None:
    """Should this request fail unexpectedly from here on, answer with a redirect to ``url``
    (flashing ``melding`` as an error, if given) instead of the 500 page."""
    g.bij_storing = (url, melding)


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone entirely
        log.warning("rollback after a database error failed", exc_info=True)


# How the drivers name a unique violation: PostgreSQL's SQLSTATE, SQLite's extended code.
UNIEK_SQLSTATE = "23505"
UNIEK_SQLITE = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}


def is_unieke_botsing(fout: IntegrityError) -> bool:
    """Did a unique key refuse the row: someone else created the same thing first?"""
    return (
        getattr(fout.orig, "sqlstate", None) == UNIEK_SQLSTATE
        or getattr(fout.orig, "sqlite_errorname", None) in UNIEK_SQLITE
    )


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_fout(fout: CSRFError) -> tuple[str, int]:
        return foutpagina(
            400,
            "Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog "
            "eens; er is niets gewijzigd.",
        )

    @app.errorhandler(HTTPException)
    def http_fout(fout: HTTPException) -> tuple[str, int]:
        code = fout.code or 500
        if code >= 500:
            _rollback()
        if code == 403:
            beveiligingslog.schrijf(
                Gebeurtenis.TOEGANG,
                Resultaat.GEWEIGERD,
                object=f"{request.method} {request.path}",
                toelichting="geen toegang voor deze rol",
            )
        return foutpagina(code)

    # Two saves at the same instant pass the version check of the form (`version_id_col`)
    # together; the database then lets one win. The other's flush or commit raises, wherever
    # in the view that happens: answer it here, for every form, as a check a few seconds
    # later would have (409, nothing changed).
    @app.errorhandler(StaleDataError)
    def gelijktijdig_gewijzigd(fout: StaleDataError) -> tuple[str, int]:
        log.info("concurrent change refused: %s", fout)
        _rollback()
        return foutpagina(409)

    @app.errorhandler(IntegrityError)
    def gelijktijdig_aangemaakt(fout: IntegrityError) -> tuple[str, int]:
        _rollback()
        if not is_unieke_botsing(fout):
            raise fout  # a broken rule is a bug: the 500 page, and a logged traceback
        log.info("concurrent create refused: %s", fout.orig)
        return foutpagina(409)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_weg(fout: DBAPIError) -> tuple[str, int, dict[str, str]]:
        log.error("database unavailable: %s", fout.orig)
        _rollback()
        pagina, code = foutpagina(503)
        return pagina, code, {"Retry-After": "60"}

    @app.errorhandler(InternalServerError)
    def interne_fout(fout: InternalServerError) -> tuple[str, int] | Response:
        _rollback()
        bestemming: tuple[str, str | None] | None = g.pop("bij_storing", None)
        if bestemming is None:
            return foutpagina(500)
        url, melding = bestemming
        log.warning("request failed; the user is sent to %s (what was kept)", url)
        if melding:
            flash(melding, "fout")
        return redirect(url)
