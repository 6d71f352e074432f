"""`flask beheer backup` and `flask beheer herstel`: a consistent copy with a manifest, restored
only into an empty database and checked there, table by table, against that manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from kern import backup as backups
from kern import uploads

POSTGRES = "postgresql"


def afdruk(database_url: str) -> backups.Vingerafdruk:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as verbinding:
            return backups.vingerafdruk(verbinding)
    finally:
        engine.dispose()


def maak_backup(runner, map_: Path) -> Path:
    resultaat = runner.invoke(args=["beheer", "backup", "--map", str(map_)])
    assert resultaat.exit_code == 0, resultaat.output
    (bestand,) = [p for p in map_.iterdir() if not p.name.endswith(backups.MANIFEST)]
    assert f"Backup geschreven: {bestand}" in resultaat.output
    return bestand


@pytest.fixture
def met_upload(db, demo):
    """The demo, and an uploaded original (uploads live in the database, bytes and all)."""
    upload, _ = uploads.ontvang(
        b"PK\x03\x04 de bytes van een werkmap \x00\xff",
        soort="proef",
        bestandsnaam="verantwoording.xlsx",
        door="beleid@demo.example",
    )
    db.session.commit()
    return upload


def test_a_backup_restored_into_an_empty_database_holds_every_row(
    app, db, runner, met_upload, lege_database, tmp_path
):
    origineel = afdruk(app.config["SQLALCHEMY_DATABASE_URI"])
    bestand = maak_backup(runner, tmp_path / "backups")

    resultaat = runner.invoke(args=["beheer", "herstel", str(bestand), "--database", lege_database])

    assert resultaat.exit_code == 0, resultaat.output
    hersteld = afdruk(lege_database)
    assert hersteld == origineel  # every table: the same rows and the same checksum
    assert hersteld["uploads"].rijen >= 1
    assert hersteld["beschikkingen"].rijen > 0
    assert hersteld["audit_regels"].rijen > 0
    assert f"Teruggezet: {len(origineel)} tabellen" in resultaat.output
    assert "elke tabel gelijk aan het manifest" in resultaat.output
    manifest = json.loads(Path(f"{bestand}{backups.MANIFEST}").read_text(encoding="utf-8"))
    assert manifest["tabellen"]["uploads"]["rijen"] == origineel["uploads"].rijen
    assert manifest["database"] == make_url(lege_database).get_backend_name()


def test_a_restore_into_a_database_that_holds_tables_is_refused_and_changes_nothing(
    app, db, runner, tmp_path
):
    bestand = maak_backup(runner, tmp_path / "backups")
    voor = afdruk(app.config["SQLALCHEMY_DATABASE_URI"])

    resultaat = runner.invoke(args=["beheer", "herstel", str(bestand)])

    assert resultaat.exit_code == 1
    assert "De database is niet leeg." in resultaat.output
    assert afdruk(app.config["SQLALCHEMY_DATABASE_URI"]) == voor


def test_a_changed_backup_file_is_not_restored(runner, lege_database, tmp_path):
    bestand = maak_backup(runner, tmp_path / "backups")
    inhoud = bytearray(bestand.read_bytes())
    inhoud[len(inhoud) // 2] ^= 0xFF
    bestand.write_bytes(bytes(inhoud))

    resultaat = runner.invoke(args=["beheer", "herstel", str(bestand), "--database", lege_database])

    assert resultaat.exit_code == 1
    assert "is niet meer het bestand dat de backup schreef" in resultaat.output
    assert afdruk(lege_database) == {}


def test_a_backup_without_its_manifest_is_not_restored(runner, lege_database, tmp_path):
    bestand = maak_backup(runner, tmp_path / "backups")
    Path(f"{bestand}{backups.MANIFEST}").unlink()

    resultaat = runner.invoke(args=["beheer", "herstel", str(bestand), "--database", lege_database])

    assert resultaat.exit_code == 1
    assert "ontbreekt of is onleesbaar" in resultaat.output
    assert afdruk(lege_database) == {}


def test_a_backup_is_restored_only_into_its_own_kind_of_database(app, runner, tmp_path):
    bestand = maak_backup(runner, tmp_path / "backups")
    eigen = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    # Not connected to: the kinds differ, so the restore stops before it reaches the target.
    ander = (
        "postgresql+psycopg://niemand@127.0.0.1:9/nergens"
        if eigen == "sqlite"
        else f"sqlite:///{tmp_path / 'ander.sqlite'}"
    )

    resultaat = runner.invoke(args=["beheer", "herstel", str(bestand), "--database", ander])

    assert resultaat.exit_code == 1
    assert f"Deze backup komt uit een {eigen}-database" in resultaat.output


def test_a_file_of_the_wrong_kind_is_refused_even_when_its_manifest_says_otherwise(
    runner, lege_database, tmp_path
):
    soort = make_url(lege_database).get_backend_name()
    # A file of the other kind, named and described by its manifest as one of this kind.
    anders = b"PGDMP" if soort == "sqlite" else b"SQLite format 3\x00"
    bestand = tmp_path / f"backup-20261201T000000Z{backups.SOORTEN[soort]}"
    bestand.write_bytes(anders + bytes(200))
    manifest = {"database": soort, "bestand_sha256": backups.sha256_van(bestand), "tabellen": {}}
    Path(f"{bestand}{backups.MANIFEST}").write_text(json.dumps(manifest), encoding="utf-8")

    resultaat = runner.invoke(args=["beheer", "herstel", str(bestand), "--database", lege_database])

    assert resultaat.exit_code == 1
    assert f"is geen backup van een {soort}-database" in resultaat.output
    assert afdruk(lege_database) == {}


def test_restoring_a_file_that_does_not_exist_says_so(runner, tmp_path):
    resultaat = runner.invoke(args=["beheer", "herstel", str(tmp_path / "weg.sqlite")])

    assert resultaat.exit_code == 1
    assert "weg.sqlite bestaat niet." in resultaat.output
