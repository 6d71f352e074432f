"""The cohort: its list, taking a municipality in, and a member's page, phase and dates."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from gemeenten.models import Gemeente
from kern import tijd
from kern.accounts.access import ALLE_ROLLEN, MINISTERIE, toegang
from kern.accounts.models import Rol
from kern.db import db
from onderwijsaanpak import services
from onderwijsaanpak.forms import FaseForm, OpnameForm, StartdataForm
from onderwijsaanpak.models import Cohortlid
from onderwijsaanpak.services import OnderwijsFout
from onderwijsaanpak.views import bp, door, is_beleidsmedewerker, lid_of_404, weiger

Pagina = str | tuple[str, int]


def naar_gemeente(lid: Cohortlid, anker: str = "") -> Response:
    adres = url_for("onderwijsaanpak.gemeente", cbs_code=lid.gemeente.cbs_code)
    return redirect(f"{adres}#{anker}" if anker else adres)


@bp.route("/")
@toegang(MINISTERIE)
def index() -> str:
    return render_template(
        "onderwijsaanpak/index.html",
        regels=services.cohort(),
        mag_wijzigen=is_beleidsmedewerker(),
    )


@bp.route("/cohort/nieuw", methods=["GET", "POST"])
@toegang(Rol.BELEIDSMEDEWERKER)
def opnemen() -> Pagina | Response:
    form = OpnameForm()
    form.gemeente_id.choices = [
        SelectChoice("", "Kies een gemeente"),
        *(SelectChoice(g.id, g.label) for g in services.niet_in_cohort()),
    ]
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            gemeente = db.session.get(Gemeente, form.gemeente_id.data)
            assert gemeente is not None  # one of the choices
            try:
                lid = services.neem_op(
                    gemeente,
                    fase=form.gekozen_fase,
                    gepland_start=form.gepland_start.data,
                    gestart_op=form.gestart_op.data,
                    toelichting=form.toelichting.data,
                    door=door(),
                )
            except OnderwijsFout as fout:
                status = weiger(fout, form)
            else:
                db.session.commit()
                flash(
                    f"{gemeente.weergavenaam} is opgenomen in het cohort, in de fase "
                    f"{lid.fase.label.lower()}.",
                    "succes",
                )
                return naar_gemeente(lid)
    return render_template("onderwijsaanpak/opnemen.html", form=form), status


@bp.route("/gemeenten/<cbs_code>")
@toegang(ALLE_ROLLEN)
def gemeente(cbs_code: str) -> str:
    gemeente, lid = lid_of_404(cbs_code)
    vandaag = tijd.vandaag()
    return render_template(
        "onderwijsaanpak/gemeente.html",
        gemeente=gemeente,
        lid=lid,
        samenvatting=services.samenvatting(gemeente, vandaag),
        activiteiten=services.activiteiten_van(gemeente),
        lessen=services.lessen(gemeente),
        standen=services.standen_van(gemeente, vandaag),
        melden_geweigerd=services.melden_geweigerd(gemeente, vandaag),
    )


@bp.route("/gemeenten/<cbs_code>/fase", methods=["GET", "POST"])
@toegang(Rol.BELEIDSMEDEWERKER)
def fase(cbs_code: str) -> Pagina | Response:
    gemeente, lid = lid_of_404(cbs_code)
    if request.method != "POST":
        form = FaseForm.voor(lid.fase, formdata=None, versie=lid.versie)
        return render_template("onderwijsaanpak/fase.html", gemeente=gemeente, lid=lid, form=form)
    form = FaseForm.voor(lid.fase)
    status = 400
    if form.validate():
        try:
            periode = services.verplaats(
                lid,
                naar=form.gekozen_fase,
                gepland_start=form.gepland_start.data,
                gestart_op=form.gestart_op.data,
                reden=form.reden.data or "",
                door=door(),
                versie=form.versie.data,
            )
        except OnderwijsFout as fout:
            status = weiger(fout, form, lid)
            if status == 409:  # the phase may have moved: offer the phases from the new one
                form.naar.choices = FaseForm.voor(lid.fase, formdata=None).naar.choices
        else:
            db.session.commit()
            flash(f"{gemeente.weergavenaam}: {periode.fase.label.lower()} vastgelegd.", "succes")
            return naar_gemeente(lid, "fase")
    pagina = render_template("onderwijsaanpak/fase.html", gemeente=gemeente, lid=lid, form=form)
    return pagina, status


@bp.route("/gemeenten/<cbs_code>/fase/data", methods=["GET", "POST"])
@toegang(Rol.BELEIDSMEDEWERKER)
def startdata(cbs_code: str) -> Pagina | Response:
    gemeente, lid = lid_of_404(cbs_code)
    periode = lid.huidige_periode
    if request.method != "POST":
        form = StartdataForm(
            formdata=None,
            data={
                "gepland_start": periode.gepland_start,
                "gestart_op": periode.gestart_op,
                "versie": periode.versie,
            },
        )
        return render_template(
            "onderwijsaanpak/startdata.html", gemeente=gemeente, lid=lid, form=form
        )
    form = StartdataForm()
    status = 400
    if form.validate():
        try:
            services.wijzig_startdata(
                periode,
                gepland_start=form.gepland_start.data,
                gestart_op=form.gestart_op.data,
                versie=form.versie.data,
            )
        except OnderwijsFout as fout:
            status = weiger(fout, form, periode)
        else:
            db.session.commit()
            flash(f"De data van de fase {periode.fase.label.lower()} zijn gewijzigd.", "succes")
            return naar_gemeente(lid, "fase")
    pagina = render_template(
        "onderwijsaanpak/startdata.html", gemeente=gemeente, lid=lid, form=form
    )
    return pagina, status
