"""Benchmark: the main pages at national scale under 20 users, against a trivial endpoint.

    .venv/bin/python bench/last.py [--gebruikers 20] [--duur 60] [--rondes 1] [--workers N]

In one run: a PostgreSQL database of its own (on 127.0.0.1:5432, or ``BENCH_PG``) filled by
``flask demo landelijk`` (342 municipalities, ten years), gunicorn on it as ``make serve``
runs it (``APP_ENV=production``, ``gunicorn.conf.py``: 2 workers unless ``--workers``; the
cache in Redis database 14, under keys of the run's own, when Redis answers on 127.0.0.1:6379,
``BENCH_REDIS``), on a free port of
127.0.0.1, and locust (headless) with ``--gebruikers`` officers and finance employees without
think time for ``--duur`` seconds. Each user asks the pages below in random order, all equally
often, among them ``/gezondheid`` (the health check: one ``SELECT 1`` and a Redis ``PING``) as
the baseline and a static file for comparison. Every page is asked a few times before the
measurement, so that each worker has loaded its templates.

For each page it prints the requests, errors (anything but a 200, a redirect included), p50
and p95 of the response time (locust's, request to last byte) and the p95 as a multiple of the
baseline's p95 in the same round. With 20 users on 2 sync workers every request mostly waits
for a free worker, the baseline's too, so those multiples show how much a page adds to the
queue; afterwards (``--alleen``) one user asks every page in turn, one request at a time, which
shows each page's own cost against the baseline's. Target (issue 14): under load, every
page's p95 at most 15 times the baseline's; the exit status is 1 when one is missed or a
request failed. The database and the server are removed however the run ends.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aanmelden import meld_aan
from omgeving import BASISLIJN, HIER, PROJECT, Omgeving, Sessie, hoofdpaginas, toon_fouten

DOEL = 15.0  # a page's p95 at most this many times the baseline's
ROLLEN = ("beleidsmedewerker", "financien")  # taking turns


def alleen(
    sessie: Sessie, adressen: dict[str, str], keer: int
) -> list[tuple[str, float, int, str]]:
    """Every page ``keer`` times, one request at a time (taking turns): each one's own cost,
    without waiting behind others. Also the warm-up, so that each worker has its templates."""
    metingen = []
    for _ in range(keer):
        for naam, url in adressen.items():
            begin = time.perf_counter()
            antwoord = sessie.get(url, allow_redirects=False)
            duur = (time.perf_counter() - begin) * 1000
            metingen.append((naam, duur, antwoord.status_code, ""))
    return metingen


def percentiel(waarden: list[float], p: float) -> float:
    """Nearest rank: the smallest value that at least ``p`` of the values do not exceed."""
    geordend = sorted(waarden)
    return geordend[max(0, math.ceil(p * len(geordend)) - 1)]


def locust(omgeving: Omgeving, instellingen: dict[str, object], args, map_: Path) -> list:  # type: ignore[no-untyped-def,type-arg]
    pad = map_ / "instellingen.json"
    metingen = map_ / "metingen.json"
    pad.write_text(
        json.dumps(
            {
                **instellingen,
                "metingen": str(metingen),
                "gebruikers": args.gebruikers,
                "duur": args.duur,
            }
        )
    )
    opdracht = [sys.executable, "-m", "locust", "-f", str(HIER / args.locustfile), "--headless"]
    opdracht += ["--users", str(args.gebruikers), "--spawn-rate", str(args.gebruikers)]
    # The locustfile stops the run ``duur`` seconds after the last user signed in; this is
    # only the bound should signing in hang.
    looptijd = len(instellingen.get("fasen") or []) * (args.duur + instellingen.get("pauze", 0))  # type: ignore[arg-type,operator]
    opdracht += ["--run-time", f"{(looptijd or args.duur) + 120}s", "--stop-timeout", "10"]
    opdracht += ["--only-summary"]
    opdracht += ["--host", omgeving.basis_url, "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    env = {**os.environ, "BENCH_INSTELLINGEN": str(pad), "PYTHONPATH": f"{HIER}:{PROJECT}"}
    uit = subprocess.run(opdracht, env=env, cwd=HIER, capture_output=True, text=True)  # noqa: S603
    if uit.returncode != 0 or not metingen.exists():
        print(uit.stdout[-3000:], uit.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"locust ended with {uit.returncode}")
    result: list = json.loads(metingen.read_text())  # type: ignore[type-arg]
    return result


def tabel(metingen: list, adressen: dict[str, str], doel: float | None) -> tuple[list[str], bool]:  # type: ignore[type-arg]
    per_pagina: dict[str, list[float]] = {naam: [] for naam in adressen}
    fouten: dict[str, int] = dict.fromkeys(adressen, 0)
    redenen: dict[str, int] = {}
    for naam, tijd, status, fout in metingen:
        if naam in per_pagina:
            per_pagina[naam].append(tijd)
            if fout or status != 200:
                fouten[naam] += 1
                reden = f"{naam}: {status} {fout}"[:200]
                redenen[reden] = redenen.get(reden, 0) + 1
    basis = percentiel(per_pagina[BASISLIJN], 0.95)
    goed = True
    regels = [
        "| page | requests | errors | p50 | p95 | p95 ÷ baseline p95 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for naam, tijden in per_pagina.items():
        p50, p95 = percentiel(tijden, 0.5), percentiel(tijden, 0.95)
        verhouding = p95 / basis
        teken = ""
        if doel is not None and naam != BASISLIJN and verhouding > doel:
            goed, teken = False, " (missed)"
        goed &= fouten[naam] == 0
        regels.append(
            f"| {naam} | {len(tijden):,} | {fouten[naam]} | {p50:.0f} ms | {p95:.0f} ms "
            f"| {verhouding:.1f}×{teken} |"
        )
    regels += [f"  error {reden} ({aantal}×)" for reden, aantal in redenen.items()]
    return regels, goed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gebruikers", type=int, default=20)
    parser.add_argument("--duur", type=int, default=60, help="seconds per round")
    parser.add_argument("--rondes", type=int, default=1)
    parser.add_argument(
        "--alleen", type=int, default=20, help="afterwards, each page N times one at a time"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    parser.add_argument("--gemeenten", type=int, help="the first N of the CBS list (default all)")
    parser.add_argument("--jaren", type=int, default=10)
    parser.add_argument("--kopie-van", help="copy this filled database instead of generating")
    parser.add_argument("--locustfile", default="last_locust.py", help=argparse.SUPPRESS)
    args = parser.parse_args()

    goed = True
    with (
        Omgeving(
            gemeenten=args.gemeenten,
            jaren=args.jaren,
            workers=args.workers,
            kopie_van=args.kopie_van,
        ) as omgeving,
        tempfile.TemporaryDirectory(prefix="bench-last-") as map_,
    ):
        begin = time.monotonic()
        omgeving.vul()
        print(f"database {omgeving.naam} filled in {time.monotonic() - begin:.0f} s")
        accounts = omgeving.maak_accounts(
            [(f"bench-{i}@bench.example", ROLLEN[i % 2], None) for i in range(args.gebruikers + 1)]
        )
        eigen = accounts.pop()  # for the warm-up and the requests one at a time
        adressen = hoofdpaginas(omgeving)
        omgeving.start_gunicorn()
        sessie = omgeving.sessie()
        meld_aan(sessie, eigen.email, eigen.wachtwoord, eigen.totp_geheim)
        alleen(sessie, adressen, keer=2 * (args.workers or 2))
        instellingen = {"accounts": [a.__dict__ for a in accounts], "paginas": adressen}
        for ronde in range(1, args.rondes + 1):
            last_voor = os.getloadavg()[0]
            metingen = locust(omgeving, instellingen, args, Path(map_))
            regels, gelukt = tabel(metingen, adressen, DOEL)
            goed &= gelukt
            print(
                f"\nround {ronde}: {args.gebruikers} users, {args.duur} s, "
                f"{args.workers or 'default (2)'} gunicorn workers, Redis "
                f"{'on' if omgeving.redis_url else 'off'}; load average {last_voor:.1f} before, "
                f"{os.getloadavg()[0]:.1f} after, {os.cpu_count()} CPUs"
            )
            print("\n".join(regels))
        if args.alleen:
            regels, gelukt = tabel(alleen(sessie, adressen, args.alleen), adressen, None)
            goed &= gelukt
            print(f"\none user, one request at a time, {args.alleen} times each page:")
            print("\n".join(regels))
        sessie.close()
        fouten = omgeving.gunicorn_fouten()
        if fouten:
            goed = False
            toon_fouten("gunicorn's log", fouten)
    print(f"\n{'targets met' if goed else 'TARGET MISSED or errors'}")
    return 0 if goed else 1


if __name__ == "__main__":
    raise SystemExit(main())
