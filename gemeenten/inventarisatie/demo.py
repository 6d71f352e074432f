"""Demo data: the needs inventory of 2015 among 49 municipalities, labelled as demo on screen.

The real answers are not public. The demo asks the 49 municipalities of `gemeenten.demo` the
four parts of the published quickscan (Kamerstuk 29 754, nr. 323), each with three themes
officers might define, and gives plausible answers: the larger cities (the first nine, which
received versterkingsgelden in 2015) report more needs and higher priorities, and four
municipalities never answered. A follow-up of 2017 is open for the municipalities and past its
due date: most have answered, Amsterdam (the demo municipality user's) has still to. Every answer
is made by a rule on the municipality's and the theme's name, so a load gives the same demo every
time. Everything goes through the services, under the name "demo" in the audit trail.

Loading adds what is missing: an inventory that exists (by name) is left as it is, so loading
twice changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from gemeenten.demo import DEMO_GEMEENTEN
from gemeenten.inventarisatie import services
from gemeenten.inventarisatie.models import Inventarisatie, Thema
from gemeenten.inventarisatie.services import AntwoordRegel, InventarisatieGegevens, ThemaGegevens
from gemeenten.models import Gemeente
from kern import audit
from kern.db import db
from kern.demo import Verslag

DOOR = "demo"
GROTE_STEDEN = 9  # the first nine of DEMO_GEMEENTEN: the 2015 versterkingsgelden

# Per part its themes, each with how likely a need is (in percent) and a description a
# municipality with that need might give.
DELEN: dict[str, tuple[tuple[str, int, str], ...]] = {
    "Problematiek": (
        ("Radicalisering", 55, "Signalen van radicalisering bij jongeren in enkele wijken."),
        (
            "Maatschappelijke spanningen",
            45,
            "Spanningen tussen groepen na internationale "
            "gebeurtenissen; behoefte aan zicht op de wijken.",
        ),
        (
            "Uitreizigers en terugkeerders",
            25,
            "Enkele inwoners zijn uitgereisd; de aanpak van "
            "hun familie en van terugkeerders vraagt om afstemming.",
        ),
    ),
    "Capaciteit en beleid": (
        ("Capaciteit", 50, "Eén beleidsmedewerker doet dit naast andere taken."),
        ("Beleid en regie", 35, "Een actieplan en de regie op de lokale aanpak ontbreken nog."),
        ("Financiering", 60, "Zonder extra middelen kunnen de trainingen niet doorgaan."),
    ),
    "Kennisopbouw": (
        ("Kennis", 65, "Kennis over het herkennen van signalen bij eerstelijns professionals."),
        ("Training", 70, "Training voor wijkteams, jongerenwerk en leerplicht."),
        ("Advies", 40, "Advies bij casussen in het persoonsgerichte overleg."),
    ),
    "Lokale behoeften": (
        ("Netwerk sleutelfiguren", 55, "Een netwerk van sleutelfiguren opbouwen en onderhouden."),
        ("Samenwerking", 45, "Samenwerking met politie, onderwijs en zorg in de regio."),
        ("Ondersteuning van ouders", 35, "Ondersteuning van ouders die zich zorgen maken."),
    ),
}


@dataclass(frozen=True)
class DemoInventarisatie:
    naam: str
    datum: date
    kamerstuk: str | None
    uitgenodigd_op: date
    uiterlijk: date
    niet_geantwoord: frozenset[str]  # CBS codes
    open: bool


KWIKSCAN = DemoInventarisatie(
    naam="Quickscan behoeften gemeenten 2015",
    datum=date(2015, 6, 15),
    kamerstuk="29 754, nr. 323",
    uitgenodigd_op=date(2015, 6, 15),
    uiterlijk=date(2015, 9, 1),
    niet_geantwoord=frozenset({"GM0114", "GM0983", "GM1674", "GM0405"}),
    open=False,
)
VERVOLG = DemoInventarisatie(
    naam="Vervolgmeting behoeften 2017",
    datum=date(2017, 1, 16),
    kamerstuk=None,
    uitgenodigd_op=date(2017, 1, 16),
    uiterlijk=date(2017, 3, 1),
    # Amsterdam (the demo municipality user) and every fourth municipality have yet to answer.
    niet_geantwoord=frozenset({"GM0363", *(code for code, _, _ in DEMO_GEMEENTEN[3::4])}),
    open=True,
)


def _getal(*delen: str) -> int:
    """A number from 0 to 99 that depends only on ``delen``: the same demo on every load."""
    return int(hashlib.sha256("|".join(delen).encode()).hexdigest()[:8], 16) % 100


def antwoord(
    demo: DemoInventarisatie, plaats: int, gemeente: Gemeente, thema: Thema, kans: int, tekst: str
) -> AntwoordRegel:
    """A plausible answer of the municipality at ``plaats`` in DEMO_GEMEENTEN on ``thema``."""
    groot = plaats < GROTE_STEDEN
    # In 2017 a little fewer needs on knowledge and training: the first trainings were given.
    verschuiving = (20 if groot else 0) - (
        15 if demo is VERVOLG and thema.deel.naam == "Kennisopbouw" else 0
    )
    behoefte = _getal(demo.naam, gemeente.cbs_code, thema.naam) < kans + verschuiving
    if not behoefte:
        return AntwoordRegel(thema.id, False)
    p = _getal("prioriteit", demo.naam, gemeente.cbs_code, thema.naam)
    prioriteit = min(5, 1 + p // 25 + (1 if groot else 0))
    return AntwoordRegel(
        thema.id,
        True,
        prioriteit if p % 7 else None,  # now and then a need without a priority
        tekst,
        f"Coördinator veiligheid, gemeente {gemeente.roepnaam or gemeente.naam}",
    )


def _laad(demo: DemoInventarisatie, gemeenten: dict[str, Gemeente]) -> Inventarisatie | None:
    """The inventory with its parts, themes, invitations and answers; None when it exists."""
    bestaand = db.session.execute(
        select(Inventarisatie.id).where(Inventarisatie.naam == demo.naam)
    ).scalar_one_or_none()
    if bestaand is not None:
        return None
    inventarisatie = services.maak_inventarisatie(
        InventarisatieGegevens(demo.naam, demo.datum, demo.kamerstuk, demo.uiterlijk),
        door=DOOR,
        demo=True,
    )
    teksten: dict[int, tuple[int, str]] = {}
    for deelnaam, themas in DELEN.items():
        deel = services.voeg_deel_toe(inventarisatie, deelnaam)
        for naam, kans, tekst in themas:
            thema = services.voeg_thema_toe(inventarisatie, ThemaGegevens(deel, naam))
            teksten[thema.id] = (kans, tekst)
    deelnemers = services.nodig_uit(
        inventarisatie, [g.id for g in gemeenten.values()], demo.uitgenodigd_op
    )
    for deelnemer in deelnemers:
        gemeente = deelnemer.gemeente
        if gemeente.cbs_code in demo.niet_geantwoord:
            continue
        plaats = list(gemeenten).index(gemeente.cbs_code)
        regels = [
            antwoord(demo, plaats, gemeente, thema, *teksten[thema.id])
            for thema in inventarisatie.themas
        ]
        services.sla_antwoorden_op(
            deelnemer,
            regels,
            beantwoord_op=demo.uitgenodigd_op + timedelta(days=10 + _getal(gemeente.cbs_code) % 60),
            door=DOOR,
            versie=deelnemer.versie,
        )
    if demo.open:
        services.stel_open(inventarisatie, True, versie=inventarisatie.versie)
    return inventarisatie


def laad_demo(verslag: Verslag) -> None:
    codes = [code for code, _, _ in DEMO_GEMEENTEN]
    gevonden = {
        g.cbs_code: g
        for g in db.session.execute(select(Gemeente).where(Gemeente.cbs_code.in_(codes))).scalars()
    }
    gemeenten = {code: gevonden[code] for code in codes}  # in the demo's order
    with audit.als(DOOR):
        for demo in (KWIKSCAN, VERVOLG):
            inventarisatie = _laad(demo, gemeenten)
            if inventarisatie is None:
                verslag(f"Behoefte-inventarisatie: {demo.naam} was er al.")
                continue
            geantwoord = sum(d.heeft_geantwoord for d in inventarisatie.deelnemers)
            verslag(
                f"Behoefte-inventarisatie: {demo.naam} toegevoegd, {len(inventarisatie.themas)} "
                f"thema's, {len(inventarisatie.deelnemers)} gemeenten uitgenodigd, "
                f"{geantwoord} geantwoord."
            )
