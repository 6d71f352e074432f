"""The second step of signing in: the code from the app (or a recovery code), and enrolling
at the first sign-in.

These pages are for a browser whose password checked out and whose session waits for its
second factor (`kern.accounts.sessies.wachtende`); to every other view that browser has not
signed in. They are declared public, because nobody is signed in yet, and send anyone without
a waiting session to the login page. Wrong codes count, with wrong passwords, towards the
limits of `kern.accounts.pogingen`.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from kern import beveiligingslog
from kern.accounts import pogingen, services, sessies, tweede_factor
from kern.accounts.access import openbaar
from kern.accounts.forms import CodeForm
from kern.accounts.models import Sessie
from kern.accounts.views import te_veel_pogingen, veilige_volgende, wachttijd
from kern.beveiligingslog import Gebeurtenis, Resultaat
from kern.db import db

bp = Blueprint("tweede_factor", __name__, url_prefix="/aanmelden")

Antwoord = str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]


def _wachtende() -> Sessie | Response:
    """This browser's waiting session, or where to go instead."""
    if current_user.is_authenticated:
        return redirect(url_for("kern.home"))
    sessie = sessies.wachtende()
    if sessie is None:
        flash("Meld u aan met uw e-mailadres en wachtwoord.", "info")
        return redirect(url_for("accounts.login"))
    return sessie


def _fout(sessie: Sessie, reden: str) -> None:
    db.session.rollback()
    beveiligingslog.schrijf(
        Gebeurtenis.TWEEDE_FACTOR,
        Resultaat.MISLUKT,
        door=pogingen.poger(sessie.gebruiker.email),
        toelichting=reden,
    )


@bp.route("/code", methods=["GET", "POST"])
@openbaar
def code() -> Antwoord:
    sessie = _wachtende()
    if not isinstance(sessie, Sessie):
        return sessie
    gebruiker = sessie.gebruiker
    if not tweede_factor.ingesteld(gebruiker):
        return redirect(url_for(".instellen", next=request.args.get("next")))
    form = CodeForm()
    if form.validate_on_submit():
        if wachten := wachttijd(gebruiker.email):
            return te_veel_pogingen(gebruiker.email, wachten, Gebeurtenis.TWEEDE_FACTOR)
        uitkomst = tweede_factor.controleer(gebruiker, form.code.data)
        if uitkomst.goed:
            return _aangemeld(sessie, uitkomst)
        _fout(sessie, uitkomst.reden)
        form.code.errors = [
            "Deze code klopt niet of is al gebruikt. Wacht op de volgende code uit uw app, "
            "of gebruik een herstelcode."
        ]
    pagina = render_template("accounts/tweede_factor.html", form=form)
    return (pagina, 400) if form.errors else pagina


def _aangemeld(sessie: Sessie, uitkomst: tweede_factor.Uitkomst) -> Response:
    gebruiker = sessie.gebruiker
    services.tweede_factor_gegeven(sessie)
    over = tweede_factor.herstelcodes_over(gebruiker) if uitkomst.herstelcode else None
    db.session.commit()
    beveiligingslog.schrijf(
        Gebeurtenis.TWEEDE_FACTOR,
        Resultaat.GELUKT,
        door=gebruiker.email,
        toelichting=uitkomst.reden if over is None else f"{uitkomst.reden}; nog {over} over",
    )
    flash(f"Welkom, {gebruiker.naam}.", "succes")
    if over is not None:
        flash(
            f"U bent aangemeld met een herstelcode; u heeft er nog {over}. "
            "Elke herstelcode werkt één keer. Nieuwe maakt u onder 'Tweede factor'.",
            "info",
        )
    return redirect(veilige_volgende(request.args.get("next")))


@bp.route("/instellen", methods=["GET", "POST"])
@openbaar
def instellen() -> Antwoord:
    sessie = _wachtende()
    if not isinstance(sessie, Sessie):
        return sessie
    gebruiker = sessie.gebruiker
    if tweede_factor.ingesteld(gebruiker):
        return redirect(url_for(".code", next=request.args.get("next")))
    geheim = tweede_factor.geheim_om_in_te_stellen(gebruiker)
    db.session.commit()  # the same secret when the page is opened again
    form = CodeForm()
    if form.validate_on_submit():
        if wachten := wachttijd(gebruiker.email):
            return te_veel_pogingen(gebruiker.email, wachten, Gebeurtenis.TWEEDE_FACTOR)
        herstelcodes = tweede_factor.bevestig(gebruiker, form.code.data)
        if herstelcodes is not None:
            return _ingesteld(sessie, herstelcodes)
        _fout(sessie, "instellen: onjuiste code")
        form.code.errors = [
            "Deze code klopt niet. Vul de zes cijfers in die de app nu toont (na het scannen "
            "van de QR-code of het invoeren van de sleutel)."
        ]
    pagina = render_template(
        "accounts/tweede_factor_instellen.html",
        form=form,
        qr=tweede_factor.qr_code(gebruiker, geheim),
        geheim=tweede_factor.in_groepen(geheim),
        email=gebruiker.email,
    )
    return (pagina, 400) if form.errors else pagina


def _ingesteld(sessie: Sessie, herstelcodes: list[str]) -> tuple[str, int, dict[str, str]]:
    """Enrolled and signed in; the recovery codes are shown this once (not kept anywhere
    readable, so this answer is not redirected to a page that could show them again)."""
    gebruiker = sessie.gebruiker
    services.tweede_factor_gegeven(sessie)
    db.session.commit()
    beveiligingslog.schrijf(
        Gebeurtenis.TWEEDE_FACTOR_INGESTELD, Resultaat.GELUKT, door=gebruiker.email
    )
    flash(f"Welkom, {gebruiker.naam}. Uw tweede factor is ingesteld.", "succes")
    return (
        render_template(
            "accounts/herstelcodes.html",
            herstelcodes=herstelcodes,
            verder=veilige_volgende(request.args.get("next")),
        ),
        200,
        {"Cache-Control": "no-store"},
    )


@bp.route("/afbreken", methods=["POST"])
@openbaar
def afbreken() -> Response:
    """Sign out before the second factor: the waiting session ends. (A signed-in user signs
    out with `accounts.logout`; this page leaves their session alone.)"""
    if current_user.is_authenticated:
        return redirect(url_for("kern.home"))
    sessie = sessies.wachtende()
    if sessie is not None:
        email = sessie.gebruiker.email
        sessies.beeindig(sessie)
        db.session.commit()
        beveiligingslog.schrijf(
            Gebeurtenis.AFMELDEN, Resultaat.GELUKT, door=email, toelichting="voor de tweede factor"
        )
    session.clear()
    flash("U bent afgemeld.", "info")
    return redirect(url_for("accounts.login"))
