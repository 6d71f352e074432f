"""Lessons from the pilots: recorded by officers per pilot municipality, marked when taken
into the rollout."""

from __future__ import annotations

from flask import flash, render_template, request
from werkzeug.wrappers import Response

from gemeenten.models import Gemeente
from kern.accounts.access import MINISTERIE, toegang
from kern.accounts.models import Rol
from kern.db import db
from onderwijsaanpak import services
from onderwijsaanpak.forms import LesForm, LesWijzigForm
from onderwijsaanpak.models import Cohortlid, Les
from onderwijsaanpak.services import OnderwijsFout
from onderwijsaanpak.views import bp, door, lid_of_404, van_gemeente_of_404, weiger
from onderwijsaanpak.views.cohort import naar_gemeente

Pagina = str | tuple[str, int]


def _gegevens(form: LesForm) -> services.LesGegevens:
    return services.LesGegevens(
        thema=form.thema.data or "",
        tekst=form.tekst.data or "",
        datum=form.datum.data,
        in_uitrol=bool(form.in_uitrol.data),
    )


def _pagina(
    gemeente: Gemeente, lid: Cohortlid, form: LesForm, les: Les | None, status: int
) -> tuple[str, int]:
    return render_template(
        "onderwijsaanpak/les.html", gemeente=gemeente, lid=lid, form=form, les=les
    ), status


@bp.route("/lessen")
@toegang(MINISTERIE)
def lessen() -> str:
    return render_template("onderwijsaanpak/lessen.html", lessen=services.lessen())


@bp.route("/gemeenten/<cbs_code>/lessen/nieuw", methods=["GET", "POST"])
@toegang(Rol.BELEIDSMEDEWERKER)
def les_nieuw(cbs_code: str) -> Pagina | Response:
    gemeente, lid = lid_of_404(cbs_code)
    form = LesForm()
    if not form.is_submitted():
        return _pagina(gemeente, lid, form, None, 200)
    status = 400
    if form.validate():
        try:
            les = services.leg_les_vast(gemeente, _gegevens(form), door=door())
        except OnderwijsFout as fout:
            status = weiger(fout, form)
        else:
            db.session.commit()
            flash(f"Les vastgelegd: {les.thema}.", "succes")
            return naar_gemeente(lid, "lessen")
    return _pagina(gemeente, lid, form, None, status)


@bp.route("/gemeenten/<cbs_code>/lessen/<int:les_id>", methods=["GET", "POST"])
@toegang(Rol.BELEIDSMEDEWERKER)
def les(cbs_code: str, les_id: int) -> Pagina | Response:
    gemeente, lid = lid_of_404(cbs_code)
    les = db.session.get(Les, les_id)
    van_gemeente_of_404(les, gemeente)
    assert les is not None
    if request.method != "POST":
        return _pagina(gemeente, lid, LesWijzigForm(formdata=None, obj=les), les, 200)
    form = LesWijzigForm()
    status = 400
    if form.validate():
        try:
            services.wijzig_les(les, _gegevens(form), versie=form.versie.data)
        except OnderwijsFout as fout:
            status = weiger(fout, form, les)
        else:
            db.session.commit()
            flash(f"Les gewijzigd: {les.thema}.", "succes")
            return naar_gemeente(lid, "lessen")
    return _pagina(gemeente, lid, form, les, status)
