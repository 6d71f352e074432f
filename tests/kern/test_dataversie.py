"""The data version (`kern.audit.Dataversie`): raised once by every transaction that changes
programme data, in that transaction; and the cache's keys (`kern.cache.sleutel`)."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from kern import audit, cache
from kern.audit import Dataversie
from kern.db import db
from tests.gemeenten.factories import maak_gemeente
from tests.subsidies.factories import maak_beschikking, maak_regeling


def _gezien_van_buiten() -> int:
    """The version another connection sees: only what is committed."""
    with db.engine.connect() as verbinding:
        return int(verbinding.execute(sa.select(Dataversie.versie)).scalar() or 0)


def test_a_change_raises_the_version_once_when_its_transaction_commits(db):
    assert audit.dataversie() == 0
    regeling = maak_regeling()  # flushed: several rows, in several flushes
    maak_beschikking(maak_gemeente("GM0363", "Amsterdam"), regeling)

    assert _gezien_van_buiten() == 0  # nothing is committed yet
    db.session.commit()

    assert _gezien_van_buiten() == 1
    assert audit.dataversie() == 1


def test_a_rolled_back_change_does_not_raise_the_version(db):
    maak_regeling()
    db.session.commit()
    regeling = maak_regeling("Andere regeling")
    regeling.naam = "Nog een naam"
    db.session.flush()

    db.session.rollback()

    assert audit.dataversie() == 1
    assert _gezien_van_buiten() == 1
    # The next transaction that changes something raises it again, once.
    maak_regeling("Derde regeling")
    db.session.commit()
    assert audit.dataversie() == 2


def test_a_transaction_that_changes_no_programme_data_leaves_the_version(db):
    maak_regeling()
    db.session.commit()

    db.session.execute(sa.select(1))
    db.session.commit()

    assert audit.dataversie() == 1


def test_renaming_a_municipality_raises_the_version_too(db):
    """The overviews show the register's names; a municipality is no audited row."""
    amsterdam = maak_gemeente("GM0363", "Amsterdam")
    db.session.commit()
    versie = audit.dataversie()

    amsterdam.roepnaam = "Mokum"
    db.session.commit()

    assert audit.dataversie() == versie + 1


def test_an_audited_change_in_one_transaction_with_others_raises_it_by_one(db):
    regeling = maak_regeling()
    db.session.commit()

    regeling.jaren[0].plafond = Decimal("6000000.00")
    db.session.flush()
    regeling.naam = "Hernoemd"
    db.session.commit()

    assert audit.dataversie() == 2


def test_keys_differ_per_version_and_per_part_and_not_per_order():
    eerst = cache.sleutel("overzicht", 3, {"jaar": 1, "q": "Amster", "status": "beschikt"})

    assert eerst == cache.sleutel("overzicht", 3, {"status": "beschikt", "q": "Amster", "jaar": 1})
    assert eerst != cache.sleutel("overzicht", 4, {"jaar": 1, "q": "Amster", "status": "beschikt"})
    assert eerst != cache.sleutel("overzicht", 3, {"jaar": 1, "q": "Amste", "status": "beschikt"})
    assert eerst != cache.sleutel("overzicht", 3, {"jaar": 2, "q": "Amster", "status": "beschikt"})
    assert eerst != cache.sleutel(
        "bestedingen", 3, {"jaar": 1, "q": "Amster", "status": "beschikt"}
    )
    assert eerst.startswith("overzicht:3:")
