"""Sections that other domains add to a municipality's page.

The register knows nothing of grants or the education approach; those domains register a
function that renders their part of the page for one municipality (or None to show nothing).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from markupsafe import Markup

from gemeenten.models import Gemeente

SLEUTEL = "gemeente_secties"

Sectie = Callable[[Gemeente], Markup | None]


def registreer(app: Flask, volgorde: int, sectie: Sectie) -> None:
    app.extensions.setdefault(SLEUTEL, []).append((volgorde, sectie))


def render(gemeente: Gemeente) -> list[Markup]:
    secties = sorted(current_app.extensions.get(SLEUTEL, []), key=lambda paar: paar[0])
    return [html for _, sectie in secties if (html := sectie(gemeente)) is not None]
