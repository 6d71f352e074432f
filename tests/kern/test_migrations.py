"""The migrations build exactly the schema the models describe, and take it down again.

Runs on SQLite and on PostgreSQL (``TEST_DATABASE_URL``), like the rest of the suite.
"""

from __future__ import annotations

import logging
import logging.config

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import inspect, text

from kern.app import PROJECT
from kern.db import db

MIGRATIONS = PROJECT / "migrations"


@pytest.fixture
def leeg(db: SQLAlchemy, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty database: the tables the `app` fixture created are dropped."""
    # env.py hands alembic.ini to logging.config.fileConfig, which would replace pytest's log
    # handlers and the root level for the rest of the session.
    monkeypatch.setattr(logging.config, "fileConfig", lambda *args, **kwargs: None)
    db.drop_all()
    assert inspect(db.engine).get_table_names() == []


def test_migrations_have_one_head() -> None:
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert len(heads) == 1, f"more than one Alembic head, merge them: {heads}"


@pytest.mark.usefixtures("leeg")
def test_upgrade_builds_the_schema_of_the_models() -> None:
    flask_migrate.upgrade()

    with db.engine.connect() as verbinding:
        context = MigrationContext.configure(verbinding, opts={"compare_type": True})
        verschillen = compare_metadata(context, db.metadata)
    assert verschillen == [], f"models and migrations differ; write a migration: {verschillen}"


@pytest.mark.usefixtures("leeg")
def test_downgrade_to_base_leaves_no_tables() -> None:
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")

    with db.engine.connect() as verbinding:
        assert MigrationContext.configure(verbinding).get_current_revision() is None
        assert set(inspect(verbinding).get_table_names()) <= {"alembic_version"}


@pytest.mark.usefixtures("leeg")
def test_0005_moves_the_manual_versterkingsgelden_flags_into_the_history() -> None:
    flask_migrate.upgrade(revision="0004")
    with db.engine.begin() as verbinding:
        verbinding.execute(
            text(
                "INSERT INTO gemeenten (id, cbs_code, naam, provincie) "
                "VALUES (1, 'GM0363', 'Amsterdam', 'Noord-Holland')"
            )
        )
        verbinding.execute(
            text(
                "INSERT INTO deelnames (gemeente_id, programma, toelichting, demo) VALUES "
                "(1, 'versterkingsgelden', 'Sinds 2015', false), "
                "(1, 'onderwijsaanpak', NULL, false)"
            )
        )

    flask_migrate.upgrade(revision="0005")

    with db.engine.connect() as verbinding:
        assert verbinding.execute(text("SELECT programma FROM deelnames")).scalars().all() == [
            "onderwijsaanpak"
        ]
        assert verbinding.execute(
            text("SELECT soort, oud, nieuw, uitgevoerd_door FROM gemeente_mutaties")
        ).all() == [
            (
                "deelname",
                "Versterkingsgelden (met de hand): Sinds 2015",
                "Versterkingsgelden: volgt uit de beschikkingen",
                "migratie 0005",
            )
        ]


@pytest.mark.usefixtures("leeg")
def test_0007_turns_the_manual_onderwijsaanpak_flags_into_cohort_members() -> None:
    flask_migrate.upgrade(revision="0006")
    with db.engine.begin() as verbinding:
        verbinding.execute(
            text(
                "INSERT INTO gemeenten (id, cbs_code, naam, provincie) VALUES "
                "(1, 'GM0363', 'Amsterdam', 'Noord-Holland'), "
                "(2, 'GM0599', 'Rotterdam', 'Zuid-Holland')"
            )
        )
        verbinding.execute(
            text(
                "INSERT INTO deelnames (gemeente_id, programma, toelichting, demo) VALUES "
                "(1, 'onderwijsaanpak', 'Sinds 2015', false), "
                "(2, 'onderwijsaanpak', 'Demo-cohort', true), "
                "(2, 'behoefte_inventarisatie', NULL, false)"
            )
        )

    flask_migrate.upgrade(revision="0007")

    with db.engine.connect() as verbinding:
        assert verbinding.execute(text("SELECT programma FROM deelnames")).scalars().all() == [
            "behoefte_inventarisatie"
        ]
        assert verbinding.execute(
            text("SELECT gemeente_id, fase, toelichting, demo FROM cohortleden")
        ).all() == [(1, "uitrol", "Sinds 2015", False)]
        [(fase, gepland, gestart, reden)] = verbinding.execute(
            text("SELECT fase, gepland_start, gestart_op, reden FROM faseperioden")
        ).all()
        assert (fase, str(gepland), gestart) == ("uitrol", "2016-01-01", None)
        assert "Controleer de fase" in reden
        assert verbinding.execute(
            text("SELECT gemeente_id, oud, nieuw FROM gemeente_mutaties ORDER BY gemeente_id")
        ).all() == [
            (
                1,
                "Onderwijsaanpak (met de hand): Sinds 2015",
                "Onderwijsaanpak: volgt uit het cohort (uitrol)",
            ),
            (
                2,
                "Onderwijsaanpak (demogegevens, met de hand): Demo-cohort",
                "Onderwijsaanpak: demogegevens opnieuw te laden",
            ),
        ]

    flask_migrate.downgrade(revision="0006")

    with db.engine.connect() as verbinding:
        assert verbinding.execute(
            text("SELECT gemeente_id, programma, toelichting FROM deelnames ORDER BY id")
        ).all() == [
            (2, "behoefte_inventarisatie", None),
            (1, "onderwijsaanpak", "Fase uitrol: Sinds 2015"),
        ]
        assert verbinding.execute(text("SELECT COUNT(*) FROM gemeente_mutaties")).scalar() == 0


@pytest.mark.usefixtures("leeg")
def test_0007_refuses_a_downgrade_that_would_lose_activities(
    caplog: pytest.LogCaptureFixture,
) -> None:
    flask_migrate.upgrade(revision="0007")
    with db.engine.begin() as verbinding:
        verbinding.execute(
            text(
                "INSERT INTO gemeenten (id, cbs_code, naam, provincie) "
                "VALUES (1, 'GM0363', 'Amsterdam', 'Noord-Holland')"
            )
        )
        verbinding.execute(
            text(
                "INSERT INTO activiteiten (gemeente_id, soort, datum, school, niveau, deelnemers, "
                "bron, gemeld_door, gemeld_op, versie) VALUES (1, 'burgerschap', '2016-03-01', "
                "'ROC', 'mbo', 30, 'web', 'test', '2016-03-02 10:00:00+00:00', 1)"
            )
        )

    with caplog.at_level(logging.ERROR, logger="flask_migrate"), pytest.raises(SystemExit):
        flask_migrate.downgrade(revision="0006")

    assert "This downgrade would lose 1 activiteit(en) of the onderwijsaanpak" in caplog.text

    with db.engine.connect() as verbinding:
        assert MigrationContext.configure(verbinding).get_current_revision() == "0007"


@pytest.mark.usefixtures("leeg")
def test_on_postgresql_the_trails_refuse_update_and_delete() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite has the application's guard only")
    flask_migrate.upgrade()
    with db.engine.begin() as verbinding:
        verbinding.execute(
            text(
                "INSERT INTO beveiligingslog (tijdstip, door, gebeurtenis, resultaat, object, "
                "adres, toelichting) VALUES (now(), 'a@b.nl', 'aanmelden', 'gelukt', '', '', '')"
            )
        )
        verbinding.execute(
            text(
                "INSERT INTO audit_regels (tijdstip, door, soort, object_id, actie, wijzigingen) "
                "VALUES (now(), 'a@b.nl', 'beschikking', 1, 'aangemaakt', '{}')"
            )
        )

    for opdracht in [
        "UPDATE beveiligingslog SET door = 'iemand anders'",
        "DELETE FROM beveiligingslog",
        "UPDATE audit_regels SET door = 'iemand anders'",
        "DELETE FROM audit_regels",
    ]:
        with pytest.raises(Exception, match="wordt alleen aangevuld"), db.engine.begin() as v:
            v.execute(text(opdracht))

    with db.engine.connect() as verbinding:
        assert verbinding.execute(text("SELECT door FROM beveiligingslog")).scalars().all() == [
            "a@b.nl"
        ]
        assert verbinding.execute(text("SELECT count(*) FROM audit_regels")).scalar_one() == 1


@pytest.mark.usefixtures("leeg")
def test_0014_lets_the_log_record_the_second_factor_and_ends_running_sessions() -> None:
    flask_migrate.upgrade(revision="0013")
    with db.engine.begin() as verbinding:
        verbinding.execute(
            text(
                "INSERT INTO gebruikers (email, naam, wachtwoord_hash, rol, actief, aangemaakt_op)"
                " VALUES ('a@b.nl', 'A', 'x', 'beheerder', true, CURRENT_TIMESTAMP)"
            )
        )
        verbinding.execute(
            text(
                "INSERT INTO sessies (sleutel, gebruiker_id, begonnen_op, laatst_actief_op, adres,"
                " browser) VALUES ('s', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '', '')"
            )
        )
    flask_migrate.upgrade()
    with db.engine.begin() as verbinding:
        verbinding.execute(
            text(
                "INSERT INTO beveiligingslog (tijdstip, door, gebeurtenis, resultaat, object, "
                "adres, toelichting) VALUES (CURRENT_TIMESTAMP, 'a@b.nl', 'tweede factor', "
                "'mislukt', '', '', '')"
            )
        )
        assert verbinding.execute(
            text("SELECT beeindigd_op IS NOT NULL, tweede_factor_op FROM sessies")
        ).all() == [(True, None)]
    with pytest.raises(Exception, match="ck_beveiligingslog_gebeurtenis"), db.engine.begin() as v:
        v.execute(
            text(
                "INSERT INTO beveiligingslog (tijdstip, door, gebeurtenis, resultaat, object, "
                "adres, toelichting) VALUES (CURRENT_TIMESTAMP, 'a@b.nl', 'verzonnen', "
                "'mislukt', '', '', '')"
            )
        )
