"""The needs inventory's pages, one module per part.

Everything lives under ``/behoefte-inventarisatie``; an inventory's pages under
``/behoefte-inventarisatie/<id>``.
"""

from __future__ import annotations

from flask import Blueprint

from gemeenten.inventarisatie.models import Inventarisatie
from kern.db import db

bp = Blueprint("inventarisatie", __name__, url_prefix="/behoefte-inventarisatie")


def inventarisatie_of_404(inventarisatie_id: int) -> Inventarisatie:
    return db.get_or_404(Inventarisatie, inventarisatie_id)


# The route modules register themselves on `bp`.
from gemeenten.inventarisatie.views import acties, analyse, inventarisaties  # noqa: E402, F401
