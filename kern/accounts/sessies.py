"""Sessions on the server: each sign-in is a `Sessie`, which the cookie names by its token.

A session ends when its user signs out, after ``SESSIE_INACTIEF`` seconds without a request
(30 minutes), ``SESSIE_MAXIMAAL`` seconds after it began (12 hours) whatever happens, or when
all the user's sessions end: a new password, blocking, "overal afmelden". An ended session opens
nothing, however often its cookie is sent again. A sign-in always starts a new session and a
new cookie, so that nothing of before the sign-in carries over (session fixation).

A session starts when the password checks out, waiting for the second factor
(`kern.accounts.tweede_factor`): its token is then kept under ``WACHTEND`` in the cookie, not
as Flask-Login's user id, and the user loader (`geldige`) never returns its user, so to every
view it is a visitor who has not signed in; only the second factor's own pages find it
(`wachtende`), for ``TWEEDE_FACTOR_TERMIJN`` seconds. The second factor completes it
(`voltooi`): a new token, and only then the user is signed in.

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

# The cookie's key for a session that waits for its second factor.
WACHTEND = "tweede_factor_sessie"


def _seconden(naam: str) -> timedelta:
    return timedelta(seconds=int(current_app.config[naam]))


def _verlopen(sessie: Sessie, nu: datetime) -> bool:
    """Idle for too long, or too old, whatever its activity; or still without its second
    factor too long after the password."""
    stil = nu - sessie.laatst_actief_op > _seconden("SESSIE_INACTIEF")
    if not sessie.voltooid and nu - sessie.begonnen_op > _seconden("TWEEDE_FACTOR_TERMIJN"):
        return True
    return stil or nu - sessie.begonnen_op > _seconden("SESSIE_MAXIMAAL")


def begin(gebruiker: Gebruiker, *, voltooid: bool) -> Sessie:
    """Start a new session for ``gebruiker``, whose password checked out: signed in when
    ``voltooid`` (the second factor given too, or skipped), else waiting for the second
    factor. The caller commits."""
    session.clear()
    token = nieuw_sessietoken()
    sessie = Sessie(
        sleutel=sleutel_van(token),
        gebruiker=gebruiker,
        adres=(request.remote_addr or "")[:45],
        browser=request.user_agent.string[:200],
        tweede_factor_op=utcnow() if voltooid else None,
    )
    db.session.add(sessie)
    db.session.flush()
    if voltooid:
        _meld_aan(token, sessie)
    else:
        session[WACHTEND] = token
        g.wachtende = sessie
    return sessie


def _meld_aan(token: str, sessie: Sessie) -> None:
    g.sessietoken, g.sessie = token, sessie
    login_user(sessie.gebruiker)


def voltooi(sessie: Sessie) -> None:
    """The second factor was given: the waiting session becomes a signed-in one, under a new
    token and a new cookie. The caller commits."""
    session.clear()
    token = nieuw_sessietoken()
    sessie.sleutel = sleutel_van(token)
    sessie.tweede_factor_op = utcnow()
    db.session.flush()
    g.wachtende = None
    _meld_aan(token, sessie)


def _lopende_met(token: str, *, voltooid: bool) -> Sessie | None:
    """The running session this token names, signed in or waiting for its second factor, its
    user loaded; None when there is none, or when it has just run out (it is then ended and
    committed, before any view ran)."""
    factor = Sessie.tweede_factor_op
    sessie = db.session.execute(
        select(Sessie)
        .join(Sessie.gebruiker)
        .options(contains_eager(Sessie.gebruiker))
        .where(Sessie.sleutel == sleutel_van(token), Sessie.beeindigd_op.is_(None))
        .where(factor.is_not(None) if voltooid else factor.is_(None))
        .where(Gebruiker.actief)
    ).scalar_one_or_none()
    if sessie is None:
        return None
    if _verlopen(sessie, utcnow()):
        sessie.beeindigd_op = utcnow()
        db.session.commit()
        return None
    return sessie


def wachtende() -> Sessie | None:
    """This browser's session that waits for its second factor, if any (and still may)."""
    if "wachtende" not in g:
        token = session.get(WACHTEND)
        g.wachtende = _lopende_met(token, voltooid=False) if isinstance(token, str) else None
    sessie: Sessie | None = g.wachtende
    return sessie


def geldige(token: str) -> Sessie | None:
    """The signed-in session this token names, its user loaded: Flask-Login's user loader.
    A session still waiting for its second factor is not one."""
    sessie = _lopende_met(token, voltooid=True)
    if sessie is None:
        return None
    nu = utcnow()
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
    """The user's running sessions, the most recently active first: those that open pages and
    those waiting for their second factor."""
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
