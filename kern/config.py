"""Configuration: safe defaults for development, everything else from the environment.

Settings come, in this order, from the defaults below, from ``FLASK_*`` environment variables
(``FLASK_SECRET_KEY``, ``FLASK_MAX_CONTENT_LENGTH``, ...; values are parsed as JSON where they
can be), from the conventional names ``SECRET_KEY``, ``DATABASE_URL`` and ``REDIS_URL``, and
last from the mapping a caller (a test) hands to ``create_app``.

``APP_ENV`` chooses the mode: ``development`` (default), ``production`` or ``testing``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ENVIRONMENTS = ("development", "production", "testing")

# Recognisable so that production can refuse it.
DEVELOPMENT_SECRET_KEY = "ontwikkeling-niet-geheim"  # noqa: S105
MINIMUM_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration does not allow the application to start."""


def development_database(instance_path: Path) -> str:
    """The SQLite file development uses when DATABASE_URL is not set; never production's."""
    return f"sqlite:///{instance_path / 'versterkingsgelden.sqlite'}"


def defaults(instance_path: Path) -> dict[str, Any]:
    return {
        "APP_ENV": "development",
        "SECRET_KEY": DEVELOPMENT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": development_database(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": None,
        # Uploads are Excel workbooks; anything larger than this is refused with a 413 page.
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        # Sessions (kern/accounts/sessies.py): ended after 30 minutes without a request and
        # 12 hours after signing in; the last activity is written at most once a minute.
        "SESSIE_INACTIEF": 30 * 60,
        "SESSIE_MAXIMAAL": 12 * 3600,
        "SESSIE_ACTIVITEIT_BIJWERKEN_NA": 60,
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        # After the password, the second factor must follow within this many seconds.
        "TWEEDE_FACTOR_TERMIJN": 15 * 60,
        # Development only: sign in with the password alone (the pages say so); any other
        # APP_ENV refuses to start with it (`make run` sets it for the demo accounts).
        "TWEEDE_FACTOR_OVERSLAAN": False,
        # Werkzeug's password hash; the suite sets a cheap one, production keeps scrypt.
        "WACHTWOORD_HASH": "scrypt",
        # Failed sign-ins slow further attempts down (kern/accounts/pogingen.py).
        "POGINGEN_BEPERKEN": True,
        # Behind a reverse proxy, how many proxies set X-Forwarded-For/-Proto (0: none).
        "PROXY_FIX_X_FOR": 0,
        # Password of the demo accounts; `flask demo laden` generates one when empty.
        "DEMO_PASSWORD": None,
        # A `logging.config.dictConfig` mapping; None: the mode's default (`default_logging`).
        "LOGGING": None,
        # Flask-Compress: pages, CSV and JSON go out with brotli or gzip when the browser asks
        # (Accept-Encoding); an xlsx is a zip file already and goes out as it is.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/csv",
            "text/plain",
            "text/css",
            "application/json",
            "image/svg+xml",
        ],
        # Background jobs (kern/taken.py): the queue ("direct", "sqlite", "redis"; None: direct
        # outside production, else redis with REDIS_URL, else sqlite), SqliteHuey's file
        # (None: instance/taken.sqlite), the heartbeat's interval and the silence after which
        # a running job counts as interrupted (seconds).
        "TAKEN_WACHTRIJ": None,
        "TAKEN_SQLITE": None,
        "TAKEN_HARTSLAG": 2,
        "TAKEN_ONDERBROKEN_NA": 60,
    }


# The application's own loggers: Flask's `app.logger` is named "kern" (the app's name), and
# modules log through `logging.getLogger(__name__)` inside these packages.
APPLICATION_LOGGERS = ("kern", "gemeenten", "subsidies", "onderwijsaanpak")


def default_logging(app: Flask) -> dict[str, Any] | None:
    """The application's loggers write to the WSGI server's error stream, as Flask's own
    handler does: INFO in production, DEBUG in development. Under test, pytest shows the
    records, so nothing is configured. Only the application's loggers are touched; their
    records still reach any handler on the root logger."""
    if app.testing:
        return None
    level = "INFO" if is_production(app) else "DEBUG"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "standaard": {"format": "[%(asctime)s] %(levelname)s in %(name)s: %(message)s"}
        },
        "handlers": {
            "wsgi": {
                "class": "logging.StreamHandler",
                "stream": "ext://flask.logging.wsgi_errors_stream",
                "formatter": "standaard",
            }
        },
        "loggers": {name: {"level": level, "handlers": ["wsgi"]} for name in APPLICATION_LOGGERS},
    }


def load(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` and refuse a configuration that is unsafe for its mode."""
    app.config.from_mapping(defaults(Path(app.instance_path)))
    app.config.from_prefixed_env()
    for name in ("APP_ENV", "SECRET_KEY", "REDIS_URL", "DEMO_PASSWORD", "TAKEN_WACHTRIJ"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url(os.environ["DATABASE_URL"])
    if overrides:
        app.config.from_mapping(overrides)

    if app.config["APP_ENV"] not in ENVIRONMENTS:
        raise ConfigError(
            f"APP_ENV={app.config['APP_ENV']!r} is unknown; use one of {', '.join(ENVIRONMENTS)}."
        )
    app.testing = app.config["APP_ENV"] == "testing" or app.config.get("TESTING", False)
    if app.config["TWEEDE_FACTOR_OVERSLAAN"] and app.config["APP_ENV"] != "development":
        raise ConfigError(
            "TWEEDE_FACTOR_OVERSLAAN is for development only (APP_ENV=development); "
            f"APP_ENV={app.config['APP_ENV']} always asks for the second factor."
        )
    if is_production(app):
        check_production(app)
        app.config["SESSION_COOKIE_SECURE"] = True
    if app.config["LOGGING"] is None:
        app.config["LOGGING"] = default_logging(app)


def is_production(app: Flask) -> bool:
    return bool(app.config["APP_ENV"] == "production")


def check_production(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"] == development_database(Path(app.instance_path)):
        raise ConfigError(
            "Production needs DATABASE_URL (for example postgresql+psycopg://user@host/db); "
            "it never falls back to the development SQLite file."
        )
    if not str(app.config["WACHTWOORD_HASH"]).startswith(("scrypt", "pbkdf2:sha256:600000")):
        raise ConfigError("Production hashes passwords with scrypt (WACHTWOORD_HASH=scrypt).")
    key = app.config.get("SECRET_KEY")
    if not key or key == DEVELOPMENT_SECRET_KEY or len(str(key)) < MINIMUM_SECRET_KEY_LENGTH:
        raise ConfigError(
            "Production needs a real SECRET_KEY of at least "
            f"{MINIMUM_SECRET_KEY_LENGTH} characters (for example: "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )


def database_url(url: str) -> str:
    """Accept the common ``postgres://`` spellings and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url
