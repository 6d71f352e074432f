"""The demo versterkingsgelden: the nine of 2015, every return status, a settlement; idempotent."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kern.audit import AuditRegel
from kern.db import db
from subsidies import services
from subsidies.demo import DEMO_REGELING, is_demo
from subsidies.models import (
    Beschikking,
    BeschikkingStatus,
    BeschikkingVersie,
    Betaling,
    BetalingSoort,
    Regeling,
    RegelingJaar,
    Vaststelling,
    Verantwoording,
    VerantwoordingRegel,
    VerantwoordingStatus,
)
from tests.aanmelden import meld_aan
from tests.subsidies.factories import maak_regeling

D = Decimal
MODELLEN = (
    Regeling,
    RegelingJaar,
    Beschikking,
    BeschikkingVersie,
    Betaling,
    Verantwoording,
    VerantwoordingRegel,
    Vaststelling,
    AuditRegel,
)


def laden(runner) -> str:
    resultaat = runner.invoke(args=["demo", "laden"])
    assert resultaat.exit_code == 0, resultaat.output
    return resultaat.output


def aantallen() -> dict[str, int]:
    return {
        model.__name__: db.session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in MODELLEN
    }


def beschikkingen() -> dict[str, Beschikking]:
    return {b.gemeente.cbs_code: b for b in db.session.execute(select(Beschikking)).scalars().all()}


def test_the_demo_scheme_has_the_nine_of_2015_with_their_announced_amounts(db, runner):
    uitvoer = laden(runner)

    regeling = db.session.execute(select(Regeling)).scalar_one()
    assert regeling.naam == DEMO_REGELING == "Versterkingsgelden"
    assert regeling.grondslag == (
        "Kaderwet SZW-subsidies en Actieprogramma Integrale Aanpak Jihadisme, maatregelen 26 en 30"
    )
    assert regeling.kamerstuk == "29 754, nr. 326"
    assert regeling.omschrijving.startswith("Demogegevens: ")
    assert is_demo(regeling)
    assert [(j.jaar, j.plafond) for j in regeling.jaren] == [(2015, D("5000000.00"))]
    assert [d.naam for d in regeling.doelen] == [
        "Kennisbevordering",
        "Vroegsignalering",
        "Persoonsgerichte aanpak",
    ]
    alle = beschikkingen()
    assert {code: b.bedrag for code, b in alle.items()} == {
        "GM0518": D("950000.00"),
        "GM0363": D("920000.00"),
        "GM0344": D("683000.00"),
        "GM0599": D("665000.00"),
        "GM0503": D("535000.00"),
        "GM0202": D("400000.00"),
        "GM0637": D("167000.00"),
        "GM0406": D("157000.00"),
        "GM0513": None,
    }
    assert services.toegekend_in(regeling.jaren[0]) == D("4477000.00")
    for code, beschikking in alle.items():
        assert beschikking.kenmerk == f"VG-2015-{code}"
        assert beschikking.datum == date(2015, 10, 1)
        assert beschikking.status in (BeschikkingStatus.BESCHIKT, BeschikkingStatus.VASTGESTELD)
    assert "Demo-regeling Versterkingsgelden 2015: 9 beschikkingen" in uitvoer


@pytest.mark.usefixtures("demo")
def test_the_demo_has_payments_returns_in_every_status_and_a_settled_clawback(db):
    alle = beschikkingen()

    statussen = Counter(
        v.status for v in db.session.execute(select(Verantwoording)).scalars().all()
    )
    assert set(statussen) == set(VerantwoordingStatus)
    assert sum(1 for b in alle.values() if b.betaald > 0) >= 5
    assert any(b.gepland > 0 for b in alle.values()), "a planned advance, not yet paid"

    (vaststelling,) = db.session.execute(select(Vaststelling)).scalars().all()
    den_haag = vaststelling.beschikking
    assert den_haag.gemeente.cbs_code == "GM0518"
    assert den_haag.status is BeschikkingStatus.VASTGESTELD
    assert vaststelling.vastgesteld_bedrag == D("870000.00")
    assert vaststelling.saldo == D("-80000.00")
    (terugvordering,) = [b for b in den_haag.betalingen if b.soort is BetalingSoort.TERUGVORDERING]
    assert terugvordering.bedrag == D("80000.00")
    assert alle["GM0513"].betalingen == []  # Gouda: nothing to pay without an amount


@pytest.mark.usefixtures("demo")
def test_the_audit_trail_records_the_demo_as_done_by_demo(db):
    regels = (
        db.session.execute(
            select(AuditRegel).where(
                AuditRegel.soort.in_(["regeling", "beschikking", "betaling", "verantwoording"])
            )
        )
        .scalars()
        .all()
    )

    assert len(regels) > 30
    assert {r.door for r in regels} == {"demo"}
    assert all(
        v.vastgelegd_door == "demo"
        for v in db.session.execute(select(BeschikkingVersie)).scalars().all()
    )


def test_loading_twice_changes_nothing(db, runner):
    laden(runner)
    voor = aantallen()
    assert voor["Beschikking"] == 9

    uitvoer = laden(runner)

    assert aantallen() == voor
    assert "Demo-regeling Versterkingsgelden: was er al, niets toegevoegd." in uitvoer


@pytest.mark.usefixtures("demo")
def test_the_overview_labels_the_demo_and_a_real_scheme_not(db, officier):
    echt = maak_regeling(naam="Versterkingsgelden 2016-2019", jaar=2016)
    demo_jaar, echt_jaar = (
        db.session.execute(select(RegelingJaar).order_by(RegelingJaar.jaar)).scalars().all()
    )
    assert echt_jaar.regeling_id == echt.id

    demo = officier.get(f"/versterkingsgelden/jaren/{demo_jaar.id}/overzicht")
    niet_demo = officier.get(f"/versterkingsgelden/jaren/{echt_jaar.id}/overzicht")

    assert '<span class="label label--demo">demogegevens</span>' in demo.text
    assert "demogegevens" not in niet_demo.text.lower()
    assert "Geen beschikkingen voor Versterkingsgelden 2016-2019 2016." in niet_demo.text


@pytest.mark.parametrize(
    ("omschrijving", "verwacht"),
    [("Demogegevens: verzonnen", True), ("De echte regeling", False), (None, False)],
)
def test_only_the_demo_scheme_counts_as_demo(omschrijving, verwacht):
    regeling = Regeling(naam=DEMO_REGELING, grondslag="x", omschrijving=omschrijving)

    assert is_demo(regeling) is verwacht
    assert not is_demo(Regeling(naam="Iets anders", grondslag="x", omschrijving=omschrijving))


@pytest.mark.usefixtures("demo")
def test_the_demo_municipality_user_sees_amsterdams_grant_on_their_page(client):
    meld_aan(client, "gemeente@demo.example", "demo-wachtwoord-voor-tests")

    pagina = client.get("/", follow_redirects=True).text

    assert '<h2 id="versterkingsgelden">Versterkingsgelden</h2>' in pagina
    assert ">VG-2015-GM0363</a>" in pagina
    assert "VG-2015-GM0518" not in pagina
