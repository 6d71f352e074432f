"""Load test: returns uploaded, pages browsed and exports made at once, checked afterwards.

    .venv/bin/python bench/proef.py [--duur 60] [--gebruikers 20] [--gemeenten N --jaren N]

Sets up as `bench/last.py` does (a PostgreSQL database of its own with ``flask demo
landelijk``, gunicorn as ``make serve`` runs it on 127.0.0.1) and runs locust headless for
``--duur`` seconds (`bench/proef_locust.py`) with ``--gebruikers`` users: 40 % municipality
users sending returns as Excel (two per decision), 40 % officers browsing the main pages,
20 % finance exporting them as Excel. Then it checks, and exits 1 when one fails:

- no answer 5xx and no request that failed otherwise (a conflict, 409, is an expected
  answer when two users confirm at the same moment; anything else unexpected fails);
- no lost return: every return a user saw accepted is in the database, as that user's, from
  Excel, with the amounts of that user's file;
- no duplicated return: nothing else was added (returns, imported uploads, audit entries
  "aangemaakt"), each imported upload names its own return, two confirmations of one upload at
  once never both succeed, and per decision at most one return waits for review;
- the totals in the database equal the sum of what the accepted files said;
- gunicorn's log has no error.

``--duur 20 --gemeenten 40 --jaren 3`` is the short run CI does (`.ci/run`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

from omgeving import HIER, PROJECT, Omgeving, hoofdpaginas


def beschikkingen_open(omgeving: Omgeving, aantal: int) -> list[tuple[int, str]]:
    """``aantal`` decisions of different municipalities that take a return now (the latest
    year first): their ids and municipalities' CBS codes."""
    from sqlalchemy import select

    from kern.db import db
    from subsidies import services
    from subsidies.models import Beschikking, RegelingJaar

    with omgeving.app().app_context():
        gevonden: dict[str, int] = {}
        for beschikking in db.session.execute(
            select(Beschikking)
            .join(RegelingJaar)
            .order_by(RegelingJaar.jaar.desc(), Beschikking.id)
        ).scalars():
            code = beschikking.gemeente.cbs_code
            if code not in gevonden and services.indienen_geweigerd(beschikking) is None:
                gevonden[code] = beschikking.id
                if len(gevonden) == aantal:
                    break
        if len(gevonden) < aantal:
            raise SystemExit(f"only {len(gevonden)} decisions take a return; {aantal} needed")
        return [(id_, code) for code, id_ in gevonden.items()]


def stand(omgeving: Omgeving) -> dict[str, int]:
    """The highest ids before the run: what comes after is the run's."""
    from sqlalchemy import func, select

    from kern.audit import AuditRegel
    from kern.db import db
    from kern.uploads import Upload
    from subsidies.models import Verantwoording

    with omgeving.app().app_context():
        return {
            naam: db.session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()
            for naam, model in (
                ("verantwoording", Verantwoording),
                ("upload", Upload),
                ("audit", AuditRegel),
            )
        }


def controleer(omgeving: Omgeving, voor: dict[str, int], gebeurtenissen: list) -> list[str]:  # type: ignore[type-arg]
    """What the database holds against what the users saw; the failures, in words."""
    from sqlalchemy import select

    from kern.audit import AuditRegel
    from kern.db import db
    from kern.uploads import Upload, UploadStatus
    from subsidies.models import Verantwoording, VerantwoordingStatus

    gezien = {g["verantwoording"]: g for g in gebeurtenissen if g["soort"] == "ingediend"}
    fouten = []
    if len(gezien) != sum(1 for g in gebeurtenissen if g["soort"] == "ingediend"):
        fouten.append("one return id was reported accepted twice")
    for g in gebeurtenissen:
        if g["soort"] == "dubbel":
            fouten.append(f"upload {g['upload']} was accepted twice: returns {g['ids']}")
    with omgeving.app().app_context():
        nieuw = {
            v.id: v
            for v in db.session.execute(
                select(Verantwoording).where(Verantwoording.id > voor["verantwoording"])
            ).scalars()
        }
        for id_ in sorted(set(gezien) - set(nieuw)):
            fouten.append(f"lost: return {id_} was accepted but is not in the database")
        for id_ in sorted(set(nieuw) - set(gezien)):
            fouten.append(f"duplicated: return {id_} is in the database, no user saw it accepted")
        for id_, v in nieuw.items():
            if id_ not in gezien:
                continue
            g = gezien[id_]
            verwacht = (
                g["beschikking"],
                g["door"],
                "excel",
                Decimal(g["in_jaar"]),
                Decimal(g["cumulatief"]),
            )
            heeft = (
                v.beschikking_id,
                v.ingediend_door,
                v.bron,
                v.besteed_in_jaar,
                v.besteed_cumulatief,
            )
            if verwacht != heeft:
                fouten.append(f"return {id_}: the database has {heeft}, the upload said {verwacht}")
        geimporteerd = db.session.execute(
            select(Upload.id, Upload.resultaat).where(
                Upload.id > voor["upload"], Upload.status == UploadStatus.GEIMPORTEERD
            )
        ).all()
        resultaten = Counter(resultaat for _, resultaat in geimporteerd)
        if sorted(resultaten) != sorted(f"verantwoording:{id_}" for id_ in nieuw):
            fouten.append("the imported uploads do not name the new returns one to one")
        fouten += [f"{r} is named by {n} uploads" for r, n in resultaten.items() if n > 1]
        aangemaakt = db.session.execute(
            select(AuditRegel.object_id).where(
                AuditRegel.id > voor["audit"],
                AuditRegel.soort == "verantwoording",
                AuditRegel.actie == "aangemaakt",
            )
        ).scalars()
        if sorted(aangemaakt) != sorted(nieuw):
            fouten.append("the audit trail's 'aangemaakt' entries do not match the new returns")
        wachtend = Counter(
            v.beschikking_id
            for v in db.session.execute(
                select(Verantwoording).where(
                    Verantwoording.beschikking_id.in_({v.beschikking_id for v in nieuw.values()}),
                    Verantwoording.status == VerantwoordingStatus.INGEDIEND,
                )
            ).scalars()
        )
        fouten += [f"decision {b}: {n} returns wait" for b, n in wachtend.items() if n > 1]
        for naam, som_db in (
            ("in_jaar", sum((v.besteed_in_jaar for v in nieuw.values()), Decimal(0))),
            ("cumulatief", sum((v.besteed_cumulatief for v in nieuw.values()), Decimal(0))),
        ):
            som_gezien = sum((Decimal(g[naam]) for g in gezien.values()), Decimal(0))
            print(f"  total {naam}: uploaded {som_gezien:,.2f}, in the database {som_db:,.2f}")
            if som_db != som_gezien:
                fouten.append(f"total {naam}: database {som_db} != uploaded {som_gezien}")
    return fouten


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gebruikers", type=int, default=20)
    parser.add_argument("--duur", type=int, default=60, help="seconds")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    parser.add_argument("--gemeenten", type=int, help="the first N of the CBS list (default all)")
    parser.add_argument("--jaren", type=int, default=10)
    parser.add_argument("--kopie-van", help="copy this filled database instead of generating")
    args = parser.parse_args()

    indieners = max(2, args.gebruikers * 2 // 5 // 2 * 2)  # an even number: two per decision
    exporteurs = max(1, args.gebruikers // 5)
    aantallen = {
        "indiener": indieners,
        "exporteur": exporteurs,
        "bekijker": args.gebruikers - indieners - exporteurs,
    }
    with (
        Omgeving(
            gemeenten=args.gemeenten,
            jaren=args.jaren,
            workers=args.workers,
            kopie_van=args.kopie_van,
        ) as omgeving,
        tempfile.TemporaryDirectory(prefix="bench-proef-") as map_,
    ):
        begin = time.monotonic()
        omgeving.vul()
        print(f"database {omgeving.naam} filled in {time.monotonic() - begin:.0f} s")
        beschikkingen = beschikkingen_open(omgeving, indieners // 2)
        gemeenten = omgeving.maak_accounts(
            [
                (f"bench-gemeente-{i}@bench.example", "gemeente", beschikkingen[i // 2][1])
                for i in range(indieners)
            ]
        )
        accounts = {
            "indiener": [
                {**a.__dict__, "beschikking": beschikkingen[i // 2][0]}
                for i, a in enumerate(gemeenten)
            ],
            "bekijker": _accounts(omgeving, "bekijker", "beleidsmedewerker", aantallen),
            "exporteur": _accounts(omgeving, "exporteur", "financien", aantallen),
        }
        paginas = hoofdpaginas(omgeving)
        voor = stand(omgeving)
        omgeving.start_gunicorn()
        instellingen = _instellingen(args, aantallen, accounts, paginas, Path(map_))
        last_voor = os.getloadavg()[0]
        metingen, gebeurtenissen = _locust(omgeving, instellingen, args, Path(map_))
        print(
            f"{args.gebruikers} users ({aantallen}), {args.duur} s, "
            f"{args.workers or 'default (2)'} gunicorn workers, Redis "
            f"{'on' if omgeving.redis_url else 'off'}; load average {last_voor:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after, {os.cpu_count()} CPUs"
        )
        fouten = _verzoeken(metingen)
        _verslag(gebeurtenissen)
        fouten += controleer(omgeving, voor, gebeurtenissen)
        fouten += [f"gunicorn: {regel}" for regel in omgeving.gunicorn_fouten()[:10]]
    for fout in fouten:
        print("FAIL:", fout)
    print("all checks passed" if not fouten else f"{len(fouten)} checks FAILED")
    return 1 if fouten else 0


def _accounts(
    omgeving: Omgeving, soort: str, rol: str, aantallen: dict[str, int]
) -> list[dict[str, object]]:
    nieuw = omgeving.maak_accounts(
        [(f"bench-{soort}-{i}@bench.example", rol, None) for i in range(aantallen[soort])]
    )
    return [a.__dict__ for a in nieuw]


def _instellingen(args, aantallen, accounts, paginas, map_: Path) -> dict[str, object]:  # type: ignore[no-untyped-def]
    exports = {
        naam: url
        for naam, url in paginas.items()
        if url.startswith("/versterkingsgelden/") or url == "/gemeenten/"
    } | {"bestedingen": "/versterkingsgelden/bestedingen"}
    return {
        "gebruikers": args.gebruikers,
        "duur": args.duur,
        "aantallen": aantallen,
        "accounts": accounts,
        "paginas": paginas,
        "exports": exports,
        "metingen": str(map_ / "metingen.json"),
        "gebeurtenissen": str(map_ / "gebeurtenissen.json"),
    }


def _locust(omgeving: Omgeving, instellingen: dict[str, object], args, map_: Path):  # type: ignore[no-untyped-def]
    pad = map_ / "instellingen.json"
    pad.write_text(json.dumps(instellingen))
    opdracht = [sys.executable, "-m", "locust", "-f", str(HIER / "proef_locust.py"), "--headless"]
    opdracht += ["--users", str(args.gebruikers), "--spawn-rate", str(args.gebruikers)]
    opdracht += ["--run-time", f"{args.duur + 120}s", "--stop-timeout", "30", "--only-summary"]
    opdracht += ["--host", omgeving.basis_url, "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    env = {**os.environ, "BENCH_INSTELLINGEN": str(pad), "PYTHONPATH": f"{HIER}:{PROJECT}"}
    uit = subprocess.run(opdracht, env=env, cwd=HIER, capture_output=True, text=True)  # noqa: S603
    bestanden = (Path(str(instellingen["metingen"])), Path(str(instellingen["gebeurtenissen"])))
    if uit.returncode != 0 or not all(b.exists() for b in bestanden):
        print(uit.stdout[-3000:], uit.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"locust ended with {uit.returncode}")
    return [json.loads(b.read_text()) for b in bestanden]


def _verzoeken(metingen: list) -> list[str]:  # type: ignore[type-arg]
    """Per kind of request: how many, failures, p50 and p95; the failures, in words."""
    from last import percentiel

    per_naam: dict[str, list[float]] = {}
    fouten: Counter[str] = Counter()
    for naam, tijd, status, fout in metingen:
        per_naam.setdefault(naam, []).append(tijd)
        if fout or status >= 500 or status == 0:
            fouten[f"{naam}: {status} {fout}"[:200]] += 1
    print("| request | count | p50 | p95 |\n|---|---:|---:|---:|")
    for naam, tijden in sorted(per_naam.items()):
        p50, p95 = percentiel(tijden, 0.5), percentiel(tijden, 0.95)
        print(f"| {naam} | {len(tijden):,} | {p50:.0f} ms | {p95:.0f} ms |")
    return [f"{reden} ({n}×)" for reden, n in fouten.items()]


def _verslag(gebeurtenissen: list) -> None:  # type: ignore[type-arg]
    soorten = Counter(g["soort"] for g in gebeurtenissen)
    tegelijk = [g["aanvaard"] for g in gebeurtenissen if g["soort"] == "tegelijk"]
    print(
        f"returns accepted: {soorten['ingediend']}; stale uploads checked again: "
        f"{soorten['opnieuw']}; confirmations refused as stale or concurrent (409): "
        f"{soorten['conflict']}; two confirmations at once: {len(tegelijk)} "
        f"(accepted once: {tegelijk.count(1)}, never: {tegelijk.count(0)}); "
        f"exports: {soorten['export']}; given up after five tries: {soorten['opgegeven']}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
