"""Schemes: the list, a new scheme, and one scheme with its years, ceilings and purposes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from kern.accounts.access import heeft, toegang
from kern.accounts.rechten import Recht
from kern.db import db
from subsidies import historie, services
from subsidies.forms.regelingen import DoelForm, JaarForm, PlafondForm, RegelingForm
from subsidies.models import Regeling, RegelingJaar
from subsidies.views import bp, jaar_of_404, weiger

Pagina = str | tuple[str, int]


def _bedrag(waarde: Decimal | None) -> Decimal:
    """The amount of a field that InputRequired has validated."""
    return cast(Decimal, waarde)


def _mag_wijzigen() -> bool:
    return heeft(Recht.PROGRAMMA_WIJZIGEN)


def _plafondform(jaar: RegelingJaar, **kwargs: Any) -> PlafondForm:
    return PlafondForm(prefix=f"jaar{jaar.id}", **kwargs)


def _regelingpagina(
    regeling: Regeling,
    status: int = 200,
    *,
    jaar_form: JaarForm | None = None,
    doel_form: DoelForm | None = None,
    plafondform: PlafondForm | None = None,
    plafond_jaar_id: int | None = None,
) -> Pagina:
    """The scheme's page; a form that was refused is drawn again with its input and errors."""
    standen = services.plafondstanden(regeling.jaren)
    jaren = [
        {
            "jaar": jaar,
            "stand": standen[jaar.id][0],
            "aantal": standen[jaar.id][1],
            "form": (
                plafondform
                if plafondform is not None and jaar.id == plafond_jaar_id
                else _plafondform(
                    jaar, formdata=None, data={"plafond": jaar.plafond, "versie": jaar.versie}
                )
            ),
        }
        for jaar in regeling.jaren
    ]
    html = render_template(
        "subsidies/regeling.html",
        regeling=regeling,
        jaren=jaren,
        jaar_form=jaar_form or JaarForm(formdata=None),
        doel_form=doel_form or DoelForm(formdata=None),
        mag_wijzigen=_mag_wijzigen(),
    )
    return html, status


@bp.route("/")
@toegang(Recht.PROGRAMMA_LEZEN)
def regelingen() -> str:
    alle = db.session.execute(select(Regeling).order_by(Regeling.naam)).scalars().all()
    return render_template(
        "subsidies/regelingen.html", regelingen=alle, mag_wijzigen=_mag_wijzigen()
    )


@bp.route("/regelingen/nieuw", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def regeling_nieuw() -> Pagina | Response:
    form = RegelingForm()
    if form.validate_on_submit():
        try:
            regeling = services.maak_regeling(
                naam=form.naam.data,
                grondslag=form.grondslag.data,
                kamerstuk=form.kamerstuk.data,
                omschrijving=form.omschrijving.data,
                jaren={form.jaar.data: _bedrag(form.plafond.data)},
            )
        except services.SubsidieFout as fout:
            weiger(fout)
        else:
            db.session.commit()
            flash(f"Regeling {regeling.naam} aangemaakt.", "succes")
            return redirect(url_for("subsidies.regeling", regeling_id=regeling.id))
    status = 400 if form.is_submitted() else 200
    return render_template("subsidies/regeling_nieuw.html", form=form), status


@bp.route("/regelingen/<int:regeling_id>")
@toegang(Recht.PROGRAMMA_LEZEN)
def regeling(regeling_id: int) -> Pagina:
    return _regelingpagina(db.get_or_404(Regeling, regeling_id))


@bp.route("/regelingen/<int:regeling_id>/historie")
@toegang(Recht.PROGRAMMA_LEZEN)
def regeling_historie(regeling_id: int) -> str:
    regeling = db.get_or_404(Regeling, regeling_id)
    return render_template(
        "subsidies/regeling_historie.html",
        regeling=regeling,
        historie=historie.van_regeling(regeling),
    )


@bp.route("/regelingen/<int:regeling_id>/jaren", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def jaar_toevoegen(regeling_id: int) -> Pagina | Response:
    regeling = db.get_or_404(Regeling, regeling_id)
    form = JaarForm()
    if form.validate_on_submit():
        try:
            jaar = services.voeg_jaar_toe(regeling, form.jaar.data, _bedrag(form.plafond.data))
        except services.SubsidieFout as fout:
            weiger(fout)
        else:
            db.session.commit()
            flash(f"Jaar {jaar.jaar} toegevoegd aan {regeling.naam}.", "succes")
            return redirect(url_for("subsidies.regeling", regeling_id=regeling.id))
    return _regelingpagina(regeling, 400, jaar_form=form)


@bp.route("/jaren/<int:jaar_id>/plafond", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def plafond_wijzigen(jaar_id: int) -> Pagina | Response:
    jaar = jaar_of_404(jaar_id)
    form = _plafondform(jaar)
    status = 400
    if form.validate_on_submit():
        try:
            services.wijzig_plafond(jaar, _bedrag(form.plafond.data), form.versie.data)
        except services.SubsidieFout as fout:
            status = weiger(fout, form, jaar)
        else:
            db.session.commit()
            flash(f"Het plafond voor {jaar.jaar} is gewijzigd.", "succes")
            return redirect(url_for("subsidies.regeling", regeling_id=jaar.regeling_id))
    return _regelingpagina(jaar.regeling, status, plafondform=form, plafond_jaar_id=jaar.id)


@bp.route("/regelingen/<int:regeling_id>/doelen", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def doel_toevoegen(regeling_id: int) -> Pagina | Response:
    regeling = db.get_or_404(Regeling, regeling_id)
    form = DoelForm()
    if form.validate_on_submit():
        try:
            services.voeg_doel_toe(
                regeling,
                form.code.data,
                form.naam.data.strip(),
                (form.maatregelen.data or "").strip() or None,
            )
        except services.SubsidieFout as fout:
            weiger(fout)
        else:
            db.session.commit()
            flash(f"Bestedingsdoel {form.naam.data.strip()} toegevoegd.", "succes")
            return redirect(url_for("subsidies.regeling", regeling_id=regeling.id))
    return _regelingpagina(regeling, 400, doel_form=form)
