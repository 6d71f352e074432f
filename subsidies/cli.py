"""``flask versterkingsgelden ...``: a new scheme, and the historical import, from the command
line (for an administrator setting up an installation; officers use the web pages)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from werkzeug.datastructures import MultiDict

from kern import audit, tijd
from kern.accounts.models import Gebruiker, Rol
from kern.db import db
from kern.formatting import geld
from kern.forms import Formulier
from kern.uploads import Upload, UploadStatus
from subsidies import historische_import, services
from subsidies.forms.regelingen import DoelForm, JaarForm, RegelingForm
from subsidies.historische_import import achtergrond
from subsidies.models import Regeling

cli = AppGroup("versterkingsgelden", help="De versterkingsgelden.")

MAX_BESTAND = 100 * 1024 * 1024
ONGELDIG, GEBRUIK = 1, 2  # exit codes: the file is refused; the command cannot start


def _stop(tekst: str, code: int) -> NoReturn:
    click.echo(tekst, err=True)
    raise SystemExit(code)


def _onbekende_lengte() -> Iterator[None]:
    """An iterable without a length: the progress bar counts without a percentage."""
    yield from ()


@cli.command("regeling")
@click.argument("naam")
@click.option("--grondslag", required=True, help="De wettelijke grondslag.")
@click.option("--kamerstuk", help="Zoals '29 754, nr. 326'.")
@click.option("--omschrijving")
@click.option(
    "--jaar",
    "jaren",
    multiple=True,
    metavar="JAAR=PLAFOND",
    help="Een jaar en zijn plafond, zoals 2015=4.477.000; mag vaker, ten minste één keer.",
)
@click.option(
    "--doel",
    "doelen",
    multiple=True,
    metavar="CODE:NAAM[:MAATREGELEN]",
    help="Een bestedingsdoel, zoals 'nazorg:Nazorg terugkeerders:26, 30'; mag vaker. Zonder "
    "--doel: kennisbevordering, vroegsignalering en persoonsgerichte_aanpak.",
)
@click.option("--door", default="cli", show_default=True, help="Wie de regeling aanmaakt.")
def regeling(
    naam: str,
    grondslag: str,
    kamerstuk: str | None,
    omschrijving: str | None,
    jaren: tuple[str, ...],
    doelen: tuple[str, ...],
    door: str,
) -> None:
    """Maak de regeling NAAM met haar jaren, plafonds en bestedingsdoelen, zoals het formulier
    Nieuwe regeling, maar met alle jaren en eigen doelen in één keer."""
    fouten: list[str] = []
    plafonds = _jaren(jaren, fouten)
    eigen_doelen = _doelen(doelen, fouten)
    eerste = min(plafonds, default=None)
    fouten[:0] = _fouten(
        RegelingForm,
        naam=naam,
        grondslag=grondslag,
        kamerstuk=kamerstuk or "",
        omschrijving=omschrijving or "",
        jaar=str(eerste or 2000),
        plafond=str(plafonds.get(eerste, 0) if eerste else 0),
    )
    if not jaren:
        fouten.append("Geef ten minste één jaar met --jaar JAAR=PLAFOND.")
    if fouten:
        _niet_aangemaakt(fouten, GEBRUIK)
    with audit.als(door):
        try:
            nieuw = services.maak_regeling(
                naam=naam,
                grondslag=grondslag,
                kamerstuk=kamerstuk,
                omschrijving=omschrijving,
                jaren=plafonds,
                **({"doelen": eigen_doelen} if eigen_doelen else {}),
            )
        except services.SubsidieFout as fout:
            db.session.rollback()
            _niet_aangemaakt([str(fout)], ONGELDIG)
        db.session.commit()
    click.echo(
        f"Regeling {nieuw.naam} aangemaakt (id {nieuw.id}): "
        + ", ".join(f"{j.jaar} (plafond {geld(j.plafond)})" for j in nieuw.jaren)
        + "; bestedingsdoelen "
        + ", ".join(d.code for d in nieuw.doelen)
        + "."
    )


def _niet_aangemaakt(fouten: list[str], code: int) -> NoReturn:
    _stop("\n".join(["De regeling is niet aangemaakt:", *(f"  {f}" for f in fouten)]), code)


def _fouten(formulier: type[Formulier], **velden: str) -> list[str]:
    """The messages the web form gives for these values (the same validators, no request)."""
    form = formulier(formdata=MultiDict(velden), meta={"csrf": False})
    form.validate()
    return [tekst for veld in form for tekst in veld.errors]


def _jaren(opgegeven: tuple[str, ...], fouten: list[str]) -> dict[int, Decimal]:
    """``--jaar 2015=4.477.000``, read as the form for a year reads it."""
    jaren: dict[int, Decimal] = {}
    for tekst in opgegeven:
        jaar, teken, plafond = tekst.partition("=")
        if not teken:
            fouten.append(f"--jaar {tekst}: schrijf JAAR=PLAFOND, bijvoorbeeld 2015=4.477.000.")
            continue
        form = JaarForm(
            formdata=MultiDict({"jaar": jaar, "plafond": plafond}), meta={"csrf": False}
        )
        if not form.validate():
            fouten.extend(f"--jaar {tekst}: {t}" for veld in form for t in veld.errors)
        elif form.jaar.data in jaren:
            fouten.append(f"--jaar {tekst}: het jaar {form.jaar.data} staat er al.")
        else:
            assert form.plafond.data is not None
            jaren[form.jaar.data] = form.plafond.data
    return jaren


def _doelen(opgegeven: tuple[str, ...], fouten: list[str]) -> list[tuple[str, str, str | None]]:
    """``--doel code:naam[:maatregelen]``, read as the form for a purpose reads it."""
    doelen: list[tuple[str, str, str | None]] = []
    for tekst in opgegeven:
        code, teken, rest = tekst.partition(":")
        naam, _, maatregelen = rest.partition(":")
        if not teken or not naam.strip():
            fouten.append(
                f"--doel {tekst}: schrijf CODE:NAAM of CODE:NAAM:MAATREGELEN, bijvoorbeeld "
                "nazorg:Nazorg terugkeerders:26, 30."
            )
            continue
        velden = {"code": code.strip(), "naam": naam.strip(), "maatregelen": maatregelen.strip()}
        form = DoelForm(formdata=MultiDict(velden), meta={"csrf": False})
        if not form.validate():
            fouten.extend(f"--doel {tekst}: {t}" for veld in form for t in veld.errors)
        elif any(d[0] == velden["code"] for d in doelen):
            fouten.append(f"--doel {tekst}: de code {velden['code']} staat er al.")
        else:
            doelen.append((velden["code"], velden["naam"], velden["maatregelen"] or None))
    return doelen


@cli.command("importeer")
@click.argument("pad", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--regeling", "regeling_id", type=int, required=True, help="Id van de regeling.")
@click.option(
    "--door",
    required=True,
    metavar="EMAIL",
    help="E-mailadres van de beleidsmedewerker namens wie wordt ingelezen.",
)
@click.option(
    "--bevestig", is_flag=True, help="Lees het bestand in als het goed is; anders alleen controle."
)
def importeer(pad: Path, regeling_id: int, door: str, bevestig: bool) -> None:
    """Controleer historische toekenningen, betalingen en bestedingen in PAD (.xlsx) en lees
    ze met --bevestig in één keer in. Zonder --bevestig wordt niets ingelezen."""
    if not pad.is_file():
        _stop(f"Het bestand {pad} bestaat niet.", GEBRUIK)
    regeling = db.session.get(Regeling, regeling_id)
    if regeling is None:
        _stop(f"Er is geen regeling met id {regeling_id}.", GEBRUIK)
    medewerker = _beleidsmedewerker(door)
    if pad.stat().st_size > MAX_BESTAND:
        _stop(f"{pad.name} is groter dan {MAX_BESTAND // 1024 // 1024} MB.", ONGELDIG)

    try:
        achtergrond.niet_bezet(regeling)
    except services.SubsidieFout as fout:
        _stop(str(fout), ONGELDIG)
    with audit.als(medewerker.email):
        upload = _controleer(regeling, pad, medewerker.email)
        if upload is None:
            return
        db.session.commit()
        click.echo("")
        _verslag(upload)
        if upload.status is not UploadStatus.GECONTROLEERD:
            raise SystemExit(ONGELDIG)
        if not bevestig:
            click.echo("Er is niets ingelezen; voeg --bevestig toe om het bestand in te lezen.")
            return
        resultaat = _lees_in(regeling, upload, medewerker.email)
        db.session.commit()
    click.echo(f"\nIngelezen: {resultaat}.")


def _beleidsmedewerker(door: str) -> Gebruiker:
    medewerker = db.session.execute(
        sa.select(Gebruiker).where(
            sa.func.lower(Gebruiker.email) == door.strip().lower(),
            Gebruiker.actief,
            Gebruiker.rol == Rol.BELEIDSMEDEWERKER,
        )
    ).scalar_one_or_none()
    if medewerker is None:
        _stop(f"Er is geen actieve beleidsmedewerker met e-mailadres {door}.", GEBRUIK)
    return medewerker


def _controleer(regeling: Regeling, pad: Path, door: str) -> Upload | None:
    """Keep and check the file, or check the same file sent before again if it needs that;
    None when that one was imported already (and says so)."""
    with click.progressbar(_onbekende_lengte(), label="Controleren", show_pos=True) as balk:
        upload, nieuw = historische_import.ontvang(
            regeling, pad.read_bytes(), bestandsnaam=pad.name, door=door, voortgang=balk.update
        )
        if nieuw:
            return upload
        click.echo(
            f"\nDit bestand is al eerder geüpload (upload {upload.id}, "
            f"{upload.geupload_op:%d-%m-%Y}); er is niets nieuws opgeslagen."
        )
        if upload.status is UploadStatus.GEIMPORTEERD:
            click.echo(
                f"Het is al ingelezen op {upload.geimporteerd_op:%d-%m-%Y} door "
                f"{upload.geimporteerd_door}: {historische_import.ingelezen(upload)}."
            )
            return None
        if upload.status is not UploadStatus.GECONTROLEERD or historische_import.verouderd(
            regeling, upload
        ):
            click.echo("Het wordt opnieuw gecontroleerd.")
            historische_import.controleer(regeling, upload, voortgang=balk.update)
    return upload


def _lees_in(regeling: Regeling, upload: Upload, door: str) -> historische_import.Resultaat:
    """Import the checked upload; a refusal exits 1 with nothing changed (the command's
    session is rolled back when it ends)."""
    try:
        with click.progressbar(
            length=max(historische_import.te_importeren(upload), 1), label="Inlezen"
        ) as balk:
            return historische_import.importeer(
                regeling,
                upload,
                door=door,
                versie=upload.versie,
                vandaag=tijd.vandaag(),
                voortgang=balk.update,
            )
    except services.SubsidieFout as fout:
        db.session.rollback()
        click.echo(f"\nHet bestand is niet ingelezen; er is niets veranderd. {fout}")
        raise SystemExit(ONGELDIG) from None


def _verslag(upload: Upload) -> None:
    """The outcome of the check: every message, or the counts and what confirming does."""
    if upload.status is UploadStatus.GEWEIGERD:
        click.echo(
            f"{upload.bestandsnaam} is afgekeurd: {upload.aantal_fouten} "
            f"{'fout' if upload.aantal_fouten == 1 else 'fouten'}. Er is niets ingelezen."
        )
        for melding in upload.fouten:
            click.echo(str(melding))
    for melding in upload.waarschuwingen:
        click.echo(f"Let op: {melding}")
    if upload.status is not UploadStatus.GECONTROLEERD:
        return
    click.echo(f"{upload.bestandsnaam} is goedgekeurd (upload {upload.id}).")
    click.echo(f"{'':12}{'nieuw':>10}{'gewijzigd':>12}{'ongewijzigd':>14}")
    for soort in historische_import.SOORTEN:
        aantal = upload.gegevens["aantallen"][soort]
        click.echo(
            f"{soort:12}{aantal[historische_import.NIEUW]:>10}{aantal[historische_import.GEWIJZIGD]:>12}"
            f"{aantal[historische_import.ONGEWIJZIGD]:>14}"
        )
    click.echo(f"Bij inlezen: {historische_import.gevolgen(upload)}.")
