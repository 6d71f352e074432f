"""Counting the SQL statements a block of code sends, to show that a page does not query per
row (no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from kern.db import db


@contextmanager
def telling() -> Iterator[list[str]]:
    """The statements sent to the database while the block runs."""
    statements: list[str] = []

    def tel(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", tel)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", tel)
