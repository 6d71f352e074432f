"""Sessions on the server: each sign-in is a `Sessie`, which the cookie names by its token.

A session ends when its user signs out, after ``SESSIE_INACTIEF`` seconds without a request
(30 minutes), ``SESSIE_MAXIMAAL`` seconds after it began (12 hours) whatever happens, or when
all the user's sessions end: a new password, blocking, "overal afmelden". An ended session opens
nothing, however often its cookie is sent again. A sign-in always starts a new session and a
new cookie, so that nothing of before the sign-in carries over (session fixation).

The last activity is written at most once per ``SESSIE_ACTIVITEIT_BIJWERKEN_NA`` seconds, in the
request's own session at its very start (`kern.app` loads the user before any view runs), so
that a page adds no write per request.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app, g, request, session
from flask_login import login_user
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import contains_eager

from kern.accounts.models import Gebruiker, Sessie, nieuw_sessietoken, sleutel_van
from kern.db import db, utcnow


def _seconden(naam: str) -> timedelta:
    return timedelta(seconds=int(current_app.config[naam]))


def _verlopen(sessie: Sessie, nu: datetime) -> bool:
    """Idle for too long, or too old, whatever its activity."""
    stil = nu - sessie.laatst_actief_op > _seconden("SESSIE_INACTIEF")
    return stil or nu - sessie.begonnen_op > _seconden("SESSIE_MAXIMAAL")


def begin(gebruiker: Gebruiker) -> Sessie:
    """Sign ``gebruiker`` in, in a new session; the caller commits."""
    session.clear()
    token = nieuw_sessietoken()
    sessie = Sessie(
        sleutel=sleutel_van(token),
        gebruiker=gebruiker,
        adres=(request.remote_addr or "")[:45],
        browser=request.user_agent.string[:200],
    )
    db.session.add(sessie)
    db.session.flush()
    g.sessietoken, g.sessie = token, sessie
    login_user(gebruiker)
    return sessie


def geldige(token: str) -> Sessie | None:
    """The running session this token names, its user loaded; None when there is none, or
    when it has just run out (it is then ended and committed, before any view ran)."""
    sessie = db.session.execute(
        select(Sessie)
        .join(Sessie.gebruiker)
        .options(contains_eager(Sessie.gebruiker))
        .where(Sessie.sleutel == sleutel_van(token), Sessie.beeindigd_op.is_(None))
        .where(Gebruiker.actief)
    ).scalar_one_or_none()
    if sessie is None:
        return None
    nu = utcnow()
    if _verlopen(sessie, nu):
        sessie.beeindigd_op = nu
        db.session.commit()
        return None
    if nu - sessie.laatst_actief_op > _seconden("SESSIE_ACTIVITEIT_BIJWERKEN_NA"):
        sessie.laatst_actief_op = nu
        db.session.commit()
    g.sessietoken, g.sessie = token, sessie
    return sessie


def huidige() -> Sessie | None:
    """This request's session, once the user is loaded."""
    sessie: Sessie | None = g.get("sessie")
    return sessie


def beeindig(sessie: Sessie) -> None:
    sessie.beeindigd_op = utcnow()
    db.session.flush()


def beeindig_alle(gebruiker: Gebruiker, behalve: Sessie | None = None) -> int:
    """End every running session of ``gebruiker`` (but ``behalve``); returns how many."""
    opdracht = (
        update(Sessie)
        .where(Sessie.gebruiker_id == gebruiker.id, Sessie.beeindigd_op.is_(None))
        .values(beeindigd_op=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if behalve is not None:
        opdracht = opdracht.where(Sessie.id != behalve.id)
    resultaat: CursorResult[Any] = db.session.execute(opdracht)  # type: ignore[assignment]
    return int(resultaat.rowcount or 0)


def lopende(gebruiker: Gebruiker) -> list[Sessie]:
    """The user's sessions that still open pages, the most recently active first."""
    nu = utcnow()
    return [
        s
        for s in db.session.execute(
            select(Sessie)
            .where(Sessie.gebruiker_id == gebruiker.id, Sessie.beeindigd_op.is_(None))
            .order_by(Sessie.laatst_actief_op.desc(), Sessie.id.desc())
        ).scalars()
        if not _verlopen(s, nu)
    ]
