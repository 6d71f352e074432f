"""Benchmark: confirming a historical import (set-based) against checking the same file.

    make bench                      (or: .venv/bin/python bench/historische_import.py)

On PostgreSQL, in one run: for workbooks of 10,000 and 100,000 rows in the historical import's
layout (per municipality and year a grant on each of 15 purposes, a payment, and the spending on
each purpose) it measures

- check: what an officer's upload costs (`historische_import.ontvang`: store the original,
  scan, read, validate every cell and row against the scheme and the database, stage every
  row), committed;
- confirm: `historische_import.importeer` of that checked upload (set-based: every row checked
  against the services' rules in memory, then decisions, amounts per purpose, versions,
  payments, returns and their lines and every audit entry written in multi-row inserts),
  committed;
- confirm row by row (at 10,000 rows only; ``--zonder-per-rij`` leaves it out): the same
  upload checked into a copy of the database and confirmed through the services one call at a
  time (``per_rij=True``), the way every confirmation went before.

Each runs in a fresh child process, so that its peak memory (the child's VmHWM) is its own; only
the work is timed, not starting the application. The targets (issue 13): at 100,000 rows the
confirmation takes at most 3 times the check, and at 10,000 rows its peak memory is at most 2
times the check's. The exit status is 1 when a target is missed.

The database: ``--database URL`` (or DATABASE_URL when it is PostgreSQL) names a server; the
script makes a database of its own there for each measurement (from a template with the
municipalities and the scheme) and drops them all at the end. Without either it uses
postgresql+psycopg://postgres@127.0.0.1:5432/postgres.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

HIER = Path(__file__).resolve().parent
sys.path.insert(0, str(HIER.parent))
sys.path.insert(0, str(HIER))

from excel_import import (  # noqa: E402 (the bench's own directory, just added)
    DOELEN,
    GEMEENTEN,
    JAREN,
    KOPPEN,
    REGELING,
    app_voor,
    cbs_code,
    gemeentenaam,
    opzet,
    piekgeheugen,
)

GROOTTES = (10_000, 100_000)
STANDAARD_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DOOR = "bench@minbzk.nl"


# --- The workbook -------------------------------------------------------------------------------


def rijen(aantal: int):
    """Per municipality and year a grant per purpose, a payment of half the grant and the
    spending per purpose, until ``aantal`` rows. Where fewer rows are left than a whole group,
    the group ends after its grants (and payment): a return names every purpose or none."""
    gegeven = 0
    for gemeente in range(1, GEMEENTEN + 1):
        for jaar in JAREN:
            if gegeven == aantal:
                return
            groep = []
            toegekend = 0.0
            for index, (code, _, _) in enumerate(DOELEN):
                bedrag = 1000 + (gemeente * 7 + jaar + index) % 9000 + 0.25
                toegekend += bedrag
                groep.append(("toekenning", code, bedrag, None, None))
            groep.append(("betaling", None, round(toegekend / 2, 2), None, date(jaar, 11, 1)))
            for index, (code, _, _) in enumerate(DOELEN):
                bedrag = 500 + (gemeente + jaar + index) % 500 + 0.5
                groep.append(("besteding", code, bedrag, bedrag, None))
            over = aantal - gegeven
            for soort, doel, bedrag, cumulatief, datum in groep[
                : over if over >= len(groep) else min(over, len(DOELEN) + 1)
            ]:
                yield (
                    soort,
                    cbs_code(gemeente),
                    gemeentenaam(gemeente),
                    jaar,
                    doel,
                    bedrag,
                    cumulatief,
                    datum,
                )
                gegeven += 1
    if gegeven < aantal:
        raise SystemExit(f"{aantal} rows do not fit in {GEMEENTEN} municipalities")


def maak_werkmap(aantal: int, pad: Path) -> None:
    from openpyxl import Workbook

    werkmap = Workbook(write_only=True)
    blad = werkmap.create_sheet("Historische gegevens")
    blad.append(KOPPEN)
    for rij in rijen(aantal):
        blad.append(rij)
    werkmap.save(pad)


# --- The databases -----------------------------------------------------------------------------


class Server:
    """A PostgreSQL server on which the run makes (and at its end drops) databases."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa
        from sqlalchemy.engine import make_url

        self.basis = make_url(url)
        self.beheer = sa.create_engine(
            self.basis.set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        self.gemaakt: list[str] = []
        self.voorvoegsel = f"bench_historisch_{uuid.uuid4().hex[:8]}"

    def maak(self, naam: str, sjabloon: str | None = None) -> str:
        import sqlalchemy as sa

        volledig = f"{self.voorvoegsel}_{naam}"
        uit = f' TEMPLATE "{sjabloon}"' if sjabloon else ""
        with self.beheer.connect() as verbinding:
            verbinding.execute(sa.text(f'CREATE DATABASE "{volledig}"{uit}'))
        self.gemaakt.append(volledig)
        return volledig

    def url(self, database: str) -> str:
        return self.basis.set(database=database).render_as_string(hide_password=False)

    def ruim_op(self) -> None:
        import sqlalchemy as sa

        with self.beheer.connect() as verbinding:
            for naam in reversed(self.gemaakt):
                verbinding.execute(sa.text(f'DROP DATABASE IF EXISTS "{naam}" WITH (FORCE)'))
        self.beheer.dispose()


# --- The measurements, each in its own process ---------------------------------------------


def meet_controle(pad: Path, database_url: str) -> dict[str, float]:
    import sqlalchemy as sa

    from kern.db import db
    from kern.uploads import UploadStatus
    from subsidies import historische_import
    from subsidies.models import Regeling

    with app_voor(database_url).app_context():
        regeling = db.session.execute(sa.select(Regeling).filter_by(naam=REGELING)).scalar_one()
        begin = time.perf_counter()
        upload, _ = historische_import.ontvang(
            regeling, pad.read_bytes(), bestandsnaam=pad.name, door=DOOR
        )
        db.session.commit()
        duur = time.perf_counter() - begin
        if upload.status is not UploadStatus.GECONTROLEERD:
            fouten = [m["tekst"] for m in upload.meldingen[:5]]
            raise SystemExit(f"the check refused {pad.name}: {fouten}")
        uit = {"seconden": duur, "upload": upload.id, "rijen": upload.aantal_regels}
        db.engine.dispose()
    return uit


def meet_bevestiging(upload_id: int, database_url: str, per_rij: bool) -> dict[str, float]:
    import sqlalchemy as sa

    from kern import audit
    from kern.audit import AuditRegel
    from kern.db import db
    from kern.uploads import Upload
    from subsidies import historische_import
    from subsidies.models import Regeling

    with app_voor(database_url).app_context(), audit.als(DOOR):
        regeling = db.session.execute(sa.select(Regeling).filter_by(naam=REGELING)).scalar_one()
        upload = db.session.get(Upload, upload_id)
        assert upload is not None
        begin = time.perf_counter()
        resultaat = historische_import.importeer(
            regeling,
            upload,
            door=DOOR,
            versie=upload.versie,
            vandaag=date(2026, 12, 1),
            per_rij=per_rij,
        )
        db.session.commit()
        duur = time.perf_counter() - begin
        entries = db.session.execute(sa.select(sa.func.count(AuditRegel.id))).scalar_one()
        uit = {
            "seconden": duur,
            "beschikkingen": resultaat.beschikkingen_nieuw,
            "audit": entries,
        }
        db.engine.dispose()
    return uit


def kind(args: argparse.Namespace) -> None:
    if args.kind == "controle":
        uit = meet_controle(args.pad, args.url)
    else:
        uit = meet_bevestiging(args.upload, args.url, per_rij=args.kind == "per_rij")
    print(json.dumps({**uit, "piek_mb": piekgeheugen()}))


def in_kind(meting: str, url: str, *, pad: Path | None = None, upload: int | None = None):
    opdracht = [sys.executable, __file__, "--kind", meting, "--url", url]
    if pad is not None:
        opdracht += ["--pad", str(pad)]
    if upload is not None:
        opdracht += ["--upload", str(upload)]
    uit = subprocess.run(opdracht, check=True, capture_output=True, text=True)  # noqa: S603
    gegevens: dict[str, float] = json.loads(uit.stdout.strip().splitlines()[-1])
    return gegevens


# --- The run ---------------------------------------------------------------------------------


def server_url(opgegeven: str | None) -> str:
    if opgegeven:
        return opgegeven
    omgeving = os.environ.get("DATABASE_URL", "")
    return omgeving if omgeving.startswith("postgresql") else STANDAARD_SERVER


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groottes", type=int, nargs="*", default=list(GROOTTES))
    parser.add_argument("--database", help="a PostgreSQL server's URL (see above)")
    parser.add_argument("--zonder-per-rij", action="store_true")
    parser.add_argument("--kind", choices=("controle", "bevestiging", "per_rij"))
    parser.add_argument("--pad", type=Path)
    parser.add_argument("--url")
    parser.add_argument("--upload", type=int)
    args = parser.parse_args()
    if args.kind:
        kind(args)
        return 0

    server = Server(server_url(args.database))
    uitkomsten: dict[int, dict[str, dict[str, float]]] = {}
    try:
        sjabloon = server.maak("sjabloon")
        opzet(server.url(sjabloon))
        print(
            f"{'rows':>8} {'file':>7} | {'check':>15} | {'confirm (bulk)':>15} | "
            f"{'confirm row by row':>18} | {'audit entries':>13}"
        )
        with tempfile.TemporaryDirectory(prefix="bench-historisch-") as map_:
            for aantal in args.groottes:
                pad = Path(map_) / f"historisch-{aantal}.xlsx"
                maak_werkmap(aantal, pad)
                url = server.url(server.maak(f"bulk_{aantal}", sjabloon))
                controle = in_kind("controle", url, pad=pad)
                if int(controle["rijen"]) != aantal:
                    raise SystemExit(f"{aantal} rows written, {controle['rijen']} staged")
                uitkomst = {
                    "controle": controle,
                    "bevestiging": in_kind("bevestiging", url, upload=int(controle["upload"])),
                }
                if aantal <= 10_000 and not args.zonder_per_rij:
                    url = server.url(server.maak(f"per_rij_{aantal}", sjabloon))
                    eerst = in_kind("controle", url, pad=pad)
                    uitkomst["per_rij"] = in_kind("per_rij", url, upload=int(eerst["upload"]))
                    if uitkomst["per_rij"]["audit"] != uitkomst["bevestiging"]["audit"]:
                        raise SystemExit("row by row and bulk wrote different audit trails")
                uitkomsten[aantal] = uitkomst
                cel = {
                    k: f"{v['seconden']:6.2f} s {v['piek_mb']:4.0f} MB" for k, v in uitkomst.items()
                }
                print(
                    f"{aantal:>8,} {pad.stat().st_size / 1e6:>5.2f}MB | {cel['controle']:>15} | "
                    f"{cel['bevestiging']:>15} | {cel.get('per_rij', '-'):>18} | "
                    f"{int(uitkomst['bevestiging']['audit']):>13,}"
                )
    finally:
        server.ruim_op()

    groot, klein = max(uitkomsten), min(uitkomsten)
    tijd = uitkomsten[groot]["bevestiging"]["seconden"] / uitkomsten[groot]["controle"]["seconden"]
    geheugen = (
        uitkomsten[klein]["bevestiging"]["piek_mb"] / uitkomsten[klein]["controle"]["piek_mb"]
    )
    tijd_goed, geheugen_goed = tijd <= 3.0, geheugen <= 2.0
    print()
    print(
        f"confirm / check at {groot:,} rows: {tijd:.2f} (target <= 3.00) "
        f"{'ok' if tijd_goed else 'MISSED'}"
    )
    print(
        f"confirm / check peak memory at {klein:,} rows: {geheugen:.2f} (target <= 2.00) "
        f"{'ok' if geheugen_goed else 'MISSED'}"
    )
    for aantal, uitkomst in uitkomsten.items():
        if "per_rij" in uitkomst:
            sneller = uitkomst["per_rij"]["seconden"] / uitkomst["bevestiging"]["seconden"]
            print(f"row by row / bulk at {aantal:,} rows: {sneller:.1f} (for comparison)")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    return 0 if tijd_goed and geheugen_goed else 1


if __name__ == "__main__":
    raise SystemExit(main())
