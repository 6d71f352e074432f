"""Activities: a municipality reports its own (an officer may for any), corrects or removes one
while the report that covers its date is not submitted."""

from __future__ import annotations

from flask import flash, render_template, request
from werkzeug.wrappers import Response

from gemeenten.models import Gemeente
from kern import tijd
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.db import db
from kern.formatting import datum
from onderwijsaanpak import services
from onderwijsaanpak.forms import ActiviteitForm, ActiviteitWijzigForm, VersieForm
from onderwijsaanpak.models import Activiteit
from onderwijsaanpak.services import OnderwijsFout
from onderwijsaanpak.views import bp, door, lid_of_404, van_gemeente_of_404, weiger
from onderwijsaanpak.views.cohort import naar_gemeente

Pagina = str | tuple[str, int]


def _gegevens(form: ActiviteitForm) -> services.ActiviteitGegevens:
    assert form.deelnemers.data is not None  # InputRequired
    return services.ActiviteitGegevens(
        soort=form.gekozen_soort,
        datum=form.datum.data,
        school=form.school.data or "",
        niveau=form.gekozen_niveau,
        deelnemers=form.deelnemers.data,
        brin=form.brin.data,
        aanbieder=form.aanbieder.data,
        opmerkingen=form.opmerkingen.data,
    )


def _activiteit_of_404(gemeente: Gemeente, activiteit_id: int) -> Activiteit:
    activiteit = db.session.get(Activiteit, activiteit_id)
    van_gemeente_of_404(activiteit, gemeente)
    assert activiteit is not None
    return activiteit


def _wat(activiteit: Activiteit) -> str:
    return f"{activiteit.soort.label} op {datum(activiteit.datum)} ({activiteit.school})"


@bp.route("/gemeenten/<cbs_code>/activiteiten/nieuw", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def activiteit_nieuw(cbs_code: str) -> Pagina | Response:
    gemeente, lid = lid_of_404(cbs_code)
    form = ActiviteitForm()
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                activiteit = services.meld_activiteit(
                    gemeente, _gegevens(form), door=door(), vandaag=tijd.vandaag()
                )
            except OnderwijsFout as fout:
                status = weiger(fout, form)
            else:
                db.session.commit()
                flash(f"Gemeld: {_wat(activiteit)}.", "succes")
                return naar_gemeente(lid, "activiteiten")
    pagina = render_template(
        "onderwijsaanpak/activiteit.html", gemeente=gemeente, lid=lid, form=form, activiteit=None
    )
    return pagina, status


def _wijzigpagina(
    gemeente: Gemeente,
    activiteit: Activiteit,
    form: ActiviteitWijzigForm,
    verwijder_form: VersieForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    lid = services.cohortlid_van(gemeente)
    return render_template(
        "onderwijsaanpak/activiteit.html",
        gemeente=gemeente,
        lid=lid,
        form=form,
        activiteit=activiteit,
        geweigerd=services.melden_geweigerd(gemeente, activiteit.datum),
        verwijder_form=verwijder_form
        or VersieForm(formdata=None, prefix="verwijderen", versie=activiteit.versie),
    ), status


@bp.route("/gemeenten/<cbs_code>/activiteiten/<int:activiteit_id>", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def activiteit(cbs_code: str, activiteit_id: int) -> Pagina | Response:
    gemeente, lid = lid_of_404(cbs_code)
    activiteit = _activiteit_of_404(gemeente, activiteit_id)
    if request.method != "POST":
        form = ActiviteitWijzigForm(formdata=None, obj=activiteit)
        return _wijzigpagina(gemeente, activiteit, form)
    form = ActiviteitWijzigForm()
    status = 400
    if form.validate():
        try:
            services.wijzig_activiteit(
                activiteit, _gegevens(form), versie=form.versie.data, vandaag=tijd.vandaag()
            )
        except OnderwijsFout as fout:
            status = weiger(fout, form, activiteit)
        else:
            db.session.commit()
            flash(f"Gewijzigd: {_wat(activiteit)}.", "succes")
            return naar_gemeente(lid, "activiteiten")
    return _wijzigpagina(gemeente, activiteit, form, status=status)


@bp.route("/gemeenten/<cbs_code>/activiteiten/<int:activiteit_id>/verwijderen", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def activiteit_verwijderen(cbs_code: str, activiteit_id: int) -> Pagina | Response:
    gemeente, lid = lid_of_404(cbs_code)
    activiteit = _activiteit_of_404(gemeente, activiteit_id)
    form = VersieForm(prefix="verwijderen")
    wat = _wat(activiteit)
    status = 400
    if form.validate():
        try:
            services.verwijder_activiteit(activiteit, versie=form.versie.data)
        except OnderwijsFout as fout:
            status = weiger(fout, form, activiteit)
        else:
            db.session.commit()
            flash(f"Verwijderd: {wat}.", "succes")
            return naar_gemeente(lid, "activiteiten")
    bewerk = ActiviteitWijzigForm(formdata=None, obj=activiteit)
    return _wijzigpagina(gemeente, activiteit, bewerk, form, status)
