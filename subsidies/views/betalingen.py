"""Payments: finance's work list, registering payments (one, or a batch), cancelling one.

Registering asks for the date (today by default), the amount that actually went out and the
bank's reference, shows what will be recorded, and records it when confirmed. Finance and the
grant officers register and cancel; the audit trail keeps who did it (`kern.audit`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import Select
from werkzeug.wrappers import Response

from kern import cache, export, tijd
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.db import db
from kern.export import exporteerbaar
from kern.formatting import datum, geld
from kern.paginering import bewaarde_pagina
from subsidies import betalingen, services
from subsidies.forms.beschikkingen import AnnuleerForm
from subsidies.forms.betalingen import BatchBetaaldForm, BetaaldForm, WerklijstFilterForm
from subsidies.models import Betaling
from subsidies.views import betaling_of_404, bp, door, weiger

Pagina = str | tuple[str, int]
VAN_WERKLIJST = "werklijst"  # ?van=werklijst: go back to the work list, not the decision


# --- The work list --------------------------------------------------------------------------


def _filter(form: WerklijstFilterForm) -> betalingen.Filter:
    form.zet_keuzes(betalingen.regelingen(), betalingen.jaren())
    form.validate()  # an invalid filter is shown with its message and then ignored
    return betalingen.Filter(
        regeling_id=form.geldig_getal("regeling"), jaar=form.geldig_getal("jaar")
    )


# ?pagina_...=N: the page of each part of the work list, apart.
PAGINA_TE_BETALEN, PAGINA_TERUG, PAGINA_GEREGISTREERD = (
    "pagina_te_betalen",
    "pagina_terug",
    "pagina_geregistreerd",
)


@bp.route("/betalingen")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def betalingen_werklijst() -> str | Response:
    form = WerklijstFilterForm(request.args)
    filter = _filter(form)
    lijst = _werklijst(filter)
    if export.gevraagd_formaat() is not None:
        return export.toon("subsidies/betalingen.html", _werklijst_export(lijst, form))
    # The same for everyone who may open it: each part's page kept per data version, filter
    # and day.
    delen = {"filter": filter, "vandaag": lijst.vandaag}
    paginas = {
        naam: bewaarde_pagina(naam, query, betalingen.Rij.van, delen, naam)
        for naam, query in (
            (PAGINA_TE_BETALEN, betalingen.te_betalen(filter)),
            (PAGINA_TERUG, betalingen.terug_te_vorderen(filter)),
            (
                PAGINA_GEREGISTREERD,
                betalingen.geregistreerd(filter, lijst.maand_begin, lijst.maand_einde),
            ),
        )
    }
    # What every page link keeps: the filters and the other parts' pages.
    argumenten: dict[str, Any] = {
        naam: request.args[naam]
        for naam in ("regeling", "jaar")
        if form.geldig(naam) and request.args.get(naam)
    }
    argumenten.update({naam: p.page for naam, p in paginas.items() if p.page > 1})
    batch = BatchBetaaldForm(formdata=None, data={"betaald_op": lijst.vandaag})
    return render_template(
        "subsidies/betalingen.html",
        form=form,
        lijst=lijst,
        paginas=paginas,
        argumenten=argumenten,
        batch=batch,
    )


def _werklijst(filter: betalingen.Filter) -> betalingen.Werklijst:
    """The work list's figures over the whole filter, kept per data version (`kern.cache`)."""
    vandaag = tijd.vandaag()
    return cache.bewaard(
        "betalingen",
        {"filter": filter, "vandaag": vandaag},
        lambda: betalingen.werklijst(filter, vandaag),
    )


def _kolom(
    kop: str, waarde: Callable[[betalingen.Rij], Any], uitleg: str, **kw: Any
) -> export.Kolom:
    return export.Kolom(kop, waarde, uitleg=uitleg, **kw)


def _beschikking_kolommen() -> list[export.Kolom]:
    return [
        _kolom("Ontvanger", lambda b: b.ontvanger, "Wie het geld krijgt of terugbetaalt"),
        _kolom("Regeling", lambda b: b.regeling, "De regeling van de beschikking"),
        _kolom("Jaar", lambda b: b.jaar, "Het jaar van de beschikking", soort=export.Soort.JAAR),
        _kolom("Beschikking", lambda b: b.kenmerk, "Het kenmerk van de beschikking"),
        _kolom("Soort", lambda b: b.soort.label, "Voorschot, nabetaling of terugvordering"),
        _kolom("Omschrijving", lambda b: b.omschrijving, "De omschrijving bij het plannen"),
    ]


def _open_kolommen(lijst: betalingen.Werklijst) -> list[export.Kolom]:
    return [
        _kolom("Gepland op", lambda b: b.gepland_op, "De geplande datum", soort=export.Soort.DATUM),
        _kolom(
            "Achterstallig",
            lambda b: lijst.achterstallig(b),
            f"ja: de geplande datum ligt voor {datum(lijst.vandaag)}",
        ),
        *_beschikking_kolommen(),
        _kolom(
            "Bedrag",
            lambda b: b.bedrag,
            "Het geplande bedrag",
            soort=export.Soort.GELD,
            totaal=True,
        ),
    ]


def _geregistreerd_kolommen() -> list[export.Kolom]:
    return [
        _kolom(
            "Betaald op",
            lambda b: b.betaald_op,
            "De datum van betaling of ontvangst",
            soort=export.Soort.DATUM,
        ),
        *_beschikking_kolommen(),
        _kolom(
            "Uitbetaald",
            lambda b: None if b.is_terugvordering else b.betaald_bedrag,
            "Wat is betaald aan de ontvanger (voorschot of nabetaling)",
            soort=export.Soort.GELD,
            totaal=True,
        ),
        _kolom(
            "Ontvangen",
            lambda b: b.betaald_bedrag if b.is_terugvordering else None,
            "Wat de ontvanger heeft terugbetaald (terugvordering)",
            soort=export.Soort.GELD,
            totaal=True,
        ),
        _kolom("Betalingskenmerk", lambda b: b.betalingskenmerk, "Het kenmerk van de bank"),
    ]


def _werklijst_export(lijst: betalingen.Werklijst, form: WerklijstFilterForm) -> export.Export:
    """Every row of each part under the filter, not a page of it."""
    maand, filter = lijst.maand_begin, lijst.filter

    def alle(query: Select[Any]) -> Callable[[], list[betalingen.Rij]]:
        return lambda: [betalingen.Rij.van(b) for b in db.session.scalars(query)]

    return export.Export(
        naam="betalingen",
        titel=f"Betalingen: werklijst per {datum(lijst.vandaag)}",
        tabellen=[
            export.Tabel("Te betalen", _open_kolommen(lijst), alle(betalingen.te_betalen(filter))),
            export.Tabel(
                "Terug te vorderen",
                _open_kolommen(lijst),
                alle(betalingen.terug_te_vorderen(filter)),
            ),
            export.Tabel(
                f"Geregistreerd {maand:%m-%Y}",
                _geregistreerd_kolommen(),
                alle(betalingen.geregistreerd(filter, maand, lijst.maand_einde)),
            ),
        ],
        filters=form.gekozen(),
    )


STARTBLOK_RIJEN = 10


def startblok() -> Markup:
    """Finance's start page: what is to be paid and collected, the oldest first."""
    lijst = _werklijst(betalingen.Filter())
    query = betalingen.open_betalingen(lijst.filter).limit(STARTBLOK_RIJEN)
    eerst = cache.bewaard(
        "betalingen-eerst",
        {"vandaag": lijst.vandaag},
        lambda: [betalingen.Rij.van(b) for b in db.session.scalars(query)],
    )
    # render_template escapes every value: its output is safe HTML.
    return Markup(  # noqa: S704
        render_template("subsidies/_startblok_betalingen.html", lijst=lijst, eerst=eerst)
    )


# --- Registering: fill in, see what will be recorded, record it -----------------------------

INVULLEN, BEVESTIGEN, VASTLEGGEN = "invullen", "bevestigen", "vastleggen"


def _stap(form: BetaaldForm | BatchBetaaldForm) -> str:
    """Where a valid registration form goes next: back to the fields (the confirmation's
    "Wijzigen"), to the confirmation (what will be recorded), or to record it."""
    if "wijzigen" in request.form:
        return INVULLEN
    return VASTLEGGEN if form.bevestigd.data == "ja" else BEVESTIGEN


# --- Registering one payment ----------------------------------------------------------------


def _terug(betaling: Betaling) -> Response:
    if request.args.get("van") == VAN_WERKLIJST:
        return redirect(url_for("subsidies.betalingen_werklijst"))
    return redirect(url_for("subsidies.beschikking", beschikking_id=betaling.beschikking_id))


def _woorden(betaling: Betaling) -> dict[str, str]:
    """A clawback is received, not paid."""
    if betaling.is_terugvordering:
        return {"datum": "Ontvangen op", "bedrag": "Ontvangen bedrag (€)", "klaar": "ontvangen"}
    return {"datum": "Betaald op", "bedrag": "Betaald bedrag (€)", "klaar": "betaald"}


@bp.route("/betalingen/<int:betaling_id>/betaald", methods=["GET", "POST"])
@toegang(Recht.BETALINGEN_REGISTREREN)
def betaling_registreren(betaling_id: int) -> Pagina | Response:
    betaling = betaling_of_404(betaling_id)
    woorden = _woorden(betaling)
    data = (
        {"betaald_op": tijd.vandaag(), "bedrag": betaling.bedrag, "versie": betaling.versie}
        if request.method == "GET"
        else {}
    )
    form = BetaaldForm(data=data)
    form.betaald_op.label.text = woorden["datum"]
    form.bedrag.label.text = woorden["bedrag"]
    geweigerd = services.registratie_geweigerd(betaling)
    if geweigerd is not None and not form.is_submitted():
        flash(geweigerd, "fout")
    stap, status = INVULLEN, 200
    if form.is_submitted():
        status = 400
        if form.validate_on_submit():
            assert form.bedrag.data is not None  # InputRequired
            try:
                services.controleer_versie(betaling, form.versie.data, "deze betaling")
                services.controleer_registratie(betaling, form.bedrag.data)
                stap = _stap(form)
                if stap != VASTLEGGEN:
                    status = 200
                else:
                    services.registreer_betaling(
                        betaling,
                        betaald_op=form.betaald_op.data,
                        versie=form.versie.data,
                        bedrag=form.bedrag.data,
                        kenmerk=form.betalingskenmerk.data,
                    )
                    db.session.commit()
                    flash(
                        f"{betaling.soort.label} van {geld(betaling.bedrag)} geregistreerd als "
                        f"{woorden['klaar']} op {datum(betaling.betaald_op)}: "
                        f"{geld(betaling.betaald_bedrag)}.",
                        "succes",
                    )
                    return _terug(betaling)
            except services.SubsidieFout as fout:
                status = weiger(fout, form, betaling)
    return render_template(
        "subsidies/betaling_registreren.html",
        betaling=betaling,
        form=form,
        woorden=woorden,
        bevestigen=stap == BEVESTIGEN,
        geweigerd=geweigerd,
    ), status


# --- Registering a batch --------------------------------------------------------------------


@bp.route("/betalingen/registreren", methods=["POST"])
@toegang(Recht.BETALINGEN_REGISTREREN)
def betalingen_registreren() -> Pagina | Response:
    form = BatchBetaaldForm()
    ids = sorted(set(form.betalingen.data or ()))
    gekozen = betalingen.met_ids(ids)
    stap, status = INVULLEN, 400
    if form.validate_on_submit():
        try:
            if len(gekozen) != len(ids):
                raise services.SubsidieFout("Een gekozen betaling bestaat niet (meer).")
            services.controleer_batch(gekozen)
            stap = _stap(form)
            if stap != VASTLEGGEN:
                status = 200
            else:
                services.registreer_betalingen(
                    gekozen, betaald_op=form.betaald_op.data, kenmerk=form.betalingskenmerk.data
                )
                db.session.commit()
                flash(_batch_bericht(gekozen), "succes")
                return redirect(url_for("subsidies.betalingen_werklijst"))
        except services.SubsidieFout as fout:
            status = weiger(fout)
    return render_template(
        "subsidies/betalingen_registreren.html",
        form=form,
        gekozen=gekozen,
        totaal=betalingen.gepland(gekozen),
        bevestigen=stap == BEVESTIGEN,
    ), status


def _batch_bericht(gekozen: Sequence[Betaling]) -> str:
    uit = [b for b in gekozen if not b.is_terugvordering]
    terug = [b for b in gekozen if b.is_terugvordering]
    delen = []
    if uit:
        delen.append(f"{len(uit)} betaald ({geld(betalingen.betaald(uit))})")
    if terug:
        delen.append(f"{len(terug)} ontvangen ({geld(betalingen.betaald(terug))})")
    return f"Geregistreerd op {datum(gekozen[0].betaald_op)}: {' en '.join(delen)}."


# --- Cancelling -----------------------------------------------------------------------------


@bp.route("/betalingen/<int:betaling_id>/annuleren", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.BETALINGEN_REGISTREREN)
def betaling_annuleren(betaling_id: int) -> Pagina | Response:
    betaling = betaling_of_404(betaling_id)
    data = {"versie": betaling.versie} if request.method == "GET" else {}
    form = AnnuleerForm(data=data)
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            services.annuleer_betaling(
                betaling, reden=form.reden.data, door=door(), versie=form.versie.data
            )
        except services.SubsidieFout as fout:
            status = weiger(fout, form, betaling)
        else:
            db.session.commit()
            flash(f"{betaling.soort.label} van {geld(betaling.bedrag)} geannuleerd.", "succes")
            return _terug(betaling)
    return render_template(
        "subsidies/betaling_annuleren.html",
        betaling=betaling,
        form=form,
        van=request.args.get("van"),
    ), status
