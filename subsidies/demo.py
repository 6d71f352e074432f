"""Demo data: the 2015 versterkingsgelden, labelled as demo on screen.

The nine municipalities and their amounts are the ones announced in September 2015 (Gouda's
amount was still to be set); the payments, returns and the settlement are made up, so that
every status shows up somewhere: returns submitted, sent back, approved and replaced, and one
settled decision with a clawback. Everything goes through the services, under the name "demo"
in the audit trail. When the scheme exists already, nothing is added.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from gemeenten.models import Gemeente
from kern import audit
from kern.db import db
from kern.demo import Verslag
from subsidies import services
from subsidies.models import Beschikking, BetalingSoort, Regeling, Verantwoording

DEMO_REGELING = "Versterkingsgelden"
DEMO_OMSCHRIJVING = (
    "Demogegevens: de versterkingsgelden 2015 met de bedragen die in september 2015 zijn "
    "bekendgemaakt. Betalingen, verantwoordingen en de vaststelling zijn verzonnen."
)
GRONDSLAG = (
    "Kaderwet SZW-subsidies en Actieprogramma Integrale Aanpak Jihadisme, maatregelen 26 en 30"
)
KAMERSTUK = "29 754, nr. 326"
JAAR = 2015
PLAFOND = Decimal("5000000.00")
BESCHIKT_OP = date(2015, 10, 1)
VOORSCHOT_OP = date(2015, 10, 15)
DOOR = "demo"

# The announced amounts of 2015; Gouda's was still to be set ("nog vast te stellen").
BEDRAGEN_2015: tuple[tuple[str, Decimal | None], ...] = (
    ("GM0518", Decimal("950000.00")),  # Den Haag
    ("GM0363", Decimal("920000.00")),  # Amsterdam
    ("GM0344", Decimal("683000.00")),  # Utrecht
    ("GM0599", Decimal("665000.00")),  # Rotterdam
    ("GM0503", Decimal("535000.00")),  # Delft
    ("GM0202", Decimal("400000.00")),  # Arnhem
    ("GM0637", Decimal("167000.00")),  # Zoetermeer
    ("GM0406", Decimal("157000.00")),  # Huizen
    ("GM0513", None),  # Gouda
)


def is_demo(regeling: Regeling) -> bool:
    """Is this the demo scheme? By its name and the description the loader gives it."""
    return regeling.naam == DEMO_REGELING and (regeling.omschrijving or "").startswith(
        "Demogegevens"
    )


def _euro(bedrag: int) -> Decimal:
    return Decimal(bedrag).quantize(Decimal("0.01"))


def _voorschot(beschikking: Beschikking, bedrag: int, betaald_op: date | None) -> None:
    betaling = services.plan_betaling(
        beschikking,
        soort=BetalingSoort.VOORSCHOT,
        bedrag=_euro(bedrag),
        gepland_op=betaald_op or date(JAAR + 1, 4, 1),
        omschrijving=f"Voorschot {JAAR}",
    )
    if betaald_op is not None:
        services.registreer_betaling(betaling, betaald_op=betaald_op, versie=betaling.versie)


def _dien_in(
    beschikking: Beschikking,
    bedragen: tuple[int, int, int],
    *,
    eind: bool,
    toelichting: str | None = None,
) -> Verantwoording:
    """A return spending ``bedragen`` on the three purposes, all of it in the year itself."""
    doelen = beschikking.regeling_jaar.regeling.doelen
    bestedingen = {
        doel.id: services.Besteding(in_jaar=_euro(bedrag), cumulatief=_euro(bedrag))
        for doel, bedrag in zip(doelen, bedragen, strict=True)
    }
    verantwoording, _ = services.dien_in(
        beschikking,
        bestedingen=bestedingen,
        eindverantwoording=eind,
        toelichting=toelichting,
        door=DOOR,
    )
    return verantwoording


def _stuur_terug(verantwoording: Verantwoording, reden: str) -> None:
    services.stuur_terug(verantwoording, reden=reden, door=DOOR, versie=verantwoording.versie)


def _keur_goed(verantwoording: Verantwoording, reactie: str | None = None) -> None:
    services.keur_goed(verantwoording, door=DOOR, versie=verantwoording.versie, reactie=reactie)


# What happened after the decision, one story per municipality.


def _den_haag(beschikking: Beschikking) -> None:
    """Sent back, approved, settled with a clawback of 80,000."""
    _voorschot(beschikking, 950_000, VOORSCHOT_OP)
    eerste = _dien_in(beschikking, (400_000, 300_000, 170_000), eind=True)
    _stuur_terug(eerste, "Licht toe waarom € 80.000,00 niet is besteed.")
    tweede = _dien_in(
        beschikking,
        (400_000, 300_000, 170_000),
        eind=True,
        toelichting="Twee vacatures in de persoonsgerichte aanpak bleven tot de zomer open.",
    )
    _keur_goed(tweede)
    services.stel_vast(beschikking, datum=date(2016, 10, 3), door=DOOR, versie=beschikking.versie)


def _amsterdam(beschikking: Beschikking) -> None:
    """A corrected return replaced the first, not yet reviewed."""
    _voorschot(beschikking, 920_000, VOORSCHOT_OP)
    _dien_in(beschikking, (300_000, 250_000, 200_000), eind=False)
    _dien_in(
        beschikking,
        (310_000, 250_000, 200_000),
        eind=True,
        toelichting="Een deel van de trainingen is naar 2016 verschoven.",
    )


def _utrecht(beschikking: Beschikking) -> None:
    """An interim return, approved."""
    _voorschot(beschikking, 683_000, VOORSCHOT_OP)
    tussentijds = _dien_in(beschikking, (250_000, 200_000, 150_000), eind=False)
    _keur_goed(tussentijds, "Akkoord; de eindverantwoording volgt.")


def _rotterdam(beschikking: Beschikking) -> None:
    """Part paid, the return sent back."""
    _voorschot(beschikking, 500_000, VOORSCHOT_OP)
    _voorschot(beschikking, 165_000, None)
    terug = _dien_in(beschikking, (200_000, 200_000, 100_000), eind=True)
    _stuur_terug(terug, "De besteding aan vroegsignalering ontbreekt in de toelichting.")


def _delft(beschikking: Beschikking) -> None:
    """The final return approved, ready to be settled."""
    _voorschot(beschikking, 535_000, VOORSCHOT_OP)
    _keur_goed(_dien_in(beschikking, (200_000, 200_000, 135_000), eind=True))


def _arnhem(beschikking: Beschikking) -> None:
    """Half paid, half planned, no return yet."""
    _voorschot(beschikking, 200_000, VOORSCHOT_OP)
    _voorschot(beschikking, 200_000, None)


def _zoetermeer(beschikking: Beschikking) -> None:
    """Paid, no return yet."""
    _voorschot(beschikking, 167_000, VOORSCHOT_OP)


def _huizen(beschikking: Beschikking) -> None:
    """Nothing paid yet, a final return submitted."""
    _voorschot(beschikking, 157_000, None)
    _dien_in(beschikking, (60_000, 50_000, 40_000), eind=True)


# Gouda has none: decided without an amount, nothing can be paid yet.
SCENARIOS: dict[str, Callable[[Beschikking], None]] = {
    "GM0518": _den_haag,
    "GM0363": _amsterdam,
    "GM0344": _utrecht,
    "GM0599": _rotterdam,
    "GM0503": _delft,
    "GM0202": _arnhem,
    "GM0637": _zoetermeer,
    "GM0406": _huizen,
}


def laad_demo(verslag: Verslag) -> None:
    bestaand = db.session.execute(select(Regeling.id).where(Regeling.naam == DEMO_REGELING)).first()
    if bestaand is not None:
        verslag(f"Demo-regeling {DEMO_REGELING}: was er al, niets toegevoegd.")
        return
    gemeenten = {
        g.cbs_code: g
        for g in db.session.execute(
            select(Gemeente).where(Gemeente.cbs_code.in_([c for c, _ in BEDRAGEN_2015]))
        ).scalars()
    }
    with audit.als(DOOR):
        regeling = services.maak_regeling(
            naam=DEMO_REGELING,
            grondslag=GRONDSLAG,
            kamerstuk=KAMERSTUK,
            omschrijving=DEMO_OMSCHRIJVING,
            jaren={JAAR: PLAFOND},
        )
        regeling_jaar = regeling.jaren[0]
        for code, bedrag in BEDRAGEN_2015:
            beschikking = services.maak_beschikking(
                regeling_jaar, gemeenten[code], services.BeschikkingGegevens(bedrag=bedrag)
            )
            services.beschik(
                beschikking,
                kenmerk=f"VG-{JAAR}-{code}",
                datum=BESCHIKT_OP,
                door=DOOR,
                versie=beschikking.versie,
            )
            if scenario := SCENARIOS.get(code):
                scenario(beschikking)
    verslag(
        f"Demo-regeling {DEMO_REGELING} {JAAR}: {len(BEDRAGEN_2015)} beschikkingen met "
        "betalingen, verantwoordingen en een vaststelling toegevoegd."
    )
