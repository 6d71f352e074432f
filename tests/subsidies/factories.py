"""Builders for the versterkingsgelden in tests: schemes, decisions, returns. They go through
`subsidies.services`, as the application does; each flushes, so ids are set, and none commits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from gemeenten.models import Gemeente
from subsidies import services
from subsidies.models import NUL, Beschikking, Betaling, BetalingSoort, Regeling, Verantwoording


def maak_regeling(
    naam: str = "Versterkingsgelden",
    jaar: int = 2015,
    plafond: Decimal = Decimal("5000000.00"),
) -> Regeling:
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


def maak_betaling(
    beschikking: Beschikking, bedrag: str | Decimal, *, betaald: bool = True
) -> Betaling:
    """An advance planned for 1 November 2015 and, unless ``betaald`` is False, paid in full on
    the 2nd."""
    betaling = services.plan_betaling(
        beschikking,
        soort=BetalingSoort.VOORSCHOT,
        bedrag=Decimal(bedrag),
        gepland_op=date(2015, 11, 1),
    )
    if betaald:
        services.registreer_betaling(betaling, betaald_op=date(2015, 11, 2), versie=betaling.versie)
    return betaling
