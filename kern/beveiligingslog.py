"""The security log: who did what, to what, with what result, from where, when (UTC).

Sign-ins (and failed ones), second-factor codes (and wrong ones), enrolling and resetting the
second factor, signing out, sessions ended, password changes, access refused (403) and refused
for too many attempts (429), account changes (a role among them), uploads, imports and
exports. Changes to programme data have their own, finer trail (`kern.audit`). Both are
written by the application only: it never changes or removes a row, and on PostgreSQL a
trigger refuses UPDATE and DELETE on both tables (migration 0013).

A line holds no password, token or cookie: the callers pass only what is listed here. What a
user typed (an e-mail address at a failed sign-in) is stored as data and written to the
application's log as JSON, so a line break in it cannot forge a line.

Most events are written through a session of their own and committed at once, so that a
refusal, which changes nothing else, is still recorded. An event that belongs to a change
(an import) goes into the request's session with it (`in_verzoek=True`), and is kept exactly
when the change is.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from kern.db import Keuze, Model, db, tekst_enum, utcnow

log = logging.getLogger("kern.beveiliging")

ANONIEM = "anoniem"


class Gebeurtenis(Keuze):
    AANMELDEN = "aanmelden"
    TWEEDE_FACTOR = "tweede factor"
    TWEEDE_FACTOR_INGESTELD = "tweede factor ingesteld"
    TWEEDE_FACTOR_GERESET = "tweede factor gereset"
    AFMELDEN = "afmelden"
    SESSIES_BEEINDIGD = "sessies beëindigd"
    WACHTWOORD_GEWIJZIGD = "wachtwoord gewijzigd"
    TOEGANG = "toegang"
    ACCOUNT_AANGEMAAKT = "account aangemaakt"
    ACCOUNT_GEBLOKKEERD = "account geblokkeerd"
    ACCOUNT_GEDEBLOKKEERD = "account gedeblokkeerd"
    ROL_GEWIJZIGD = "rol gewijzigd"
    UPLOAD = "upload"
    IMPORT = "import"
    EXPORT = "export"


class Resultaat(Keuze):
    GELUKT = "gelukt"
    MISLUKT = "mislukt"
    GEWEIGERD = "geweigerd"


class Beveiligingsregel(Model):
    __tablename__ = "beveiligingslog"
    __table_args__ = (sa.Index("ix_beveiligingslog_tijdstip", "tijdstip"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tijdstip: Mapped[datetime] = mapped_column(default=utcnow)
    door: Mapped[str] = mapped_column(sa.String(254))  # an e-mail address, or "anoniem"
    gebeurtenis: Mapped[Gebeurtenis] = mapped_column(tekst_enum(Gebeurtenis, "gebeurtenis", 30))
    resultaat: Mapped[Resultaat] = mapped_column(tekst_enum(Resultaat, "resultaat"))
    object: Mapped[str] = mapped_column(sa.String(300), default="")
    adres: Mapped[str] = mapped_column(sa.String(45), default="")
    toelichting: Mapped[str] = mapped_column(sa.String(300), default="")


def _wie() -> str:
    if has_request_context() and current_user and current_user.is_authenticated:
        return str(current_user.email)
    return ANONIEM


def schrijf(
    gebeurtenis: Gebeurtenis,
    resultaat: Resultaat,
    *,
    object: str = "",
    toelichting: str = "",
    door: str | None = None,
    in_verzoek: bool = False,
) -> None:
    """Record one event; a log that cannot be written never breaks the user's request."""
    regel = Beveiligingsregel(
        tijdstip=utcnow(),
        door=(door or _wie())[:254],
        gebeurtenis=gebeurtenis,
        resultaat=resultaat,
        object=object[:300],
        adres=(request.remote_addr or "")[:45] if has_request_context() else "",
        toelichting=toelichting[:300],
    )
    log.info(
        json.dumps(
            {
                "tijdstip": regel.tijdstip.isoformat(),
                "door": regel.door,
                "gebeurtenis": gebeurtenis.value,
                "resultaat": resultaat.value,
                "object": regel.object,
                "adres": regel.adres,
                "toelichting": regel.toelichting,
            },
            ensure_ascii=True,
        )
    )
    if in_verzoek:
        db.session.add(regel)
        return
    try:
        with Session(db.engine) as eigen:
            eigen.add(regel)
            eigen.commit()
    except SQLAlchemyError:
        log.exception("the security log could not be written to the database")


def zoek(
    *,
    gebeurtenis: Gebeurtenis | None = None,
    resultaat: Resultaat | None = None,
    wie: str = "",
    van: datetime | None = None,
    tot: datetime | None = None,
) -> sa.Select[Beveiligingsregel]:
    """The log's rows under these filters, newest first."""
    vraag = sa.select(Beveiligingsregel).order_by(
        Beveiligingsregel.tijdstip.desc(), Beveiligingsregel.id.desc()
    )
    if gebeurtenis is not None:
        vraag = vraag.where(Beveiligingsregel.gebeurtenis == gebeurtenis)
    if resultaat is not None:
        vraag = vraag.where(Beveiligingsregel.resultaat == resultaat)
    if wie:
        vraag = vraag.where(
            sa.func.lower(Beveiligingsregel.door).contains(wie.lower(), autoescape=True)
        )
    if van is not None:
        vraag = vraag.where(Beveiligingsregel.tijdstip >= van)
    if tot is not None:
        vraag = vraag.where(Beveiligingsregel.tijdstip < tot)
    return vraag
