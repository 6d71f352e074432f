"""Benchmark: money and dates through the formatter built once (`kern.formatting`) against a
full Babel call per value, as the filters made before.

    .venv/bin/python bench/formatting.py [--waarden 100000] [--gemeenten 342] [--keer 10]

In one run:

1. ``--waarden`` amounts (Decimal with two places, from a seed: negative, zero, up to a
   billion) and as many dates, each formatted by Babel (`format_currency`, `format_date`, what
   the filters called per cell) and by `kern.formatting.geld` and `datum`; the texts must be
   identical, and the ratio of the times is printed.
2. The year overview (``/versterkingsgelden/jaren/<id>/overzicht``) of ``flask demo landelijk
   --jaren 1`` (``--gemeenten`` recipients; all 342 by default) in an SQLite database, rendered
   ``--keer`` times as an officer with the Babel functions swapped in for the formatter
   everywhere (filters and the modules that import them), and ``--keer`` times with the
   formatter; the fastest request of each counts (other load on a shared machine only slows a
   request down).

The CBS list is found as `flask demo landelijk` finds it (GEMEENTEN_DATA or ../shared/data).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

HIER = Path(__file__).resolve().parent
sys.path.insert(0, str(HIER.parent))

from babel.dates import format_date, format_datetime  # noqa: E402
from babel.numbers import format_currency, format_decimal  # noqa: E402

from kern import formatting  # noqa: E402
from kern.tijd import TIJDZONE  # noqa: E402

LOCALE = "nl_NL"


# --- What the filters did before: Babel per value -------------------------------------------


def babel_geld(bedrag: Decimal | int | None, leeg: str = "—") -> str:
    return leeg if bedrag is None else format_currency(bedrag, "EUR", locale=LOCALE)


def babel_getal(waarde: int | Decimal | None) -> str:
    return "—" if waarde is None else format_decimal(waarde, locale=LOCALE)


def babel_datum(waarde: date | datetime | None, leeg: str = "—") -> str:
    if waarde is None:
        return leeg
    if isinstance(waarde, datetime):
        waarde = waarde.astimezone(TIJDZONE).date()
    return format_date(waarde, "d MMMM y", locale=LOCALE)


def babel_maand(waarde: date) -> str:
    return format_date(waarde, "MMMM y", locale=LOCALE)


def babel_datumtijd(waarde: datetime | None, leeg: str = "—") -> str:
    if waarde is None:
        return leeg
    return format_datetime(waarde, "d MMMM y HH:mm", tzinfo=TIJDZONE, locale=LOCALE)


BABEL: dict[str, Callable[..., str]] = {
    "geld": babel_geld,
    "getal": babel_getal,
    "datum": babel_datum,
    "maand": babel_maand,
    "datumtijd": babel_datumtijd,
}


def tijd_van(functie: Callable[[object], str], waarden: list) -> tuple[float, list[str]]:
    begin = time.perf_counter()
    teksten = [functie(w) for w in waarden]
    return time.perf_counter() - begin, teksten


def waarden(aantal: int) -> tuple[list[Decimal], list[date]]:
    rng = random.Random(2015)
    bedragen = [
        Decimal(rng.choice((0, rng.randint(-(10**6), 10**6), rng.randint(0, 10**11)))).scaleb(-2)
        for _ in range(aantal)
    ]
    dagen = [date.fromordinal(735_600 + rng.randint(0, 4000)) for _ in range(aantal)]
    return bedragen, dagen


# --- The year overview ----------------------------------------------------------------------


def overzicht(gemeenten: int, keer: int) -> tuple[float, float, int]:
    """The fastest request for the overview with Babel and with the formatter, and its size."""
    import pyotp
    from sqlalchemy import select

    from kern.accounts import services as accounts
    from kern.accounts.models import Rol
    from kern.app import create_app
    from kern.db import db, utcnow
    from subsidies.models import RegelingJaar

    map_ = Path(tempfile.mkdtemp(prefix="bench-formatting-"))
    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "bench-" * 6,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{map_ / 'landelijk.sqlite'}",
            "WTF_CSRF_ENABLED": False,
            "POGINGEN_BEPERKEN": False,
            "WACHTWOORD_HASH": "pbkdf2:sha256:1",
        }
    )
    with app.app_context():
        db.create_all()
    resultaat = app.test_cli_runner().invoke(
        args=["demo", "landelijk", "--gemeenten", str(gemeenten), "--jaren", "1"]
    )
    if resultaat.exit_code != 0:
        raise SystemExit(resultaat.output)
    wachtwoord = "bench-wachtwoord-lang-genoeg"
    with app.app_context():
        gebruiker = accounts.maak_gebruiker(
            accounts.NieuweGebruiker(
                email="beleid@bench.example",
                naam="Bench",
                rol=Rol.BELEIDSMEDEWERKER,
                wachtwoord=wachtwoord,
                gemeente_id=None,
            )
        )
        geheim = gebruiker.totp_geheim = pyotp.random_base32()  # the second factor enrolled
        gebruiker.totp_ingesteld_op = utcnow()
        db.session.commit()
        jaar_id = db.session.execute(select(RegelingJaar.id)).scalar_one()
    client = app.test_client()
    client.post("/aanmelden", data={"email": "beleid@bench.example", "wachtwoord": wachtwoord})
    code = pyotp.TOTP(geheim).now()
    client.post("/aanmelden/code", data={"code": code})
    url = f"/versterkingsgelden/jaren/{jaar_id}/overzicht"

    def snelste() -> tuple[float, bytes]:
        beste, inhoud = float("inf"), b""
        for _ in range(keer):
            begin = time.perf_counter()
            antwoord = client.get(url)
            beste = min(beste, time.perf_counter() - begin)
            assert antwoord.status_code == 200, antwoord.status_code
            inhoud = antwoord.data
        return beste, inhoud

    nieuw, html_nieuw = snelste()
    with BabelOveral(app):
        oud, html_oud = snelste()
    # The forms' CSRF tokens carry the second they were made in; the rest must be the same.
    html_oud, html_nieuw = (
        re.sub(rb'csrf_token" value="[^"]*"', b"", h) for h in (html_oud, html_nieuw)
    )
    if html_oud != html_nieuw:
        plek = next(i for i, (a, b) in enumerate(zip(html_oud, html_nieuw, strict=False)) if a != b)
        raise SystemExit(
            f"The page differs at byte {plek}: Babel {html_oud[plek - 80 : plek + 80]!r}, "
            f"the formatter {html_nieuw[plek - 80 : plek + 80]!r}"
        )
    return oud, nieuw, len(html_nieuw)


class BabelOveral:
    """Babel's functions instead of the formatter's, in the filters and wherever imported."""

    def __init__(self, app) -> None:
        self.app = app
        self.terug: list[tuple[object, str, object]] = []

    def __enter__(self) -> None:
        for naam, functie in BABEL.items():
            nieuw = getattr(formatting, naam)
            for module in list(sys.modules.values()):
                if getattr(module, naam, None) is nieuw:
                    self.terug.append((module, naam, nieuw))
                    setattr(module, naam, functie)
            self.terug.append((self.app.jinja_env.filters, naam, nieuw))
            self.app.jinja_env.filters[naam] = functie

    def __exit__(self, *_: object) -> None:
        for plek, naam, functie in reversed(self.terug):
            if isinstance(plek, dict):
                plek[naam] = functie
            else:
                setattr(plek, naam, functie)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--waarden", type=int, default=100_000)
    parser.add_argument("--gemeenten", type=int, default=342)
    parser.add_argument("--keer", type=int, default=10)
    opties = parser.parse_args()

    bedragen, dagen = waarden(opties.waarden)
    for wat, babel, eigen, reeks in (
        ("bedragen", babel_geld, formatting.geld, bedragen),
        ("datums", babel_datum, formatting.datum, dagen),
    ):
        babel_tijd, babel_teksten = tijd_van(babel, reeks)
        eigen_tijd, eigen_teksten = tijd_van(eigen, reeks)
        assert babel_teksten == eigen_teksten, f"{wat}: a value is written differently"
        print(
            f"{opties.waarden:,} {wat}: Babel {babel_tijd:.2f} s, formatter {eigen_tijd:.3f} s, "
            f"{babel_tijd / eigen_tijd:.0f} keer zo snel"
        )
    oud, nieuw, grootte = overzicht(opties.gemeenten, opties.keer)
    print(
        f"Jaaroverzicht van {opties.gemeenten} ontvangers ({grootte / 1024:.0f} KB), snelste van "
        f"{opties.keer}: met Babel {oud * 1000:.0f} ms, met de formatter {nieuw * 1000:.0f} ms "
        f"({nieuw / oud:.2f} van de tijd)"
    )


if __name__ == "__main__":
    main()
