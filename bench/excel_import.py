"""Benchmark: the import pipeline against bare reads of the same workbook.

    make bench                      (or: .venv/bin/python bench/excel_import.py)

For workbooks of 1,000, 10,000 and 100,000 rows in the layout of the historical import
(`subsidies.historische_import`, 8 columns) it measures, in one run and on this machine:

- openpyxl: a bare ``read_only=True, data_only=True`` loop over every row's values;
- calamine: a bare python-calamine read of the first sheet, row by row;
- pipeline: what an officer's upload costs: store the original, check it (`kern.excel`'s scan
  and reader, every cell through the validation of `subsidies.historische_import`, every row
  against the scheme and the database) and stage every row in SQLite, committed.

Each measurement runs in a fresh child process, so that its peak memory (the child's maximum
resident set size, which also counts what calamine allocates outside Python) is its own. The
targets (issue 4): at 100,000 rows the pipeline takes at most half the bare openpyxl loop, and
its peak memory at 100,000 rows is within 2 times that at 1,000 rows. The exit status is 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HIER = Path(__file__).resolve().parent
sys.path.insert(0, str(HIER.parent))

GROOTTES = (1_000, 10_000, 100_000)
GEMEENTEN = 342
JAREN = range(2015, 2025)
DOELEN = [(f"doel_{i:02d}", f"Bestedingsdoel {i}", "26") for i in range(1, 16)]
REGELING = "Versterkingsgelden (bench)"
KOPPEN = ("Soort", "CBS-code", "Gemeente", "Jaar", "Doel", "Bedrag", "Cumulatief", "Datum")


def cbs_code(nummer: int) -> str:
    return f"GM{nummer:04d}"


def gemeentenaam(nummer: int) -> str:
    return f"Gemeente {nummer}"


# --- The workbooks -----------------------------------------------------------------------------


def rijen(aantal: int):
    """Rows of valid data: per municipality and year a grant and the spending on every purpose
    (only grants when fewer rows are left than a whole group)."""
    groep = 2 * len(DOELEN)
    gegeven = 0
    for gemeente in range(1, GEMEENTEN + 1):
        for jaar in JAREN:
            soorten = ("toekenning", "besteding") if aantal - gegeven >= groep else ("toekenning",)
            for soort in soorten:
                for index, (code, _, _) in enumerate(DOELEN):
                    if gegeven == aantal:
                        return
                    bedrag = 1000 + (gemeente * 7 + jaar + index) % 9000 + 0.25
                    cumulatief = bedrag if soort == "besteding" else None
                    yield (
                        soort,
                        cbs_code(gemeente),
                        gemeentenaam(gemeente),
                        jaar,
                        code,
                        bedrag,
                        cumulatief,
                        None,
                    )
                    gegeven += 1
    raise SystemExit(f"{aantal} rows do not fit in {GEMEENTEN} municipalities")


def maak_werkmap(aantal: int, pad: Path) -> None:
    from openpyxl import Workbook

    werkmap = Workbook(write_only=True)
    blad = werkmap.create_sheet("Historische gegevens")
    blad.append(KOPPEN)
    for rij in rijen(aantal):
        blad.append(rij)
    werkmap.save(pad)


# --- The measurements, each in its own process ---------------------------------------------


def meet_openpyxl(pad: Path) -> tuple[float, int]:
    from openpyxl import load_workbook

    begin = time.perf_counter()
    werkmap = load_workbook(pad, read_only=True, data_only=True)
    aantal = sum(1 for _ in werkmap.worksheets[0].iter_rows(values_only=True))
    werkmap.close()
    return time.perf_counter() - begin, aantal


def meet_calamine(pad: Path) -> tuple[float, int]:
    from python_calamine import CalamineWorkbook

    begin = time.perf_counter()
    werkmap = CalamineWorkbook.from_path(str(pad))
    aantal = sum(1 for _ in werkmap.get_sheet_by_index(0).iter_rows())
    werkmap.close()
    return time.perf_counter() - begin, aantal


def app_voor(database: Path | str):
    """The application on an SQLite file, or on a database URL (bench/historische_import.py)."""
    from kern.app import create_app

    return create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "bench-" * 6,
            "SQLALCHEMY_DATABASE_URI": database
            if isinstance(database, str)
            else f"sqlite:///{database}",
        }
    )


def opzet(database: Path | str) -> None:
    """A database with the municipalities and the scheme the workbooks name."""
    from gemeenten.models import Gemeente
    from kern.db import db
    from subsidies import services

    app = app_voor(database)
    with app.app_context():
        db.create_all()
        for nummer in range(1, GEMEENTEN + 1):
            db.session.add(
                Gemeente(cbs_code=cbs_code(nummer), naam=gemeentenaam(nummer), provincie="Utrecht")
            )
        services.maak_regeling(
            naam=REGELING,
            grondslag="Kaderwet SZW-subsidies",
            kamerstuk=None,
            jaren={jaar: Decimal("900000000000.00") for jaar in JAREN},
            doelen=DOELEN,
        )
        db.session.commit()
        db.engine.dispose()


def meet_pipeline(pad: Path, database: Path) -> tuple[float, int]:
    import sqlalchemy as sa

    from kern.db import db
    from kern.uploads import UploadStatus
    from subsidies import historische_import
    from subsidies.models import Regeling

    app = app_voor(database)
    with app.app_context():
        regeling = db.session.execute(sa.select(Regeling).filter_by(naam=REGELING)).scalar_one()
        begin = time.perf_counter()
        upload, _ = historische_import.ontvang(
            regeling, pad.read_bytes(), bestandsnaam=pad.name, door="bench@minbzk.nl"
        )
        db.session.commit()
        duur = time.perf_counter() - begin
        if upload.status is not UploadStatus.GECONTROLEERD:
            fouten = [m["tekst"] for m in upload.meldingen[:5]]
            raise SystemExit(f"the pipeline refused {pad.name}: {fouten}")
        return duur, upload.aantal_regels


def kind(meting: str, pad: Path, database: Path | None) -> None:
    """Run one measurement in this (child) process and print its figures as JSON. Only the
    work is timed, not importing the libraries or starting the application."""
    if meting == "openpyxl":
        duur, aantal = meet_openpyxl(pad)
    elif meting == "calamine":
        duur, aantal = meet_calamine(pad)
    else:
        assert database is not None
        duur, aantal = meet_pipeline(pad, database)
    print(json.dumps({"seconden": duur, "piek_mb": piekgeheugen(), "rijen": aantal}))


def piekgeheugen() -> float:
    """This process's peak resident set in MiB. Not ``getrusage``'s ru_maxrss: Linux keeps that
    across exec, so a child would report at least its parent's size."""
    with open("/proc/self/status") as status:
        for regel in status:
            if regel.startswith("VmHWM:"):
                return int(regel.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # elsewhere: KiB on Linux


def in_kind(meting: str, pad: Path, database: Path | None = None) -> dict[str, float]:
    opdracht = [sys.executable, __file__, "--kind", meting, "--pad", str(pad)]
    if database is not None:
        opdracht += ["--database", str(database)]
    uit = subprocess.run(opdracht, check=True, capture_output=True, text=True)  # noqa: S603
    gegevens: dict[str, float] = json.loads(uit.stdout.strip().splitlines()[-1])
    return gegevens


# --- The run ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groottes", type=int, nargs="*", default=list(GROOTTES))
    parser.add_argument("--kind", choices=("openpyxl", "calamine", "pipeline"))
    parser.add_argument("--pad", type=Path)
    parser.add_argument("--database", type=Path)
    args = parser.parse_args()
    if args.kind:
        kind(args.kind, args.pad, args.database)
        return 0

    werkmap_ = Path(tempfile.mkdtemp(prefix="bench-excel-"))
    try:
        sjabloon = werkmap_ / "sjabloon.sqlite"
        opzet(sjabloon)
        uitkomsten: dict[int, dict[str, dict[str, float]]] = {}
        print(
            f"{'rows':>8} {'file':>8} | {'openpyxl':>14} | {'calamine':>14} | "
            f"{'pipeline (store+check+stage)':>30}"
        )
        for aantal in args.groottes:
            pad = werkmap_ / f"historisch-{aantal}.xlsx"
            maak_werkmap(aantal, pad)
            database = werkmap_ / f"bench-{aantal}.sqlite"
            shutil.copyfile(sjabloon, database)
            uitkomst = {
                "openpyxl": in_kind("openpyxl", pad),
                "calamine": in_kind("calamine", pad),
                "pipeline": in_kind("pipeline", pad, database),
            }
            staged = int(uitkomst["pipeline"]["rijen"])
            if staged != aantal:
                raise SystemExit(f"{aantal} rows written, {staged} staged")
            uitkomsten[aantal] = uitkomst
            cel = {k: f"{v['seconden']:6.2f} s {v['piek_mb']:4.0f} MB" for k, v in uitkomst.items()}
            print(
                f"{aantal:>8,} {pad.stat().st_size / 1e6:>6.2f}MB | {cel['openpyxl']:>14} | "
                f"{cel['calamine']:>14} | {cel['pipeline']:>30}"
            )
    finally:
        shutil.rmtree(werkmap_, ignore_errors=True)

    klein, groot = min(uitkomsten), max(uitkomsten)
    tijd = uitkomsten[groot]["pipeline"]["seconden"] / uitkomsten[groot]["openpyxl"]["seconden"]
    geheugen = uitkomsten[groot]["pipeline"]["piek_mb"] / uitkomsten[klein]["pipeline"]["piek_mb"]
    tijd_goed, geheugen_goed = tijd <= 0.5, geheugen <= 2.0
    print()
    print(
        f"pipeline / openpyxl at {groot:,} rows: {tijd:.2f} (target <= 0.50) "
        f"{'ok' if tijd_goed else 'MISSED'}"
    )
    print(
        f"pipeline peak memory {groot:,} / {klein:,} rows: {geheugen:.2f} (target <= 2.00) "
        f"{'ok' if geheugen_goed else 'MISSED'}"
    )
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    return 0 if tijd_goed and geheugen_goed else 1


if __name__ == "__main__":
    raise SystemExit(main())
