"""The needs inventory's queries and changes. Services flush, the views commit; every change
of an inventory, part, theme, participant or answer is written to the audit trail by
`kern.audit`."""

from __future__ import annotations

from sqlalchemy import select

from gemeenten.inventarisatie.models import Inventarisatie
from kern.db import db


def inventarisaties() -> list[Inventarisatie]:
    """Every inventory, newest first."""
    return list(
        db.session.execute(
            select(Inventarisatie).order_by(Inventarisatie.datum.desc(), Inventarisatie.naam)
        ).scalars()
    )
