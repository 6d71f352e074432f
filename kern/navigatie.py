"""The main menu and the start-page tiles, filled by the domains.

Each domain registers its entries from its `init_app`, as it registers sections on a
municipality's page (`gemeenten.secties`); the kernel's templates only loop over what is
registered. A user sees an entry exactly when they may open its endpoint (`mag()`), so the
menu cannot offer a page that answers 403, nor hide one a role may use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from flask import Flask, current_app, request, url_for
from markupsafe import Markup

from kern.accounts.access import heeft, mag
from kern.accounts.rechten import Recht

MENU = "navigatie_menu"
TEGELS = "navigatie_tegels"
STARTBLOKKEN = "navigatie_startblokken"


@dataclass(frozen=True)
class Menuitem:
    """An entry in the main menu.

    It is marked as the current page (aria-current) on the endpoints in `huidig_bij`, and on
    every page of `blueprint` that no other shown entry names in its `huidig_bij`.
    `alleen_met` and `niet_met` narrow who sees it beyond `mag()` by a right of the table
    (`kern.accounts.rechten`), for entries that differ per role only in their words
    (Overzicht / Mijn gemeente).
    """

    label: str
    endpoint: str
    volgorde: int
    huidig_bij: frozenset[str] = frozenset()
    blueprint: str | None = None
    alleen_met: Recht | None = None
    niet_met: Recht | None = None


@dataclass(frozen=True)
class Tegel:
    """A tile on the start page: a title linking to `endpoint`, with one line of text."""

    titel: str
    endpoint: str
    tekst: str
    volgorde: int


@dataclass(frozen=True)
class Startblok:
    """A part of the start page above the tiles: a domain's work in brief, for those who hold
    the right `voor` and may open `endpoint` (where the whole work list is). `maak` renders it
    as safe HTML, or gives None when there is nothing to show."""

    endpoint: str
    maak: Callable[[], Markup | None]
    volgorde: int
    voor: Recht


class Link(NamedTuple):
    """A menu entry as the template shows it."""

    label: str
    href: str
    huidig: bool


def registreer_menuitem(app: Flask, item: Menuitem) -> None:
    app.extensions.setdefault(MENU, []).append(item)


def registreer_tegel(app: Flask, tegel: Tegel) -> None:
    app.extensions.setdefault(TEGELS, []).append(tegel)


def registreer_startblok(app: Flask, blok: Startblok) -> None:
    app.extensions.setdefault(STARTBLOKKEN, []).append(blok)


def menuitems(app: Flask) -> list[Menuitem]:
    """Every registered entry, in menu order."""
    return sorted(app.extensions.get(MENU, []), key=lambda item: item.volgorde)


def menu() -> list[Link]:
    """The entries the signed-in user may open, with the current page marked."""
    getoond = [item for item in menuitems(current_app) if zichtbaar(item)]
    geclaimd = {endpoint for item in getoond for endpoint in item.huidig_bij}

    def is_huidig(item: Menuitem) -> bool:
        if request.endpoint in item.huidig_bij:
            return True
        return (
            item.blueprint is not None
            and request.blueprint == item.blueprint
            and request.endpoint not in geclaimd
        )

    return [Link(item.label, url_for(item.endpoint), is_huidig(item)) for item in getoond]


def zichtbaar(item: Menuitem) -> bool:
    """Does the signed-in user see this entry?"""
    return (
        mag(item.endpoint)
        and (item.alleen_met is None or heeft(item.alleen_met))
        and (item.niet_met is None or not heeft(item.niet_met))
    )


def tegels() -> list[Tegel]:
    """The start-page tiles the signed-in user may open, in order."""
    alle = sorted(current_app.extensions.get(TEGELS, []), key=lambda tegel: tegel.volgorde)
    return [tegel for tegel in alle if mag(tegel.endpoint)]


def startblokken() -> list[Markup]:
    """The start page's blocks for the signed-in user, in order."""
    alle = sorted(current_app.extensions.get(STARTBLOKKEN, []), key=lambda blok: blok.volgorde)
    getoond = (blok.maak() for blok in alle if heeft(blok.voor) and mag(blok.endpoint))
    return [html for html in getoond if html is not None]


def init_app(app: Flask) -> None:
    """Offer the registries to the templates and register the kernel's own entries."""
    app.jinja_env.globals["menu"] = menu
    app.jinja_env.globals["tegels"] = tegels
    app.jinja_env.globals["startblokken"] = startblokken
    registreer_menuitem(
        app,
        Menuitem(
            "Overzicht",
            "kern.home",
            volgorde=0,
            huidig_bij=frozenset({"kern.home"}),
            niet_met=Recht.EIGEN_GEMEENTE,
        ),
    )
    registreer_menuitem(
        app,
        Menuitem(
            "Gebruikers",
            "accounts.gebruikers",
            volgorde=90,
            huidig_bij=frozenset({"accounts.gebruikers", "accounts.nieuwe_gebruiker"}),
        ),
    )
    registreer_tegel(
        app,
        Tegel(
            "Gebruikers", "accounts.gebruikers", "Accounts aanmaken, blokkeren en deblokkeren.", 80
        ),
    )
    registreer_tegel(
        app,
        Tegel(
            "Beveiligingslog",
            "accounts.beveiligingslog_zoeken",
            "Aanmeldingen, geweigerde toegang, accountwijzigingen, uploads en exports.",
            85,
        ),
    )
    registreer_tegel(
        app,
        Tegel(
            "Wachtwoord wijzigen",
            "accounts.wachtwoord",
            "Kies een nieuw wachtwoord van minstens twaalf tekens.",
            90,
        ),
    )
