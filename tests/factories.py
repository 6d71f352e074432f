"""Small builders for test objects; each flushes, so ids are set, and none commits."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from gemeenten.models import Deelname, Gemeente, Programma
from kern.accounts.models import Gebruiker, Rol
from kern.db import db
from subsidies.models import NUL, Beschikking, Regeling, Verantwoording

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


def maak_regeling(
    naam: str = "Versterkingsgelden",
    jaar: int = 2015,
    plafond: Decimal = Decimal("5000000.00"),
) -> Regeling:
    from subsidies import services

    return services.maak_regeling(
        naam=naam,
        grondslag="Kaderwet SZW-subsidies",
        kamerstuk="29 754, nr. 326",
        jaren={jaar: plafond},
    )


def maak_beschikking(
    gemeente: Gemeente,
    regeling: Regeling | None = None,
    bedrag: Decimal | None = Decimal("100000.00"),
    *,
    beschikt: bool = True,
    kenmerk: str | None = None,
) -> Beschikking:
    """A decision for the scheme's first year, decided unless ``beschikt`` is False."""
    from subsidies import services

    regeling = regeling or maak_regeling()
    beschikking = services.maak_beschikking(
        regeling.jaren[0], gemeente, services.BeschikkingGegevens(bedrag=bedrag)
    )
    if beschikt:
        services.beschik(
            beschikking,
            kenmerk=kenmerk or f"VG-{regeling.jaren[0].jaar}-{gemeente.cbs_code}",
            datum=date(regeling.jaren[0].jaar, 10, 1),
            door="test",
            versie=beschikking.versie,
        )
    return beschikking


def maak_verantwoording(
    beschikking: Beschikking,
    besteed: Decimal = Decimal("30000.00"),
    *,
    eind: bool = False,
    door: str = "test",
) -> Verantwoording:
    """A return that spends ``besteed`` on the first purpose and nothing on the others."""
    from subsidies import services

    doelen = beschikking.regeling_jaar.regeling.doelen
    bestedingen = {
        d.id: services.Besteding(
            in_jaar=besteed if i == 0 else NUL, cumulatief=besteed if i == 0 else NUL
        )
        for i, d in enumerate(doelen)
    }
    verantwoording, _ = services.dien_in(
        beschikking, bestedingen=bestedingen, eindverantwoording=eind, toelichting=None, door=door
    )
    return verantwoording
