"""The audit trail: every change to grant data, with who, when, old and new; never editable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_login import login_user

from kern import audit
from kern.accounts.models import Rol
from kern.audit import AuditRegel
from subsidies import services
from tests.gemeenten.factories import maak_gemeente
from tests.kern.factories import maak_gebruiker
from tests.subsidies.factories import maak_beschikking


def test_creating_and_amending_a_decision_is_written_down_with_old_and_new_values(db):
    gemeente = maak_gemeente()
    with audit.als("beleid@ministerie.nl"):
        beschikking = maak_beschikking(gemeente, bedrag=Decimal("100000.00"))
        services.wijzig_beschikking(
            beschikking,
            services.BeschikkingGegevens(bedrag=Decimal("120000.00")),
            door="beleid@ministerie.nl",
            versie=beschikking.versie,
            reden="Extra casuïstiek",
        )
    db.session.commit()

    regels = audit.historie("beschikking", beschikking.id)

    assert [r.actie for r in regels] == ["aangemaakt", "gewijzigd", "gewijzigd"]
    assert all(r.door == "beleid@ministerie.nl" for r in regels)
    assert regels[0].wijzigingen["bedrag"] == [None, "100000.00"]
    assert regels[1].wijzigingen["status"] == ["concept", "beschikt"]
    assert regels[2].wijzigingen["bedrag"] == ["100000.00", "120000.00"]
    assert regels[2].wijzigingen["status"] == ["beschikt", "gewijzigd"]
    assert all(r.tijdstip.tzinfo is not None for r in regels)


def test_a_signed_in_user_is_recorded_as_the_author(app, db):
    officer = maak_gebruiker(Rol.BELEIDSMEDEWERKER)
    gemeente = maak_gemeente()
    db.session.commit()

    with app.test_request_context():
        login_user(officer)
        maak_beschikking(gemeente)
        db.session.commit()

    regel = db.session.execute(sa.select(AuditRegel).order_by(AuditRegel.id)).scalars().first()
    assert regel.door == officer.email
    assert regel.gebruiker_id == officer.id


def test_a_payment_registered_as_paid_is_in_the_trail(db):
    beschikking = maak_beschikking(maak_gemeente())
    betaling = services.plan_betaling(
        beschikking,
        soort=services.BetalingSoort.VOORSCHOT,
        bedrag=Decimal("40000.00"),
        gepland_op=date(2015, 11, 1),
    )
    services.registreer_betaling(betaling, betaald_op=date(2015, 11, 3), versie=betaling.versie)
    db.session.commit()

    regels = audit.historie("betaling", betaling.id)

    assert regels[-1].wijzigingen["betaald_op"] == [None, "2015-11-03"]
    assert regels[0].wijzigingen["bedrag"] == [None, "40000.00"]


def test_nothing_unchanged_is_written(db):
    beschikking = maak_beschikking(maak_gemeente())
    db.session.commit()
    aantal = len(audit.historie("beschikking", beschikking.id))

    beschikking.toelichting = beschikking.toelichting
    db.session.commit()

    assert len(audit.historie("beschikking", beschikking.id)) == aantal


def test_the_trail_cannot_be_changed_or_deleted_through_the_application(db):
    beschikking = maak_beschikking(maak_gemeente())
    db.session.commit()
    regel = audit.historie("beschikking", beschikking.id)[0]

    regel.door = "iemand anders"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()

    db.session.delete(db.session.get(AuditRegel, regel.id))
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditRegel, regel.id).door != "iemand anders"


def test_a_rolled_back_change_leaves_no_entry(db):
    gemeente = maak_gemeente()
    db.session.commit()
    voor = db.session.execute(sa.select(sa.func.count(AuditRegel.id))).scalar_one()

    maak_beschikking(gemeente)
    db.session.rollback()

    assert db.session.execute(sa.select(sa.func.count(AuditRegel.id))).scalar_one() == voor


def test_rows_removed_by_a_cascade_are_written_down(db):
    beschikking = maak_beschikking(maak_gemeente(), bedrag=Decimal("100000.00"), beschikt=False)
    kennis = beschikking.regeling_jaar.regeling.doelen[0]
    services.wijzig_beschikking(
        beschikking,
        services.BeschikkingGegevens(
            bedrag=Decimal("100000.00"), doelbedragen={kennis.id: Decimal("100000.00")}
        ),
        door="t",
        versie=beschikking.versie,
        reden="Verdeling",
    )
    [doelbedrag] = beschikking.doelbedragen
    # Without the split, the per-purpose row goes as a delete-orphan of the decision.
    services.wijzig_beschikking(
        beschikking,
        services.BeschikkingGegevens(bedrag=Decimal("100000.00")),
        door="t",
        versie=beschikking.versie,
        reden="Zonder verdeling",
    )
    db.session.commit()

    laatste = audit.historie("doelbedrag", doelbedrag.id)[-1]

    assert laatste.actie == "verwijderd"
    assert laatste.wijzigingen["bedrag"] == ["100000.00", None]


def test_changing_the_participants_of_a_region_is_written_down(db):
    lead = maak_gemeente()
    zaanstad = maak_gemeente("GM0479", "Zaanstad", "Noord-Holland")
    beschikking = maak_beschikking(lead)
    services.wijzig_beschikking(
        beschikking,
        services.BeschikkingGegevens(
            bedrag=beschikking.bedrag, regio_naam="Regio Zaanstreek", deelnemers=[zaanstad]
        ),
        door="t",
        versie=beschikking.versie,
        reden="Regio",
    )
    db.session.commit()

    laatste = audit.historie("beschikking", beschikking.id)[-1]

    assert laatste.wijzigingen["deelnemers"] == [[], ["GM0479 Zaanstad"]]
    assert laatste.wijzigingen["regio_naam"] == [None, "Regio Zaanstreek"]
