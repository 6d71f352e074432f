from __future__ import annotations

import redis
from flask import Blueprint, current_app, redirect, render_template
from sqlalchemy import text
from werkzeug.wrappers import Response

from kern.accounts.access import gebruiker, openbaar, toegang
from kern.accounts.gemeentebron import bron
from kern.accounts.models import Rol
from kern.accounts.rechten import Recht
from kern.db import db

bp = Blueprint("kern", __name__)


@bp.route("/")
@toegang(Recht.EIGEN_ACCOUNT)
def home() -> str | Response:
    ik = gebruiker()
    if ik.rol is Rol.GEMEENTE and ik.gemeente_id is not None:
        # A municipality user's start page is their own municipality's page.
        return redirect(bron().url(ik.gemeente_id))
    return render_template("home.html")


@bp.route("/gezondheid")
@openbaar
def gezondheid() -> tuple[dict[str, str], int, dict[str, str]]:
    """For the load balancer: 200 when the database answers and, when ``REDIS_URL`` is set,
    Redis too; 503 with Retry-After otherwise (a database that does not answer reaches the
    503 handler, which every page shares)."""
    db.session.execute(text("SELECT 1"))
    redis = _redis_bereikbaar()
    status = "ok" if redis in ("ok", NIET_INGESTELD) else "storing"
    antwoord = {"status": status, "database": "ok", "redis": redis}
    if status == "ok":
        return antwoord, 200, {"Cache-Control": "no-store"}
    return antwoord, 503, {"Retry-After": "60", "Cache-Control": "no-store"}


NIET_INGESTELD = "niet ingesteld"


def _redis_bereikbaar() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return NIET_INGESTELD
    try:
        _redis(url).ping()
    except redis.RedisError:
        return "onbereikbaar"
    return "ok"


def _redis(url: str) -> redis.Redis:
    """The application's client for the check, made once: its pool keeps the connection from
    one check to the next (connecting anew each time cost more than the rest of the check) and
    connects again when Redis has been away."""
    client: redis.Redis | None = current_app.extensions.get("gezondheid_redis")
    if client is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        current_app.extensions["gezondheid_redis"] = client
    return client
