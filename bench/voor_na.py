"""Benchmark: issue 14's pages before and after, in one run, each page alone under 20 users.

    .venv/bin/python bench/voor_na.py [--voor 4438fbf] [--gebruikers 20] [--duur 20]
                                      [--pauze 15] [--kopie-van DB]

Issue 14's figures were measured on another machine; a time from this one says little beside
them. This script measures the code before the work on issue 14 (``--voor``, by default
4438fbf, the last commit before it) and this checkout on the same data, one after the other
in the same run, and compares the two: a ratio, as the issue's targets ask.

In one run: a PostgreSQL database filled by ``flask demo landelijk`` (342 municipalities, ten
years; as `bench/last.py`), with the users' accounts; a copy of it taken back to the older
code's schema by this checkout's migrations (``flask db downgrade``); the older code out of
git (``git archive``) into a temporary folder with a virtualenv of its own (kept between runs
under the commit's name). gunicorn serves each as ``make serve`` does (2 sync workers), the
older one first, then this checkout, never both at once. For each of the issue's pages in
turn, 20 locust users without think time ask that page only, for ``--duur`` seconds, then wait
``--pauze`` seconds for what is still running; the issue measured each page the same way (its
figures are about ten times a page's own cost: 20 users sharing 2 workers).

It prints, per page, p50 and p95 before and after, and the p95 before divided by the p95 after.
Target (issue 14): the decisions list of a year, the year overview and the work lists at
least 10 times faster; the exit status is 1 when one is not, or a request failed. The
databases and the servers are removed however the run ends.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from aanmelden import meld_aan
from last import alleen, locust, percentiel
from omgeving import PROJECT, Omgeving, _beheer, hoofdpaginas, toon_fouten

VOOR = "4438fbf"  # the last commit before the work on issue 14
DOEL = 10.0  # at least this many times faster: the p95 before ÷ the p95 after
MET_DOEL = ("te beoordelen", "beschikkingen", "jaaroverzicht", "betalingen")  # name prefixes
ROLLEN = ("beleidsmedewerker", "financien")  # taking turns


def code_van(commit: str) -> tuple[Path, str]:
    """The tree of ``commit`` with a virtualenv of its own dependencies, made once and kept in
    the temporary folder under the commit's name; returns the folder and its Python."""
    sha = subprocess.run(  # noqa: S603
        ["git", "rev-parse", "--verify", f"{commit}^{{commit}}"],  # noqa: S607
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    map_ = Path(tempfile.gettempdir()) / f"bench-voor-{sha[:12]}"
    python = map_ / ".venv" / "bin" / "python"
    klaar = map_ / ".venv" / ".klaar"
    if not klaar.exists():
        shutil.rmtree(map_, ignore_errors=True)
        map_.mkdir(parents=True)
        archief = subprocess.run(  # noqa: S603
            ["git", "archive", "--format=tar", sha],  # noqa: S607
            cwd=PROJECT,
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archief)) as tar:
            tar.extractall(map_, filter="data")
        subprocess.run([sys.executable, "-m", "venv", str(map_ / ".venv")], check=True)  # noqa: S603
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "-e", str(map_)], check=True)  # noqa: S603
        klaar.touch()
    return map_, str(python)


def laatste_migratie(code: Path) -> str:
    """The head of a tree's migrations: the revision no other one revises."""
    revisies, eerdere = set(), set()
    for pad in (code / "migrations" / "versions").glob("*.py"):
        tekst = pad.read_text()
        for naam, doel in (("revision", revisies), ("down_revision", eerdere)):
            gevonden = re.search(rf"^{naam}\s*=\s*['\"]([^'\"]+)['\"]", tekst, re.MULTILINE)
            if gevonden:
                doel.add(gevonden.group(1))
    (kop,) = revisies - eerdere
    return kop


def terugzetten(omgeving: Omgeving, revisie: str) -> None:
    """Take ``omgeving``'s database back to ``revisie`` with this checkout's migrations (they
    know how; the older code does not know the newer ones)."""
    env = {**omgeving.omgevingsvariabelen(productie=False), "PYTHONPATH": str(PROJECT)}
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "flask", "db", "downgrade", revisie],
        env=env,
        cwd=PROJECT,
        check=True,
        capture_output=True,
    )


def meet(omgeving: Omgeving, accounts: list, adressen: dict[str, str], args, map_: Path) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Start gunicorn, warm each worker up, then every page alone under the users; stop it."""
    omgeving.start_gunicorn()
    try:
        sessie = omgeving.sessie()
        meld_aan(sessie, accounts[0].email, accounts[0].wachtwoord, accounts[0].totp_geheim)
        alleen(sessie, adressen, keer=4)
        sessie.close()
        instellingen = {
            "accounts": [a.__dict__ for a in accounts[1:]],
            "paginas": adressen,
            "fasen": [[naam, url] for naam, url in adressen.items()],
            "pauze": args.pauze,
        }
        return locust(omgeving, instellingen, args, map_)  # type: ignore[no-any-return]
    finally:
        omgeving.stop_gunicorn()


def tabel(voor: list, na: list, adressen: dict[str, str], commit: str) -> tuple[list[str], bool]:  # type: ignore[type-arg]
    regels = [
        f"| page | before ({commit}): requests, p50, p95 | now: requests, p50, p95 "
        "| p95 before ÷ p95 now |",
        "|---|---:|---:|---:|",
    ]
    goed = True
    for naam in adressen:
        cellen = []
        p95 = []
        for metingen in (voor, na):
            tijden = [t for n, t, status, fout in metingen if n == naam and status == 200]
            fouten = sum(1 for n, _, status, fout in metingen if n == naam and status != 200)
            if metingen is na:  # the older code's failures are shown, not this run's verdict
                goed &= fouten == 0 and bool(tijden)
            if not tijden:
                cellen.append(f"no answers ({fouten} errors)")
                p95.append(float("nan"))
                continue
            p95.append(percentiel(tijden, 0.95))
            fout = f", {fouten} errors" if fouten else ""
            cellen.append(
                f"{len(tijden):,}, {percentiel(tijden, 0.5):,.0f} ms, {p95[-1]:,.0f} ms{fout}"
            )
        factor = p95[0] / p95[1]
        teken = ""
        if naam.startswith(MET_DOEL):
            teken = " (target ≥ 10)" if factor >= DOEL else " (MISSED: target ≥ 10)"
            goed &= factor >= DOEL
        regels.append(f"| {naam} | {cellen[0]} | {cellen[1]} | {factor:.1f}×{teken} |")
    return regels, goed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voor", default=VOOR, help="the commit to compare with")
    parser.add_argument("--gebruikers", type=int, default=20)
    parser.add_argument("--duur", type=int, default=20, help="seconds per page")
    parser.add_argument("--pauze", type=int, default=15, help="seconds between pages")
    parser.add_argument("--gemeenten", type=int, help="the first N of the CBS list (default all)")
    parser.add_argument("--jaren", type=int, default=10)
    parser.add_argument("--kopie-van", help="copy this filled database instead of generating")
    args = parser.parse_args()
    args.locustfile = "last_locust.py"

    code, python = code_van(args.voor)
    with (
        Omgeving(gemeenten=args.gemeenten, jaren=args.jaren, kopie_van=args.kopie_van) as nu,
        tempfile.TemporaryDirectory(prefix="bench-voor-na-") as map_,
    ):
        begin = time.monotonic()
        nu.vul()
        accounts = nu.maak_accounts(
            [(f"bench-{i}@bench.example", ROLLEN[i % 2], None) for i in range(args.gebruikers + 1)]
        )
        adressen = {
            naam: url
            for naam, url in hoofdpaginas(nu).items()
            if naam != "statisch bestand"  # not the application's work
        }
        # A copy (accounts included) for the older code: nobody may be connected to the source.
        sql = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}'"
        _beheer(sql.format(nu.naam) + " AND pid <> pg_backend_pid()")  # our own name
        with Omgeving(naam=f"{nu.naam}_voor", kopie_van=nu.naam, code=code, python=python) as voor:
            voor.vul()
            terugzetten(voor, laatste_migratie(code))
            print(f"databases ready in {time.monotonic() - begin:.0f} s")
            metingen_voor = meet(voor, accounts, adressen, args, Path(map_))
            fouten_voor = voor.gunicorn_fouten()
        metingen_na = meet(nu, accounts, adressen, args, Path(map_))
        fouten = nu.gunicorn_fouten()

    regels, goed = tabel(metingen_voor, metingen_na, adressen, args.voor)
    print(
        f"\n{args.gebruikers} users on one page at a time, {args.duur} s each, "
        f"2 gunicorn workers; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    print("\n".join(regels))
    if fouten_voor:
        toon_fouten("the older code's gunicorn log", fouten_voor, 3)
    if fouten:
        goed = False
        toon_fouten("this checkout's gunicorn log", fouten)
    print(f"\n{'targets met' if goed else 'TARGET MISSED or errors'}")
    return 0 if goed else 1


if __name__ == "__main__":
    raise SystemExit(main())
