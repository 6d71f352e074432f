"""What other domains add to a municipality's page: sections, and what is due.

The register knows nothing of grants or the education approach; those domains register a
function that renders their part of the page for one municipality (or None to show nothing),
and one that says what the municipality still has to report, with its due date. The page shows
what is due at the top: for a municipality user it is the start page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import Flask, current_app
from markupsafe import Markup

from gemeenten.models import Gemeente

SLEUTEL = "gemeente_secties"
TE_DOEN = "gemeente_te_doen"

Sectie = Callable[[Gemeente], Markup | None]


@dataclass(frozen=True)
class Taak:
    """Something a municipality has to report: what, by when, where to do it."""

    wat: str
    uiterlijk: date
    url: str
    te_laat: bool


TeDoen = Callable[[Gemeente], list[Taak]]


def registreer(app: Flask, volgorde: int, sectie: Sectie) -> None:
    app.extensions.setdefault(SLEUTEL, []).append((volgorde, sectie))


def render(gemeente: Gemeente) -> list[Markup]:
    secties = sorted(current_app.extensions.get(SLEUTEL, []), key=lambda paar: paar[0])
    return [html for _, sectie in secties if (html := sectie(gemeente)) is not None]


def registreer_te_doen(app: Flask, te_doen: TeDoen) -> None:
    app.extensions.setdefault(TE_DOEN, []).append(te_doen)


def te_doen(gemeente: Gemeente) -> list[Taak]:
    """What the municipality has to report, in every domain, the earliest due date first."""
    taken = [taak for vraag in current_app.extensions.get(TE_DOEN, []) for taak in vraag(gemeente)]
    return sorted(taken, key=lambda taak: taak.uiterlijk)
