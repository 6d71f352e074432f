"""Backups and restores of the whole database, uploads included (they are stored in it).

``flask beheer backup`` writes one consistent copy and, beside it, a manifest: per table its
number of rows and a SHA-256 over its rows in key order, taken from the very state the copy
holds. ``flask beheer herstel`` restores a copy into an empty database only, then computes the
same fingerprint of what it restored and compares it with the manifest, so that a restore says
whether it is complete rather than leaving that to hope.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database page by page
  while the application keeps running; the manifest is read from the copy itself.
- PostgreSQL: ``pg_dump --format=custom``. The manifest is read in a REPEATABLE READ transaction
  whose snapshot pg_dump is given (``pg_export_snapshot``), so both see the same moment;
  ``pg_restore --single-transaction`` restores all or nothing.

A copy is restored into the kind of database it came from; the manifest says which.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, make_url

from kern.db import utcnow

MANIFEST = ".manifest.json"
SOORTEN = {"sqlite": ".sqlite", "postgresql": ".dump"}
KOPPEN = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}  # each file's first bytes


class BackupFout(RuntimeError):
    """A backup or restore that cannot be done; the message is for the administrator."""


@dataclass(frozen=True)
class Tabel:
    rijen: int
    sha256: str


Vingerafdruk = dict[str, Tabel]


def _waarde(waarde: Any) -> str:
    if isinstance(waarde, bytes | memoryview):
        return bytes(waarde).hex()
    if isinstance(waarde, datetime | date):
        return waarde.isoformat()
    if isinstance(waarde, Decimal):
        return format(waarde, "f")
    return repr(waarde)


def vingerafdruk(verbinding: Connection) -> Vingerafdruk:
    """Per table of the database: its rows, and a hash over them in the order of their key."""
    metadata = sa.MetaData()
    metadata.reflect(verbinding)
    uit: Vingerafdruk = {}
    for naam in sorted(metadata.tables):
        tabel = metadata.tables[naam]
        volgorde = list(tabel.primary_key.columns) or list(tabel.columns)
        h = hashlib.sha256()
        rijen = 0
        for rij in verbinding.execution_options(stream_results=True).execute(
            sa.select(tabel).order_by(*volgorde)
        ):
            h.update("\x1f".join(_waarde(w) for w in rij).encode() + b"\x1e")
            rijen += 1
        uit[naam] = Tabel(rijen, h.hexdigest())
    return uit


def _soort(url: URL) -> str:
    soort = url.get_backend_name()
    if soort not in SOORTEN:
        raise BackupFout(f"Een backup van een {soort}-database kan deze toepassing niet maken.")
    return soort


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL for pg_dump and pg_restore, with the password in the environment, not argv."""
    omgeving = dict(os.environ)
    if url.password:
        omgeving["PGPASSWORD"] = str(url.password)
    kaal = url.set(drivername="postgresql", password=None)
    return kaal.render_as_string(hide_password=False), omgeving


def _programma(naam: str) -> str:
    gevonden = shutil.which(naam)
    if gevonden is None:
        raise BackupFout(
            f"{naam} is niet geïnstalleerd; installeer de PostgreSQL-clientprogramma's."
        )
    return gevonden


def _manifest_pad(bestand: Path) -> Path:
    return bestand.with_name(bestand.name + MANIFEST)


def sha256_van(bestand: Path) -> str:
    with bestand.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _schrijf_manifest(bestand: Path, soort: str, afdruk: Vingerafdruk) -> Path:
    pad = _manifest_pad(bestand)
    inhoud = {
        "gemaakt": utcnow().isoformat(),
        "database": soort,
        "bestand": bestand.name,
        "bestand_sha256": sha256_van(bestand),
        "tabellen": {naam: {"rijen": t.rijen, "sha256": t.sha256} for naam, t in afdruk.items()},
    }
    pad.write_text(json.dumps(inhoud, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return pad


def lees_manifest(bestand: Path) -> tuple[str, Vingerafdruk]:
    pad = _manifest_pad(bestand)
    try:
        inhoud = json.loads(pad.read_text(encoding="utf-8"))
        verwacht = inhoud["bestand_sha256"]
        afdruk = {
            naam: Tabel(int(t["rijen"]), str(t["sha256"])) for naam, t in inhoud["tabellen"].items()
        }
        soort = str(inhoud["database"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as fout:
        raise BackupFout(
            f"Het manifest {pad.name} ontbreekt of is onleesbaar; zonder manifest is niet na te "
            "gaan of de backup volledig is."
        ) from fout
    if sha256_van(bestand) != verwacht:
        raise BackupFout(
            f"{bestand.name} is niet meer het bestand dat de backup schreef (de SHA-256 verschilt "
            "van het manifest); het wordt niet teruggezet."
        )
    return soort, afdruk


def backup(database_url: str, map_: Path) -> Path:
    """Write a consistent copy of the database into ``map_``; returns the copy's path."""
    url = make_url(database_url)
    soort = _soort(url)
    map_.mkdir(parents=True, exist_ok=True)
    bestand = map_ / f"backup-{utcnow():%Y%m%dT%H%M%SZ}{SOORTEN[soort]}"
    if bestand.exists():
        raise BackupFout(f"{bestand} bestaat al; wacht een seconde en probeer het opnieuw.")
    maak = _backup_sqlite if soort == "sqlite" else _backup_postgresql
    afdruk = maak(url, bestand)
    _schrijf_manifest(bestand, soort, afdruk)
    return bestand


def _sqlite_pad(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupFout("Een database in het geheugen heeft geen backup.")
    return url.database


def _backup_sqlite(url: URL, bestand: Path) -> Vingerafdruk:
    bron = sqlite3.connect(f"file:{_sqlite_pad(url)}?mode=ro", uri=True)
    doel = sqlite3.connect(bestand)
    try:
        bron.backup(doel)
    finally:
        doel.close()
        bron.close()
    with _verbinding(f"sqlite:///{bestand}") as verbinding:
        return vingerafdruk(verbinding)


def _backup_postgresql(url: URL, bestand: Path) -> Vingerafdruk:
    pg_dump = _programma("pg_dump")
    doel, omgeving = _libpq(url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as verbinding:
            verbinding = verbinding.execution_options(isolation_level="REPEATABLE READ")
            with verbinding.begin():
                snapshot = verbinding.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
                afdruk = vingerafdruk(verbinding)
                opdracht = [pg_dump, "--format=custom", "--no-owner", "--no-privileges"]
                opdracht += [f"--snapshot={snapshot}", f"--file={bestand}", doel]
                _voer_uit(opdracht, omgeving, "pg_dump")
    finally:
        engine.dispose()
    return afdruk


def _voer_uit(opdracht: list[str], omgeving: dict[str, str], naam: str) -> None:
    # The program is found by shutil.which and its arguments are ours: no shell, no user text.
    klaar = subprocess.run(  # noqa: S603
        opdracht, env=omgeving, capture_output=True, text=True, check=False
    )
    if klaar.returncode != 0:
        raise BackupFout(f"{naam} is mislukt: {klaar.stderr.strip()}")


@contextmanager
def _verbinding(database_url: str) -> Iterator[Connection]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as verbinding:
            yield verbinding
    finally:
        engine.dispose()


def _is_leeg(database_url: str) -> bool:
    with _verbinding(database_url) as verbinding:
        return not sa.inspect(verbinding).get_table_names()


def herstel(bestand: Path, database_url: str) -> Vingerafdruk:
    """Restore ``bestand`` into the empty database at ``database_url`` and check it against the
    manifest; returns what was restored. Refuses a database that holds any table."""
    url = make_url(database_url)
    soort = _soort(url)
    if not bestand.is_file():
        raise BackupFout(f"{bestand} bestaat niet.")
    soort_backup, verwacht = lees_manifest(bestand)
    if soort_backup != soort:
        raise BackupFout(
            f"Deze backup komt uit een {soort_backup}-database en kan alleen in zo'n database "
            f"worden teruggezet, niet in {soort}."
        )
    with bestand.open("rb") as f:
        if f.read(len(KOPPEN[soort])) != KOPPEN[soort]:
            raise BackupFout(f"{bestand.name} is geen backup van een {soort}-database.")
    if soort == "sqlite" and not Path(_sqlite_pad(url)).exists():
        Path(_sqlite_pad(url)).touch()
    if not _is_leeg(database_url):
        raise BackupFout(
            "De database is niet leeg. Een backup wordt alleen in een lege database teruggezet, "
            "zodat er niets van twee momenten door elkaar komt."
        )
    if soort == "sqlite":
        bron = sqlite3.connect(f"file:{bestand}?mode=ro", uri=True)
        doel = sqlite3.connect(_sqlite_pad(url))
        try:
            bron.backup(doel)
        finally:
            doel.close()
            bron.close()
    else:
        doel_url, omgeving = _libpq(url)
        opdracht = [_programma("pg_restore"), "--no-owner", "--no-privileges"]
        opdracht += [
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={doel_url}",
            str(bestand),
        ]
        _voer_uit(opdracht, omgeving, "pg_restore")
    with _verbinding(database_url) as verbinding:
        hersteld = vingerafdruk(verbinding)
    verschillen = sorted(
        naam
        for naam in verwacht.keys() | hersteld.keys()
        if verwacht.get(naam) != hersteld.get(naam)
    )
    if verschillen:
        raise BackupFout(
            "De teruggezette database wijkt af van het manifest in: " + ", ".join(verschillen) + "."
        )
    return hersteld
