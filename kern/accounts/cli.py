"""``flask gebruikers ...``: create, list, block and unblock accounts from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from kern.accounts import services
from kern.accounts.gemeentebron import bron
from kern.accounts.models import ROL_LABELS, Gebruiker, Rol
from kern.db import db

cli = AppGroup("gebruikers", help="Accounts beheren.")


def _gebruiker_of_fout(email: str) -> Gebruiker:
    gevonden = services.zoek_op_email(email)
    if gevonden is None:
        raise click.ClickException(f"Geen account met e-mailadres {email}.")
    return gevonden


@cli.command("aanmaken")
@click.option("--email", required=True, help="E-mailadres; daarmee meldt de gebruiker zich aan.")
@click.option("--naam", required=True)
@click.option("--rol", required=True, type=click.Choice([r.value for r in Rol]))
@click.option("--gemeente", "cbs_code", help="CBS-code (GM0363) bij rol gemeente.")
@click.password_option("--wachtwoord", help="Wordt gevraagd als u het weglaat.")
def aanmaken(email: str, naam: str, rol: str, cbs_code: str | None, wachtwoord: str) -> None:
    """Maak een account aan."""
    gemeente_id = None
    if cbs_code:
        gemeente_id = bron().id_voor_code(cbs_code)
        if gemeente_id is None:
            raise click.ClickException(f"Geen gemeente met CBS-code {cbs_code}.")
    try:
        nieuw = services.maak_gebruiker(
            services.NieuweGebruiker(
                email=email, naam=naam, rol=Rol(rol), wachtwoord=wachtwoord, gemeente_id=gemeente_id
            )
        )
    except services.AccountFout as fout:
        raise click.ClickException(str(fout)) from None
    db.session.commit()
    click.echo(f"Aangemaakt: {nieuw.email} ({ROL_LABELS[nieuw.rol]}).")


@cli.command("lijst")
def lijst() -> None:
    """Toon alle accounts."""
    alle = db.session.execute(select(Gebruiker).order_by(Gebruiker.email)).scalars().all()
    labels = bron().labels(g.gemeente_id for g in alle if g.gemeente_id is not None)
    for g in alle:
        status = "actief" if g.actief else "geblokkeerd"
        gemeente = f"  {labels.get(g.gemeente_id, '')}" if g.gemeente_id else ""
        click.echo(f"{g.email:40} {ROL_LABELS[g.rol]:20} {status:12}{gemeente}")


@cli.command("blokkeren")
@click.argument("email")
def blokkeren(email: str) -> None:
    """Blokkeer een account en beëindig al zijn sessies."""
    services.blokkeer(_gebruiker_of_fout(email))
    db.session.commit()
    click.echo(f"Geblokkeerd: {email}.")


@cli.command("deblokkeren")
@click.argument("email")
def deblokkeren(email: str) -> None:
    """Sta een geblokkeerd account weer toe."""
    services.deblokkeer(_gebruiker_of_fout(email))
    db.session.commit()
    click.echo(f"Gedeblokkeerd: {email}.")
