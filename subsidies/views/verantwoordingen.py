"""The spending return (verantwoording): submitting, reviewing, and the settlement after it.

A municipality user submits returns for their own municipality's decisions (an officer may do
so on its behalf); every submission is a new version. The officer approves a version or sends
it back with a reason, and settles the decision from the approved final return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from kern import export
from kern.accounts.access import heeft, toegang
from kern.accounts.rechten import Recht
from kern.db import db
from kern.export import Kolom, Soort, exporteerbaar
from kern.formatting import geld
from kern.paginering import bewaarde_pagina
from subsidies import services
from subsidies.forms.verantwoordingen import (
    GoedkeurForm,
    TerugstuurForm,
    VaststellingForm,
    VerantwoordingForm,
    cumulatief_naam,
    in_jaar_naam,
)
from subsidies.models import (
    Beschikking,
    RegelingJaar,
    Verantwoording,
    VerantwoordingStatus,
)
from subsidies.views import (
    beschikking_of_404,
    bp,
    door,
    verantwoording_of_404,
    weiger,
)

Antwoord = str | Response | tuple[str, int]

# The two review forms share the return's page; prefixes keep their fields apart.
GOEDKEUREN = "goedkeuren"
TERUGSTUREN = "terugsturen"


# --- Helpers for the templates --------------------------------------------------------------


@dataclass(frozen=True)
class Stand:
    """Where a decision's return stands, for the links on its pages."""

    indienen_geweigerd: str | None  # why no new version can be submitted; None: it can
    voorstel: services.Voorstel | None  # the settlement proposal, when one can be made
    voorstel_fout: str | None  # why not
    vaststellen_geweigerd: str | None  # why the proposal cannot be recorded yet


@bp.app_template_global("verantwoording_stand")
def verantwoording_stand(beschikking: Beschikking) -> Stand:
    try:
        voorstel: services.Voorstel | None = services.voorstel_vaststelling(beschikking)
        voorstel_fout = None
    except services.SubsidieFout as fout:
        voorstel, voorstel_fout = None, str(fout)
    return Stand(
        services.indienen_geweigerd(beschikking),
        voorstel,
        voorstel_fout,
        services.vaststellen_geweigerd(beschikking),
    )


@bp.app_template_global("saldo_tekst")
def saldo_tekst(saldo: Decimal) -> str:
    """What a settlement's balance means, in words: ``Terugvordering € 10.000,00``."""
    if saldo > 0:
        return f"Nabetaling {geld(saldo)}"
    if saldo < 0:
        return f"Terugvordering {geld(-saldo)}"
    return "Geen nabetaling of terugvordering"


@bp.app_template_global("beschikking_url")
def beschikking_url(beschikking: Beschikking) -> str | None:
    """The decision's own page, once that page exists."""
    if "subsidies.beschikking" not in current_app.view_functions:
        return None
    return url_for("subsidies.beschikking", beschikking_id=beschikking.id)


def _naar(verantwoording: Verantwoording) -> Response:
    return redirect(url_for("subsidies.verantwoording", verantwoording_id=verantwoording.id))


# --- Submitting -----------------------------------------------------------------------------


@bp.route("/beschikkingen/<int:beschikking_id>/verantwoording", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def verantwoording_indienen(beschikking_id: int) -> Antwoord:
    # The decision comes from the URL only: fields in the body cannot name another one.
    beschikking = beschikking_of_404(beschikking_id)
    regeling_jaar = beschikking.regeling_jaar
    doelen = list(regeling_jaar.regeling.doelen)
    laatste = beschikking.laatste_verantwoording
    # A new version starts from the previous one; an empty POST is empty, not a resubmission.
    begin = {} if request.method == "POST" else VerantwoordingForm.gegevens_van(laatste)
    form = VerantwoordingForm.voor(doelen, regeling_jaar.jaar, **begin)
    geweigerd = services.indienen_geweigerd(beschikking)
    fout = None

    if request.method == "POST" and geweigerd is None and form.validate_on_submit():
        bestedingen = {
            d.id: services.Besteding(
                in_jaar=form.bedrag(in_jaar_naam(d)), cumulatief=form.bedrag(cumulatief_naam(d))
            )
            for d in doelen
        }
        try:
            verantwoording, waarschuwingen = services.dien_in(
                beschikking,
                bestedingen=bestedingen,
                eindverantwoording=form.is_eind,
                toelichting=form.toelichting.data,
                door=door(),
            )
        except services.SubsidieFout as weigering:
            db.session.rollback()
            fout = str(weigering)
        else:
            db.session.commit()
            soort = "eindverantwoording" if verantwoording.eindverantwoording else "verantwoording"
            flash(
                f"Versie {verantwoording.volgnummer} van de {soort} is ingediend en wacht op "
                "beoordeling door het ministerie.",
                "succes",
            )
            for waarschuwing in waarschuwingen:
                flash(f"Let op: {waarschuwing}", "info")
            return _naar(verantwoording)

    return render_template(
        "subsidies/verantwoording_indienen.html",
        beschikking=beschikking,
        regeling_jaar=regeling_jaar,
        doelen=doelen,
        laatste=laatste,
        form=form,
        geweigerd=geweigerd,
        fout=fout,
    ), 400 if request.method == "POST" else 200


# --- One version, and its review ------------------------------------------------------------


def _toon(
    verantwoording: Verantwoording,
    *,
    goedkeur_form: GoedkeurForm | None = None,
    terugstuur_form: TerugstuurForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    beschikking = verantwoording.beschikking
    beoordelen = (
        heeft(Recht.PROGRAMMA_WIJZIGEN) and verantwoording.status is VerantwoordingStatus.INGEDIEND
    )
    # Forms not being answered are drawn fresh from the current version (never from the body).
    goedkeur_form = goedkeur_form or GoedkeurForm(
        formdata=None, prefix=GOEDKEUREN, versie=verantwoording.versie
    )
    terugstuur_form = terugstuur_form or TerugstuurForm(
        formdata=None, prefix=TERUGSTUREN, versie=verantwoording.versie
    )
    return render_template(
        "subsidies/verantwoording.html",
        verantwoording=verantwoording,
        beschikking=beschikking,
        regels={r.doel_id: r for r in verantwoording.regels},
        toegekend_per_doel={d.doel_id: d.bedrag for d in beschikking.doelbedragen},
        waarschuwingen=services.waarschuwingen(verantwoording),
        beoordelen=beoordelen,
        goedkeur_form=goedkeur_form,
        terugstuur_form=terugstuur_form,
    ), status


@bp.route("/verantwoordingen/<int:verantwoording_id>")
@toegang(Recht.PROGRAMMA_LEZEN, Recht.EIGEN_GEMEENTE)
def verantwoording(verantwoording_id: int) -> Antwoord:
    return _toon(verantwoording_of_404(verantwoording_id))


def _weiger(verantwoording: Verantwoording, fout: services.SubsidieFout) -> Antwoord:
    """Nothing changes; a concurrent edit answers 409 with the page as it now is."""
    if weiger(fout) == 409:
        return _toon(verantwoording, status=409)
    return _naar(verantwoording)


@bp.route("/verantwoordingen/<int:verantwoording_id>/goedkeuren", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def verantwoording_goedkeuren(verantwoording_id: int) -> Antwoord:
    form = GoedkeurForm(prefix=GOEDKEUREN)

    def gelukt(verantwoording: Verantwoording) -> str:
        soort = "eindverantwoording" if verantwoording.eindverantwoording else "verantwoording"
        return f"Versie {verantwoording.volgnummer} van de {soort} is goedgekeurd."

    return _beoordeel(
        verantwoording_id,
        form,
        lambda v: services.keur_goed(
            v, door=door(), versie=form.versie.data, reactie=form.reactie.data
        ),
        gelukt,
    )


@bp.route("/verantwoordingen/<int:verantwoording_id>/terugsturen", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def verantwoording_terugsturen(verantwoording_id: int) -> Antwoord:
    form = TerugstuurForm(prefix=TERUGSTUREN)
    return _beoordeel(
        verantwoording_id,
        form,
        lambda v: services.stuur_terug(
            v, reden=form.reden.data or "", door=door(), versie=form.versie.data
        ),
        lambda v: (
            f"Versie {v.volgnummer} is teruggestuurd naar {v.beschikking.gemeente.weergavenaam}."
        ),
    )


def _beoordeel(
    verantwoording_id: int,
    form: GoedkeurForm | TerugstuurForm,
    beoordeling: Callable[[Verantwoording], None],
    gelukt: Callable[[Verantwoording], str],
) -> Antwoord:
    """Approve or send back the return named in the URL, and say so with ``gelukt``."""
    verantwoording = verantwoording_of_404(verantwoording_id)
    if not form.validate_on_submit():
        if isinstance(form, GoedkeurForm):
            return _toon(verantwoording, goedkeur_form=form, status=400)
        return _toon(verantwoording, terugstuur_form=form, status=400)
    try:
        beoordeling(verantwoording)
    except services.SubsidieFout as fout:
        return _weiger(verantwoording, fout)
    db.session.commit()
    flash(gelukt(verantwoording), "succes")
    return _naar(verantwoording)


@dataclass(frozen=True)
class TeBeoordelen:
    """A return waiting for review, as the work list and its export show it: plain values,
    so that a page of them can be kept per data version (`kern.paginering.bewaarde_pagina`)."""

    id: int
    ingediend_op: datetime
    ontvanger: str
    regeling_jaar: str
    volgnummer: int
    eindverantwoording: bool
    toegekend: Decimal | None
    besteed_in_jaar: Decimal
    besteed_cumulatief: Decimal
    waarschuwingen: tuple[str, ...]

    @classmethod
    def van(cls, v: Verantwoording) -> TeBeoordelen:
        return cls(
            id=v.id,
            ingediend_op=v.ingediend_op,
            ontvanger=v.beschikking.ontvanger,
            regeling_jaar=v.beschikking.regeling_jaar.label,
            volgnummer=v.volgnummer,
            eindverantwoording=v.eindverantwoording,
            toegekend=v.beschikking.bedrag,
            besteed_in_jaar=v.besteed_in_jaar,
            besteed_cumulatief=v.besteed_cumulatief,
            waarschuwingen=tuple(services.waarschuwingen(v)),
        )


@bp.route("/te-beoordelen")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def te_beoordelen() -> Antwoord:
    query = (
        select(Verantwoording)
        .where(Verantwoording.status == VerantwoordingStatus.INGEDIEND)
        .order_by(Verantwoording.ingediend_op, Verantwoording.id)
        .options(
            selectinload(Verantwoording.regels),
            # Each return has one decision, municipality and year: in the same statement.
            joinedload(Verantwoording.beschikking).joinedload(Beschikking.gemeente),
            joinedload(Verantwoording.beschikking)
            .joinedload(Beschikking.regeling_jaar)
            .joinedload(RegelingJaar.regeling),
        )
    )
    # The list is the same for everyone who may open it: kept per data version and page.
    pagina = bewaarde_pagina("te-beoordelen", query, TeBeoordelen.van, {})
    return export.toon(
        "subsidies/verantwoordingen_te_beoordelen.html",
        export.Export(
            naam="te-beoordelen",
            titel="Te beoordelen verantwoordingen",
            # The export has every waiting return, the page one page of them.
            tabellen=[
                export.Tabel(
                    "Te beoordelen",
                    TE_BEOORDELEN_KOLOMMEN,
                    lambda: [TeBeoordelen.van(v) for v in db.session.scalars(query)],
                )
            ],
        ),
        rijen=pagina.items,
        pagina=pagina,
    )


TE_BEOORDELEN_KOLOMMEN = [
    Kolom("Ingediend", lambda r: r.ingediend_op, Soort.MOMENT, "Wanneer, oudste eerst"),
    Kolom("Ontvanger", lambda r: r.ontvanger, uitleg="De gemeente, of de regio"),
    Kolom("Regeling en jaar", lambda r: r.regeling_jaar, uitleg="Waarvoor"),
    Kolom("Versie", lambda r: r.volgnummer, Soort.GETAL, "Het volgnummer van de versie"),
    Kolom(
        "Soort",
        lambda r: "Eindverantwoording" if r.eindverantwoording else "Tussentijds",
        uitleg="Eindverantwoording of tussentijds",
    ),
    Kolom(
        "Toegekend",
        lambda r: r.toegekend,
        Soort.GELD,
        "Het bedrag van de beschikking; leeg: nog vast te stellen",
    ),
    Kolom("Besteed in jaar", lambda r: r.besteed_in_jaar, Soort.GELD, "Volgens deze versie"),
    Kolom("Besteed cumulatief", lambda r: r.besteed_cumulatief, Soort.GELD, "Volgens deze versie"),
    Kolom(
        "Aandachtspunten",
        lambda r: "; ".join(r.waarschuwingen),
        uitleg="Wat de beoordelaar moet bekijken",
    ),
]


# --- Settlement -----------------------------------------------------------------------------


def _toon_vaststelling(
    beschikking: Beschikking, form: VaststellingForm, status: int
) -> tuple[str, int]:
    stand = verantwoording_stand(beschikking)
    return render_template(
        "subsidies/vaststelling.html",
        beschikking=beschikking,
        voorstel=stand.voorstel,
        reden=stand.voorstel_fout,
        geweigerd=stand.vaststellen_geweigerd,
        form=form,
    ), status


@bp.route("/beschikkingen/<int:beschikking_id>/vaststellen", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def vaststellen(beschikking_id: int) -> Antwoord:
    beschikking = beschikking_of_404(beschikking_id)
    if request.method != "POST":
        return _toon_vaststelling(beschikking, VaststellingForm(versie=beschikking.versie), 200)
    form = VaststellingForm()
    if not form.validate_on_submit():
        return _toon_vaststelling(beschikking, form, 400)
    assert form.datum.data is not None  # InputRequired
    try:
        vaststelling = services.stel_vast(
            beschikking, datum=form.datum.data, door=door(), versie=form.versie.data
        )
    except services.SubsidieFout as fout:
        if weiger(fout) == 409:
            verse = VaststellingForm(formdata=None, versie=beschikking.versie)
            return _toon_vaststelling(beschikking, verse, 409)
        return redirect(url_for("subsidies.vaststellen", beschikking_id=beschikking.id))
    db.session.commit()
    flash(
        f"De subsidie voor {beschikking.ontvanger} is vastgesteld op "
        f"{geld(vaststelling.vastgesteld_bedrag)}. {saldo_tekst(vaststelling.saldo)}"
        + (" is ingepland." if vaststelling.saldo else "."),
        "succes",
    )
    return redirect(url_for("subsidies.vaststellen", beschikking_id=beschikking.id))
