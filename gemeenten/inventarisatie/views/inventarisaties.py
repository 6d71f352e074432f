"""Inventories: the list, and each inventory with its parts, themes and participants."""

from __future__ import annotations

from flask import render_template

from gemeenten.inventarisatie import services
from gemeenten.inventarisatie.views import bp
from kern.accounts.access import MINISTERIE, toegang


@bp.route("/")
@toegang(MINISTERIE)
def index() -> str:
    return render_template("inventarisatie/index.html", inventarisaties=services.inventarisaties())
