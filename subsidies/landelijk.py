"""``flask demo landelijk``: a scheme over the years with everything that happens in it.

Every municipality gets a decision in every year. The decisions take turns through nine
stories (`VERHALEN`), by their number in the order made (year by year, municipality by
municipality), so that from nine decisions on every state is there: a draft; decided with an
advance planned; paid with a second advance cancelled; a return submitted, sent back, or
replaced by a newer one; settled with a clawback planned; amended with its final return
approved; withdrawn with the clawback planned. Everything goes through the services, so the
audit trail, the versions and the rules are as in real use. The amounts come from the seed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import click
from sqlalchemy import select

from gemeenten.models import Gemeente
from kern.db import db
from kern.demo import LANDELIJK_DOOR, Landelijk, Verslag
from subsidies import services
from subsidies.models import Beschikking, BetalingSoort, Regeling, Verantwoording

REGELING = "Versterkingsgelden (landelijke testgegevens)"
GRONDSLAG = "Kaderwet SZW-subsidies (testgegevens)"
PLAFOND_PER_GEMEENTE = Decimal("1000000.00")  # above every generated amount: never exceeded
DOOR = LANDELIJK_DOOR


def _euro(bedrag: int) -> Decimal:
    return Decimal(bedrag).quantize(Decimal("0.01"))


class _Verhaal:
    """One decision's year, told through the services."""

    def __init__(self, beschikking: Beschikking, vandaag: date) -> None:
        self.beschikking = beschikking
        self.jaar = beschikking.regeling_jaar.jaar
        self.vandaag = vandaag

    def beschik(self) -> None:
        b = self.beschikking
        services.beschik(
            b,
            kenmerk=f"LT-{self.jaar}-{b.gemeente.cbs_code}",
            datum=date(self.jaar, 3, 1),
            door=DOOR,
            versie=b.versie,
        )

    def voorschot(self, bedrag: Decimal, *, betaald: bool) -> None:
        betaling = services.plan_betaling(
            self.beschikking,
            soort=BetalingSoort.VOORSCHOT,
            bedrag=bedrag,
            gepland_op=date(self.jaar, 4, 1),
            omschrijving=f"Voorschot {self.jaar}",
        )
        if betaald:
            services.registreer_betaling(
                betaling,
                betaald_op=date(self.jaar, 4, 1),
                versie=betaling.versie,
                kenmerk=f"BANK-{self.jaar}-{betaling.id}",
            )

    def betaal_alles(self) -> None:
        assert self.beschikking.bedrag is not None
        self.voorschot(self.beschikking.bedrag, betaald=True)

    def dien_in(self, deel: Decimal, *, eind: bool) -> Verantwoording:
        """A return spending ``deel`` of the grant, spread over the purposes."""
        b = self.beschikking
        assert b.bedrag is not None
        doelen = b.regeling_jaar.regeling.doelen
        totaal = (b.bedrag * deel).quantize(Decimal("0.01"))
        per_doel = (totaal / len(doelen)).quantize(Decimal("0.01"))
        bedragen = [per_doel] * (len(doelen) - 1) + [totaal - per_doel * (len(doelen) - 1)]
        verantwoording, _ = services.dien_in(
            b,
            bestedingen={
                doel.id: services.Besteding(in_jaar=bedrag, cumulatief=bedrag)
                for doel, bedrag in zip(doelen, bedragen, strict=True)
            },
            eindverantwoording=eind,
            toelichting=None if deel == 1 else "Niet alles is besteed (testgegevens).",
            door=DOOR,
        )
        return verantwoording


def _concept(v: _Verhaal) -> None:
    """A draft, not decided."""


def _gepland(v: _Verhaal) -> None:
    v.beschik()
    assert v.beschikking.bedrag is not None
    v.voorschot(v.beschikking.bedrag, betaald=False)


def _geannuleerd(v: _Verhaal) -> None:
    v.beschik()
    assert v.beschikking.bedrag is not None
    helft = (v.beschikking.bedrag / 2).quantize(Decimal("0.01"))
    v.voorschot(helft, betaald=True)
    services.plan_betaling(
        v.beschikking, soort=BetalingSoort.VOORSCHOT, bedrag=helft, gepland_op=date(v.jaar, 9, 1)
    )
    tweede = v.beschikking.betalingen[-1]
    services.annuleer_betaling(
        tweede, reden="Dubbel gepland (testgegevens).", door=DOOR, versie=tweede.versie
    )


def _ingediend(v: _Verhaal) -> None:
    v.beschik()
    v.betaal_alles()
    v.dien_in(Decimal("0.5"), eind=False)


def _teruggestuurd(v: _Verhaal) -> None:
    v.beschik()
    v.betaal_alles()
    verantwoording = v.dien_in(Decimal("0.8"), eind=True)
    services.stuur_terug(
        verantwoording,
        reden="Licht het verschil toe (testgegevens).",
        door=DOOR,
        versie=verantwoording.versie,
    )


def _vervangen(v: _Verhaal) -> None:
    v.beschik()
    v.betaal_alles()
    v.dien_in(Decimal("0.6"), eind=False)
    v.dien_in(Decimal("1"), eind=True)


def _vastgesteld(v: _Verhaal) -> None:
    v.beschik()
    v.betaal_alles()
    verantwoording = v.dien_in(Decimal("0.9"), eind=True)
    services.keur_goed(verantwoording, door=DOOR, versie=verantwoording.versie)
    services.stel_vast(
        v.beschikking, datum=date(v.jaar + 1, 10, 1), door=DOOR, versie=v.beschikking.versie
    )


def _gewijzigd(v: _Verhaal) -> None:
    v.beschik()
    b = v.beschikking
    assert b.bedrag is not None
    v.betaal_alles()
    services.wijzig_beschikking(
        b,
        services.BeschikkingGegevens(bedrag=b.bedrag + _euro(10_000)),
        door=DOOR,
        versie=b.versie,
        reden="Extra middelen (testgegevens).",
        datum=date(v.jaar, 6, 1),
    )
    verantwoording = v.dien_in(Decimal("1"), eind=True)
    services.keur_goed(verantwoording, door=DOOR, versie=verantwoording.versie)


def _ingetrokken(v: _Verhaal) -> None:
    v.beschik()
    assert v.beschikking.bedrag is not None
    helft = (v.beschikking.bedrag / 2).quantize(Decimal("0.01"))
    v.voorschot(helft, betaald=True)
    v.voorschot(helft, betaald=False)
    services.trek_in(
        v.beschikking,
        reden="Het project gaat niet door (testgegevens).",
        door=DOOR,
        versie=v.beschikking.versie,
        vandaag=v.vandaag,
    )


VERHALEN: tuple[Callable[[_Verhaal], None], ...] = (
    _concept,
    _gepland,
    _geannuleerd,
    _ingediend,
    _teruggestuurd,
    _vervangen,
    _vastgesteld,
    _gewijzigd,
    _ingetrokken,
)


def genereer(opdracht: Landelijk, verslag: Verslag) -> None:
    if db.session.execute(select(Regeling.id).where(Regeling.naam == REGELING)).first():
        raise click.ClickException(
            f"De regeling {REGELING} bestaat al; genereer in een lege database."
        )
    rng = opdracht.rng("subsidies")
    plafond = PLAFOND_PER_GEMEENTE * len(opdracht.gemeente_ids)
    regeling = services.maak_regeling(
        naam=REGELING,
        grondslag=GRONDSLAG,
        omschrijving="Gegenereerd door flask demo landelijk.",
        jaren=dict.fromkeys(opdracht.jaartallen, plafond),
    )
    gemeenten = [db.session.get_one(Gemeente, id_) for id_ in opdracht.gemeente_ids]
    aantal = 0
    for regeling_jaar in list(regeling.jaren):
        for gemeente in gemeenten:
            bedrag = _euro(rng.randrange(40, 960) * 1000)
            beschikking = services.maak_beschikking(
                regeling_jaar, gemeente, services.BeschikkingGegevens(bedrag=bedrag)
            )
            VERHALEN[aantal % len(VERHALEN)](_Verhaal(beschikking, opdracht.vandaag))
            aantal += 1
        # One year at a time: the session lets go of what it loaded (a national run is large).
        db.session.commit()
    verslag(
        f"Regeling {REGELING}: {len(opdracht.jaartallen)} jaar, {aantal} beschikkingen met "
        "betalingen, verantwoordingen en vaststellingen."
    )
