"""What the database itself holds to: one answer per municipality and theme, a priority from 1
to 5 and only with a need, answers only by invited municipalities on their own inventory's
themes, themes only in their own inventory's parts."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gemeenten.inventarisatie.models import Antwoord, Thema
from kern.audit import AuditRegel
from kern.db import db
from tests.inventarisatie.factories import (
    maak_antwoord,
    maak_deel,
    maak_deelnemer,
    maak_inventarisatie,
    maak_thema,
)


def sluit_sqlite_uit() -> None:
    """SQLite, as this application opens it, does not enforce foreign keys; the services check
    the same (tests/inventarisatie/test_services.py)."""
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite enforces no foreign keys here")


@pytest.fixture
def quickscan(amsterdam):
    inventarisatie = maak_inventarisatie()
    kennis = maak_thema(maak_deel(inventarisatie, "Kennisopbouw"), "Kennis")
    maak_deelnemer(inventarisatie, amsterdam)
    return inventarisatie, kennis


def test_an_answer_belongs_to_its_theme_inventory_and_municipality(amsterdam, quickscan):
    inventarisatie, kennis = quickscan

    antwoord = maak_antwoord(kennis, amsterdam, prioriteit=5, toelichting="Training nodig")

    assert antwoord.inventarisatie_id == inventarisatie.id
    assert inventarisatie.deelnemers[0].antwoorden == [antwoord]
    assert inventarisatie.themas == [kennis]
    assert kennis.inventarisatie is inventarisatie
    soorten = set(db.session.execute(select(AuditRegel.soort)).scalars())
    assert {"inventarisatie", "inventarisatiedeel", "thema", "antwoord"} <= soorten


def test_parts_and_themes_keep_their_order(quickscan):
    inventarisatie, kennis = quickscan
    lokaal = maak_deel(inventarisatie, "Lokale behoeften")
    netwerk = maak_thema(lokaal, "Netwerk sleutelfiguren")
    training = maak_thema(kennis.deel, "Training")

    db.session.expire_all()

    assert [d.naam for d in inventarisatie.delen] == ["Kennisopbouw", "Lokale behoeften"]
    assert inventarisatie.themas == [kennis, training, netwerk]


def test_one_answer_per_municipality_and_theme(amsterdam, quickscan):
    _, kennis = quickscan
    maak_antwoord(kennis, amsterdam)

    with pytest.raises(IntegrityError):
        maak_antwoord(kennis, amsterdam, behoefte=False, prioriteit=None)


@pytest.mark.parametrize(("behoefte", "prioriteit"), [(True, 0), (True, 6), (False, 2)])
def test_a_priority_is_1_to_5_and_only_with_a_need(amsterdam, quickscan, behoefte, prioriteit):
    _, kennis = quickscan

    with pytest.raises(IntegrityError):
        maak_antwoord(kennis, amsterdam, behoefte=behoefte, prioriteit=prioriteit)


def test_a_need_without_priority_is_allowed(amsterdam, quickscan):
    _, kennis = quickscan

    assert maak_antwoord(kennis, amsterdam, prioriteit=None).prioriteit is None


def test_only_an_invited_municipality_answers(rotterdam, quickscan):
    sluit_sqlite_uit()
    _, kennis = quickscan

    with pytest.raises(IntegrityError):
        maak_antwoord(kennis, rotterdam)


def test_an_answer_stays_on_its_own_inventorys_theme(amsterdam, quickscan):
    sluit_sqlite_uit()
    inventarisatie, _ = quickscan
    later = maak_inventarisatie("Inventarisatie 2017")
    elders = maak_thema(maak_deel(later), "Financiering")
    db.session.add(
        Antwoord(
            inventarisatie_id=inventarisatie.id,
            gemeente_id=amsterdam.id,
            thema_id=elders.id,
            behoefte=True,
            ingevuld_door="test",
        )
    )

    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_theme_stays_in_its_own_inventorys_part(quickscan):
    sluit_sqlite_uit()
    _, kennis = quickscan
    later = maak_inventarisatie("Inventarisatie 2017")
    db.session.add(
        Thema(inventarisatie_id=later.id, deel_id=kennis.deel_id, naam="Advies", volgorde=9)
    )

    with pytest.raises(IntegrityError):
        db.session.flush()
