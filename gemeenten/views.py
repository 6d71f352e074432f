from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import Field, SelectChoice

from gemeenten import programmas, secties, services
from gemeenten.forms import DeelnameForm, ZoekForm
from gemeenten.models import Deelname, Gemeente, Programma
from kern.accounts.access import ALLE_ROLLEN, MINISTERIE, gebruiker, toegang
from kern.accounts.models import Rol
from kern.db import db

bp = Blueprint("gemeenten", __name__, url_prefix="/gemeenten")

PER_PAGINA = 50


def _gemeente_of_404(cbs_code: str) -> Gemeente:
    gemeente = services.op_code(cbs_code)
    if gemeente is None:
        abort(404)
    services.zichtbaar_of_404(gemeente)
    return gemeente


@bp.route("/")
@toegang(MINISTERIE)
def index() -> str:
    form = ZoekForm(request.args)
    form.validate()  # an invalid filter is shown with its message and then ignored

    def geldig(veld: Field) -> str:
        return "" if veld.errors else str(veld.data or "")

    filter = services.Filter(
        zoekterm=geldig(form.q),
        provincie=geldig(form.provincie),
        programma=Programma(geldig(form.programma)) if geldig(form.programma) else None,
        ook_beeindigd=bool(form.ook_beeindigd.data),
    )
    pagina = db.paginate(services.zoek(filter), per_page=PER_PAGINA, max_per_page=PER_PAGINA)
    return render_template(
        "gemeenten/index.html",
        form=form,
        pagina=pagina,
        lidmaatschappen=programmas.van(pagina.items),
        herkomsten=programmas.herkomsten(),
    )


@bp.route("/<cbs_code>")
@toegang(ALLE_ROLLEN)
def detail(cbs_code: str) -> str:
    gemeente = _gemeente_of_404(cbs_code)
    deelname_form = DeelnameForm()
    deelname_form.programma.choices = [
        SelectChoice(p.value, p.label) for p in programmas.met_de_hand()
    ]
    return render_template(
        "gemeenten/detail.html",
        gemeente=gemeente,
        lidmaatschappen=programmas.van([gemeente])[gemeente.id],
        deelname_form=deelname_form,
        mag_deelnames_wijzigen=gebruiker().rol is Rol.BELEIDSMEDEWERKER,
        secties=secties.render(gemeente),
    )


@bp.route("/<cbs_code>/deelnames", methods=["POST"])
@toegang(Rol.BELEIDSMEDEWERKER)
def deelname_toevoegen(cbs_code: str) -> Response:
    gemeente = _gemeente_of_404(cbs_code)
    form = DeelnameForm()
    if form.validate_on_submit():
        try:
            services.voeg_deelname_toe(
                gemeente, form.gekozen(), gebruiker().email, form.toelichting.data
            )
        except services.DeelnameFout as fout:
            flash(str(fout), "fout")
        else:
            db.session.commit()
            flash(f"{gemeente.weergavenaam} neemt deel aan {form.gekozen().label}.", "succes")
    else:
        for meldingen in form.errors.values():
            for melding in meldingen:
                flash(str(melding), "fout")
    return redirect(url_for("gemeenten.detail", cbs_code=gemeente.cbs_code))


@bp.route("/<cbs_code>/deelnames/<int:deelname_id>/beeindigen", methods=["POST"])
@toegang(Rol.BELEIDSMEDEWERKER)
def deelname_beeindigen(cbs_code: str, deelname_id: int) -> Response:
    gemeente = _gemeente_of_404(cbs_code)
    deelname = db.get_or_404(Deelname, deelname_id)
    if deelname.gemeente_id != gemeente.id:
        abort(404)
    programma = deelname.programma
    services.beeindig_deelname(deelname, gebruiker().email)
    db.session.commit()
    flash(f"{gemeente.weergavenaam} neemt niet meer deel aan {programma.label}.", "succes")
    return redirect(url_for("gemeenten.detail", cbs_code=gemeente.cbs_code))
