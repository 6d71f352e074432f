"""Small builders for test objects; each flushes, so ids are set, and none commits."""

from __future__ import annotations

import itertools

from gemeenten.models import Deelname, Gemeente, Programma
from kern.accounts.models import Gebruiker, Rol
from kern.db import db

WACHTWOORD = "een-lang-testwachtwoord"

_volgnummer = itertools.count(1)


def maak_gemeente(
    cbs_code: str = "GM0363", naam: str = "Amsterdam", provincie: str = "Noord-Holland"
) -> Gemeente:
    gemeente = Gemeente(cbs_code=cbs_code, naam=naam, provincie=provincie)
    db.session.add(gemeente)
    db.session.flush()
    return gemeente


def maak_gebruiker(
    rol: Rol = Rol.BELEIDSMEDEWERKER,
    gemeente: Gemeente | None = None,
    email: str | None = None,
    wachtwoord: str = WACHTWOORD,
    actief: bool = True,
) -> Gebruiker:
    nummer = next(_volgnummer)
    gebruiker = Gebruiker(
        email=email or f"{rol.value}{nummer}@voorbeeld.nl",
        naam=f"{rol.label} {nummer}",
        rol=rol,
        gemeente_id=gemeente.id if gemeente else None,
        actief=actief,
    )
    gebruiker.zet_wachtwoord(wachtwoord)
    db.session.add(gebruiker)
    db.session.flush()
    return gebruiker


def maak_deelname(gemeente: Gemeente, programma: Programma, demo: bool = False) -> Deelname:
    deelname = Deelname(gemeente=gemeente, programma=programma, demo=demo)
    db.session.add(deelname)
    db.session.flush()
    return deelname
