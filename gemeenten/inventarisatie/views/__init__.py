"""The needs inventory's pages, one module per part.

Everything lives under ``/behoefte-inventarisatie``; an inventory's pages under
``/behoefte-inventarisatie/<id>``.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("inventarisatie", __name__, url_prefix="/behoefte-inventarisatie")

# The route modules register themselves on `bp`.
from gemeenten.inventarisatie.views import inventarisaties  # noqa: E402, F401
