"""How long a sign-in must wait after failed attempts, counted so that nobody can lock others out.

A failed attempt is a wrong password or a wrong second-factor code (a code used before
included): both steps of one sign-in share the limits below and are refused alike. The failed
attempts are the security log's (`kern.beveiligingslog`): one table every worker
shares, on SQLite and PostgreSQL alike, so no counter lives in one process's memory. Three
limits, each over the last ten minutes:

- one account from one address: after 5 failures that pair waits until the oldest of them is
  ten minutes old. Someone guessing from their own address stops there, and stops only
  themselves;
- one address, whatever the accounts: after 20 failures that address waits likewise;
- one account, from any address: after 10 failures every further attempt on the account waits
  a little longer after the last failure (1, 2, 4, ... seconds, at most 5 minutes). Guessing
  from many addresses slows down to a crawl, but the account is never locked: its owner, from
  their own address, waits at most five minutes, and a correct password then signs them in.

A refused attempt (429) is logged as refused, not as failed, so hammering on does not extend
the wait. `wachttijd` is asked before the password is checked, so a correct password does not
pass a limit either.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import sqlalchemy as sa

from kern.beveiligingslog import Beveiligingsregel, Gebeurtenis, Resultaat
from kern.db import db

VENSTER = timedelta(minutes=10)
PER_ACCOUNT_EN_ADRES = 5
PER_ADRES = 20
ACCOUNT_VRIJ = 10
LANGSTE_VERTRAGING = timedelta(minutes=5)
# The steps of a sign-in whose failures count: the password, and the second factor.
POGINGEN = (Gebeurtenis.AANMELDEN, Gebeurtenis.TWEEDE_FACTOR)


def poger(email: str) -> str:
    """How the security log names someone who tried to sign in as ``email`` (at either step)."""
    return f"{email} (poging)"


def _mislukt(
    nu: datetime, *voorwaarden: sa.ColumnElement[bool]
) -> tuple[int, datetime | None, datetime | None]:
    """The failed sign-in steps in the window under ``voorwaarden``: how many, the oldest and
    the newest."""
    r = Beveiligingsregel
    return tuple(  # type: ignore[return-value]
        db.session.execute(
            sa.select(sa.func.count(r.id), sa.func.min(r.tijdstip), sa.func.max(r.tijdstip)).where(
                r.gebeurtenis.in_(POGINGEN),
                r.resultaat == Resultaat.MISLUKT,
                r.tijdstip > nu - VENSTER,
                *voorwaarden,
            )
        ).one()
    )


def _seconden(tot: datetime, nu: datetime) -> int:
    return max(0, math.ceil((tot - nu).total_seconds()))


def wachttijd(email: str, adres: str, nu: datetime) -> int:
    """How many seconds a sign-in as ``email`` from ``adres`` must still wait (0: it may try)."""
    r = Beveiligingsregel
    wachten = 0
    aantal, oudste, _ = _mislukt(nu, r.door == poger(email), r.adres == adres)
    if aantal >= PER_ACCOUNT_EN_ADRES and oudste is not None:
        wachten = max(wachten, _seconden(oudste + VENSTER, nu))
    aantal, oudste, _ = _mislukt(nu, r.adres == adres)
    if aantal >= PER_ADRES and oudste is not None:
        wachten = max(wachten, _seconden(oudste + VENSTER, nu))
    aantal, _, laatste = _mislukt(nu, r.door == poger(email))
    if aantal >= ACCOUNT_VRIJ and laatste is not None:
        stap = min(aantal - ACCOUNT_VRIJ, 10)  # 2**10 s is past the longest delay already
        vertraging = min(timedelta(seconds=2**stap), LANGSTE_VERTRAGING)
        wachten = max(wachten, _seconden(laatste + vertraging, nu))
    return wachten
