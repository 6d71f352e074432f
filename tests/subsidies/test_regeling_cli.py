"""``flask versterkingsgelden regeling``: a scheme with its years, ceilings and purposes."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from kern.audit import AuditRegel
from kern.db import db
from subsidies.models import Regeling


def maak(runner, *extra: str):
    return runner.invoke(
        args=[
            "versterkingsgelden",
            "regeling",
            "Versterkingsgelden",
            "--grondslag",
            "Kaderwet",
            *extra,
        ]
    )


def regelingen() -> int:
    return db.session.execute(select(func.count(Regeling.id))).scalar_one()


def test_a_scheme_with_its_years_ceilings_and_standard_purposes(db, runner):
    resultaat = maak(
        runner,
        "--kamerstuk",
        "29 754, nr. 326",
        "--jaar",
        "2015=4.477.000",
        "--jaar",
        "2016=5000000,50",
        "--door",
        "beheer@minbzk.nl",
    )

    assert resultaat.exit_code == 0, resultaat.output
    regeling = db.session.execute(select(Regeling)).scalar_one()
    assert resultaat.output.replace("\xa0", " ") == (
        f"Regeling Versterkingsgelden aangemaakt (id {regeling.id}): 2015 (plafond "
        "€ 4.477.000,00), 2016 (plafond € 5.000.000,50); bestedingsdoelen "
        "kennisbevordering, vroegsignalering, persoonsgerichte_aanpak.\n"
    )
    assert (regeling.grondslag, regeling.kamerstuk) == ("Kaderwet", "29 754, nr. 326")
    assert [(j.jaar, j.plafond) for j in regeling.jaren] == [
        (2015, Decimal("4477000.00")),
        (2016, Decimal("5000000.50")),
    ]
    sporen = db.session.execute(
        select(AuditRegel.soort, AuditRegel.door).where(AuditRegel.actie == "aangemaakt")
    ).all()
    assert ("regeling", "beheer@minbzk.nl") in sporen
    assert ("regelingjaar", "beheer@minbzk.nl") in {(s, d) for s, d in sporen}


def test_purposes_of_its_own(db, runner):
    resultaat = maak(
        runner,
        "--jaar",
        "2017=1000",
        "--doel",
        "nazorg:Nazorg terugkeerders:26, 30",
        "--doel",
        "preventie:Preventie",
    )

    assert resultaat.exit_code == 0, resultaat.output
    regeling = db.session.execute(select(Regeling)).scalar_one()
    assert [(d.code, d.naam, d.maatregelen) for d in regeling.doelen] == [
        ("nazorg", "Nazorg terugkeerders", "26, 30"),
        ("preventie", "Preventie", None),
    ]


def test_every_mistake_is_named_in_dutch_and_nothing_is_made(db, runner):
    resultaat = maak(
        runner,
        "--jaar",
        "1999=1000",
        "--jaar",
        "2016=veel",
        "--jaar",
        "2017",
        "--doel",
        "Nazorg:Nazorg",
        "--doel",
        "zonder_naam",
    )

    assert resultaat.exit_code == 2
    assert resultaat.output.splitlines() == [
        "De regeling is niet aangemaakt:",
        "  --jaar 1999=1000: Een jaar ligt tussen 2000 en 2100.",
        '  --jaar 2016=veel: "veel" is geen bedrag.',
        "  --jaar 2017: schrijf JAAR=PLAFOND, bijvoorbeeld 2015=4.477.000.",
        "  --doel Nazorg:Nazorg: Een code bestaat uit kleine letters, cijfers en liggende "
        "streepjes.",
        "  --doel zonder_naam: schrijf CODE:NAAM of CODE:NAAM:MAATREGELEN, bijvoorbeeld "
        "nazorg:Nazorg terugkeerders:26, 30.",
    ]
    assert regelingen() == 0


def test_a_scheme_needs_a_year_and_a_name_of_its_own(db, runner):
    assert maak(runner).output.splitlines() == [
        "De regeling is niet aangemaakt:",
        "  Geef ten minste één jaar met --jaar JAAR=PLAFOND.",
    ]
    assert maak(runner, "--jaar", "2015=1").exit_code == 0

    dubbel = maak(runner, "--jaar", "2015=1")

    assert dubbel.exit_code == 1
    assert dubbel.output.splitlines() == [
        "De regeling is niet aangemaakt:",
        "  Er bestaat al een regeling met de naam Versterkingsgelden.",
    ]
    assert regelingen() == 1
