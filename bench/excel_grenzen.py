"""Benchmark: what a large upload costs where the application refuses or shortens it.

    .venv/bin/python bench/excel_grenzen.py

Two measurements, each in a fresh child process (its peak memory, VmHWM, is its own), each
against a baseline in the same run:

- a return ("Verantwoording") of a million rows: refused by the scan of the sheet
  (`kern.excel.lees_blad` with the template's limits), against what the check did first
  before: openpyxl's read-only mode opening the workbook and reading the metadata sheet;
- the error workbook of a historical import of 200,000 rows with an error in every 64th
  (3,125, of which the upload keeps the first 1,000 and a count), against the reader that
  checked the same file (`lees_blad` over every row), and, for a small file, against marking
  the file in place.

Targets: the return is refused in under a second, and the error workbook needs no more memory
than the reader. The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HIER = Path(__file__).resolve().parent
sys.path.insert(0, str(HIER.parent))

KOPPEN = ("Soort", "CBS-code", "Gemeente", "Jaar", "Doel", "Bedrag", "Cumulatief", "Datum")
BLAD = "Historische gegevens"


def maak_verantwoording(aantal: int, pad: Path) -> None:
    """A return as a clerk might send it: the template's sheets, a million numbers below."""
    from openpyxl import Workbook

    werkmap = Workbook(write_only=True)
    blad = werkmap.create_sheet("Verantwoording")
    blad.append(["Verantwoording 2015"])
    for rij in range(2, aantal + 1):
        blad.append([None, None, None, None, rij])
    metadata = werkmap.create_sheet("Metadata")
    for paar in (("soort", "verantwoording"), ("versie", "2"), ("beschikking_id", "1")):
        metadata.append(paar)
    werkmap.save(pad)


def maak_historie(aantal: int, pad: Path) -> None:
    from openpyxl import Workbook

    werkmap = Workbook(write_only=True)
    blad = werkmap.create_sheet(BLAD)
    blad.append(KOPPEN)
    for rij in range(2, aantal + 2):
        bedrag = "x" if rij % 64 == 0 else 1000 + rij % 9000 + 0.25
        gemeente = rij % 342 + 1
        blad.append(
            ["toekenning", f"GM{gemeente:04d}", f"Gemeente {gemeente}", 2015, "doel_01", bedrag]
        )
    werkmap.save(pad)


def meldingen_van(aantal: int):
    """The messages as the historical import keeps them: the first 1,000 and a count."""
    from kern.meldingen import Meldingen

    meldingen = Meldingen()
    for rij in range(64, aantal + 2, 64):
        meldingen.fout(BLAD, f"F{rij}", '"x" is geen bedrag.', "Bedrag")
    return meldingen.alle


# --- The measurements, each in its own process ---------------------------------------------


def meet(meting: str, pad: Path, aantal: int) -> dict[str, object]:
    """One measurement; only the work is timed, the same libraries loaded in each."""
    from openpyxl import load_workbook

    from kern.excel import ExcelFout, lees_blad
    from kern.excel import foutwerkmap as werkmap_met_meldingen
    from kern.excel.foutwerkmap import foutwerkmap

    inhoud = pad.read_bytes()
    meldingen = meldingen_van(aantal)
    begin = time.perf_counter()
    uitkomst: object = None
    if meting == "metadata-openpyxl":  # the first step of the return's check before
        werkmap = load_workbook(io.BytesIO(inhoud), read_only=True, data_only=True)
        uitkomst = list(werkmap["Metadata"].iter_rows(max_row=100, max_col=2, values_only=True))
        werkmap.close()
    elif meting == "scan":  # the first step now
        try:
            lees_blad(inhoud, blad="Verantwoording", max_rijen=36, max_kolommen=26)
        except ExcelFout as fout:
            uitkomst = str(fout)
    elif meting == "lezer":
        uitkomst = sum(1 for _ in lees_blad(inhoud, max_rijen=200_001, max_kolommen=20).rijen)
    elif meting in ("foutwerkmap", "ter-plekke"):
        if meting == "ter-plekke":  # marked in place, whatever the size
            werkmap_met_meldingen.MAX_TE_MARKEREN = 1 << 40
        uitkomst = len(foutwerkmap(inhoud, meldingen))
    return {"seconden": time.perf_counter() - begin, "piek_mb": piekgeheugen(), "uit": uitkomst}


def piekgeheugen() -> float:
    with open("/proc/self/status") as status:
        for regel in status:
            if regel.startswith("VmHWM:"):
                return int(regel.split()[1]) / 1024
    return 0.0


def in_kind(meting: str, pad: Path, aantal: int = 0) -> dict[str, object]:
    opdracht = [
        sys.executable,
        __file__,
        "--kind",
        meting,
        "--pad",
        str(pad),
        "--rijen",
        str(aantal),
    ]
    uit = subprocess.run(opdracht, check=True, capture_output=True, text=True)  # noqa: S603
    gegevens: dict[str, object] = json.loads(uit.stdout.strip().splitlines()[-1])
    return gegevens


def regel(naam: str, uitkomst: dict[str, object]) -> str:
    return f"  {naam:<44} {uitkomst['seconden']:7.2f} s {uitkomst['piek_mb']:6.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind")
    parser.add_argument("--pad", type=Path)
    parser.add_argument("--rijen", type=int, default=0)
    parser.add_argument("--verantwoording", type=int, default=1_000_000)
    parser.add_argument("--historie", type=int, default=200_000)
    parser.add_argument("--klein", type=int, default=5_000)
    args = parser.parse_args()
    if args.kind:
        print(json.dumps(meet(args.kind, args.pad, args.rijen)))
        return 0

    goed = True
    with tempfile.TemporaryDirectory(prefix="bench-grenzen-") as map_:
        pad = Path(map_) / "verantwoording.xlsx"
        maak_verantwoording(args.verantwoording, pad)
        print(f"A return of {args.verantwoording:,} rows ({pad.stat().st_size / 1e6:.1f} MB):")
        voor, na = in_kind("metadata-openpyxl", pad), in_kind("scan", pad)
        print(regel("before: openpyxl opens it for the metadata", voor))
        print(regel("now: the scan refuses it", na))
        print(f"  ({na['uit']})")
        goed &= float(na["seconden"]) < 1.0  # type: ignore[arg-type]

        for aantal in (args.klein, args.historie):
            pad = Path(map_) / f"historie-{aantal}.xlsx"
            maak_historie(aantal, pad)
            print(
                f"The error workbook of a historical import of {aantal:,} rows "
                f"({pad.stat().st_size / 1e6:.1f} MB, {len(range(64, aantal + 2, 64)):,} errors):"
            )
            lezer, werkmap = in_kind("lezer", pad), in_kind("foutwerkmap", pad, aantal)
            print(regel("baseline: the reader, every row", lezer))
            print(regel("the error workbook", werkmap))
            if aantal == args.klein:
                print(
                    regel(
                        "marked in place (as before, at any size)",
                        in_kind("ter-plekke", pad, aantal),
                    )
                )
            else:
                goed &= float(werkmap["piek_mb"]) <= float(lezer["piek_mb"])  # type: ignore[arg-type]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus: {'ok' if goed else 'MISSED'}")
    return 0 if goed else 1


if __name__ == "__main__":
    raise SystemExit(main())
