"""Lessons from the pilots: recorded by officers per pilot municipality, marked when taken
into the rollout."""

from __future__ import annotations

from flask import flash, render_template, request
from werkzeug.wrappers import Response

from gemeenten.models import Gemeente
from kern import export
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.db import db
from kern.export import Kolom, Soort, exporteerbaar
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
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def lessen() -> str | Response:
    alle = services.lessen()
    return export.toon("onderwijsaanpak/lessen.html", lessen_export(alle), lessen=alle)


def lessen_export(lessen: list[Les]) -> export.Export:
    kolommen = [
        Kolom("Gemeente", lambda les: les.gemeente.weergavenaam, uitleg="De pilotgemeente"),
        Kolom("CBS-code", lambda les: les.gemeente.cbs_code, uitleg="De code van het CBS"),
        Kolom("Thema", lambda les: les.thema, uitleg="Waar de les over gaat"),
        Kolom("Datum", lambda les: les.datum, Soort.DATUM, "De datum van de les"),
        Kolom("Les", lambda les: les.tekst, uitleg="Wat er is geleerd"),
        Kolom(
            "In de uitrol",
            lambda les: "Overgenomen" if les.in_uitrol else "Nog niet",
            uitleg="Of de les is overgenomen in de uitrol",
        ),
        Kolom("Vastgelegd door", lambda les: les.vastgelegd_door, uitleg="Het account"),
    ]
    return export.Export(
        naam="onderwijsaanpak-lessen",
        titel="Lessen uit de pilots",
        tabellen=[export.Tabel("Lessen", kolommen, lambda: lessen)],
    )


@bp.route("/gemeenten/<cbs_code>/lessen/nieuw", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
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
@toegang(Recht.PROGRAMMA_WIJZIGEN)
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
