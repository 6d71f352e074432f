"""The cohort: its list, taking a municipality in, and a member's page, phase and dates."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from gemeenten.models import Gemeente
from kern import export, tijd
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.db import db
from kern.export import Kolom, Soort, exporteerbaar
from kern.paginering import pagina_van
from onderwijsaanpak import services
from onderwijsaanpak.forms import FaseForm, OpnameForm, StartdataForm
from onderwijsaanpak.models import Activiteit, Cohortlid
from onderwijsaanpak.services import OnderwijsFout
from onderwijsaanpak.views import bp, door, lid_of_404, mag_wijzigen, weiger

Pagina = str | tuple[str, int]


def naar_gemeente(lid: Cohortlid, anker: str = "") -> Response:
    adres = url_for("onderwijsaanpak.gemeente", cbs_code=lid.gemeente.cbs_code)
    return redirect(f"{adres}#{anker}" if anker else adres)


@bp.route("/")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def index() -> str | Response:
    regels = services.cohort()
    return export.toon(
        "onderwijsaanpak/index.html",
        cohort_export(regels),
        regels=regels,
        mag_wijzigen=mag_wijzigen(),
    )


def cohort_export(regels: list[services.Cohortregel]) -> export.Export:
    kolommen = [
        Kolom(
            "Gemeente", lambda r: r.lid.gemeente.weergavenaam, uitleg="De gemeente in het cohort"
        ),
        Kolom("CBS-code", lambda r: r.lid.gemeente.cbs_code, uitleg="De code van het CBS"),
        Kolom("Fase", lambda r: r.lid.fase.label, uitleg="De huidige fase"),
        Kolom(
            "Geplande start",
            lambda r: r.lid.huidige_periode.gepland_start,
            Soort.DATUM,
            "De geplande start van de huidige fase",
        ),
        Kolom(
            "Werkelijke start",
            lambda r: r.lid.huidige_periode.gestart_op,
            Soort.DATUM,
            "De werkelijke start van de huidige fase; leeg: nog niet",
        ),
        Kolom(
            "Activiteiten",
            lambda r: r.aantal_activiteiten,
            Soort.GETAL,
            "Alle gemelde activiteiten",
            totaal=True,
        ),
        Kolom(
            "Deelnemers",
            lambda r: r.deelnemers,
            Soort.GETAL,
            "De deelnemers aan alle gemelde activiteiten",
            totaal=True,
        ),
        Kolom(
            "Laatste activiteit",
            lambda r: r.laatste_activiteit,
            Soort.DATUM,
            "De datum van de laatste gemelde activiteit; leeg: geen",
        ),
        Kolom("Demogegevens", lambda r: "ja" if r.lid.demo else "nee", uitleg="Ja: demodata"),
    ]
    return export.Export(
        naam="onderwijsaanpak-cohort",
        titel="Het cohort van de onderwijsaanpak",
        tabellen=[export.Tabel("Cohort", kolommen, lambda: regels)],
    )


@bp.route("/cohort/nieuw", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
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
@toegang(Recht.PROGRAMMA_LEZEN, Recht.EIGEN_GEMEENTE)
@exporteerbaar
def gemeente(cbs_code: str) -> str | Response:
    gemeente, lid = lid_of_404(cbs_code)
    vandaag = tijd.vandaag()
    # The page shows its activities a page at a time, the export every one of them.
    pagina = pagina_van(services.activiteiten(gemeente))
    return export.toon(
        "onderwijsaanpak/gemeente.html",
        activiteiten_export(gemeente, lambda: services.activiteiten_van(gemeente)),
        gemeente=gemeente,
        lid=lid,
        samenvatting=services.samenvatting(gemeente, vandaag),
        activiteiten=pagina.items,
        pagina=pagina,
        lessen=services.lessen(gemeente),
        standen=services.standen_van(gemeente, vandaag),
        melden_geweigerd=services.melden_geweigerd(gemeente, vandaag),
    )


def activiteiten_export(
    gemeente: Gemeente, activiteiten: Callable[[], list[Activiteit]]
) -> export.Export:
    """The municipality's activities, newest first, as its page lists them."""
    kolommen = [
        Kolom("Gemeente", lambda _: gemeente.weergavenaam, uitleg="Waar de activiteit was"),
        Kolom("Datum", lambda a: a.datum, Soort.DATUM, "De dag waarop de activiteit is gehouden"),
        Kolom("Soort", lambda a: a.soort.label, uitleg="Training of activiteit voor leerlingen"),
        Kolom("School of schoolbestuur", lambda a: a.school, uitleg="Waar of voor wie"),
        Kolom(
            "BRIN-code", lambda a: a.brin, uitleg="De BRIN-code van de school; leeg: niet gemeld"
        ),
        Kolom("Niveau", lambda a: a.niveau.label, uitleg="VO of MBO"),
        Kolom("Deelnemers", lambda a: a.deelnemers, Soort.GETAL, "Het aantal", totaal=True),
        Kolom("Aanbieder", lambda a: a.aanbieder, uitleg="Wie de activiteit gaf"),
        Kolom("Opmerkingen", lambda a: a.opmerkingen, uitleg="Wat de melder erbij schreef"),
        Kolom(
            "Gemeld via",
            lambda a: "Excel" if a.bron == "excel" else "formulier",
            uitleg="Formulier of Excel",
        ),
        Kolom("Gemeld door", lambda a: a.gemeld_door, uitleg="Het account dat meldde"),
        Kolom("Gemeld op", lambda a: a.gemeld_op, Soort.MOMENT, "Wanneer het is gemeld"),
    ]
    return export.Export(
        naam=f"activiteiten-{gemeente.cbs_code.lower()}",
        titel=f"Activiteiten onderwijsaanpak: {gemeente.weergavenaam}",
        tabellen=[export.Tabel("Activiteiten", kolommen, activiteiten)],
        filters=[("Gemeente", f"{gemeente.weergavenaam} ({gemeente.cbs_code})")],
    )


@bp.route("/gemeenten/<cbs_code>/fase", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
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
@toegang(Recht.PROGRAMMA_WIJZIGEN)
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
