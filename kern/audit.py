"""The audit trail: who changed what, when, with the old and the new values.

A model opts in by inheriting `Geaudit`. Every flush then writes, in the same transaction, one
`AuditRegel` per inserted, changed or deleted row of such a model (also rows removed by a
cascade), so that no service can forget it. Entries are never changed or removed: the
application refuses to flush either.

The same changes raise the *data version* (`Dataversie`, `dataversie()`): one number for all
programme data, raised once in every transaction that changes an audited row (or another
`Versiebepalend` one, such as a municipality's name), in that transaction, just before it
commits. A page computed from programme data and cached under the version it read first
(`kern.cache`) is therefore never served after a change: the next request reads the new
version. A transaction that rolls back raises nothing.
"""

from __future__ import annotations

import contextvars
import enum
import functools
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, insert, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column, object_session

from kern.db import Model, utcnow

_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_actor", default=None)


class Versiebepalend:
    """Mixin: a change to this model raises the data version (`Dataversie`)."""


class Geaudit(Versiebepalend):
    """Mixin: changes to this model are written to the audit trail under ``__audit_soort__``.

    Column changes are recorded; collections (many-to-many) only when named in
    ``__audit_relaties__``.
    """

    __audit_soort__: str
    __audit_relaties__: tuple[str, ...] = ()


class AuditRegel(Model):
    __tablename__ = "audit_regels"
    __table_args__ = (sa.Index("ix_audit_regels_object", "soort", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tijdstip: Mapped[datetime] = mapped_column(default=utcnow)
    gebruiker_id: Mapped[int | None]
    door: Mapped[str] = mapped_column(sa.String(254))
    soort: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int]
    actie: Mapped[str] = mapped_column(sa.String(20))  # aangemaakt, gewijzigd, verwijderd
    # {"veld": [oud, nieuw]}; values as text, money as "1234.50", dates as ISO.
    wijzigingen: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


class Dataversie(Model):
    """One row (id 1): the data version, raised by every transaction that changes programme
    data. Absent until the first such change (version 0)."""

    __tablename__ = "dataversie"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    versie: Mapped[int] = mapped_column(sa.BigInteger)


@contextmanager
def als(door: str) -> Iterator[None]:
    """Attribute the changes made in this block to ``door`` (a CLI command, a job)."""
    token = _actor.set(door)
    try:
        yield
    finally:
        _actor.reset(token)


def _wie() -> tuple[int | None, str]:
    expliciet = _actor.get()
    if expliciet is not None:
        return None, expliciet
    if has_request_context() and current_user.is_authenticated:
        return int(current_user.id), str(current_user.email)
    return None, "systeem"


def _tekst(waarde: Any) -> Any:
    if waarde is None or isinstance(waarde, bool | int | str):
        return waarde
    if isinstance(waarde, Decimal):
        return f"{waarde:.2f}"
    if isinstance(waarde, datetime | date):
        return waarde.isoformat()
    if isinstance(waarde, enum.Enum):
        return waarde.value
    return str(waarde)


def _kolommen(obj: Any) -> Iterator[tuple[str, Any]]:
    """(attribute, column attribute state) of every mapped column of ``obj``."""
    toestand = inspect(obj)
    for kolom in toestand.mapper.column_attrs:
        yield kolom.key, toestand.attrs[kolom.key]


def _wijzigingen(obj: Any, actie: str) -> dict[str, list[Any]]:
    uit: dict[str, list[Any]] = {}
    for naam, attribuut in _kolommen(obj):
        if naam == "id":
            continue
        if actie == "aangemaakt":
            uit[naam] = [None, _tekst(attribuut.value)]
        elif actie == "verwijderd":
            uit[naam] = [_tekst(attribuut.value), None]
        else:
            historie = attribuut.history
            if historie.has_changes():
                oud = historie.deleted[0] if historie.deleted else None
                nieuw = historie.added[0] if historie.added else None
                if oud != nieuw:
                    uit[naam] = [_tekst(oud), _tekst(nieuw)]
    return uit


@event.listens_for(Session, "before_flush")
def _weiger_wijzigen(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditRegel) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("The audit trail cannot be changed.")


def _relaties(obj: Any, actie: str) -> dict[str, list[Any]]:
    """Changes to the collections named in ``__audit_relaties__`` (labels, sorted)."""
    uit: dict[str, list[Any]] = {}
    toestand = inspect(obj)
    for naam in getattr(obj, "__audit_relaties__", ()):
        historie = toestand.attrs[naam].history
        if actie == "gewijzigd" and not historie.has_changes():
            continue
        ongewijzigd = list(historie.unchanged or ())
        oud = sorted(_label(o) for o in (*ongewijzigd, *(historie.deleted or ())))
        nieuw = sorted(_label(o) for o in (*ongewijzigd, *(historie.added or ())))
        if actie == "aangemaakt":
            oud = []
        if oud != nieuw:
            uit[naam] = [oud, nieuw]
    return uit


def _label(obj: Any) -> str:
    return str(getattr(obj, "label", obj))


def _schrijf(actie: str) -> Any:
    def luisteraar(mapper: Any, connection: sa.Connection, obj: Any) -> None:
        wijzigingen = {**_wijzigingen(obj, actie), **_relaties(obj, actie)}
        if actie == "gewijzigd" and not wijzigingen:
            return
        object_id = mapper.primary_key_from_instance(obj)[0]
        connection.execute(
            insert(AuditRegel), regels([(obj.__audit_soort__, object_id, actie, wijzigingen)])
        )

    return luisteraar


# --- The same entries for rows written in bulk (`insert(Model)` with a list of rows) ---------

Entry = tuple[str, int, str, dict[str, list[Any]]]  # soort, object id, actie, wijzigingen


def regels(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """The rows of `AuditRegel` for ``entries``, attributed as the listener attributes them
    (`als`, the signed-in user, or "systeem")."""
    gebruiker_id, door = _wie()
    tijdstip = utcnow()
    return [
        {
            "tijdstip": tijdstip,
            "gebruiker_id": gebruiker_id,
            "door": door,
            "soort": soort,
            "object_id": object_id,
            "actie": actie,
            "wijzigingen": wijzigingen,
        }
        for soort, object_id, actie, wijzigingen in entries
    ]


def schrijf(entries: Iterable[Entry]) -> None:
    """Write the entries of changes made without the ORM's unit of work, in one insert; the
    transaction then raises the data version when it commits, as after a flush of them."""
    from kern.db import db, voeg_veel_in

    rijen = regels(entries)
    if rijen:
        voeg_veel_in(AuditRegel.__table__, rijen)  # type: ignore[arg-type]
        db.session.info[_GEWIJZIGD] = True


@functools.cache
def kolomnamen(model: type) -> tuple[str, ...]:
    """The mapped columns of ``model`` an entry names: all but the id, in the mapper's order."""
    kolommen: Iterable[Any] = inspect(model).column_attrs
    return tuple(kolom.key for kolom in kolommen if kolom.key != "id")


def aangemaakt(model: type, waarden: Mapping[str, Any]) -> dict[str, list[Any]]:
    """What the listener records for a new row of ``model`` whose columns are ``waarden``
    (every mapped column but the id)."""
    return {naam: [None, _tekst(waarden[naam])] for naam in kolomnamen(model)}


def verwijderd(model: type, waarden: Mapping[str, Any]) -> dict[str, list[Any]]:
    """What the listener records for a removed row."""
    return {naam: [_tekst(waarden[naam]), None] for naam in kolomnamen(model)}


def gewijzigd(oud: Mapping[str, Any], nieuw: Mapping[str, Any]) -> dict[str, list[Any]]:
    """What the listener records for a changed row: the columns of ``nieuw`` whose value
    differs from ``oud`` (the version column is never among them: the ORM sets it itself)."""
    return {
        naam: [_tekst(oud[naam]), _tekst(waarde)]
        for naam, waarde in nieuw.items()
        if oud[naam] != waarde
    }


def labels(objecten: Iterable[Any]) -> list[str]:
    """A collection as `__audit_relaties__` records it: its members' labels, sorted."""
    return sorted(_label(o) for o in objecten)


# Mapper events, not session events: they also see rows that a delete-orphan cascade removes
# and run inside the flush, on its connection, so an entry exists exactly when the change does.
event.listen(Geaudit, "after_insert", _schrijf("aangemaakt"), propagate=True)
event.listen(Geaudit, "after_update", _schrijf("gewijzigd"), propagate=True)
event.listen(Geaudit, "after_delete", _schrijf("verwijderd"), propagate=True)


def _van(objecten: Iterable[tuple[str, int]]) -> sa.ColumnElement[bool]:
    """The entries of these objects ((soort, id) each), as a condition."""
    per_soort: dict[str, set[int]] = {}
    for soort, object_id in objecten:
        per_soort.setdefault(soort, set()).add(object_id)
    if not per_soort:
        return sa.false()
    return sa.or_(
        *(
            sa.and_(AuditRegel.soort == soort, AuditRegel.object_id.in_(sorted(ids)))
            for soort, ids in per_soort.items()
        )
    )


def historie_van(
    objecten: Iterable[tuple[str, int]],
) -> dict[tuple[str, int], list[AuditRegel]]:
    """The trails of several objects ((soort, id) each) in one query, each oldest first."""
    from kern.db import db

    objecten = list(objecten)
    uit: dict[tuple[str, int], list[AuditRegel]] = {obj: [] for obj in objecten}
    if not objecten:
        return uit
    for regel in db.session.execute(
        sa.select(AuditRegel).where(_van(objecten)).order_by(AuditRegel.id)
    ).scalars():
        uit[(regel.soort, regel.object_id)].append(regel)
    return uit


def nieuwste_eerst(objecten: Iterable[tuple[str, int]]) -> sa.Select[AuditRegel]:
    """The entries of several objects together, newest first: a query to take a page of."""
    return (
        sa.select(AuditRegel)
        .where(_van(list(objecten)))
        .order_by(AuditRegel.tijdstip.desc(), AuditRegel.id.desc())
    )


def eerste_van(objecten: Iterable[tuple[str, int]]) -> dict[tuple[str, int], AuditRegel]:
    """Each object's first entry (what it was made as), in one query."""
    from kern.db import db

    objecten = list(objecten)
    if not objecten:
        return {}
    eerste = (
        sa.select(sa.func.min(AuditRegel.id))
        .where(_van(objecten))
        .group_by(AuditRegel.soort, AuditRegel.object_id)
    )
    return {
        (r.soort, r.object_id): r
        for r in db.session.scalars(sa.select(AuditRegel).where(AuditRegel.id.in_(eerste)))
    }


def historie(soort: str, object_id: int) -> list[AuditRegel]:
    """The trail of one object, oldest first."""
    from kern.db import db

    return list(
        db.session.execute(
            sa.select(AuditRegel)
            .where(AuditRegel.soort == soort, AuditRegel.object_id == object_id)
            .order_by(AuditRegel.id)
        ).scalars()
    )


# --- The data version -----------------------------------------------------------------------

_GEWIJZIGD = "kern.audit.dataversie_ophogen"  # in Session.info: this transaction changed data


def _markeer(mapper: Any, connection: sa.Connection, obj: Any) -> None:
    session = object_session(obj)
    if session is not None:
        session.info[_GEWIJZIGD] = True


for _gebeurtenis in ("after_insert", "after_update", "after_delete"):
    event.listen(Versiebepalend, _gebeurtenis, _markeer, propagate=True)


@event.listens_for(Session, "before_commit")
def _hoog_dataversie_op(session: Session) -> None:
    """Raise the version in the committing transaction, after its last flush: the lock on the
    version's row is the last one a transaction takes and is held only while it commits, so
    two transactions never wait for each other's rows in opposite order because of it."""
    if session.in_nested_transaction():
        return
    session.flush()
    if not session.info.pop(_GEWIJZIGD, False):
        return
    verbinding = session.connection()
    maker = postgresql.insert if verbinding.dialect.name == "postgresql" else sqlite.insert
    verbinding.execute(
        maker(Dataversie)
        .values(id=1, versie=1)
        .on_conflict_do_update(
            index_elements=[Dataversie.id], set_={"versie": Dataversie.versie + 1}
        )
    )


@event.listens_for(Session, "after_transaction_end")
def _vergeet(session: Session, transactie: SessionTransaction) -> None:
    if transactie.parent is None:  # the whole transaction: committed or rolled back
        session.info.pop(_GEWIJZIGD, None)


def dataversie() -> int:
    """The data version as committed now (0 before the first change)."""
    from kern.db import db

    versie = db.session.execute(sa.select(Dataversie.versie).where(Dataversie.id == 1)).scalar()
    return int(versie or 0)
