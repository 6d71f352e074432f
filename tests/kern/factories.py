"""Builders for the kernel's objects in tests; each flushes, so ids are set, and none commits."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pyotp

from kern.accounts.models import Gebruiker, Rol
from kern.db import db, utcnow

if TYPE_CHECKING:
    from gemeenten.models import Gemeente

WACHTWOORD = "een-lang-testwachtwoord"

_volgnummer = itertools.count(1)


def maak_gebruiker(
    rol: Rol = Rol.BELEIDSMEDEWERKER,
    gemeente: Gemeente | None = None,
    email: str | None = None,
    wachtwoord: str = WACHTWOORD,
    actief: bool = True,
    tweede_factor: bool = True,
) -> Gebruiker:
    """An account; ``gemeente`` for a municipality user. The e-mail address and name are unique.
    Its second factor is enrolled (a secret of its own), unless ``tweede_factor=False``."""
    nummer = next(_volgnummer)
    gebruiker = Gebruiker(
        email=email or f"{rol.value}{nummer}@voorbeeld.nl",
        naam=f"{rol.label} {nummer}",
        rol=rol,
        gemeente_id=gemeente.id if gemeente else None,
        actief=actief,
    )
    gebruiker.zet_wachtwoord(wachtwoord)
    if tweede_factor:
        gebruiker.totp_geheim = pyotp.random_base32()
        gebruiker.totp_ingesteld_op = utcnow()
    db.session.add(gebruiker)
    db.session.flush()
    return gebruiker
