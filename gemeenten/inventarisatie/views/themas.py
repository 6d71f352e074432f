"""An inventory's parts and the themes officers define in them."""

from __future__ import annotations

from flask import flash, render_template, request
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from gemeenten.inventarisatie import services
from gemeenten.inventarisatie.forms.inventarisaties import (
    DeelForm,
    DeelWijzigForm,
    ThemaForm,
    ThemaWijzigForm,
    VersieForm,
)
from gemeenten.inventarisatie.models import Deel, Inventarisatie, Thema
from gemeenten.inventarisatie.services import InventarisatieFout, ThemaGegevens
from gemeenten.inventarisatie.views import (
    bp,
    inventarisatie_of_404,
    van_inventarisatie_of_404,
    weiger,
)
from gemeenten.inventarisatie.views.inventarisaties import naar
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.db import db

Pagina = str | tuple[str, int]


def _deelpagina(
    inventarisatie: Inventarisatie, form: DeelForm, deel: Deel | None, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "inventarisatie/deel_form.html", inventarisatie=inventarisatie, form=form, deel=deel
    ), status


@bp.route("/<int:inventarisatie_id>/delen/nieuw", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def deel_nieuw(inventarisatie_id: int) -> Pagina | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    form = DeelForm()
    if not form.is_submitted():
        return _deelpagina(inventarisatie, form, None)
    status = 400
    if form.validate():
        try:
            deel = services.voeg_deel_toe(inventarisatie, form.naam.data or "", form.volgorde.data)
        except InventarisatieFout as fout:
            status = weiger(fout, form)
        else:
            db.session.commit()
            flash(f"Deel toegevoegd: {deel.naam}.", "succes")
            return naar(inventarisatie, "themas")
    return _deelpagina(inventarisatie, form, None, status)


@bp.route("/<int:inventarisatie_id>/delen/<int:deel_id>", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def deel(inventarisatie_id: int, deel_id: int) -> Pagina | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    deel = db.session.get(Deel, deel_id)
    van_inventarisatie_of_404(deel, inventarisatie)
    assert deel is not None
    if request.method != "POST":
        return _deelpagina(inventarisatie, DeelWijzigForm(formdata=None, obj=deel), deel)
    form = DeelWijzigForm()
    status = 400
    if form.validate():
        try:
            services.wijzig_deel(
                deel, form.naam.data or "", form.volgorde.data, versie=form.versie.data
            )
        except InventarisatieFout as fout:
            status = weiger(fout, form, deel)
        else:
            db.session.commit()
            flash(f"Deel gewijzigd: {deel.naam}.", "succes")
            return naar(inventarisatie, "themas")
    return _deelpagina(inventarisatie, form, deel, status)


def _met_delen(form: ThemaForm, inventarisatie: Inventarisatie) -> ThemaForm:
    form.deel_id.choices = [
        SelectChoice("", "Kies een deel"),
        *(SelectChoice(d.id, d.naam) for d in inventarisatie.delen),
    ]
    return form


def _themagegevens(form: ThemaForm, inventarisatie: Inventarisatie) -> ThemaGegevens:
    deel = next((d for d in inventarisatie.delen if d.id == form.deel_id.data), None)
    return ThemaGegevens(
        deel=deel,
        naam=form.naam.data or "",
        omschrijving=form.omschrijving.data,
        volgorde=form.volgorde.data,
    )


def _themapagina(
    inventarisatie: Inventarisatie, form: ThemaForm, thema: Thema | None, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "inventarisatie/thema_form.html",
        inventarisatie=inventarisatie,
        form=form,
        thema=thema,
        verwijder_form=VersieForm(formdata=None, obj=thema) if thema else None,
    ), status


@bp.route("/<int:inventarisatie_id>/themas/nieuw", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def thema_nieuw(inventarisatie_id: int) -> Pagina | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    form = _met_delen(ThemaForm(), inventarisatie)
    if not form.is_submitted():
        gekozen = request.args.get("deel", "")
        if gekozen.isascii() and gekozen.isdigit():
            form.deel_id.data = int(gekozen)
        return _themapagina(inventarisatie, form, None)
    status = 400
    if form.validate():
        try:
            thema = services.voeg_thema_toe(inventarisatie, _themagegevens(form, inventarisatie))
        except InventarisatieFout as fout:
            status = weiger(fout, form)
        else:
            db.session.commit()
            flash(f"Thema toegevoegd: {thema.naam}.", "succes")
            return naar(inventarisatie, "themas")
    return _themapagina(inventarisatie, form, None, status)


@bp.route("/<int:inventarisatie_id>/themas/<int:thema_id>", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def thema(inventarisatie_id: int, thema_id: int) -> Pagina | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    thema = db.session.get(Thema, thema_id)
    van_inventarisatie_of_404(thema, inventarisatie)
    assert thema is not None
    if request.method != "POST":
        form = _met_delen(ThemaWijzigForm(formdata=None, obj=thema), inventarisatie)
        return _themapagina(inventarisatie, form, thema)
    form = _met_delen(ThemaWijzigForm(), inventarisatie)
    status = 400
    if form.validate():
        try:
            services.wijzig_thema(
                thema, _themagegevens(form, inventarisatie), versie=form.versie.data
            )
        except InventarisatieFout as fout:
            status = weiger(fout, form, thema)
        else:
            db.session.commit()
            flash(f"Thema gewijzigd: {thema.naam}.", "succes")
            return naar(inventarisatie, "themas")
    return _themapagina(inventarisatie, form, thema, status)


@bp.route("/<int:inventarisatie_id>/themas/<int:thema_id>/verwijderen", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def thema_verwijderen(inventarisatie_id: int, thema_id: int) -> Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    thema = db.session.get(Thema, thema_id)
    van_inventarisatie_of_404(thema, inventarisatie)
    assert thema is not None
    form = VersieForm()
    naam = thema.naam
    if not form.validate():
        flash("Versie ontbreekt; laad de pagina opnieuw.", "fout")
        return naar(inventarisatie, "themas")
    try:
        services.verwijder_thema(thema, versie=form.versie.data)
    except InventarisatieFout as fout:
        weiger(fout)
    else:
        db.session.commit()
        flash(f"Thema verwijderd: {naam}.", "succes")
    return naar(inventarisatie, "themas")
