"""The database object, the declarative base and the column types every domain shares."""

from __future__ import annotations

import enum
import json
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, registry

from kern import tijd

# Every constraint gets a stable, predictable name, so that migrations can refer to it on
# SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current moment, timezone-aware, in UTC: the clock of `kern.tijd`."""
    return tijd.nu()


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware.

    PostgreSQL keeps the offset (``timestamptz``); SQLite keeps none, so values are stored in
    UTC and given their zone back on the way out. Naive datetimes are refused: they are a bug.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give every timestamp a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Keuze(enum.StrEnum):
    """A state or kind stored by its value; on screen the value as a capitalised word."""

    @property
    def label(self) -> str:
        return self.value.capitalize()


def tekst_enum(soort: type[enum.Enum], naam: str, lengte: int = 20) -> sa.Enum:
    """An enum column stored as its values in a VARCHAR with a named CHECK constraint,
    the same on SQLite and PostgreSQL (no native ENUM type to migrate)."""
    return sa.Enum(
        soort,
        native_enum=False,
        length=lengte,
        values_callable=lambda waarden: [w.value for w in waarden],
        create_constraint=True,
        name=naam,
    )


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        # Every `Mapped[datetime]` is timezone-aware.
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)


@sa.event.listens_for(sa.Engine, "connect")
def _sqlite_wal(verbinding: Any, _: Any) -> None:
    """SQLite in WAL mode (kept in the file): pages that read go on while another connection
    writes. In SQLite's default mode a long write transaction (a background job's import,
    `kern.taken`) takes an exclusive lock whenever its changes outgrow the cache, and every
    page that reads meanwhile waits and fails with the 503 page."""
    if isinstance(verbinding, sqlite3.Connection):
        verbinding.execute("PRAGMA journal_mode=WAL")


# Flask-SQLAlchemy builds its model class at runtime; for the type checker it is `Base`.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


CENT = Decimal("0.01")


class Geld(sa.TypeDecorator[Decimal]):
    """Money in euros: exact, two decimals, `Decimal` in and out; floats are refused.

    PostgreSQL stores ``NUMERIC(14, 2)``. SQLite has no exact decimal type (it would keep a
    float), so there the column holds whole cents. Check constraints such as ``bedrag >= 0``
    hold on both. Keep arithmetic between money columns in Python, or wrap it in
    ``sa.type_coerce(..., Geld())``: a bare SQL expression would lose this type.
    """

    impl = sa.Numeric(14, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        return dialect.type_descriptor(sa.Numeric(14, 2))

    def process_bind_param(self, value: Decimal | int | None, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise TypeError(f"money must be Decimal, not {type(value).__name__}")
        bedrag = Decimal(value)
        if bedrag != bedrag.quantize(CENT):
            raise ValueError(f"money has at most two decimals, not {bedrag}")
        if dialect.name == "sqlite":
            return int(bedrag * 100)
        return bedrag.quantize(CENT)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / 100).quantize(CENT)
        return Decimal(value).quantize(CENT)


def ververs_statistieken() -> None:
    """After loading much data at once: the query planner's statistics of every table
    (``ANALYZE``, on PostgreSQL and SQLite alike), which PostgreSQL's autovacuum would otherwise
    gather only a minute or more later; until then it plans for nearly empty tables."""
    db.session.execute(sa.text("ANALYZE"))


def voeg_veel_in(
    tabel: sa.Table, rijen: list[dict[str, Any]], *, met_ids: bool = False
) -> list[int] | None:
    """Insert many rows into ``tabel`` (every row with the same columns) in the session's
    transaction, the fastest way the database offers; with ``met_ids``, return the new ids in
    the order of ``rijen``.

    PostgreSQL: one COPY, the ids taken from the table's own sequence first (so later inserts
    go on after them). Elsewhere: a multi-row INSERT, RETURNING the ids in order. Values go
    through the columns' types as in any insert (money, enums, JSON, times).
    """
    if not rijen:
        return [] if met_ids else None
    verbinding = db.session.connection()
    dialect = verbinding.dialect
    if dialect.name != "postgresql":
        if not met_ids:
            verbinding.execute(sa.insert(tabel), rijen)
            return None
        resultaat = verbinding.execute(
            sa.insert(tabel).returning(tabel.c.id, sort_by_parameter_order=True), rijen
        )
        return list(resultaat.scalars())
    kolommen = list(rijen[0])
    ids: list[int] | None = None
    if met_ids:
        reeks = sa.func.pg_get_serial_sequence(tabel.name, "id")
        ids = list(
            verbinding.execute(
                sa.select(sa.func.nextval(reeks)).select_from(
                    sa.func.generate_series(1, len(rijen))
                )
            ).scalars()
        )
    omzetten = [_naar_copy(tabel.c[k].type, dialect) for k in kolommen]
    namen = ", ".join(
        dialect.identifier_preparer.quote(k) for k in (["id"] if ids else []) + kolommen
    )
    sql = f"COPY {dialect.identifier_preparer.format_table(tabel)} ({namen}) FROM STDIN"
    with verbinding.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
        for nummer, rij in enumerate(rijen):
            waarden = [
                w if zet is None else zet(w)
                for zet, w in zip(omzetten, (rij[k] for k in kolommen), strict=True)
            ]
            copy.write_row([ids[nummer], *waarden] if ids else waarden)
    return ids


def _naar_copy(soort: sa.types.TypeEngine[Any], dialect: sa.Dialect) -> Any:
    """How a value of a column of type ``soort`` goes into a COPY: as an insert binds it, and
    JSON as its text (the driver adapts a dict only as a query parameter)."""
    if isinstance(soort, sa.JSON):
        return lambda waarde: None if waarde is None else json.dumps(waarde)
    return soort.bind_processor(dialect)
