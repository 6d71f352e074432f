"""Builders for the register's objects in tests; each flushes, so ids are set, and none commits."""

from __future__ import annotations

from gemeenten.models import Deelname, Gemeente, Programma
from kern.db import db


def maak_gemeente(
    cbs_code: str = "GM0363", naam: str = "Amsterdam", provincie: str = "Noord-Holland"
) -> Gemeente:
    gemeente = Gemeente(cbs_code=cbs_code, naam=naam, provincie=provincie)
    db.session.add(gemeente)
    db.session.flush()
    return gemeente


def maak_deelname(gemeente: Gemeente, programma: Programma, demo: bool = False) -> Deelname:
    deelname = Deelname(gemeente=gemeente, programma=programma, demo=demo)
    db.session.add(deelname)
    db.session.flush()
    return deelname
