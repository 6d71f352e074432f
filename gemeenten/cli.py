"""``flask gemeenten ...``: import CBS's list and record mergers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from gemeenten import services
from gemeenten.cbs import CbsFout
from kern.db import db

cli = AppGroup("gemeenten", help="Het gemeenteregister.")

MAX_BESTAND = 20 * 1024 * 1024


def _opvolgers(paren: tuple[str, ...]) -> dict[str, str]:
    try:
        return services.lees_opvolgers(paren)
    except CbsFout as fout:
        raise click.BadParameter(str(fout)) from None


@cli.command("importeer")
@click.argument("pad", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--peildatum",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Datum van de lijst (JJJJ-MM-DD); standaard uit de bestandsnaam.",
)
@click.option(
    "--opvolger",
    "opvolgers",
    multiple=True,
    metavar="OUD=NIEUW",
    help="Een gemeente die opgaat in een andere (herindeling); mag vaker.",
)
@click.option("--door", default="cli", show_default=True, help="Wie de import uitvoert.")
def importeer(pad: Path, peildatum: datetime | None, opvolgers: tuple[str, ...], door: str) -> None:
    """Lees CBS's lijst 'Gemeentelijke indeling op 1 januari' in (csv of xlsx)."""
    if pad.stat().st_size > MAX_BESTAND:
        raise click.ClickException(f"{pad.name} is groter dan {MAX_BESTAND // 1024 // 1024} MB.")
    try:
        verslag = services.importeer_cbs_lijst(
            pad.read_bytes(),
            bestandsnaam=pad.name,
            door=door,
            peildatum=peildatum.date() if peildatum else None,
            opvolgers=_opvolgers(opvolgers),
        )
    except CbsFout as fout:
        db.session.rollback()
        click.echo(f"{pad.name} is niet ingelezen; er is niets gewijzigd:", err=True)
        for tekst in fout.teksten:
            click.echo(f"  {tekst}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    for regel in verslag.regels():
        click.echo(regel)


@cli.command("opvolger")
@click.argument("oud")
@click.argument("nieuw")
@click.option("--door", default="cli", show_default=True)
def opvolger(oud: str, nieuw: str, door: str) -> None:
    """Leg vast dat gemeente OUD is opgegaan in NIEUW."""
    voorganger, opvolgend = services.op_code(oud), services.op_code(nieuw)
    if voorganger is None or opvolgend is None:
        raise click.ClickException(
            f"Onbekende gemeentecode: {oud if voorganger is None else nieuw}."
        )
    try:
        services.zet_opvolger(voorganger, opvolgend, door)
    except CbsFout as fout:
        raise click.ClickException(str(fout)) from None
    db.session.commit()
    click.echo(f"{voorganger.label} is opgegaan in {opvolgend.label}.")
