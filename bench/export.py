"""Benchmark: the spending summary's return lines through the export code, against a bare
openpyxl write-only loop writing the same cells.

    make bench                      (or: .venv/bin/python bench/export.py)

For 10,000 and 100,000 return lines in an SQLite database it measures, in one run:

- openpyxl: a bare ``write_only=True`` workbook, one ``append`` per line of the same values
  (13 cells: texts, a year, amounts, a version number, yes/no, two moments), saved to a file;
- export: what finance's download costs: `subsidies.bestedingen.regels` (the query, streamed)
  through the Details sheet's columns into `kern.export.schrijf_xlsx` (xlsxwriter in
  constant-memory mode), with the explanation sheet, to a file.

Each measurement runs in a fresh child process, so that its peak memory (VmHWM) is its own; only
the work is timed, not starting Python or the application. Both run three times, taking turns,
and the fastest run of each counts (``--herhaal``): other load on a shared machine only slows a
run down. The targets (issue 12): at 100,000
lines the export takes at most 0.7 times the bare openpyxl loop, and its peak memory at 100,000
lines is within 1.5 times that at 10,000. The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

HIER = Path(__file__).resolve().parent
sys.path.insert(0, str(HIER.parent))

from bench.excel_import import app_voor, piekgeheugen  # noqa: E402

GROOTTES = (10_000, 100_000)
DOELEN = [(f"doel_{i:02d}", f"Bestedingsdoel {i}", "26") for i in range(1, 11)]
JAREN = range(2015, 2025)
VERSIES = 2
REGELING = "Versterkingsgelden (bench)"
INGEDIEND = datetime(2016, 3, 1, 9, 30, tzinfo=UTC)
KOPPEN = (
    "Ontvanger",
    "CBS-code",
    "Regeling",
    "Jaar",
    "Kenmerk",
    "Doel",
    "Besteed in jaar",
    "Besteed cumulatief",
    "Versie",
    "Status",
    "Eindverantwoording",
    "Ingediend op",
    "Goedgekeurd op",
)


def bedrag(nummer: int) -> Decimal:
    return Decimal(1000 + nummer % 9000) + Decimal("0.25")


def opzet(database: Path, aantal: int) -> None:
    """``aantal`` return lines: per municipality and year a decision with two returns (the first
    sent back, the second approved), each spending on every purpose. Written with plain inserts:
    the services (and their audit trail) would take minutes, and only the reading is measured."""
    import sqlalchemy as sa

    from gemeenten.models import Gemeente
    from kern.db import db
    from subsidies import services
    from subsidies.models import Beschikking, Verantwoording, VerantwoordingRegel

    beschikkingen = -(-aantal // (VERSIES * len(DOELEN)))
    gemeenten = -(-beschikkingen // len(JAREN))
    app = app_voor(database)
    with app.app_context():
        db.create_all()
        db.session.execute(
            sa.insert(Gemeente),
            [
                {"cbs_code": f"GM{n:04d}", "naam": f"Gemeente {n}", "provincie": "Utrecht"}
                for n in range(1, gemeenten + 1)
            ],
        )
        regeling = services.maak_regeling(
            naam=REGELING,
            grondslag="Kaderwet SZW-subsidies",
            jaren={jaar: Decimal("900000000000.00") for jaar in JAREN},
            doelen=DOELEN,
        )
        jaar_ids = {j.jaar: j.id for j in regeling.jaren}
        db.session.execute(sa.insert(Beschikking), _beschikkingen(beschikkingen, jaar_ids))
        verantwoordingen, regels = _verantwoordingen(
            beschikkingen, [d.id for d in regeling.doelen], aantal
        )
        db.session.execute(sa.insert(Verantwoording), verantwoordingen)
        db.session.execute(sa.insert(VerantwoordingRegel), regels)
        db.session.commit()
        db.engine.dispose()


def _beschikkingen(aantal: int, jaar_ids: dict[int, int]) -> list[dict[str, object]]:
    """``aantal`` decided decisions, the years in turn, len(JAREN) per municipality."""
    from subsidies.models import BeschikkingStatus

    return [
        {
            "id": nummer + 1,
            "regeling_jaar_id": jaar_ids[JAREN[nummer % len(JAREN)]],
            "gemeente_id": nummer // len(JAREN) + 1,
            "kenmerk": f"VG-{nummer + 1:06d}",
            "datum": date(2015, 10, 1),
            "bedrag": bedrag(nummer) * 100,
            "status": BeschikkingStatus.BESCHIKT,
            "verantwoording_uiterlijk": date(2016, 7, 15),
        }
        for nummer in range(aantal)
    ]


def _verantwoordingen(
    beschikkingen: int, doel_ids: list[int], aantal: int
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """VERSIES returns per decision (the last approved, those before sent back) and their
    lines, one per purpose, until there are ``aantal`` lines."""
    from subsidies.models import VerantwoordingStatus

    verantwoordingen, regels = [], []
    for nummer in range(beschikkingen):
        for versie in range(1, VERSIES + 1):
            v_id = nummer * VERSIES + versie
            verantwoordingen.append(
                {
                    "id": v_id,
                    "beschikking_id": nummer + 1,
                    "volgnummer": versie,
                    "status": VerantwoordingStatus.GOEDGEKEURD
                    if versie == VERSIES
                    else VerantwoordingStatus.TERUGGESTUURD,
                    "eindverantwoording": versie == VERSIES,
                    "ingediend_door": "bench@gemeente.nl",
                    "ingediend_op": INGEDIEND + timedelta(days=versie),
                    "beoordeeld_door": "bench@minbzk.nl",
                    "beoordeeld_op": INGEDIEND + timedelta(days=versie + 1),
                }
            )
            for index, doel_id in enumerate(doel_ids):
                if len(regels) == aantal:
                    break
                besteed = bedrag(v_id + index)
                regels.append(
                    {
                        "verantwoording_id": v_id,
                        "doel_id": doel_id,
                        "besteed_in_jaar": besteed,
                        "besteed_cumulatief": besteed,
                    }
                )
    return verantwoordingen, regels


# --- The measurements, each in its own process ---------------------------------------------


def cellen(aantal: int):
    """The cells of ``aantal`` lines as the export writes them, made up without a database."""
    moment = INGEDIEND.replace(tzinfo=None)
    for nummer in range(aantal):
        besteed = bedrag(nummer)
        yield (
            f"Gemeente {nummer // 200 + 1}",
            f"GM{nummer // 200 + 1:04d}",
            REGELING,
            2015 + nummer % 10,
            f"VG-{nummer // 20 + 1:06d}",
            f"Bestedingsdoel {nummer % 10 + 1}",
            besteed,
            besteed,
            nummer % 2 + 1,
            "Goedgekeurd",
            "ja",
            moment,
            moment,
        )


def meet_openpyxl(aantal: int, uitvoer: Path) -> tuple[float, int]:
    from openpyxl import Workbook

    begin = time.perf_counter()
    werkmap = Workbook(write_only=True)
    blad = werkmap.create_sheet("Details")
    blad.append(KOPPEN)
    geschreven = 0
    for rij in cellen(aantal):
        blad.append(rij)
        geschreven += 1
    werkmap.save(uitvoer)
    return time.perf_counter() - begin, geschreven


def meet_export(database: Path, uitvoer: Path) -> tuple[float, int]:
    from kern import export
    from subsidies import bestedingen
    from subsidies.views.bestedingen import DETAIL_KOLOMMEN

    app = app_voor(database)
    with app.app_context():
        geteld = 0

        def regels():
            nonlocal geteld
            for regel in bestedingen.regels(bestedingen.Filter()):
                geteld += 1
                yield regel

        werk = export.Export(
            naam="bestedingen",
            titel="Bestedingsoverzicht",
            tabellen=[export.Tabel("Details", DETAIL_KOLOMMEN, regels)],
        )
        begin = time.perf_counter()
        with open(uitvoer, "wb") as bestand:
            export.schrijf_xlsx(werk, bestand, door="bench", moment=datetime.now(UTC))
        return time.perf_counter() - begin, geteld


def kind(meting: str, aantal: int, database: Path, uitvoer: Path) -> None:
    if meting == "openpyxl":
        duur, rijen = meet_openpyxl(aantal, uitvoer)
    else:
        duur, rijen = meet_export(database, uitvoer)
    print(json.dumps({"seconden": duur, "piek_mb": piekgeheugen(), "rijen": rijen}))


def in_kind(meting: str, aantal: int, database: Path, uitvoer: Path) -> dict[str, float]:
    opdracht = [sys.executable, __file__, "--kind", meting, "--aantal", str(aantal)]
    opdracht += ["--database", str(database), "--uitvoer", str(uitvoer)]
    uit = subprocess.run(opdracht, check=True, capture_output=True, text=True)  # noqa: S603
    gegevens: dict[str, float] = json.loads(uit.stdout.strip().splitlines()[-1])
    return gegevens


def beste_van(herhaal: int, aantal: int, database: Path, map_: Path) -> dict[str, dict[str, float]]:
    """Each measurement ``herhaal`` times, taking turns, and the fastest of each (with the
    highest peak memory): on a shared machine the other load only ever slows a run down."""
    metingen: dict[str, list[dict[str, float]]] = {"openpyxl": [], "export": []}
    for _ in range(herhaal):
        for meting, lijst in metingen.items():
            lijst.append(in_kind(meting, aantal, database, map_ / f"{meting}-{aantal}.xlsx"))
    return {
        meting: {
            **min(lijst, key=lambda m: m["seconden"]),
            "piek_mb": max(m["piek_mb"] for m in lijst),
        }
        for meting, lijst in metingen.items()
    }


# --- The run ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groottes", type=int, nargs="*", default=list(GROOTTES))
    parser.add_argument("--herhaal", type=int, default=3, help="runs per measurement (fastest)")
    parser.add_argument("--kind", choices=("openpyxl", "export"))
    parser.add_argument("--aantal", type=int)
    parser.add_argument("--database", type=Path)
    parser.add_argument("--uitvoer", type=Path)
    args = parser.parse_args()
    if args.kind:
        kind(args.kind, args.aantal, args.database, args.uitvoer)
        return 0

    map_ = Path(tempfile.mkdtemp(prefix="bench-export-"))
    uitkomsten: dict[int, dict[str, dict[str, float]]] = {}
    try:
        print(f"{'lines':>8} | {'openpyxl write-only':>22} | {'export (query + xlsx)':>22} | file")
        for aantal in args.groottes:
            database = map_ / f"bench-{aantal}.sqlite"
            opzet(database, aantal)
            uitkomst = beste_van(args.herhaal, aantal, database, map_)
            for meting, gegevens in uitkomst.items():
                if int(gegevens["rijen"]) != aantal:
                    raise SystemExit(f"{meting}: {gegevens['rijen']} lines, not {aantal}")
            uitkomsten[aantal] = uitkomst
            cel = {k: f"{v['seconden']:6.2f} s {v['piek_mb']:4.0f} MB" for k, v in uitkomst.items()}
            grootte = (map_ / f"export-{aantal}.xlsx").stat().st_size / 1e6
            print(f"{aantal:>8,} | {cel['openpyxl']:>22} | {cel['export']:>22} | {grootte:.1f} MB")
    finally:
        shutil.rmtree(map_, ignore_errors=True)

    klein, groot = min(uitkomsten), max(uitkomsten)
    tijd = uitkomsten[groot]["export"]["seconden"] / uitkomsten[groot]["openpyxl"]["seconden"]
    geheugen = uitkomsten[groot]["export"]["piek_mb"] / uitkomsten[klein]["export"]["piek_mb"]
    tijd_goed, geheugen_goed = tijd <= 0.7, geheugen <= 1.5
    print()
    print(
        f"export / openpyxl at {groot:,} lines: {tijd:.2f} (target <= 0.70) "
        f"{'ok' if tijd_goed else 'MISSED'}"
    )
    print(
        f"export peak memory {groot:,} / {klein:,} lines: {geheugen:.2f} (target <= 1.50) "
        f"{'ok' if geheugen_goed else 'MISSED'}"
    )
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    return 0 if tijd_goed and geheugen_goed else 1


if __name__ == "__main__":
    raise SystemExit(main())
