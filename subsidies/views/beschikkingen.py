"""Decisions: the decisions of a year, one decision, its versions, payments and audit trail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from gemeenten.models import Gemeente
from kern import cache, export, tijd
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.db import db
from kern.export import Kolom, Soort, exporteerbaar
from kern.formatting import datum, geld
from kern.paginering import bewaarde_pagina
from subsidies import historie, services
from subsidies.forms.beschikkingen import (
    BeschikkenForm,
    BeschikkingForm,
    BetalingForm,
    IntrekkenForm,
    NieuweBeschikkingForm,
    WijzigBeschikkingForm,
    beschikking_form,
)
from subsidies.models import (
    NUL,
    Beschikking,
    BeschikkingStatus,
    BeschikkingVersie,
    RegelingJaar,
)
from subsidies.views import beschikking_of_404, bp, door, jaar_of_404, weiger

Pagina = str | tuple[str, int]


# --- Helpers ------------------------------------------------------------------------------


def _actieve_gemeenten() -> list[Gemeente]:
    return list(
        db.session.execute(select(Gemeente).where(Gemeente.actief).order_by(Gemeente.naam))
        .scalars()
        .all()
    )


def _zet_keuzes(form: BeschikkingForm, gemeenten: list[Gemeente]) -> None:
    form.deelnemers.choices = [SelectChoice(g.id, g.label) for g in gemeenten]


def _gegevens(form: BeschikkingForm, gemeenten: list[Gemeente]) -> services.BeschikkingGegevens:
    gekozen = set(form.deelnemers.data or ())
    return services.BeschikkingGegevens(
        bedrag=form.bedrag.data,
        doelbedragen=form.doelbedragen(),
        regio_naam=form.regio_naam.data,
        deelnemers=[g for g in gemeenten if g.id in gekozen],
        toelichting=form.toelichting.data,
    )


def _wijzigbaar(beschikking: Beschikking) -> bool:
    """May still be edited, amended or withdrawn (the services refuse the rest)."""
    return beschikking.status in (BeschikkingStatus.CONCEPT, *services.BESLOTEN)


def _naar(beschikking: Beschikking) -> Response:
    return redirect(url_for("subsidies.beschikking", beschikking_id=beschikking.id))


@dataclass(frozen=True)
class Versie:
    """A kept version with its per-purpose amounts as names and Decimals, for the template."""

    versie: BeschikkingVersie
    doelbedragen: list[tuple[str, Decimal]]


def _versies(beschikking: Beschikking) -> list[Versie]:
    namen = {d.code: d.naam for d in beschikking.regeling_jaar.regeling.doelen}
    return [
        Versie(
            versie=v,
            doelbedragen=[
                (namen.get(code, code), Decimal(bedrag)) for code, bedrag in v.doelbedragen.items()
            ],
        )
        for v in beschikking.versies
    ]


def _beschikkingpagina(
    beschikking: Beschikking,
    status: int = 200,
    *,
    beschikken_form: BeschikkenForm | None = None,
    betaling_form: BetalingForm | None = None,
    toon_bevestiging: bool = False,
) -> Pagina:
    """The decision's page; a form that was refused is drawn again with its input and errors."""
    html = render_template(
        "subsidies/beschikking.html",
        beschikking=beschikking,
        versies=_versies(beschikking),
        beschikken_form=beschikken_form
        or BeschikkenForm(
            formdata=None, data={"versie": beschikking.versie, "datum": tijd.vandaag()}
        ),
        betaling_form=betaling_form
        or BetalingForm(formdata=None, data={"gepland_op": tijd.vandaag()}),
        wijzigbaar=_wijzigbaar(beschikking),
        toon_bevestiging=toon_bevestiging,
    )
    return html, status


# --- The decisions of a year --------------------------------------------------------------


@dataclass(frozen=True)
class BeschikkingRij:
    """A decision as the year's list and its export show it: plain values, so that a page of
    them can be kept per data version (`kern.paginering.bewaarde_pagina`)."""

    id: int
    ontvanger: str
    kenmerk: str | None
    status: BeschikkingStatus
    bedrag: Decimal | None
    betaald: Decimal

    @classmethod
    def van(cls, b: Beschikking) -> BeschikkingRij:
        return cls(b.id, b.ontvanger, b.kenmerk, b.status, b.bedrag, b.betaald)

    @property
    def in_concept(self) -> bool:
        return self.status is BeschikkingStatus.CONCEPT

    @property
    def telt_mee(self) -> bool:
        return self.status.telt_mee


@dataclass(frozen=True)
class Jaarstand:
    """The year's totals over every decision, not the page."""

    stand: services.Plafondstand
    aantal: int
    betaald: Decimal  # every decision's payments, a withdrawn one's too, until its clawback is in
    nog_vast_te_stellen: int


@bp.route("/jaren/<int:jaar_id>")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def jaar(jaar_id: int) -> str | Response:
    regeling_jaar = jaar_of_404(jaar_id)
    query = _beschikkingen_van(regeling_jaar)
    # The same for everyone who may open it: kept per data version, year and page.
    pagina = bewaarde_pagina("beschikkingen", query, BeschikkingRij.van, {"jaar": jaar_id})
    totalen = cache.bewaard("jaarstand", {"jaar": jaar_id}, lambda: _jaarstand(regeling_jaar))
    return export.toon(
        "subsidies/regeling_jaar.html",
        # The export has every decision of the year, the page one page of them.
        _jaar_export(
            regeling_jaar, lambda: [BeschikkingRij.van(b) for b in db.session.scalars(query)]
        ),
        jaar=regeling_jaar,
        beschikkingen=pagina.items,
        pagina=pagina,
        aantal=totalen.aantal,
        stand=totalen.stand,
        betaald=totalen.betaald,
        nog_vast_te_stellen=totalen.nog_vast_te_stellen,
    )


def _jaarstand(regeling_jaar: RegelingJaar) -> Jaarstand:
    stand, aantal = services.plafondstanden([regeling_jaar])[regeling_jaar.id]
    return Jaarstand(
        stand,
        aantal,
        services.betaald_in(regeling_jaar),
        services.nog_vast_te_stellen_in(regeling_jaar),
    )


def _beschikkingen_van(regeling_jaar: RegelingJaar) -> Select[Beschikking]:
    """The year's decisions by the name their recipient is known by; each row shows its
    recipient and what was paid, loaded with the decisions, not per row."""
    return (
        select(Beschikking)
        .join(Beschikking.gemeente)
        .where(Beschikking.regeling_jaar_id == regeling_jaar.id)
        .options(contains_eager(Beschikking.gemeente), selectinload(Beschikking.betalingen))
        .order_by(
            func.lower(func.coalesce(Beschikking.regio_naam, Gemeente.roepnaam, Gemeente.naam)),
            Beschikking.id,
        )
    )


def _jaar_export(
    regeling_jaar: RegelingJaar, beschikkingen: Callable[[], list[BeschikkingRij]]
) -> export.Export:
    kolommen = [
        Kolom("Ontvanger", lambda b: b.ontvanger, uitleg="De gemeente, of de regio"),
        Kolom("Kenmerk", lambda b: b.kenmerk, uitleg="Het kenmerk van de beschikking"),
        Kolom("Status", lambda b: b.status.label, uitleg="Van de beschikking"),
        Kolom(
            "Toegekend",
            lambda b: b.bedrag if b.telt_mee else None,
            Soort.GELD,
            "Beschikt, gewijzigd of vastgesteld; leeg: nog vast te stellen, een concept of "
            "ingetrokken",
            totaal=True,
        ),
        Kolom(
            "Niet meegeteld",
            lambda b: None if b.telt_mee else b.bedrag,
            Soort.GELD,
            "Het bedrag van een concept (nog niet beschikt) of een ingetrokken beschikking",
        ),
        Kolom("Betaald", lambda b: b.betaald, Soort.GELD, "Betaald min ontvangen", totaal=True),
    ]
    return export.Export(
        naam=f"beschikkingen-{export.slug(regeling_jaar.regeling.naam)}-{regeling_jaar.jaar}",
        titel=f"Beschikkingen {regeling_jaar.label}",
        tabellen=[export.Tabel("Beschikkingen", kolommen, beschikkingen)],
    )


@bp.route("/jaren/<int:jaar_id>/beschikkingen/nieuw", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def beschikking_nieuw(jaar_id: int) -> Pagina | Response:
    regeling_jaar = jaar_of_404(jaar_id)
    form = beschikking_form(NieuweBeschikkingForm, regeling_jaar.regeling.doelen)
    gemeenten = _actieve_gemeenten()
    bezet = {b.gemeente_id for b in regeling_jaar.beschikkingen}
    form.gemeente_id.choices = [
        SelectChoice("", "— kies een gemeente —"),
        *(SelectChoice(g.id, g.label) for g in gemeenten if g.id not in bezet),
    ]
    _zet_keuzes(form, gemeenten)
    overschreden = False
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        gemeente = next(g for g in gemeenten if g.id == form.gemeente_id.data)
        try:
            beschikking = services.maak_beschikking(
                regeling_jaar,
                gemeente,
                _gegevens(form, gemeenten),
                bevestig_overschrijding=form.bevestig_overschrijding.data,
            )
        except services.SubsidieFout as fout:
            weiger(fout)
            overschreden = isinstance(fout, services.PlafondOverschreden)
        else:
            db.session.commit()
            flash(f"Conceptbeschikking voor {beschikking.ontvanger} aangemaakt.", "succes")
            return _naar(beschikking)
    return render_template(
        "subsidies/beschikking_nieuw.html",
        jaar=regeling_jaar,
        form=form,
        toon_bevestiging=overschreden or form.bevestig_overschrijding.data,
    ), status


# --- One decision -------------------------------------------------------------------------


@bp.route("/beschikkingen/<int:beschikking_id>")
@toegang(Recht.PROGRAMMA_LEZEN, Recht.EIGEN_GEMEENTE)
def beschikking(beschikking_id: int) -> Pagina:
    return _beschikkingpagina(beschikking_of_404(beschikking_id))


@bp.route("/beschikkingen/<int:beschikking_id>/beschikken", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def beschikking_beschikken(beschikking_id: int) -> Pagina | Response:
    beschikking = beschikking_of_404(beschikking_id)
    form = BeschikkenForm()
    status = 400
    overschreden = False
    if form.validate_on_submit():
        try:
            services.beschik(
                beschikking,
                kenmerk=form.kenmerk.data,
                datum=form.datum.data,
                door=door(),
                versie=form.versie.data,
                bevestig_overschrijding=form.bevestig_overschrijding.data,
            )
        except services.SubsidieFout as fout:
            status = weiger(fout, form, beschikking)
            overschreden = isinstance(fout, services.PlafondOverschreden)
        else:
            db.session.commit()
            flash(f"De beschikking is genomen met kenmerk {beschikking.kenmerk}.", "succes")
            return _naar(beschikking)
    return _beschikkingpagina(
        beschikking,
        status,
        beschikken_form=form,
        toon_bevestiging=overschreden or form.bevestig_overschrijding.data,
    )


@bp.route("/beschikkingen/<int:beschikking_id>/wijzigen", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def beschikking_wijzigen(beschikking_id: int) -> Pagina | Response:
    beschikking = beschikking_of_404(beschikking_id)
    data: dict[str, Any] = {}
    if request.method == "GET":
        data = {
            "regio_naam": beschikking.regio_naam,
            "deelnemers": [g.id for g in beschikking.deelnemers],
            "bedrag": beschikking.bedrag,
            "toelichting": beschikking.toelichting,
            "versie": beschikking.versie,
            **{f"doel_{d.doel_id}": d.bedrag for d in beschikking.doelbedragen},
        }
    form = beschikking_form(
        WijzigBeschikkingForm, beschikking.regeling_jaar.regeling.doelen, data=data
    )
    # Participants that have since merged stay choosable until they are deselected.
    gemeenten = _actieve_gemeenten() + [g for g in beschikking.deelnemers if not g.actief]
    _zet_keuzes(form, gemeenten)
    overschreden = False
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            services.wijzig_beschikking(
                beschikking,
                _gegevens(form, gemeenten),
                door=door(),
                versie=form.versie.data,
                reden=form.reden.data,
                datum=form.datum.data,
                bevestig_overschrijding=form.bevestig_overschrijding.data,
            )
        except services.SubsidieFout as fout:
            status = weiger(fout, form, beschikking)
            overschreden = isinstance(fout, services.PlafondOverschreden)
        else:
            db.session.commit()
            flash("De beschikking is gewijzigd.", "succes")
            return _naar(beschikking)
    return render_template(
        "subsidies/beschikking_wijzigen.html",
        beschikking=beschikking,
        form=form,
        besloten=beschikking.status in services.BESLOTEN,
        wijzigbaar=_wijzigbaar(beschikking),
        toon_bevestiging=overschreden or form.bevestig_overschrijding.data,
    ), status


@bp.route("/beschikkingen/<int:beschikking_id>/intrekken", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def beschikking_intrekken(beschikking_id: int) -> Pagina | Response:
    beschikking = beschikking_of_404(beschikking_id)
    data = {"versie": beschikking.versie} if request.method == "GET" else {}
    form = IntrekkenForm(data=data)
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            services.trek_in(
                beschikking,
                reden=form.reden.data,
                door=door(),
                versie=form.versie.data,
                vandaag=tijd.vandaag(),
            )
        except services.SubsidieFout as fout:
            status = weiger(fout, form, beschikking)
        else:
            db.session.commit()
            terug = sum((b.bedrag for b in beschikking.betalingen if b.is_terugvordering), NUL)
            bericht = "De beschikking is ingetrokken."
            if terug:
                bericht += f" Er is een terugvordering van {geld(terug)} gepland."
            flash(bericht, "succes")
            return _naar(beschikking)
    return render_template(
        "subsidies/beschikking_intrekken.html",
        beschikking=beschikking,
        form=form,
        wijzigbaar=_wijzigbaar(beschikking),
    ), status


# --- Payments -----------------------------------------------------------------------------


@bp.route("/beschikkingen/<int:beschikking_id>/betalingen", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def betaling_plannen(beschikking_id: int) -> Pagina | Response:
    beschikking = beschikking_of_404(beschikking_id)
    form = BetalingForm()
    if form.validate_on_submit():
        try:
            betaling = services.plan_betaling(
                beschikking,
                soort=form.gekozen(),
                bedrag=cast(Decimal, form.bedrag.data),  # validated: InputRequired
                gepland_op=form.gepland_op.data,
                omschrijving=form.omschrijving.data,
            )
        except services.SubsidieFout as fout:
            weiger(fout)
        else:
            db.session.commit()
            flash(
                f"{betaling.soort.label} van {geld(betaling.bedrag)} gepland op "
                f"{datum(betaling.gepland_op)}.",
                "succes",
            )
            return _naar(beschikking)
    return _beschikkingpagina(beschikking, 400, betaling_form=form)


@bp.route("/beschikkingen/<int:beschikking_id>/historie")
@toegang(Recht.PROGRAMMA_LEZEN)
def beschikking_historie(beschikking_id: int) -> str:
    beschikking = beschikking_of_404(beschikking_id)
    return render_template(
        "subsidies/beschikking_historie.html",
        beschikking=beschikking,
        historie=historie.van_beschikking(beschikking),
    )
