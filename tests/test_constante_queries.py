"""Every page sends as many SQL statements on fifteen times the data as on the small set.

Both sets come from `flask demo landelijk`: 5 municipalities and two years, 50 and three. The
pages are found in the URL map: every GET route, its URL arguments filled with one object of
each kind (`VOORBEELDEN`), requested by every role that may open it. A route added later is measured
without anyone remembering; a new kind of URL argument needs a sample here (the test says so).

50 is 5 more than a multiple of nine, the number of stories the decisions take turns through
(`subsidies.landelijk.VERHALEN`): the first five municipalities have the same decisions, with
the same payments and returns, in both sets, so their pages differ only in what is around them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import delete, select

from gemeenten.inventarisatie.models import Actie, Inventarisatie
from gemeenten.models import Gemeente
from kern.accounts.access import rollen_van
from kern.accounts.models import Rol
from kern.db import db as _db
from kern.uploads import Upload
from onderwijsaanpak.models import Activiteit, Les, Rapportage, Rapportageronde
from subsidies import historische_import, verantwoording_import
from subsidies.landelijk import REGELING, VERHALEN
from subsidies.models import Beschikking, Regeling, RegelingJaar
from tests.inventarisatie.factories import maak_antwoordenupload
from tests.kern.factories import maak_gebruiker
from tests.onderwijsaanpak.factories import maak_activiteitenupload
from tests.sql import telling

KLEIN, GROOT = (5, 2), (50, 3)  # municipalities, years
assert GROOT[0] % len(VERHALEN) == KLEIN[0] % len(VERHALEN)


@dataclass
class Wereld:
    """One object of each kind, all of the first municipality (the municipality user's)."""

    gemeente: Gemeente
    regeling: Regeling
    jaar: RegelingJaar
    beschikking: Beschikking  # of the second year: paid, a return replaced by a final one
    upload: Upload
    historische_import: Upload
    activiteit: Activiteit
    les: Les
    ronde: Rapportageronde
    rapportage: Rapportage
    activiteitenupload: Upload
    inventarisatie: Inventarisatie
    actie: Actie
    antwoordenupload: Upload


VOORBEELDEN: dict[str, Callable[[Wereld], object]] = {
    "cbs_code": lambda w: w.gemeente.cbs_code,
    "regeling_id": lambda w: w.regeling.id,
    "jaar_id": lambda w: w.jaar.id,
    "beschikking_id": lambda w: w.beschikking.id,
    "betaling_id": lambda w: w.beschikking.betalingen[0].id,
    "verantwoording_id": lambda w: w.beschikking.verantwoordingen[-1].id,
    "upload_id": lambda w: w.upload.id,
    "import_id": lambda w: w.historische_import.id,
    "activiteit_id": lambda w: w.activiteit.id,
    "les_id": lambda w: w.les.id,
    "ronde_id": lambda w: w.ronde.id,
    "rapportage_id": lambda w: w.rapportage.id,
    "activiteitenupload_id": lambda w: w.activiteitenupload.id,
    "inventarisatie_id": lambda w: w.inventarisatie.id,
    "actie_id": lambda w: w.actie.id,
    "deel_id": lambda w: w.inventarisatie.delen[0].id,
    "thema_id": lambda w: w.inventarisatie.themas[0].id,
    "antwoordenupload_id": lambda w: w.antwoordenupload.id,
}
# Accounts are the administrator's, not programme data: their pages are not measured here.
ZONDER_VOORBEELD = {"gebruiker_id", "deelname_id", "filename"}


def _eerste(query):
    return _db.session.execute(query.limit(1)).scalars().one()


def _wereld() -> Wereld:
    gemeente = _eerste(select(Gemeente).order_by(Gemeente.id))
    regeling = _eerste(select(Regeling).where(Regeling.naam == REGELING))
    jaar = regeling.jaren[1]
    beschikking = _eerste(
        select(Beschikking).where(
            Beschikking.gemeente_id == gemeente.id, Beschikking.regeling_jaar_id == jaar.id
        )
    )
    ronde = _eerste(select(Rapportageronde).order_by(Rapportageronde.periode_van))
    inventarisatie = _eerste(select(Inventarisatie).order_by(Inventarisatie.datum))
    _db.session.commit()  # an upload keeps its original through a session of its own
    upload = verantwoording_import.ontvang(
        beschikking, b"geen werkmap", bestandsnaam="verantwoording.xlsx", door="test"
    )[0]
    _db.session.commit()
    historie = historische_import.ontvang(
        regeling, historische_import.sjabloon(regeling), bestandsnaam="leeg.xlsx", door="test"
    )[0]
    _db.session.commit()
    return Wereld(
        gemeente=gemeente,
        regeling=regeling,
        jaar=jaar,
        beschikking=beschikking,
        upload=upload,
        historische_import=historie,
        activiteit=_eerste(select(Activiteit).where(Activiteit.gemeente_id == gemeente.id)),
        les=_eerste(select(Les).where(Les.gemeente_id == gemeente.id)),
        ronde=ronde,
        rapportage=_eerste(
            select(Rapportage).where(
                Rapportage.gemeente_id == gemeente.id, Rapportage.ronde_id == ronde.id
            )
        ),
        activiteitenupload=maak_activiteitenupload(gemeente, "Testschool"),
        inventarisatie=inventarisatie,
        actie=_eerste(select(Actie).where(Actie.inventarisatie_id == inventarisatie.id)),
        antwoordenupload=maak_antwoordenupload(inventarisatie),
    )


def _leeg() -> None:
    """Every row of every table gone (the generator fills an empty database)."""
    _db.session.commit()
    _db.session.expunge_all()
    with _db.engine.begin() as verbinding:
        for tabel in reversed(_db.metadata.sorted_tables):
            verbinding.execute(delete(tabel))


def _pagina_s(app: Flask) -> list[tuple[str, object]]:
    """Every GET rule of the URL map, once."""
    regels = []
    for regel in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" in (regel.methods or set()) and regel.endpoint != "static":
            regels.append((regel.endpoint, regel))
    return regels


def _meet(
    app: Flask, runner, login_as, lijst: Path, schaal: tuple[int, int]
) -> dict[tuple[str, str], tuple[int, int]]:
    """Per page and role: the status and the number of statements."""
    _leeg()
    gemeenten, jaren = schaal
    resultaat = runner.invoke(
        args=[
            *("demo", "landelijk", "--lijst", str(lijst)),
            *("--gemeenten", str(gemeenten), "--jaren", str(jaren)),
        ]
    )
    assert resultaat.exit_code == 0, resultaat.output
    wereld = _wereld()
    clients = {
        rol: login_as(
            maak_gebruiker(rol, gemeente=wereld.gemeente if rol is Rol.GEMEENTE else None)
        )
        for rol in Rol
    }
    clients[None] = app.test_client()
    gemeten = {}
    for endpoint, regel in _pagina_s(app):
        nodig = set(regel.arguments) - set(regel.defaults or {}) - ZONDER_VOORBEELD
        ontbrekend = nodig - set(VOORBEELDEN)
        assert not ontbrekend, (
            f"{regel.rule}: add a sample for {', '.join(sorted(ontbrekend))} to VOORBEELDEN in "
            "tests/test_constante_queries.py"
        )
        if set(regel.arguments) & ZONDER_VOORBEELD:
            continue
        url = regel.build({naam: VOORBEELDEN[naam](wereld) for naam in nodig}, False)[1]
        rollen = rollen_van(app, endpoint)
        for rol in [None] if rollen is None else sorted(rollen, key=lambda r: r.value):
            with telling() as statements:
                antwoord = clients[rol].get(url)
            gemeten[(endpoint, rol.value if rol else "anoniem")] = (
                antwoord.status_code,
                len(statements),
            )
    return gemeten


def test_no_page_sends_more_statements_on_ten_times_the_data(
    app, db, runner, login_as, shared_data
):
    lijst = shared_data / "gemeenten-2025-01-01.csv"
    klein = _meet(app, runner, login_as, lijst, KLEIN)
    groot = _meet(app, runner, login_as, lijst, GROOT)

    assert len(klein) > 50  # the URL map was read, and the roles found
    fouten = [
        f"{endpoint} as {rol}: status {klein[(endpoint, rol)][0]} / {groot[(endpoint, rol)][0]}"
        for endpoint, rol in klein
        if klein[(endpoint, rol)][0] >= 400 or groot[(endpoint, rol)][0] >= 400
    ]
    fouten += [
        f"{endpoint} as {rol}: {klein[(endpoint, rol)][1]} statements with {KLEIN[0]} "
        f"municipalities and {KLEIN[1]} years, {groot[(endpoint, rol)][1]} with {GROOT[0]} and "
        f"{GROOT[1]}"
        for endpoint, rol in klein
        if groot[(endpoint, rol)][1] > klein[(endpoint, rol)][1]
    ]
    assert not fouten, "\n".join(fouten)
