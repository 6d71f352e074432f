"""Demo data for ``make run``: ``flask demo laden``; national-scale data: ``flask demo landelijk``.

Each domain registers a loader on the app with `registreer`; the command runs them in order in
one transaction. A loader adds what is missing and leaves what is there, so loading twice
changes nothing. Production refuses the command.

``flask demo landelijk`` fills a database as the country would: every municipality of a CBS
list (or the first ``--gemeenten N``), ``--jaren N`` years of a scheme with all that happens
in them, the onderwijsaanpak and the needs inventory. Each domain registers its generator with
`registreer_landelijk`; they run in order, and the same options (the seed among them) give the
same data. It is for benchmarks and the query-count test, never for production.
"""

from __future__ import annotations

import os
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from kern import audit, tijd
from kern.accounts import services as accounts
from kern.accounts.gemeentebron import bron
from kern.accounts.models import ROL_LABELS, Gebruiker, Rol
from kern.config import is_production
from kern.db import db, ververs_statistieken

SLEUTEL = "demo_laders"
SLEUTEL_LANDELIJK = "landelijke_generatoren"
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


def weiger_in_productie(app: Flask) -> None:
    if is_production(app):
        raise click.ClickException("Demogegevens worden in productie nooit geladen.")


def laad(app: Flask) -> Verslag:
    weiger_in_productie(app)
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


# --- National-scale data --------------------------------------------------------------------

LANDELIJK_DOOR = "testgegevens"  # in the audit trail
CBS_LIJST = "gemeenten-2025-01-01.csv"
EERSTE_JAAR = 2015


@dataclass
class Landelijk:
    """What ``flask demo landelijk`` is asked to make, handed to each domain's generator.

    The municipalities' generator (the first) fills ``gemeente_ids``: the municipalities of the
    list the others use, in the list's order.
    """

    lijst: Path
    gemeenten: int | None  # the first N of the list; None: all of them
    jaren: int
    seed: int
    vandaag: date
    gemeente_ids: list[int] = field(default_factory=list)

    @property
    def jaartallen(self) -> range:
        return range(EERSTE_JAAR, EERSTE_JAAR + self.jaren)

    def rng(self, domein: str) -> random.Random:
        """A random source of its own per domain: adding one does not change another's data."""
        return random.Random(f"{self.seed}:{domein}")  # noqa: S311 (test data, not secrets)


Generator = Callable[[Landelijk, Verslag], None]


def registreer_landelijk(app: Flask, volgorde: int, generator: Generator) -> None:
    app.extensions.setdefault(SLEUTEL_LANDELIJK, []).append((volgorde, generator))


def standaard_lijst() -> Path:
    """CBS's list beside the project (GEMEENTEN_DATA names the folder elsewhere)."""
    map_ = (
        os.environ.get("GEMEENTEN_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    return Path(map_) / CBS_LIJST


def genereer(app: Flask, opdracht: Landelijk) -> Verslag:
    weiger_in_productie(app)
    if not opdracht.lijst.is_file():
        raise click.ClickException(
            f"De CBS-lijst {opdracht.lijst} bestaat niet; geef het pad met --lijst "
            "(of de map met GEMEENTEN_DATA)."
        )
    if opdracht.jaartallen.stop > opdracht.vandaag.year:
        raise click.ClickException(
            f"{opdracht.jaren} jaar vanaf {EERSTE_JAAR} loopt tot in {opdracht.vandaag.year}; "
            f"kies hoogstens {opdracht.vandaag.year - EERSTE_JAAR} jaar, zodat alles voorbij is."
        )
    verslag = Verslag()
    with audit.als(LANDELIJK_DOOR):
        for _, generator in sorted(app.extensions.get(SLEUTEL_LANDELIJK, []), key=lambda p: p[0]):
            generator(opdracht, verslag)
            db.session.commit()
    ververs_statistieken()
    db.session.commit()
    return verslag


@cli.command("landelijk")
@click.option(
    "--lijst",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"CBS's lijst 'Gemeentelijke indeling' (csv of xlsx); standaard {CBS_LIJST} uit "
    "GEMEENTEN_DATA of ../shared/data.",
)
@click.option(
    "--gemeenten",
    type=click.IntRange(min=1),
    help="Alleen de eerste N gemeenten van de lijst (standaard: alle).",
)
@click.option(
    "--jaren",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help=f"Aantal jaren vanaf {EERSTE_JAAR}.",
)
@click.option("--seed", type=int, default=2015, show_default=True, help="Zelfde seed, zelfde data.")
def landelijk(lijst: Path | None, gemeenten: int | None, jaren: int, seed: int) -> None:
    """Vul de database met gegevens op landelijke schaal (ontwikkeling en tests)."""
    opdracht = Landelijk(
        lijst=lijst or standaard_lijst(),
        gemeenten=gemeenten,
        jaren=jaren,
        seed=seed,
        vandaag=tijd.vandaag(),
    )
    verslag = genereer(current_app, opdracht)
    for regel in verslag.regels:
        click.echo(regel)
