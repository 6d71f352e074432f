"""Demo data for ``make run``: ``flask demo laden``.

Each domain registers a loader on the app with `registreer`; the command runs them in order in
one transaction. A loader adds what is missing and leaves what is there, so loading twice
changes nothing. Production refuses the command.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from kern.accounts import services as accounts
from kern.accounts.gemeentebron import bron
from kern.accounts.models import ROL_LABELS, Gebruiker, Rol
from kern.config import is_production
from kern.db import db

SLEUTEL = "demo_laders"
WACHTWOORDBESTAND = "demo-wachtwoord.txt"


@dataclass
class Verslag:
    """What a run of the loaders did, line by line, for the terminal."""

    regels: list[str] = field(default_factory=list)

    def __call__(self, regel: str) -> None:
        self.regels.append(regel)


Lader = Callable[[Verslag], None]


def registreer(app: Flask, volgorde: int, lader: Lader) -> None:
    app.extensions.setdefault(SLEUTEL, []).append((volgorde, lader))


def laad(app: Flask) -> Verslag:
    if is_production(app):
        raise click.ClickException("Demogegevens worden in productie nooit geladen.")
    verslag = Verslag()
    for _, lader in sorted(app.extensions.get(SLEUTEL, []), key=lambda paar: paar[0]):
        lader(verslag)
    db.session.commit()
    return verslag


# The demo accounts: one per role. The municipality user belongs to Amsterdam (GM0363).
DEMO_ACCOUNTS = (
    ("beleid@demo.example", "Demo Beleidsmedewerker", Rol.BELEIDSMEDEWERKER, None),
    ("gemeente@demo.example", "Demo Medewerker Amsterdam", Rol.GEMEENTE, "GM0363"),
    ("financien@demo.example", "Demo Financiën", Rol.FINANCIEN, None),
    ("beheer@demo.example", "Demo Beheerder", Rol.BEHEERDER, None),
)


def demo_wachtwoord(app: Flask) -> str:
    """DEMO_PASSWORD, else the one generated on an earlier run, else a new one (kept)."""
    if app.config.get("DEMO_PASSWORD"):
        return str(app.config["DEMO_PASSWORD"])
    bestand = Path(app.instance_path) / WACHTWOORDBESTAND
    if bestand.exists():
        return bestand.read_text(encoding="utf-8").strip()
    wachtwoord = secrets.token_urlsafe(12)
    bestand.parent.mkdir(parents=True, exist_ok=True)
    bestand.touch(mode=0o600)
    bestand.write_text(wachtwoord + "\n", encoding="utf-8")
    return wachtwoord


def laad_accounts(verslag: Verslag) -> None:
    wachtwoord = demo_wachtwoord(current_app)
    for email, naam, rol, cbs_code in DEMO_ACCOUNTS:
        bestaand = db.session.execute(
            select(Gebruiker).where(Gebruiker.email == email)
        ).scalar_one_or_none()
        if bestaand is None:
            gemeente_id = bron().id_voor_code(cbs_code) if cbs_code else None
            accounts.maak_gebruiker(
                accounts.NieuweGebruiker(
                    email=email, naam=naam, rol=rol, wachtwoord=wachtwoord, gemeente_id=gemeente_id
                )
            )
        elif not bestaand.controleer_wachtwoord(wachtwoord):
            accounts.wijzig_wachtwoord(bestaand, wachtwoord)
    verslag("Demo-accounts (wachtwoord voor alle vier: " + wachtwoord + "):")
    for email, _, rol, cbs_code in DEMO_ACCOUNTS:
        verslag(f"  {ROL_LABELS[rol]:20} {email}" + (f"  ({cbs_code})" if cbs_code else ""))


cli = AppGroup("demo", help="Demogegevens voor ontwikkeling en demonstratie.")


@cli.command("laden")
def laden() -> None:
    """Laad de demogegevens (twee keer laden verandert niets)."""
    verslag = laad(current_app)
    for regel in verslag.regels:
        click.echo(regel)
