from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import Field, SelectChoice

from kern import beveiligingslog
from kern.accounts import pogingen, services, sessies, tweede_factor
from kern.accounts.access import gebruiker, openbaar, toegang
from kern.accounts.forms import (
    AanmeldForm,
    BeveiligingslogForm,
    NieuweGebruikerForm,
    RolForm,
    WachtwoordForm,
)
from kern.accounts.gemeentebron import bron
from kern.accounts.models import Gebruiker, Rol
from kern.accounts.rechten import Recht
from kern.beveiligingslog import Gebeurtenis, Resultaat
from kern.db import db, utcnow
from kern.errors import foutpagina
from kern.tijd import TIJDZONE

bp = Blueprint("accounts", __name__)
LOG_PER_PAGINA = 100
R = TypeVar("R", bound=RolForm)


def veilige_volgende(doel: str | None) -> str:
    """Only follow a ``next`` that stays on this site (no open redirect)."""
    if doel:
        delen = urlsplit(doel)
        if not delen.scheme and not delen.netloc and doel.startswith("/") and "\\" not in doel:
            return doel
    return url_for("kern.home")


@bp.route("/aanmelden", methods=["GET", "POST"])
@openbaar
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated:
        return redirect(url_for("kern.home"))
    if sessies.wachtende() is not None:
        return redirect(url_for("tweede_factor.code", next=request.args.get("next")))
    form = AanmeldForm()
    if form.validate_on_submit():
        email = services.normaliseer_email(form.email.data)
        if wachten := wachttijd(email):
            return te_veel_pogingen(email, wachten, Gebeurtenis.AANMELDEN)
        gevonden = services.authenticeer(email, form.wachtwoord.data)
        if gevonden is None:
            beveiligingslog.schrijf(
                Gebeurtenis.AANMELDEN,
                Resultaat.MISLUKT,
                door=pogingen.poger(email),
                toelichting="onbekend e-mailadres, onjuist wachtwoord of geblokkeerd account",
            )
            flash("Onbekend e-mailadres, onjuist wachtwoord of geblokkeerd account.", "fout")
        else:
            return _wachtwoord_juist(gevonden)
    return render_template("accounts/login.html", form=form)


def _wachtwoord_juist(gevonden: Gebruiker) -> Response:
    """The password checked out: on to the second factor (or, in development when it is
    skipped, signed in at once)."""
    overslaan = tweede_factor.overslaan()
    services.aanmelden(gevonden, voltooid=overslaan)
    db.session.commit()
    beveiligingslog.schrijf(
        Gebeurtenis.AANMELDEN,
        Resultaat.GELUKT,
        door=gevonden.email,
        toelichting="tweede factor overgeslagen (ontwikkeling)"
        if overslaan
        else "wachtwoord juist; tweede factor gevraagd",
    )
    volgende = request.args.get("next")
    if overslaan:
        flash(f"Welkom, {gevonden.naam}.", "succes")
        return redirect(veilige_volgende(volgende))
    stap = "code" if tweede_factor.ingesteld(gevonden) else "instellen"
    return redirect(url_for(f"tweede_factor.{stap}", next=volgende))


def wachttijd(email: str) -> int:
    """How long a sign-in step for ``email`` from this address must wait (0: it may try)."""
    if not current_app.config["POGINGEN_BEPERKEN"]:
        return 0
    return pogingen.wachttijd(email, request.remote_addr or "", utcnow())


def te_veel_pogingen(
    email: str, wachten: int, gebeurtenis: Gebeurtenis
) -> tuple[str, int, dict[str, str]]:
    beveiligingslog.schrijf(
        gebeurtenis,
        Resultaat.GEWEIGERD,
        door=pogingen.poger(email),
        toelichting=f"te veel pogingen; nog {wachten} s wachten",
    )
    pagina, code = foutpagina(429, f"U kunt het over {_duur(wachten)} opnieuw proberen.")
    return pagina, code, {"Retry-After": str(wachten)}


def _duur(seconden: int) -> str:
    if seconden < 60:
        return "1 seconde" if seconden == 1 else f"{seconden} seconden"
    minuten = -(-seconden // 60)
    return "1 minuut" if minuten == 1 else f"{minuten} minuten"


@bp.route("/afmelden", methods=["POST"])
@toegang(Recht.EIGEN_ACCOUNT)
def logout() -> Response:
    email = gebruiker().email
    services.afmelden()
    db.session.commit()
    beveiligingslog.schrijf(Gebeurtenis.AFMELDEN, Resultaat.GELUKT, door=email)
    flash("U bent afgemeld.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@toegang(Recht.EIGEN_ACCOUNT)
def wachtwoord() -> str | Response:
    ik = gebruiker()
    form = WachtwoordForm(email=ik.email)
    if form.validate_on_submit():
        if not ik.controleer_wachtwoord(form.huidig.data):
            form.huidig.errors = ["Het huidige wachtwoord klopt niet."]
        else:
            services.wijzig_wachtwoord(ik, form.nieuw.data)
            # The new session key ended every session, this one included: start a new one.
            services.aanmelden(ik, voltooid=True)
            db.session.commit()
            beveiligingslog.schrijf(
                Gebeurtenis.WACHTWOORD_GEWIJZIGD,
                Resultaat.GELUKT,
                object=f"gebruiker {ik.id}",
                toelichting="alle andere sessies beëindigd",
            )
            flash("Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd.", "succes")
            return redirect(url_for("kern.home"))
    return render_template("accounts/wachtwoord.html", form=form)


@bp.route("/account/tweede-factor")
@toegang(Recht.EIGEN_ACCOUNT)
def eigen_tweede_factor() -> str:
    ik = gebruiker()
    return render_template(
        "accounts/eigen_tweede_factor.html",
        ingesteld_op=ik.totp_ingesteld_op,
        herstelcodes=tweede_factor.herstelcodes_over(ik),
    )


@bp.route("/account/tweede-factor/herstelcodes", methods=["POST"])
@toegang(Recht.EIGEN_ACCOUNT)
def nieuwe_herstelcodes() -> tuple[str, int, dict[str, str]] | Response:
    """New recovery codes in place of the old ones, shown this once."""
    ik = gebruiker()
    if not tweede_factor.ingesteld(ik):  # only when the factor is skipped in development
        flash("U heeft nog geen tweede factor ingesteld.", "fout")
        return redirect(url_for("accounts.eigen_tweede_factor"))
    herstelcodes = tweede_factor.nieuwe_herstelcodes(ik)
    db.session.commit()
    beveiligingslog.schrijf(
        Gebeurtenis.TWEEDE_FACTOR_INGESTELD,
        Resultaat.GELUKT,
        object=f"gebruiker {ik.id}",
        toelichting="nieuwe herstelcodes; de oude werken niet meer",
    )
    flash("Nieuwe herstelcodes gemaakt; de oude werken niet meer.", "succes")
    pagina = render_template(
        "accounts/herstelcodes.html",
        herstelcodes=herstelcodes,
        verder=url_for("accounts.eigen_tweede_factor"),
    )
    return pagina, 200, {"Cache-Control": "no-store"}


@bp.route("/account/sessies")
@toegang(Recht.EIGEN_ACCOUNT)
def sessies_overzicht() -> str:
    return render_template(
        "accounts/sessies.html",
        sessies=sessies.lopende(gebruiker()),
        deze=sessies.huidige(),
        inactief_minuten=int(current_app.config["SESSIE_INACTIEF"]) // 60,
        maximaal_uren=int(current_app.config["SESSIE_MAXIMAAL"]) // 3600,
    )


@bp.route("/account/sessies/elders-afmelden", methods=["POST"])
@toegang(Recht.EIGEN_ACCOUNT)
def elders_afmelden() -> Response:
    aantal = sessies.beeindig_alle(gebruiker(), behalve=sessies.huidige())
    db.session.commit()
    beveiligingslog.schrijf(
        Gebeurtenis.SESSIES_BEEINDIGD, Resultaat.GELUKT, toelichting=f"elders: {aantal}"
    )
    flash(
        "U bent op geen ander apparaat aangemeld."
        if aantal == 0
        else f"Afgemeld op {aantal} {'ander apparaat' if aantal == 1 else 'andere apparaten'}.",
        "succes",
    )
    return redirect(url_for("accounts.sessies_overzicht"))


@bp.route("/account/sessies/overal-afmelden", methods=["POST"])
@toegang(Recht.EIGEN_ACCOUNT)
def overal_afmelden() -> Response:
    ik = gebruiker()
    email = ik.email
    aantal = services.overal_afmelden(ik)
    db.session.commit()
    beveiligingslog.schrijf(
        Gebeurtenis.SESSIES_BEEINDIGD, Resultaat.GELUKT, door=email, toelichting=f"overal: {aantal}"
    )
    flash("U bent overal afgemeld, ook hier.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/beheer/gebruikers")
@toegang(Recht.ACCOUNTS_BEHEREN)
def gebruikers() -> str:
    alle = db.session.execute(select(Gebruiker).order_by(Gebruiker.naam)).scalars().all()
    labels = bron().labels(g.gemeente_id for g in alle if g.gemeente_id is not None)
    return render_template("accounts/gebruikers.html", gebruikers=alle, gemeente_labels=labels)


@bp.route("/beheer/gebruikers/nieuw", methods=["GET", "POST"])
@toegang(Recht.ACCOUNTS_BEHEREN)
def nieuwe_gebruiker() -> str | Response:
    form = gemeentekeuzes(NieuweGebruikerForm())
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
            beveiligingslog.schrijf(
                Gebeurtenis.ACCOUNT_AANGEMAAKT,
                Resultaat.GELUKT,
                object=f"gebruiker {nieuw.id} ({nieuw.email})",
                toelichting=f"rol {nieuw.rol.value}",
            )
            flash(f"Account voor {nieuw.naam} ({nieuw.email}) aangemaakt.", "succes")
            return redirect(url_for("accounts.gebruikers"))
    return render_template("accounts/nieuwe_gebruiker.html", form=form)


def gemeentekeuzes(form: R) -> R:
    """Fill a role form's municipalities (none, or one of the register)."""
    form.gemeente_id.choices = [
        SelectChoice(0, "— geen —"),
        *(SelectChoice(gemeente_id, label) for gemeente_id, label in bron().keuzes()),
    ]
    return form


def _account(gebruiker_id: int) -> tuple[Gebruiker, str]:
    doel = db.get_or_404(Gebruiker, gebruiker_id)
    return doel, f"gebruiker {doel.id} ({doel.email})"


@bp.route("/beheer/gebruikers/<int:gebruiker_id>")
@toegang(Recht.ACCOUNTS_BEHEREN)
def gebruiker_detail(gebruiker_id: int) -> str | tuple[str, int]:
    return _accountpagina(db.get_or_404(Gebruiker, gebruiker_id))


def _accountpagina(
    doel: Gebruiker, form: RolForm | None = None, code: int = 200
) -> str | tuple[str, int]:
    if form is None:
        form = gemeentekeuzes(RolForm(rol=doel.rol.value, gemeente_id=doel.gemeente_id or 0))
    gemeente = bron().labels([doel.gemeente_id]) if doel.gemeente_id else {}
    pagina = render_template(
        "accounts/gebruiker.html",
        doel=doel,
        form=form,
        gemeente=gemeente.get(doel.gemeente_id or 0, ""),
        ingesteld=tweede_factor.ingesteld(doel),
        herstelcodes=tweede_factor.herstelcodes_over(doel),
        sessies=sessies.lopende(doel),
        zelf=doel.id == gebruiker().id,
    )
    return pagina if code == 200 else (pagina, code)


@bp.route("/beheer/gebruikers/<int:gebruiker_id>/rol", methods=["POST"])
@toegang(Recht.ACCOUNTS_BEHEREN)
def rol_wijzigen(gebruiker_id: int) -> str | tuple[str, int] | Response:
    doel, object = _account(gebruiker_id)
    if doel.id == gebruiker().id:
        flash("U kunt uw eigen rol niet wijzigen.", "fout")
        return redirect(url_for("accounts.gebruiker_detail", gebruiker_id=doel.id))
    form = gemeentekeuzes(RolForm())
    if not form.validate_on_submit():
        return _accountpagina(doel, form, 400)
    oud = doel.rol
    try:
        aantal = services.wijzig_rol(doel, Rol(form.rol.data), form.gemeente_id.data or None)
    except services.AccountFout as fout:
        db.session.rollback()
        form.rol.errors = [str(fout)]
        return _accountpagina(db.get_or_404(Gebruiker, gebruiker_id), form, 400)
    db.session.commit()
    beveiligingslog.schrijf(
        Gebeurtenis.ROL_GEWIJZIGD,
        Resultaat.GELUKT,
        object=object,
        toelichting=f"van {oud.value} naar {doel.rol.value}; {aantal} sessie(s) beëindigd",
    )
    flash(
        f"{doel.naam} is nu {doel.rol.label.lower()}; alle sessies zijn beëindigd.",
        "succes",
    )
    return redirect(url_for("accounts.gebruiker_detail", gebruiker_id=doel.id))


@bp.route("/beheer/gebruikers/<int:gebruiker_id>/tweede-factor-resetten", methods=["POST"])
@toegang(Recht.ACCOUNTS_BEHEREN)
def tweede_factor_resetten(gebruiker_id: int) -> Response:
    doel, object = _account(gebruiker_id)
    if doel.id == gebruiker().id:
        flash("U kunt uw eigen tweede factor niet resetten; vraag een andere beheerder.", "fout")
        return redirect(url_for("accounts.gebruiker_detail", gebruiker_id=doel.id))
    aantal = tweede_factor.reset(doel)
    db.session.commit()
    beveiligingslog.schrijf(
        Gebeurtenis.TWEEDE_FACTOR_GERESET,
        Resultaat.GELUKT,
        object=object,
        toelichting=f"{aantal} sessie(s) beëindigd",
    )
    flash(
        f"De tweede factor van {doel.naam} is gereset en alle sessies zijn beëindigd. "
        "Bij de volgende aanmelding stelt deze gebruiker een nieuwe in.",
        "succes",
    )
    return redirect(url_for("accounts.gebruiker_detail", gebruiker_id=doel.id))


@bp.route("/beheer/gebruikers/<int:gebruiker_id>/blokkeren", methods=["POST"])
@toegang(Recht.ACCOUNTS_BEHEREN)
def blokkeren(gebruiker_id: int) -> Response:
    doel = db.get_or_404(Gebruiker, gebruiker_id)
    if doel.id == gebruiker().id:
        flash("U kunt uw eigen account niet blokkeren.", "fout")
        return redirect(url_for("accounts.gebruikers"))
    services.blokkeer(doel)
    db.session.commit()
    beveiligingslog.schrijf(
        Gebeurtenis.ACCOUNT_GEBLOKKEERD,
        Resultaat.GELUKT,
        object=f"gebruiker {doel.id} ({doel.email})",
    )
    flash(f"{doel.naam} is geblokkeerd; alle sessies zijn beëindigd.", "succes")
    return redirect(url_for("accounts.gebruikers"))


@bp.route("/beheer/gebruikers/<int:gebruiker_id>/deblokkeren", methods=["POST"])
@toegang(Recht.ACCOUNTS_BEHEREN)
def deblokkeren(gebruiker_id: int) -> Response:
    doel = db.get_or_404(Gebruiker, gebruiker_id)
    services.deblokkeer(doel)
    db.session.commit()
    beveiligingslog.schrijf(
        Gebeurtenis.ACCOUNT_GEDEBLOKKEERD,
        Resultaat.GELUKT,
        object=f"gebruiker {doel.id} ({doel.email})",
    )
    flash(f"{doel.naam} kan weer aanmelden.", "succes")
    return redirect(url_for("accounts.gebruikers"))


@bp.route("/beheer/beveiligingslog")
@toegang(Recht.BEVEILIGINGSLOG_LEZEN)
def beveiligingslog_zoeken() -> str:
    form = BeveiligingslogForm(request.args)
    form.validate()  # an invalid filter is shown with its message and then ignored

    def geldig(veld: Field) -> Any:
        return None if veld.errors else veld.data or None

    gebeurtenis, resultaat, van, tot = (
        geldig(form.gebeurtenis),
        geldig(form.resultaat),
        geldig(form.van),
        geldig(form.tot),
    )
    vraag = beveiligingslog.zoek(
        gebeurtenis=Gebeurtenis(gebeurtenis) if gebeurtenis else None,
        resultaat=Resultaat(resultaat) if resultaat else None,
        wie=geldig(form.wie) or "",
        van=begin_van_dag(van) if van else None,
        tot=begin_van_dag(tot + timedelta(days=1)) if tot else None,
    )
    pagina = db.paginate(vraag, per_page=LOG_PER_PAGINA, max_per_page=LOG_PER_PAGINA)
    return render_template("accounts/beveiligingslog.html", form=form, pagina=pagina)


def begin_van_dag(dag: date) -> datetime:
    """Midnight at the start of a Dutch date, as a moment."""
    return datetime.combine(dag, time(), tzinfo=TIJDZONE)
