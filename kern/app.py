"""The app factory: `create_app` binds the kernel's extensions and the domains to one app.

This is the one module of `kern` that imports the domain packages; it is imported by `wsgi.py`,
the tests and the benchmarks, never by the rest of the kernel.
"""

from __future__ import annotations

import logging.config
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from kern import (  # noqa: F401 (audit, uploads: models)
    audit,
    cache,
    config,
    errors,
    export,
    export_achtergrond,
    formatting,
    navigatie,
    security,
    taken,
    uploads,
)
from kern.accounts import sessies
from kern.accounts.access import controleer_declaraties, mag
from kern.accounts.models import Gebruiker
from kern.db import db as database  # not `db`: that name is the module kern.db
from kern.extensions import compress, csrf, login_manager, migrate

PROJECT = Path(__file__).resolve().parent.parent


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        "kern",  # the app's name (and its logger's) from before the factory moved here
        root_path=str(PROJECT),
        instance_path=str(PROJECT / "instance"),
        template_folder="templates",
        static_folder="static",
    )
    config.load(app, overrides)
    Path(app.instance_path).mkdir(exist_ok=True)  # home of the default SQLite database
    if app.config["LOGGING"]:
        logging.config.dictConfig(app.config["LOGGING"])

    security.register(app)  # before the extensions: its checks run before theirs
    database.init_app(app)
    migrate.init_app(app, database, directory=str(PROJECT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    cache.init_app(app)
    compress.init_app(app)
    # Templates get `current_user` as a lazy proxy (below) instead of from Flask-Login's context
    # processor, which loads the user for every page: the 500 and 503 pages must render
    # without asking the database who is signed in.
    login_manager.init_app(app, add_context_processor=False)
    login_manager.user_loader(laad_gebruiker)
    app.before_request(laad_gebruiker_vooraf)
    if app.config["PROXY_FIX_X_FOR"]:
        hops = int(app.config["PROXY_FIX_X_FOR"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    errors.register(app)
    formatting.register(app)
    export.register(app)
    navigatie.init_app(app)
    taken.init_app(app)  # before the domains, which register their jobs
    export_achtergrond.init_app(app)

    from kern import beheer, demo
    from kern import views as kern_views
    from kern.accounts import cli as accounts_cli
    from kern.accounts import tweede_factor_views
    from kern.accounts import views as accounts_views

    app.register_blueprint(kern_views.bp)
    app.register_blueprint(accounts_views.bp)
    app.register_blueprint(tweede_factor_views.bp)
    app.cli.add_command(accounts_cli.cli)
    app.cli.add_command(demo.cli)
    app.cli.add_command(beheer.cli)

    import gemeenten
    import onderwijsaanpak
    import subsidies
    from gemeenten import inventarisatie

    gemeenten.init_app(app)
    inventarisatie.init_app(app)
    subsidies.init_app(app)
    onderwijsaanpak.init_app(app)
    demo.registreer(app, 90, demo.laad_accounts)

    app.jinja_env.globals["mag"] = mag
    app.jinja_env.globals["current_user"] = current_user
    controleer_declaraties(app)
    return app


def laad_gebruiker(sessietoken: str) -> Gebruiker | None:
    """Flask-Login's user loader: the cookie holds a session's token, not the user id."""
    sessie = sessies.geldige(sessietoken)
    return None if sessie is None else sessie.gebruiker


def laad_gebruiker_vooraf() -> None:
    """Load the signed-in user before any view runs, so that a session that ran out is ended,
    and its last activity written, while the request has written nothing else. An address no
    view answers (a 404, a 405) or a static file loads nobody: those pages render without the
    database."""
    if request.routing_exception is None and request.endpoint != "static" and "_user_id" in session:
        _ = current_user.is_authenticated
