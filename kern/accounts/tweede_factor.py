"""The second factor: a six-digit code from an authenticator app (TOTP, RFC 6238, with pyotp),
or one of ten single-use recovery codes.

Every account has one. At its first sign-in a user enrols: the application makes a secret,
shows it as a QR code (SVG, with segno) and as text, and the first valid code confirms it;
then the recovery codes are shown, once. A code works once: the last accepted time step is
kept per user, and a code of that step or an earlier one is refused, also within its 30
seconds (a code of the step before or after the server's clock is accepted, for clocks that
differ). The step is taken with a conditional UPDATE, so two requests with one code cannot
both pass. Recovery codes are kept as SHA-256 (80 random bits each) and used up the same way.

The secret is stored as it is (base32) in ``gebruikers.totp_geheim``: a copy of the database
reveals the secrets, though still no password. Encrypting it would need a key kept apart from
the database and from ``SECRET_KEY`` (which rotates); that is not built.

An administrator can reset a user's second factor (lost phone): the secret and recovery codes
go and every session of the user ends; at the next sign-in the user enrols again.

Services flush; the caller commits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup
from sqlalchemy import CursorResult
from sqlalchemy.orm.attributes import set_committed_value

from kern.accounts import sessies
from kern.accounts.models import Gebruiker, Herstelcode
from kern.db import db, utcnow

UITGEVER = "Versterkingsgelden"  # the name the authenticator app shows above the code
MARGE = 1  # time steps accepted before and after the server's: pyotp's valid_window
AANTAL_HERSTELCODES = 10
HERSTELCODE_BYTES = 10  # 80 bits: 16 base32 characters, shown in four groups of four


def overslaan() -> bool:
    """Development only (`kern.config` refuses the setting elsewhere): sign-ins skip it."""
    return bool(current_app.config["TWEEDE_FACTOR_OVERSLAAN"])


def ingesteld(gebruiker: Gebruiker) -> bool:
    return gebruiker.totp_ingesteld_op is not None


def geheim_om_in_te_stellen(gebruiker: Gebruiker) -> str:
    """The secret a user who has not enrolled yet is shown; made the first time."""
    if ingesteld(gebruiker):
        raise ValueError("the second factor is enrolled already")
    if gebruiker.totp_geheim is None:
        gebruiker.totp_geheim = pyotp.random_base32()
        db.session.flush()
    return gebruiker.totp_geheim


def in_groepen(tekst: str) -> str:
    """A secret or code in groups of four, to read and type over."""
    return " ".join(tekst[i : i + 4] for i in range(0, len(tekst), 4))


def qr_code(gebruiker: Gebruiker, geheim: str) -> Markup:
    """The secret as a QR code for an authenticator app: inline SVG, no script, no style."""
    uri = pyotp.TOTP(geheim).provisioning_uri(name=gebruiker.email, issuer_name=UITGEVER)
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title="QR-code om de tweede factor in te stellen"
    )
    return Markup(svg)  # noqa: S704 (segno's own markup; the e-mail address is escaped in it)


@dataclass(frozen=True)
class Uitkomst:
    """What a code was: accepted or not, a recovery code or not, and why (for the log)."""

    goed: bool
    herstelcode: bool = False
    reden: str = ""


def _alleen_tekens(code: str) -> str:
    return "".join(c for c in code.upper() if c.isascii() and c.isalnum())


def klok() -> datetime:
    """The moment codes are checked against: the real clock, which the phone's app shares,
    not the application's (`kern.tijd.nu`, which tests and the demo may set)."""
    return datetime.now(UTC)


def controleer(gebruiker: Gebruiker, code: str, nu: datetime | None = None) -> Uitkomst:
    """Check a code from the app (six digits) or a recovery code, and use it up."""
    nu = nu or klok()
    schoon = _alleen_tekens(code)
    if len(schoon) == 6 and schoon.isdigit():
        return _controleer_totp(gebruiker, schoon, nu)
    if schoon and _gebruik_herstelcode(gebruiker, schoon):
        return Uitkomst(goed=True, herstelcode=True, reden="herstelcode")
    return Uitkomst(goed=False, reden="onjuiste code")


def _controleer_totp(gebruiker: Gebruiker, code: str, nu: datetime) -> Uitkomst:
    if gebruiker.totp_geheim is None:
        return Uitkomst(goed=False, reden="geen tweede factor")
    totp = pyotp.TOTP(gebruiker.totp_geheim)
    stap = totp.timecode(nu)
    for kandidaat in range(stap - MARGE, stap + MARGE + 1):
        if hmac.compare_digest(totp.generate_otp(kandidaat), code):
            if _neem_stap(gebruiker, kandidaat):
                return Uitkomst(goed=True, reden="code uit de app")
            return Uitkomst(goed=False, reden="code al gebruikt")
    return Uitkomst(goed=False, reden="onjuiste code")


def _neem_stap(gebruiker: Gebruiker, stap: int) -> bool:
    """Record ``stap`` as used, unless it (or a later one) was: one UPDATE, so that of two
    requests with the same code only one changes the row."""
    laatste = Gebruiker.totp_laatste_stap
    resultaat: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        sa.update(Gebruiker)
        .where(Gebruiker.id == gebruiker.id, sa.or_(laatste.is_(None), laatste < stap))
        .values(totp_laatste_stap=stap)
        .execution_options(synchronize_session=False)
    )
    if resultaat.rowcount != 1:
        return False
    set_committed_value(gebruiker, "totp_laatste_stap", stap)  # what the row now holds
    return True


def bevestig(gebruiker: Gebruiker, code: str, nu: datetime | None = None) -> list[str] | None:
    """Enrol: the first valid app code confirms the secret. Returns the new recovery codes
    (to show once), or None when the code was not valid."""
    nu = nu or klok()
    schoon = _alleen_tekens(code)
    if ingesteld(gebruiker) or len(schoon) != 6 or not schoon.isdigit():
        return None
    if not _controleer_totp(gebruiker, schoon, nu).goed:
        return None
    gebruiker.totp_ingesteld_op = utcnow()
    return nieuwe_herstelcodes(gebruiker)


def _sleutel(code: str) -> str:
    return hashlib.sha256(_alleen_tekens(code).encode()).hexdigest()


def nieuwe_herstelcodes(gebruiker: Gebruiker) -> list[str]:
    """Replace the user's recovery codes by new ones; returns them, the only time they exist
    outside the user's hands."""
    db.session.execute(sa.delete(Herstelcode).where(Herstelcode.gebruiker_id == gebruiker.id))
    codes = [
        base64.b32encode(secrets.token_bytes(HERSTELCODE_BYTES)).decode()
        for _ in range(AANTAL_HERSTELCODES)
    ]
    db.session.add_all(Herstelcode(gebruiker_id=gebruiker.id, sleutel=_sleutel(c)) for c in codes)
    db.session.flush()
    return [in_groepen(c).replace(" ", "-") for c in codes]


def _gebruik_herstelcode(gebruiker: Gebruiker, code: str) -> bool:
    resultaat: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        sa.update(Herstelcode)
        .where(
            Herstelcode.gebruiker_id == gebruiker.id,
            Herstelcode.sleutel == _sleutel(code),
            Herstelcode.gebruikt_op.is_(None),
        )
        .values(gebruikt_op=utcnow())
        .execution_options(synchronize_session=False)
    )
    return resultaat.rowcount == 1


def herstelcodes_over(gebruiker: Gebruiker) -> int:
    return int(
        db.session.execute(
            sa.select(sa.func.count(Herstelcode.id)).where(
                Herstelcode.gebruiker_id == gebruiker.id, Herstelcode.gebruikt_op.is_(None)
            )
        ).scalar_one()
    )


def reset(gebruiker: Gebruiker) -> int:
    """Forget a user's second factor and end every session of theirs; at the next sign-in
    they enrol again. Returns how many sessions ended."""
    gebruiker.totp_geheim = None
    gebruiker.totp_ingesteld_op = None
    gebruiker.totp_laatste_stap = None
    db.session.execute(sa.delete(Herstelcode).where(Herstelcode.gebruiker_id == gebruiker.id))
    aantal = sessies.beeindig_alle(gebruiker)
    db.session.flush()
    return aantal
