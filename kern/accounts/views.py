from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from kern.accounts import services, sessies
from kern.accounts.access import ALLE_ROLLEN, gebruiker, openbaar, toegang
from kern.accounts.forms import AanmeldForm, NieuweGebruikerForm, WachtwoordForm
from kern.accounts.gemeentebron import bron
from kern.accounts.models import Gebruiker, Rol
from kern.db import db
from kern.extensions import limiter

bp = Blueprint("accounts", __name__)


def veilige_volgende(doel: str | None) -> str:
    """Only follow a ``next`` that stays on this site (no open redirect)."""
    if doel:
        delen = urlsplit(doel)
        if not delen.scheme and not delen.netloc and doel.startswith("/") and "\\" not in doel:
            return doel
    return url_for("kern.home")


def _aangemeld(antwoord: Response) -> bool:
    """Only failed attempts count towards the limits: a success redirects."""
    return antwoord.status_code != 302


def _email_sleutel() -> str:
    return "email:" + services.normaliseer_email(request.form.get("email", ""))


@bp.route("/aanmelden", methods=["GET", "POST"])
@openbaar
@limiter.limit("20 per 10 minutes", methods=["POST"], deduct_when=_aangemeld)
@limiter.limit(
    "5 per 10 minutes", methods=["POST"], key_func=_email_sleutel, deduct_when=_aangemeld
)
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("kern.home"))
    form = AanmeldForm()
    if form.validate_on_submit():
        gevonden = services.authenticeer(form.email.data, form.wachtwoord.data)
        if gevonden is None:
            flash("Onbekend e-mailadres, onjuist wachtwoord of geblokkeerd account.", "fout")
        else:
            services.aanmelden(gevonden)
            db.session.commit()
            flash(f"Welkom, {gevonden.naam}.", "succes")
            return redirect(veilige_volgende(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.route("/afmelden", methods=["POST"])
@toegang(ALLE_ROLLEN)
def logout() -> Response:
    services.afmelden()
    db.session.commit()
    flash("U bent afgemeld.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@toegang(ALLE_ROLLEN)
def wachtwoord() -> str | Response:
    ik = gebruiker()
    form = WachtwoordForm(email=ik.email)
    if form.validate_on_submit():
        if not ik.controleer_wachtwoord(form.huidig.data):
            form.huidig.errors = ["Het huidige wachtwoord klopt niet."]
        else:
            services.wijzig_wachtwoord(ik, form.nieuw.data)
            # The new session key ended every session, this one included: start a new one.
            services.aanmelden(ik)
            db.session.commit()
            flash("Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd.", "succes")
            return redirect(url_for("kern.home"))
    return render_template("accounts/wachtwoord.html", form=form)


@bp.route("/account/sessies")
@toegang(ALLE_ROLLEN)
def sessies_overzicht() -> str:
    return render_template(
        "accounts/sessies.html",
        sessies=sessies.lopende(gebruiker()),
        deze=sessies.huidige(),
        inactief_minuten=int(current_app.config["SESSIE_INACTIEF"]) // 60,
        maximaal_uren=int(current_app.config["SESSIE_MAXIMAAL"]) // 3600,
    )


@bp.route("/account/sessies/elders-afmelden", methods=["POST"])
@toegang(ALLE_ROLLEN)
def elders_afmelden() -> Response:
    aantal = sessies.beeindig_alle(gebruiker(), behalve=sessies.huidige())
    db.session.commit()
    flash(
        "U bent op geen ander apparaat aangemeld."
        if aantal == 0
        else f"Afgemeld op {aantal} {'ander apparaat' if aantal == 1 else 'andere apparaten'}.",
        "succes",
    )
    return redirect(url_for("accounts.sessies_overzicht"))


@bp.route("/account/sessies/overal-afmelden", methods=["POST"])
@toegang(ALLE_ROLLEN)
def overal_afmelden() -> Response:
    services.overal_afmelden(gebruiker())
    db.session.commit()
    flash("U bent overal afgemeld, ook hier.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/beheer/gebruikers")
@toegang(Rol.BEHEERDER)
def gebruikers() -> str:
    alle = db.session.execute(select(Gebruiker).order_by(Gebruiker.naam)).scalars().all()
    labels = bron().labels(g.gemeente_id for g in alle if g.gemeente_id is not None)
    return render_template("accounts/gebruikers.html", gebruikers=alle, gemeente_labels=labels)


@bp.route("/beheer/gebruikers/nieuw", methods=["GET", "POST"])
@toegang(Rol.BEHEERDER)
def nieuwe_gebruiker() -> str | Response:
    form = NieuweGebruikerForm()
    form.gemeente_id.choices = [
        SelectChoice(0, "— geen —"),
        *(SelectChoice(gemeente_id, label) for gemeente_id, label in bron().keuzes()),
    ]
    if form.validate_on_submit():
        try:
            nieuw = services.maak_gebruiker(
                services.NieuweGebruiker(
                    email=form.email.data,
                    naam=form.naam.data,
                    rol=Rol(form.rol.data),
                    wachtwoord=form.wachtwoord.data,
                    gemeente_id=form.gemeente_id.data or None,
                )
            )
        except services.AccountFout as fout:
            form.email.errors = [str(fout)]
        else:
            db.session.commit()
            flash(f"Account voor {nieuw.naam} ({nieuw.email}) aangemaakt.", "succes")
            return redirect(url_for("accounts.gebruikers"))
    return render_template("accounts/nieuwe_gebruiker.html", form=form)


@bp.route("/beheer/gebruikers/<int:gebruiker_id>/blokkeren", methods=["POST"])
@toegang(Rol.BEHEERDER)
def blokkeren(gebruiker_id: int) -> Response:
    doel = db.get_or_404(Gebruiker, gebruiker_id)
    if doel.id == gebruiker().id:
        flash("U kunt uw eigen account niet blokkeren.", "fout")
        return redirect(url_for("accounts.gebruikers"))
    services.blokkeer(doel)
    db.session.commit()
    flash(f"{doel.naam} is geblokkeerd; alle sessies zijn beëindigd.", "succes")
    return redirect(url_for("accounts.gebruikers"))


@bp.route("/beheer/gebruikers/<int:gebruiker_id>/deblokkeren", methods=["POST"])
@toegang(Rol.BEHEERDER)
def deblokkeren(gebruiker_id: int) -> Response:
    doel = db.get_or_404(Gebruiker, gebruiker_id)
    services.deblokkeer(doel)
    db.session.commit()
    flash(f"{doel.naam} kan weer aanmelden.", "succes")
    return redirect(url_for("accounts.gebruikers"))
