"""Benchmark: the pages kept per data version (`kern.cache`), computed and kept, one request at a
time, with their size as sent and compressed.

    .venv/bin/python bench/bewaard.py --database postgresql+psycopg://user@host/db [--keer 5]

The database must hold `flask demo landelijk` (on PostgreSQL, as under load). As finance (an
account ``bewaard@bench.example`` it makes when missing), for the year overview of the latest
year, the spending summary of every decision and finance's work list it times three requests
with the cache emptied before each ("computed": the first request after a change), then
``--keer`` requests in a row ("kept"), and prints the fastest computed, the median kept, their
ratio and the page's size as HTML, gzip and brotli. Every answer must be a 200. In one process,
through the application (no gunicorn: `bench/last.py` measures under load).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HIER = Path(__file__).resolve().parent
sys.path.insert(0, str(HIER.parent))

import pyotp  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from kern.accounts.models import Gebruiker, Rol  # noqa: E402
from kern.app import create_app  # noqa: E402
from kern.cache import cache  # noqa: E402
from kern.db import db, utcnow  # noqa: E402
from subsidies.models import RegelingJaar  # noqa: E402

EMAIL = "bewaard@bench.example"
WACHTWOORD = "een wachtwoord alleen voor deze meting 2026"
KOUD = 3


def _aangemeld(app) -> FlaskClient:  # type: ignore[no-untyped-def]
    with app.app_context():
        gebruiker = db.session.scalar(select(Gebruiker).where(Gebruiker.email == EMAIL))
        if gebruiker is None:
            gebruiker = Gebruiker(email=EMAIL, naam="Meting kept pages", rol=Rol.FINANCIEN)
            gebruiker.zet_wachtwoord(WACHTWOORD)
            db.session.add(gebruiker)
        gebruiker.totp_geheim = gebruiker.totp_geheim or pyotp.random_base32()  # enrolled
        gebruiker.totp_ingesteld_op = gebruiker.totp_ingesteld_op or utcnow()
        gebruiker.totp_laatste_stap = None  # a code of this 30 s step may be used again
        geheim = gebruiker.totp_geheim
        db.session.commit()
    client = app.test_client()
    client.post("/aanmelden", data={"email": EMAIL, "wachtwoord": WACHTWOORD})
    code = pyotp.TOTP(geheim).now()
    antwoord = client.post("/aanmelden/code", data={"code": code})
    if antwoord.status_code != 302:
        raise SystemExit(f"signing in failed: {antwoord.status_code}")
    return client


def _vraag(client: FlaskClient, url: str, codering: str | None = None) -> tuple[float, bytes]:
    kop = {"Accept-Encoding": codering} if codering else {}
    begin = time.perf_counter()
    antwoord = client.get(url, headers=kop)
    duur = time.perf_counter() - begin
    if antwoord.status_code != 200:
        raise SystemExit(f"{url}: {antwoord.status_code}")
    return duur, antwoord.get_data()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--keer", type=int, default=5)
    args = parser.parse_args()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database,
            "WTF_CSRF_ENABLED": False,
            "POGINGEN_BEPERKEN": False,
            "TWEEDE_FACTOR_OVERSLAAN": True,
            "LOGGING": {"version": 1},
        }
    )
    client = _aangemeld(app)
    with app.app_context():
        jaar_id = db.session.scalar(select(RegelingJaar.id).order_by(RegelingJaar.jaar.desc()))
    if jaar_id is None:
        raise SystemExit("no scheme year: fill the database with `flask demo landelijk` first")
    paginas = {
        "year overview": f"/versterkingsgelden/jaren/{jaar_id}/overzicht",
        "spending summary": "/versterkingsgelden/bestedingen",
        "finance's work list": "/versterkingsgelden/betalingen",
    }
    print("| page | computed | kept | kept ÷ computed | HTML | gzip | brotli |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for naam, url in paginas.items():
        berekend = []
        for _ in range(KOUD):
            with app.app_context():
                cache.clear()
            berekend.append(_vraag(client, url)[0])
        bewaard = [_vraag(client, url)[0] for _ in range(args.keer)]
        _, html = _vraag(client, url)
        _, gzip = _vraag(client, url, "gzip")
        _, br = _vraag(client, url, "br")
        snelst, midden = min(berekend), statistics.median(bewaard)
        print(
            f"| {naam} | {snelst * 1000:.0f} ms | {midden * 1000:.0f} ms | {midden / snelst:.2f} "
            f"| {len(html) / 1024:.0f} KB | {len(gzip) / 1024:.0f} KB | {len(br) / 1024:.0f} KB |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
