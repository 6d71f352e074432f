"""``flask beheer ...``: what an administrator does on the server itself (backups, restores)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from kern import backup as backups

cli = AppGroup("beheer", help="Beheer van de installatie: backups en herstel.")


def _database_url() -> str:
    return str(current_app.config["SQLALCHEMY_DATABASE_URI"])


@cli.command("backup")
@click.option(
    "--map",
    "map_",
    type=click.Path(file_okay=False, path_type=Path),
    help="Waar de backup komt; standaard de map backups in de instance-map.",
)
def backup(map_: Path | None) -> None:
    """Maak een consistente backup van de hele database, geüploade bestanden inbegrepen."""
    doel = map_ or Path(current_app.instance_path) / "backups"
    try:
        bestand = backups.backup(_database_url(), doel)
    except backups.BackupFout as fout:
        raise click.ClickException(str(fout)) from None
    _, afdruk = backups.lees_manifest(bestand)
    rijen = sum(t.rijen for t in afdruk.values())
    click.echo(f"Backup geschreven: {bestand}")
    click.echo(
        f"Manifest: {bestand.name}{backups.MANIFEST} ({len(afdruk)} tabellen, {rijen} rijen)."
    )


@cli.command("herstel")
@click.argument("bestand", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--database",
    "database_url",
    help="De lege database waarin de backup komt; standaard die van de toepassing.",
)
def herstel(bestand: Path, database_url: str | None) -> None:
    """Zet een backup terug in een lege database en controleer hem tegen zijn manifest."""
    try:
        hersteld = backups.herstel(bestand, database_url or _database_url())
    except backups.BackupFout as fout:
        raise click.ClickException(str(fout)) from None
    rijen = sum(t.rijen for t in hersteld.values())
    click.echo(
        f"Teruggezet: {len(hersteld)} tabellen, {rijen} rijen; elke tabel gelijk aan het manifest."
    )
