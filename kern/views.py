from __future__ import annotations

from flask import Blueprint, redirect, render_template
from sqlalchemy import text
from werkzeug.wrappers import Response

from kern.accounts.access import ALLE_ROLLEN, gebruiker, openbaar, toegang
from kern.accounts.gemeentebron import bron
from kern.accounts.models import Rol
from kern.db import db

bp = Blueprint("kern", __name__)


@bp.route("/")
@toegang(ALLE_ROLLEN)
def home() -> str | Response:
    ik = gebruiker()
    if ik.rol is Rol.GEMEENTE and ik.gemeente_id is not None:
        # A municipality user's start page is their own municipality's page.
        return redirect(bron().url(ik.gemeente_id))
    return render_template("home.html")


@bp.route("/gezondheid")
@openbaar
def gezondheid() -> tuple[dict[str, str], int]:
    """For the load balancer: 200 when the database answers, otherwise the 503 handler."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200
