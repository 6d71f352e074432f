"""Creating, blocking and signing in users. Services flush; the caller commits."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass

from flask_login import logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from kern.accounts import sessies, wachtwoorden
from kern.accounts.models import Gebruiker, Rol, Sessie
from kern.db import db, utcnow


@functools.cache
def _onbekend_hash() -> str:
    """Checked when the e-mail address is unknown, so that a wrong address costs as much time
    as a wrong password and does not reveal which addresses exist."""
    return generate_password_hash(secrets.token_hex(16))


class AccountFout(ValueError):
    """A request about an account that cannot be carried out; the message is for the user."""


@dataclass(frozen=True)
class NieuweGebruiker:
    email: str
    naam: str
    rol: Rol
    wachtwoord: str
    gemeente_id: int | None = None


def normaliseer_email(email: str) -> str:
    return email.strip().lower()


def zoek_op_email(email: str) -> Gebruiker | None:
    return db.session.execute(
        select(Gebruiker).where(func.lower(Gebruiker.email) == normaliseer_email(email))
    ).scalar_one_or_none()


def controleer_wachtwoordsterkte(wachtwoord: str, email: str) -> None:
    if (reden := wachtwoorden.bezwaar(wachtwoord, email)) is not None:
        raise AccountFout(reden)


def _controleer_rol(rol: Rol, gemeente_id: int | None) -> None:
    if rol is Rol.GEMEENTE and gemeente_id is None:
        raise AccountFout("Een medewerker van een gemeente hoort bij precies één gemeente.")
    if rol is not Rol.GEMEENTE and gemeente_id is not None:
        raise AccountFout("Alleen medewerkers van een gemeente horen bij een gemeente.")


def maak_gebruiker(gegevens: NieuweGebruiker) -> Gebruiker:
    email = normaliseer_email(gegevens.email)
    if zoek_op_email(email) is not None:
        raise AccountFout(f"Er bestaat al een account met e-mailadres {email}.")
    _controleer_rol(gegevens.rol, gegevens.gemeente_id)
    controleer_wachtwoordsterkte(gegevens.wachtwoord, email)
    gebruiker = Gebruiker(
        email=email,
        naam=gegevens.naam.strip(),
        rol=gegevens.rol,
        gemeente_id=gegevens.gemeente_id,
        actief=True,
    )
    gebruiker.zet_wachtwoord(gegevens.wachtwoord)
    db.session.add(gebruiker)
    db.session.flush()
    return gebruiker


def wijzig_wachtwoord(gebruiker: Gebruiker, nieuw: str) -> None:
    """Set a new password; this ends every session of the user (the caller may start one)."""
    controleer_wachtwoordsterkte(nieuw, gebruiker.email)
    gebruiker.zet_wachtwoord(nieuw)
    sessies.beeindig_alle(gebruiker)
    db.session.flush()


def blokkeer(gebruiker: Gebruiker) -> None:
    """Block a user and end all their sessions."""
    gebruiker.actief = False
    sessies.beeindig_alle(gebruiker)
    db.session.flush()


def wijzig_rol(gebruiker: Gebruiker, rol: Rol, gemeente_id: int | None) -> int:
    """Give a user another role (or, as a municipality's user, another municipality) and end
    all their sessions, so that no page opened under the old role stays open; returns how
    many sessions ended."""
    _controleer_rol(rol, gemeente_id)
    if (rol, gemeente_id) == (gebruiker.rol, gebruiker.gemeente_id):
        raise AccountFout("Er verandert niets: dit zijn de huidige rol en gemeente.")
    gebruiker.rol, gebruiker.gemeente_id = rol, gemeente_id
    aantal = sessies.beeindig_alle(gebruiker)
    db.session.flush()
    return aantal


def deblokkeer(gebruiker: Gebruiker) -> None:
    gebruiker.actief = True
    db.session.flush()


def authenticeer(email: str, wachtwoord: str) -> Gebruiker | None:
    """The active user with these credentials, or None; never says which part was wrong."""
    gebruiker = zoek_op_email(email)
    if gebruiker is None:
        check_password_hash(_onbekend_hash(), wachtwoord)
        return None
    if not gebruiker.controleer_wachtwoord(wachtwoord) or not gebruiker.actief:
        return None
    return gebruiker


def aanmelden(gebruiker: Gebruiker, *, voltooid: bool) -> Sessie:
    """Start a new session for a user whose password checked out: signed in when
    ``voltooid`` (the second factor given in this very session, or skipped in development),
    else waiting for the second factor (`tweede_factor_gegeven`)."""
    sessie = sessies.begin(gebruiker, voltooid=voltooid)
    if voltooid:
        gebruiker.laatst_aangemeld_op = utcnow()
    db.session.flush()
    return sessie


def tweede_factor_gegeven(sessie: Sessie) -> None:
    """The waiting session's second factor checked out: its user is signed in."""
    sessies.voltooi(sessie)
    sessie.gebruiker.laatst_aangemeld_op = utcnow()
    db.session.flush()


def afmelden() -> None:
    """End this request's session: a copy of its cookie opens nothing any more either."""
    sessie = sessies.huidige()
    if sessie is not None:
        sessies.beeindig(sessie)
    logout_user()


def overal_afmelden(gebruiker: Gebruiker) -> int:
    """End every session of ``gebruiker``, this one included; returns how many ended."""
    aantal = sessies.beeindig_alle(gebruiker)
    logout_user()
    return aantal
