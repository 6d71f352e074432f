"""Inventories: the list, a new one, its page with parts, themes and invited municipalities,
editing it, and opening or closing it for the municipalities' own answers."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gemeenten.inventarisatie import services
from gemeenten.inventarisatie.forms.inventarisaties import (
    InventarisatieForm,
    InventarisatieWijzigForm,
    OpenForm,
)
from gemeenten.inventarisatie.models import Inventarisatie
from gemeenten.inventarisatie.services import InventarisatieFout, InventarisatieGegevens
from gemeenten.inventarisatie.views import (
    bp,
    door,
    inventarisatie_of_404,
    mag_wijzigen,
    weiger,
)
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.db import db

Pagina = str | tuple[str, int]


def naar(inventarisatie: Inventarisatie, anker: str = "") -> Response:
    adres = url_for("inventarisatie.detail", inventarisatie_id=inventarisatie.id)
    return redirect(f"{adres}#{anker}" if anker else adres)


def _gegevens(form: InventarisatieForm) -> InventarisatieGegevens:
    return InventarisatieGegevens(
        naam=form.naam.data or "",
        datum=form.datum.data,
        kamerstuk=form.kamerstuk.data,
        uiterlijk=form.uiterlijk.data,
    )


@bp.route("/")
@toegang(Recht.PROGRAMMA_LEZEN)
def index() -> str:
    return render_template(
        "inventarisatie/index.html",
        inventarisaties=services.inventarisaties(),
        mag_wijzigen=mag_wijzigen(),
    )


@bp.route("/nieuw", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def nieuw() -> Pagina | Response:
    form = InventarisatieForm()
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                inventarisatie = services.maak_inventarisatie(_gegevens(form), door=door())
            except InventarisatieFout as fout:
                status = weiger(fout, form)
            else:
                db.session.commit()
                flash(f"Inventarisatie vastgelegd: {inventarisatie.naam}.", "succes")
                return naar(inventarisatie)
    return render_template(
        "inventarisatie/inventarisatie_form.html", form=form, inventarisatie=None
    ), status


@bp.route("/<int:inventarisatie_id>")
@toegang(Recht.PROGRAMMA_LEZEN)
def detail(inventarisatie_id: int) -> str:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    return render_template(
        "inventarisatie/detail.html",
        inventarisatie=inventarisatie,
        deelnemers=services.respons(inventarisatie),
        mag_wijzigen=mag_wijzigen(),
        form=OpenForm(formdata=None, obj=inventarisatie),
    )


@bp.route("/<int:inventarisatie_id>/wijzigen", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def wijzigen(inventarisatie_id: int) -> Pagina | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    if request.method != "POST":
        form = InventarisatieWijzigForm(formdata=None, obj=inventarisatie)
        return render_template(
            "inventarisatie/inventarisatie_form.html", form=form, inventarisatie=inventarisatie
        )
    form = InventarisatieWijzigForm()
    status = 400
    if form.validate():
        try:
            services.wijzig_inventarisatie(inventarisatie, _gegevens(form), versie=form.versie.data)
        except InventarisatieFout as fout:
            status = weiger(fout, form, inventarisatie)
        else:
            db.session.commit()
            flash(f"Inventarisatie gewijzigd: {inventarisatie.naam}.", "succes")
            return naar(inventarisatie)
    return render_template(
        "inventarisatie/inventarisatie_form.html", form=form, inventarisatie=inventarisatie
    ), status


@bp.route("/<int:inventarisatie_id>/voor-gemeenten", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def voor_gemeenten(inventarisatie_id: int) -> Response:
    """Open the inventory for the municipalities' own answers, or close it."""
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    form = OpenForm()
    if not form.validate():
        flash("Het formulier is niet verwerkt; laad de pagina opnieuw.", "fout")
        return naar(inventarisatie)
    open_ = form.open.data == "ja"
    try:
        services.stel_open(inventarisatie, open_, versie=form.versie.data)
    except InventarisatieFout as fout:
        weiger(fout)
    else:
        db.session.commit()
        flash(
            "De inventarisatie is open: uitgenodigde gemeenten kunnen hun eigen antwoorden "
            "invullen en corrigeren."
            if open_
            else "De inventarisatie is gesloten: gemeenten kunnen hun antwoorden alleen nog "
            "bekijken.",
            "succes",
        )
    return naar(inventarisatie)
