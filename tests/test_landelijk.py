"""`flask demo landelijk`: national-scale data from a CBS list, exactly as many rows as its
options ask, the same for the same seed, refused in production and without a list."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gemeenten.inventarisatie.models import (
    Actie,
    Antwoord,
    Deel,
    Deelnemer,
    Inventarisatie,
    Thema,
)
from gemeenten.models import Gemeente
from kern.app import create_app
from kern.audit import AuditRegel
from kern.demo import LANDELIJK_DOOR
from onderwijsaanpak.models import (
    Activiteit,
    Cohortlid,
    Faseperiode,
    Les,
    Rapportage,
    Rapportageronde,
)
from subsidies.models import (
    Beschikking,
    BeschikkingVersie,
    Betaling,
    BetalingSoort,
    Vaststelling,
    Verantwoording,
    VerantwoordingRegel,
)


def genereer(runner, lijst: Path, *opties: str):
    return runner.invoke(args=["demo", "landelijk", "--lijst", str(lijst), *opties])


def aantal(db, model, *voorwaarden) -> int:
    query = select(func.count()).select_from(model)
    for voorwaarde in voorwaarden:
        query = query.where(voorwaarde)
    return db.session.execute(query).scalar_one()


def per_status(db, model) -> dict[str, int]:
    rijen = db.session.execute(select(model.status, func.count()).group_by(model.status))
    return {status.value: n for status, n in rijen}


def test_five_municipalities_and_two_years_give_exactly_these_rows(db, runner, shared_data):
    resultaat = genereer(
        runner, shared_data / "gemeenten-2025-01-01.csv", "--gemeenten", "5", "--jaren", "2"
    )

    assert resultaat.exit_code == 0, resultaat.output
    assert (
        "Gemeenten uit gemeenten-2025-01-01.csv: 5 toegevoegd, 0 waren er al." in resultaat.output
    )
    # The first five of CBS's list, in its order.
    assert db.session.execute(select(Gemeente.naam).order_by(Gemeente.id)).scalars().all() == [
        "Aa en Hunze",
        "Aalsmeer",
        "Aalten",
        "Achtkarspelen",
        "Alblasserdam",
    ]
    # Ten decisions through the nine stories: the draft comes twice.
    assert aantal(db, Beschikking) == 10
    assert per_status(db, Beschikking) == {
        "concept": 2,
        "beschikt": 5,
        "vastgesteld": 1,
        "gewijzigd": 1,
        "ingetrokken": 1,
    }
    assert aantal(db, BeschikkingVersie) == 11  # eight decided, one settled, amended, withdrawn
    assert aantal(db, Betaling) == 12
    assert aantal(db, Betaling, Betaling.betaald_op.is_not(None)) == 7
    assert aantal(db, Betaling, Betaling.geannuleerd_op.is_not(None)) == 2
    assert (
        aantal(db, Betaling, Betaling.betaald_op.is_(None), Betaling.geannuleerd_op.is_(None)) == 3
    )
    assert aantal(db, Betaling, Betaling.soort == BetalingSoort.TERUGVORDERING) == 2
    assert per_status(db, Verantwoording) == {
        "ingediend": 2,
        "teruggestuurd": 1,
        "vervangen": 1,
        "goedgekeurd": 2,
    }
    assert aantal(db, VerantwoordingRegel) == 18  # three purposes each
    assert aantal(db, Vaststelling) == 1
    # The onderwijsaanpak: the first and fourth municipality, both pilots moved to the rollout.
    assert aantal(db, Cohortlid) == 2
    assert aantal(db, Faseperiode) == 4
    assert aantal(db, Activiteit) == 12
    assert aantal(db, Les) == 4
    assert aantal(db, Rapportageronde) == 2
    assert aantal(db, Rapportageronde, Rapportageronde.gesloten_op.is_not(None)) == 1
    assert per_status(db, Rapportage) == {"goedgekeurd": 1, "ingediend": 2, "teruggestuurd": 1}
    # Two inventories of the five; four of them answered the eight themes.
    assert aantal(db, Inventarisatie) == 2
    assert aantal(db, Deel) == 8
    assert aantal(db, Thema) == 16
    assert aantal(db, Deelnemer) == 10
    assert aantal(db, Deelnemer, Deelnemer.beantwoord_op.is_not(None)) == 8
    assert aantal(db, Antwoord) == 64
    assert aantal(db, Actie) == 8  # one on each part's first theme
    # Through the services: the audit trail has it, under the generator's name.
    assert aantal(db, AuditRegel, AuditRegel.door == LANDELIJK_DOOR) > 100
    assert aantal(db, AuditRegel, AuditRegel.door != LANDELIJK_DOOR) == 0


def test_the_same_seed_gives_the_same_amounts(db, runner, shared_data):
    lijst = shared_data / "gemeenten-2025-01-01.csv"
    resultaat = genereer(runner, lijst, "--gemeenten", "3", "--jaren", "1", "--seed", "7")
    assert resultaat.exit_code == 0, resultaat.output

    bedragen = db.session.execute(select(Beschikking.bedrag).order_by(Beschikking.id)).scalars()
    assert list(bedragen) == [Decimal("639000.00"), Decimal("366000.00"), Decimal("693000.00")]


def test_a_second_run_in_the_same_database_is_refused(db, runner, shared_data):
    lijst = shared_data / "gemeenten-2025-01-01.csv"
    assert genereer(runner, lijst, "--gemeenten", "2", "--jaren", "1").exit_code == 0
    voor = aantal(db, AuditRegel)

    resultaat = genereer(runner, lijst, "--gemeenten", "2", "--jaren", "1")

    assert resultaat.exit_code == 1
    assert "bestaat al; genereer in een lege database" in resultaat.output
    assert aantal(db, AuditRegel) == voor


def test_without_the_list_it_says_where_it_looked(db, runner, tmp_path):
    resultaat = genereer(runner, tmp_path / "weg.csv", "--gemeenten", "2")

    assert resultaat.exit_code == 1
    assert f"De CBS-lijst {tmp_path / 'weg.csv'} bestaat niet" in resultaat.output
    assert aantal(db, Gemeente) == 0


def test_a_file_that_is_no_cbs_list_is_refused_with_its_problems(db, runner, tmp_path):
    lijst = tmp_path / "gemeenten.csv"
    lijst.write_text("naam,inwoners\nAmsterdam,900000\n", encoding="utf-8")

    resultaat = genereer(runner, lijst)

    assert resultaat.exit_code == 1
    assert "gemeenten.csv is geen bruikbare CBS-lijst" in resultaat.output
    assert aantal(db, Gemeente) == 0


def test_more_municipalities_than_the_list_has_are_refused(db, runner, shared_data):
    resultaat = genereer(runner, shared_data / "gemeenten-2025-01-01.csv", "--gemeenten", "400")

    assert resultaat.exit_code == 1
    assert "heeft 342 gemeenten, geen 400" in resultaat.output
    assert aantal(db, Gemeente) == 0


def test_years_that_are_not_over_yet_are_refused(db, runner, shared_data):
    resultaat = genereer(runner, shared_data / "gemeenten-2025-01-01.csv", "--jaren", "40")

    assert resultaat.exit_code == 1
    assert "kies hoogstens" in resultaat.output
    assert aantal(db, Gemeente) == 0


def test_production_refuses_the_generator(monkeypatch, tmp_path, shared_data):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "een-echt-geheime-sleutel-van-ruim-tweeendertig-tekens")
    productie = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})

    resultaat = productie.test_cli_runner().invoke(
        args=["demo", "landelijk", "--lijst", str(shared_data / "gemeenten-2025-01-01.csv")]
    )

    assert resultaat.exit_code == 1
    assert "Demogegevens worden in productie nooit geladen." in resultaat.output
    assert not (tmp_path / "p.sqlite").exists()  # not even a database was opened


@pytest.mark.parametrize("opties", [["--gemeenten", "0"], ["--jaren", "0"]])
def test_zero_is_no_scale(runner, opties, tmp_path):
    resultaat = genereer(runner, tmp_path / "x.csv", *opties)

    assert resultaat.exit_code == 2
    assert "0 is not in the range x>=1" in resultaat.output
