from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import Field, SelectChoice

from gemeenten import programmas, secties, services
from gemeenten.cbs import CbsFout
from gemeenten.forms import CbsLijstForm, DeelnameForm, ZoekForm
from gemeenten.models import Deelname, Gemeente, Programma
from kern import export
from kern.accounts.access import gebruiker, heeft, toegang
from kern.accounts.rechten import Recht
from kern.db import db
from kern.export import exporteerbaar

bp = Blueprint("gemeenten", __name__, url_prefix="/gemeenten")

PER_PAGINA = 50


def _toont_programmas() -> bool:
    """Does the register show programme data (membership, the programmes' sections, what is
    due)? Not to the administrator, who reads the register but no programme data."""
    return heeft(Recht.PROGRAMMA_LEZEN) or heeft(Recht.EIGEN_GEMEENTE)


@bp.route("/")
@toegang(Recht.GEMEENTEREGISTER_LEZEN)
@exporteerbaar
def index() -> str | Response:
    form = ZoekForm(request.args)
    form.validate()  # an invalid filter is shown with its message and then ignored

    def geldig(veld: Field) -> str:
        return "" if veld.errors else str(veld.data or "")

    met_programmas = _toont_programmas()
    if not met_programmas:  # nor may a filter on membership say who takes part
        del form.programma
    filter = services.Filter(
        zoekterm=geldig(form.q),
        provincie=geldig(form.provincie),
        programma=(
            Programma(geldig(form.programma)) if met_programmas and geldig(form.programma) else None
        ),
        ook_beeindigd=bool(form.ook_beeindigd.data),
    )
    pagina = db.paginate(services.zoek(filter), per_page=PER_PAGINA, max_per_page=PER_PAGINA)
    return export.toon(
        "gemeenten/index.html",
        _register_export(filter, form, met_programmas),
        form=form,
        pagina=pagina,
        met_programmas=met_programmas,
        lidmaatschappen=programmas.van(pagina.items) if met_programmas else {},
        herkomsten=programmas.herkomsten() if met_programmas else [],
    )


def _register_export(
    filter: services.Filter, form: ZoekForm, met_programmas: bool
) -> export.Export:
    """The register under the page's filters: every municipality found, not one page; with
    each one's programmes for those who may read them."""

    def rijen() -> Iterator[tuple[Gemeente, list[programmas.Lidmaatschap]]]:
        gevonden = iter(db.session.scalars(services.zoek(filter)))
        while deel := list(islice(gevonden, 500)):
            lidmaatschappen = programmas.van(deel) if met_programmas else {}
            yield from ((g, lidmaatschappen.get(g.id, [])) for g in deel)

    kolommen = [
        export.Kolom(
            "CBS-code", lambda r: r[0].cbs_code, uitleg="Code van CBS, GM en vier cijfers"
        ),
        export.Kolom(
            "Naam", lambda r: r[0].weergavenaam, uitleg="De naam zoals de lijst hem toont"
        ),
        export.Kolom("Provincie", lambda r: r[0].provincie, uitleg="Volgens de lijst van CBS"),
    ]
    if met_programmas:
        kolommen.append(
            export.Kolom(
                "Programma's",
                lambda r: ", ".join(lid.programma.label for lid in r[1]),
                uitleg="De programma's waaraan de gemeente deelneemt",
            )
        )
    kolommen.append(
        export.Kolom(
            "Geldig tot en met",
            lambda r: r[0].geldig_tot,
            export.Soort.DATUM,
            "Leeg: de gemeente bestaat nog",
        )
    )
    filters = [
        (str(form.q.label.text), filter.zoekterm),
        (str(form.provincie.label.text), filter.provincie),
    ]
    if filter.programma is not None:
        filters.append((str(form.programma.label.text), filter.programma.label))
    filters = [(naam, tekst) for naam, tekst in filters if tekst]
    if filter.ook_beeindigd:
        filters.append((str(form.ook_beeindigd.label.text), "ja"))
    return export.Export(
        naam="gemeenten",
        titel="Gemeenten",
        tabellen=[export.Tabel("Gemeenten", kolommen, rijen)],
        filters=filters,
    )


@bp.route("/cbs-lijst", methods=["GET", "POST"])
@toegang(Recht.REFERENTIEGEGEVENS_BEHEREN)
def cbs_lijst() -> tuple[str, int] | Response:
    """CBS's list from the browser: what ``flask gemeenten importeer`` does."""
    form = CbsLijstForm()
    meldingen: list[str] = []
    if form.validate_on_submit():
        bestand = form.bestand.data
        try:
            verslag = services.importeer_cbs_lijst(
                bestand.read(),
                bestandsnaam=bestand.filename or "lijst",
                door=gebruiker().email,
                peildatum=form.peildatum.data,
                opvolgers=services.lees_opvolgers(
                    regel for regel in (form.opvolgers.data or "").splitlines() if regel.strip()
                ),
            )
        except CbsFout as fout:
            db.session.rollback()
            meldingen = fout.teksten
        else:
            db.session.commit()
            flash(_samenvatting(verslag), "succes")
            return redirect(url_for("gemeenten.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("gemeenten/cbs_lijst.html", form=form, meldingen=meldingen), status


def _samenvatting(verslag: services.ImportVerslag) -> str:
    if not verslag.gewijzigd:
        return verslag.regels()[0]
    tekst = (
        f"Lijst van {verslag.peildatum:%d-%m-%Y} ingelezen: {len(verslag.toegevoegd)} "
        f"toegevoegd, {len(verslag.hernoemd)} hernoemd, {len(verslag.provincie)} naar een andere "
        f"provincie, {len(verslag.beeindigd)} beëindigd."
    )
    if verslag.zonder_opvolger:
        tekst += (
            " Beëindigd zonder opvolger: " + ", ".join(verslag.zonder_opvolger) + "; geef de "
            "opvolger op bij Herindelingen en lees de lijst opnieuw in."
        )
    return tekst


@bp.route("/<cbs_code>")
@toegang(Recht.GEMEENTEREGISTER_LEZEN, Recht.EIGEN_GEMEENTE)
def detail(cbs_code: str) -> str:
    gemeente = services.gemeente_of_404(cbs_code)
    deelname_form = DeelnameForm()
    deelname_form.programma.choices = [
        SelectChoice(p.value, p.label) for p in programmas.met_de_hand()
    ]
    met_programmas = _toont_programmas()
    return render_template(
        "gemeenten/detail.html",
        gemeente=gemeente,
        met_programmas=met_programmas,
        lidmaatschappen=programmas.van([gemeente])[gemeente.id] if met_programmas else [],
        deelname_form=deelname_form,
        mag_deelnames_wijzigen=heeft(Recht.PROGRAMMA_WIJZIGEN),
        secties=secties.render(gemeente) if met_programmas else [],
        te_doen=secties.te_doen(gemeente) if met_programmas else [],
    )


@bp.route("/<cbs_code>/deelnames", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def deelname_toevoegen(cbs_code: str) -> Response:
    gemeente = services.gemeente_of_404(cbs_code)
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
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def deelname_beeindigen(cbs_code: str, deelname_id: int) -> Response:
    gemeente = services.gemeente_of_404(cbs_code)
    deelname = db.get_or_404(Deelname, deelname_id)
    if deelname.gemeente_id != gemeente.id:
        abort(404)
    programma = deelname.programma
    services.beeindig_deelname(deelname, gebruiker().email)
    db.session.commit()
    flash(f"{gemeente.weergavenaam} neemt niet meer deel aan {programma.label}.", "succes")
    return redirect(url_for("gemeenten.detail", cbs_code=gemeente.cbs_code))
