"""The national response to an inventory's needs: its actions, listed for the ministry and kept
by officers (new, changed, removed), each on themes and on single needs."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gemeenten.inventarisatie import acties as services
from gemeenten.inventarisatie.acties import ActieFout, ActieGegevens, Conflict
from gemeenten.inventarisatie.forms.acties import ActieForm, ActieWijzigForm, VerwijderForm
from gemeenten.inventarisatie.models import Actie, Antwoord, Inventarisatie
from gemeenten.inventarisatie.views import bp, inventarisatie_of_404
from kern import export, tijd
from kern.accounts.access import gebruiker, toegang
from kern.accounts.rechten import Recht
from kern.audit import historie
from kern.db import db
from kern.export import Kolom, Soort, exporteerbaar
from kern.formatting import datum

Pagina = str | tuple[str, int]


@bp.route("/<int:inventarisatie_id>/acties")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def acties(inventarisatie_id: int) -> str | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    lijst = services.acties(inventarisatie)
    return export.toon(
        "inventarisatie/acties.html",
        _acties_export(inventarisatie, lijst),
        inventarisatie=inventarisatie,
        acties=lijst,
    )


def _acties_export(inventarisatie: Inventarisatie, lijst: list[Actie]) -> export.Export:
    kolommen = [
        Kolom("Omschrijving", lambda a: a.omschrijving, uitleg="Wat het Rijk doet"),
        Kolom("Organisatie", lambda a: a.uitvoerder, uitleg="Wie de actie uitvoert"),
        Kolom("Status", lambda a: a.status.label, uitleg="Gepland, lopend of afgerond"),
        Kolom(
            "Datum",
            lambda a: a.datum,
            Soort.DATUM,
            "Gepland: de start; lopend: sinds; afgerond: het einde",
        ),
        Kolom(
            "Thema's",
            lambda a: ", ".join(t.naam for t in a.themas),
            uitleg="De thema's waarop de actie een antwoord is (de behoefte van elke gemeente)",
        ),
        Kolom(
            "Afzonderlijke behoeften",
            lambda a: ", ".join(b.label for b in a.behoeften),
            uitleg="De behoeften van afzonderlijke gemeenten waarop de actie een antwoord is",
        ),
        Kolom("Vastgelegd door", lambda a: a.vastgelegd_door, uitleg="Wie de actie vastlegde"),
        Kolom("Vastgelegd op", lambda a: a.vastgelegd_op, Soort.MOMENT, "Wanneer"),
    ]
    return export.Export(
        naam="acties",
        titel=f"Acties van het Rijk: {inventarisatie.naam}",
        tabellen=[export.Tabel("Acties", kolommen, lambda: lijst)],
        filters=[("Inventarisatie", f"{inventarisatie.naam} ({datum(inventarisatie.datum)})")],
    )


def _actie_of_404(inventarisatie: Inventarisatie, actie_id: int) -> Actie:
    actie = db.session.get(Actie, actie_id)
    if actie is None or actie.inventarisatie_id != inventarisatie.id:
        abort(404)
    return actie


def _gegevens(form: ActieForm) -> ActieGegevens:
    return ActieGegevens(
        omschrijving=form.omschrijving.data or "",
        organisatie=form.gekozen_organisatie,
        organisatie_anders=form.organisatie_anders.data,
        status=form.gekozen_status,
        datum=form.datum.data,
        thema_ids=form.themas.data or [],
        behoefte_ids=form.behoeften.data or [],
    )


def _weiger(fout: ActieFout, form: ActieForm, actie: Actie | None = None) -> int:
    """Undo, and show the refusal beside its field (or above the form); 409 for a concurrent
    change (the form then carries the current version), else 400."""
    db.session.rollback()
    if fout.veld is not None and fout.veld in form:
        form[fout.veld].errors = [*form[fout.veld].errors, str(fout)]
    else:
        flash(str(fout), "fout")
    if isinstance(fout, Conflict):
        if actie is not None and "versie" in form:
            form.versie.data = actie.versie
        return 409
    return 400


def _pagina(
    inventarisatie: Inventarisatie,
    form: ActieForm,
    behoeften: list[Antwoord],
    actie: Actie | None,
    status: int,
) -> tuple[str, int]:
    per_thema: dict[str, list[Any]] = {}
    bij_id = {a.id: a for a in behoeften}
    for vinkje in form.behoeften:
        per_thema.setdefault(bij_id[int(vinkje.data)].thema.naam, []).append(vinkje)
    return render_template(
        "inventarisatie/actie.html",
        inventarisatie=inventarisatie,
        form=form,
        behoeften_per_thema=per_thema,
        actie=actie,
        verwijder_form=VerwijderForm(formdata=None, obj=actie) if actie else None,
        historie=historie("inventarisatieactie", actie.id) if actie else [],
    ), status


def _gevraagde_ids(naam: str) -> list[int]:
    """Ids from the address (``?thema=3&behoefte=12``), for a form opened from a need."""
    return [int(w) for w in request.args.getlist(naam) if w.isascii() and w.isdigit()]


@bp.route("/<int:inventarisatie_id>/acties/nieuw", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def actie_nieuw(inventarisatie_id: int) -> Pagina | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    behoeften = services.behoeften(inventarisatie)
    form = ActieForm.voor(inventarisatie.themas, behoeften)
    if not form.is_submitted():
        form.datum.data = tijd.vandaag()
        form.themas.data = _gevraagde_ids("thema")
        form.behoeften.data = _gevraagde_ids("behoefte")
        return _pagina(inventarisatie, form, behoeften, None, 200)
    status = 400
    if form.validate():
        try:
            actie = services.leg_vast(
                inventarisatie, _gegevens(form), vandaag=tijd.vandaag(), door=gebruiker().email
            )
        except ActieFout as fout:
            status = _weiger(fout, form)
        else:
            db.session.commit()
            flash(f"Actie vastgelegd: {actie.omschrijving[:80]}", "succes")
            return redirect(url_for("inventarisatie.acties", inventarisatie_id=inventarisatie.id))
    return _pagina(inventarisatie, form, behoeften, None, status)


@bp.route("/<int:inventarisatie_id>/acties/<int:actie_id>", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def actie(inventarisatie_id: int, actie_id: int) -> Pagina | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    gevonden = _actie_of_404(inventarisatie, actie_id)
    behoeften = services.behoeften(inventarisatie)
    if request.method != "POST":
        form = ActieWijzigForm.voor(inventarisatie.themas, behoeften, formdata=None, obj=gevonden)
        form.themas.data = [t.id for t in gevonden.themas]
        form.behoeften.data = [b.id for b in gevonden.behoeften]
        return _pagina(inventarisatie, form, behoeften, gevonden, 200)
    form = ActieWijzigForm.voor(inventarisatie.themas, behoeften)
    status = 400
    if form.validate():
        try:
            services.wijzig(
                gevonden, _gegevens(form), versie=form.versie.data, vandaag=tijd.vandaag()
            )
        except ActieFout as fout:
            status = _weiger(fout, form, gevonden)
        else:
            db.session.commit()
            flash("Actie gewijzigd.", "succes")
            return redirect(url_for("inventarisatie.acties", inventarisatie_id=inventarisatie.id))
    return _pagina(inventarisatie, form, behoeften, gevonden, status)


@bp.route("/<int:inventarisatie_id>/acties/<int:actie_id>/verwijderen", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def actie_verwijderen(inventarisatie_id: int, actie_id: int) -> Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    gevonden = _actie_of_404(inventarisatie, actie_id)
    form = VerwijderForm()
    terug = url_for("inventarisatie.actie", inventarisatie_id=inventarisatie.id, actie_id=actie_id)
    if not form.validate():
        flash(
            "De actie is niet verwijderd: laad de pagina opnieuw en probeer het nog eens.", "fout"
        )
        return redirect(terug)
    try:
        services.verwijder(gevonden, versie=form.versie.data)
    except ActieFout as fout:
        db.session.rollback()
        flash(str(fout), "fout")
        return redirect(terug)
    db.session.commit()
    flash("Actie verwijderd.", "succes")
    return redirect(url_for("inventarisatie.acties", inventarisatie_id=inventarisatie.id))
