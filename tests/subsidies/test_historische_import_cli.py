"""``flask versterkingsgelden importeer``: the historical import from the command line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kern.accounts.models import Rol
from kern.audit import AuditRegel
from kern.db import db
from kern.uploads import Upload, UploadStatus
from subsidies import services
from subsidies.models import Beschikking, Betaling, RegelingJaar, Verantwoording
from tests.kern.factories import maak_gebruiker
from tests.subsidies.test_historische_import import AMSTERDAM_2015, toekenningen, werkmap


@pytest.fixture
def opties(regeling, amsterdam) -> dict[str, str]:
    """The command's --regeling and --door: the scheme and an officer (finance exists too)."""
    beleidsmedewerker = maak_gebruiker(Rol.BELEIDSMEDEWERKER, email="officier@minbzk.nl")
    maak_gebruiker(Rol.FINANCIEN, email="financien@minbzk.nl")
    return {"regeling": str(regeling.id), "door": beleidsmedewerker.email}


@pytest.fixture
def pad(tmp_path):
    def schrijf(inhoud: bytes, naam: str = "historie.xlsx") -> str:
        bestand = tmp_path / naam
        bestand.write_bytes(inhoud)
        return str(bestand)

    return schrijf


def importeer(runner, pad: str, regeling: str, door: str, *, bevestig: bool = False):
    extra = ["--bevestig"] if bevestig else []
    return runner.invoke(
        args=[
            "versterkingsgelden",
            "importeer",
            pad,
            "--regeling",
            regeling,
            "--door",
            door,
            *extra,
        ]
    )


def aantal(model) -> int:
    return db.session.execute(select(func.count(model.id))).scalar_one()


def test_without_confirmation_it_only_checks_and_prints_the_counts(db, runner, opties, pad):
    resultaat = importeer(runner, pad(werkmap(*AMSTERDAM_2015)), **opties)

    assert resultaat.exit_code == 0, resultaat.output
    regels = resultaat.stdout.splitlines()
    assert "historie.xlsx is goedgekeurd (upload 1)." in regels
    assert "toekenning           3           0             0" in regels
    assert "betaling             1           0             0" in regels
    assert "besteding            3           0             0" in regels
    assert (
        "Bij inlezen: 1 nieuwe beschikking, 0 gewijzigde beschikkingen, 1 betaling en 1 nieuwe "
        "versie van een verantwoording." in regels
    )
    assert regels[-1] == "Er is niets ingelezen; voeg --bevestig toe om het bestand in te lezen."
    assert aantal(Beschikking) == 0
    assert db.session.execute(select(Upload.status)).scalar_one() is UploadStatus.GECONTROLEERD


def test_with_confirmation_it_imports_everything_in_the_officers_name(db, runner, opties, pad):
    bestand = pad(werkmap(*AMSTERDAM_2015))

    resultaat = importeer(runner, bestand, **opties, bevestig=True)

    assert resultaat.exit_code == 0, resultaat.output
    assert resultaat.stdout.splitlines()[-1] == (
        "Ingelezen: 1 nieuwe beschikking, 0 gewijzigde beschikkingen, 1 betaling en 1 nieuwe "
        "versie van een verantwoording."
    )
    assert (aantal(Beschikking), aantal(Betaling), aantal(Verantwoording)) == (1, 1, 1)
    door = db.session.execute(
        select(AuditRegel.soort, AuditRegel.door).where(
            AuditRegel.soort.in_(["beschikking", "betaling", "verantwoording"])
        )
    ).all()
    assert {soort for soort, _ in door} == {"beschikking", "betaling", "verantwoording"}
    assert {wie for _, wie in door} == {"officier@minbzk.nl"}

    nogmaals = importeer(runner, bestand, **opties, bevestig=True)

    assert nogmaals.exit_code == 0, nogmaals.output
    assert "Dit bestand is al eerder geüpload (upload 1" in nogmaals.stdout
    assert "Het is al ingelezen op" in nogmaals.stdout
    assert (aantal(Beschikking), aantal(Upload)) == (1, 1)


def test_an_invalid_file_prints_every_message_and_exits_1(runner, opties, pad):
    rijen = [
        ["toekenning", "GM0363", "Amsterdam", 2015, "kennisbevordering", "1.234,5x"],
        ["toekenning", "GM0363", "Amsterdam", 2013, "vroegsignalering", 1],
    ]

    resultaat = importeer(runner, pad(werkmap(*rijen)), **opties, bevestig=True)

    assert resultaat.exit_code == 1
    regels = resultaat.stdout.splitlines()
    assert "historie.xlsx is afgekeurd: 2 fouten. Er is niets ingelezen." in regels
    assert regels[-2:] == [
        'Blad1!F2: "1.234,5x" is geen bedrag.',
        "Blad1!D3: Versterkingsgelden heeft geen jaar 2013; het enige jaar is 2015.",
    ]
    assert aantal(Beschikking) == 0


def test_a_refusing_service_keeps_nothing_and_exits_1(db, runner, opties, pad, monkeypatch):
    def kapot(*args, **kwargs):
        return "De betaalserver is onbereikbaar."

    monkeypatch.setattr(services, "plannen_geweigerd", kapot)

    resultaat = importeer(runner, pad(werkmap(*AMSTERDAM_2015)), **opties, bevestig=True)

    assert resultaat.exit_code == 1
    assert (
        "Het bestand is niet ingelezen; er is niets veranderd. De betaalserver is onbereikbaar."
        in resultaat.stdout
    )
    assert (aantal(Beschikking), aantal(Betaling)) == (0, 0)
    assert db.session.execute(select(Upload.status)).scalar_one() is UploadStatus.GECONTROLEERD


@pytest.mark.parametrize(
    ("wijziging", "melding"),
    [
        ({"regeling": "999"}, "Er is geen regeling met id 999."),
        (
            {"door": "financien@minbzk.nl"},
            "Er is geen actieve beleidsmedewerker met e-mailadres financien@minbzk.nl.",
        ),
        ({"door": "onbekend@minbzk.nl"}, "Er is geen actieve beleidsmedewerker met e-mailadres"),
    ],
)
def test_an_unknown_scheme_or_officer_exits_2(runner, opties, pad, wijziging, melding):
    resultaat = importeer(runner, pad(werkmap(*AMSTERDAM_2015)), **{**opties, **wijziging})

    assert resultaat.exit_code == 2
    assert melding in resultaat.stderr
    assert aantal(Upload) == 0


def test_a_missing_file_exits_2(runner, opties, tmp_path):
    resultaat = importeer(runner, str(tmp_path / "weg.xlsx"), **opties)

    assert resultaat.exit_code == 2
    assert f"Het bestand {tmp_path / 'weg.xlsx'} bestaat niet." in resultaat.stderr


def test_a_changed_database_makes_the_same_file_checked_again(db, runner, opties, pad):
    inhoud = werkmap(*toekenningen("GM0363", "Amsterdam", 2015, 1, 2, 3))
    assert importeer(runner, pad(inhoud), **opties).exit_code == 0
    jaar = db.session.execute(select(RegelingJaar)).scalar_one()
    services.wijzig_plafond(jaar, Decimal("2000000.00"), jaar.versie)

    resultaat = importeer(runner, pad(inhoud), **opties, bevestig=True)

    assert resultaat.exit_code == 0, resultaat.output
    assert "Het wordt opnieuw gecontroleerd." in resultaat.stdout
    assert aantal(Beschikking) == 1
