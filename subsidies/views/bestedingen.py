"""The spending summary: a page with its totals, and the workbook finance downloads from it
(Samenvatting, Details, Betalingen, Toelichting), for every recipient or for one municipality.

The municipality's own summary lives under its CBS code, so a municipality user reaches their
own (and what they took over in a merger) and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import render_template, request
from werkzeug.wrappers import Response

from gemeenten import services as gemeenten
from gemeenten.models import Gemeente
from kern import cache, export, tijd
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.export import Kolom, Soort, exporteerbaar
from kern.paginering import pagina_van
from subsidies import bestedingen, betalingen, overzicht
from subsidies.forms.betalingen import BestedingenFilterForm
from subsidies.models import Beschikking
from subsidies.views import bp

TOEGEKEND_UITLEG = (
    "Het bedrag van de beschikking; leeg: nog vast te stellen. Een ingetrokken beschikking "
    "kent niets meer toe (0)."
)


@bp.route("/bestedingen")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def bestedingen_overzicht() -> str | Response:
    form = BestedingenFilterForm(request.args)
    gemeenten_ = bestedingen.ontvangende_gemeenten()
    form.zet_keuzes(
        betalingen.regelingen(),
        betalingen.jaren(),
        bestedingen.provincies(),
        [(g.cbs_code, g.label) for g in gemeenten_],
    )
    form.validate()  # an invalid filter is shown with its message and then ignored
    code = form.geldig("gemeente")
    filter = _filter(
        form,
        provincie=form.geldig("provincie") or None,
        gemeente_ids=[g.id for g in gemeenten_ if g.cbs_code == code] if code else [],
    )
    return _toon(form, filter, naam_deel="")


@bp.route("/gemeenten/<cbs_code>/bestedingen")
@toegang(Recht.PROGRAMMA_LEZEN, Recht.EIGEN_GEMEENTE)
@exporteerbaar
def gemeente_bestedingen(cbs_code: str) -> str | Response:
    gemeente = gemeenten.gemeente_of_404(cbs_code)
    form = BestedingenFilterForm(request.args)
    del form.provincie, form.gemeente  # the page is about one municipality
    form.zet_keuzes(betalingen.regelingen(), betalingen.jaren(), [], [])
    form.validate()
    filter = _filter(form, gemeente_ids=[g.id for g in overzicht.met_voorgangers(gemeente)])
    return _toon(form, filter, naam_deel=gemeente.cbs_code.lower(), gemeente=gemeente)


def _filter(form: BestedingenFilterForm, **overig: Any) -> bestedingen.Filter:
    return bestedingen.Filter(
        regeling_id=form.geldig_getal("regeling"),
        van=form.geldig_getal("van"),
        tot=form.geldig_getal("tot"),
        **overig,
    )


def _toon(
    form: BestedingenFilterForm,
    filter: bestedingen.Filter,
    *,
    naam_deel: str,
    gemeente: Gemeente | None = None,
) -> str | Response:
    vandaag = tijd.vandaag()
    filters = form.gekozen()
    if gemeente is not None:
        filters.insert(0, ("Gemeente", f"{gemeente.label}, met haar voorgangers"))
    if export.gevraagd_formaat() is not None:
        samenvatting = bestedingen.samenvatting(filter, vandaag)
        return export.toon(
            "subsidies/bestedingen.html",
            bestedingsexport(filter, samenvatting, filters, _bestandsnaam(form, naam_deel)),
        )
    # The figures over the whole filter, kept per data version; the rows a page at a time.
    stand = cache.bewaard(
        "bestedingen",
        {"filter": filter, "vandaag": vandaag},
        lambda: bestedingen.stand(filter, vandaag),
    )
    pagina = pagina_van(bestedingen.beschikkingen(filter))
    geladen = overzicht.laad(Beschikking.id.in_([b.id for b in pagina.items]), met_regeling=True)
    return render_template(
        "subsidies/bestedingen.html",
        form=form,
        stand=stand,
        rijen=bestedingen.rijen_van(geladen, stand.doelen, vandaag),
        pagina=pagina,
        # What a page link keeps: the filters as typed.
        argumenten={v.name: request.args[v.name] for v in form if request.args.get(v.name)},
        gemeente=gemeente,
        vandaag=vandaag,
    )


def _bestandsnaam(form: BestedingenFilterForm, naam_deel: str) -> str:
    """``versterkingsgelden-2015``: the scheme (or every scheme), the years, the municipality."""
    regeling = dict(form.gekozen()).get(str(form.regeling.label.text), "regelingen")
    van, tot = form.geldig("van"), form.geldig("tot")
    jaren = van if van and van == tot else "-".join(j for j in (van, tot) if j)
    return "-".join(deel for deel in (export.slug(regeling), jaren, naam_deel) if deel)


# --- The workbook ---------------------------------------------------------------------------


def _k(
    kop: str,
    waarde: Callable[[Any], Any],
    uitleg: str,
    soort: Soort = Soort.TEKST,
    totaal: bool = False,
) -> Kolom:
    return Kolom(kop, waarde, soort, uitleg, totaal)


def _geld(kop: str, waarde: Callable[[Any], Any], uitleg: str, totaal: bool = True) -> Kolom:
    return Kolom(kop, waarde, Soort.GELD, uitleg, totaal)


def _ontvanger_kolommen(beschikking: Callable[[Any], Any]) -> list[Kolom]:
    """Who and which decision, for a row that leads to a decision."""
    return [
        _k(
            "Ontvanger",
            lambda r: beschikking(r).ontvanger,
            "De gemeente, of de regio met haar hoofdaanvrager",
        ),
        _k("CBS-code", lambda r: beschikking(r).gemeente.cbs_code, "De (hoofd)gemeente"),
        _k("Provincie", lambda r: beschikking(r).gemeente.provincie, "Van de (hoofd)gemeente"),
        _k("Regeling", lambda r: beschikking(r).regeling_jaar.regeling.naam, "De regeling"),
        _k(
            "Jaar",
            lambda r: beschikking(r).regeling_jaar.jaar,
            "Het jaar van de beschikking",
            Soort.JAAR,
        ),
        _k("Kenmerk", lambda r: beschikking(r).kenmerk, "Het kenmerk van de beschikking"),
    ]


def samenvatting_kolommen(doelen: list[bestedingen.Doel]) -> list[Kolom]:
    def per_doel(doel: bestedingen.Doel) -> Kolom:
        return _geld(
            f"Besteed: {doel.naam.lower()}",
            lambda r: r.besteed_per_doel.get(doel.code),
            f"Cumulatief besteed aan {doel.naam.lower()} volgens de verantwoording die telt",
        )

    return [
        *_ontvanger_kolommen(lambda r: r.beschikking),
        _k("Status", lambda r: r.beschikking.status.label, "De status van de beschikking"),
        _geld("Toegekend", lambda r: r.cijfers.toegekend, TOEGEKEND_UITLEG),
        _geld("Betaald", lambda r: r.cijfers.betaald, "Betaald min teruggevorderd en ontvangen"),
        *(per_doel(d) for d in doelen),
        _geld(
            "Besteed totaal",
            lambda r: r.cijfers.besteed,
            "Cumulatief besteed volgens de laatste goedgekeurde verantwoording, anders de laatste "
            "die op beoordeling wacht; leeg: geen verantwoording die telt",
        ),
        _geld("Vastgesteld", lambda r: r.cijfers.vastgesteld, "Het vastgestelde bedrag"),
        _geld(
            "Nabetaling of terugvordering",
            lambda r: r.nabetaling_of_terugvordering,
            "Bij de vaststelling: positief een nabetaling, negatief een terugvordering",
        ),
        _geld(
            "Saldo",
            lambda r: r.cijfers.saldo,
            "Vastgesteld (of anders toegekend) min betaald: positief nog te betalen, negatief "
            "nog terug te vorderen",
        ),
        _k(
            "Verantwoording",
            lambda r: r.cijfers.verantwoordingslabel,
            "De status van de laatste verantwoording",
        ),
    ]


DETAIL_KOLOMMEN = [
    _k("Ontvanger", lambda r: r.ontvanger, "De gemeente, of de regio met haar hoofdaanvrager"),
    _k("CBS-code", lambda r: r.cbs_code, "De (hoofd)gemeente"),
    _k("Regeling", lambda r: r.regeling, "De regeling"),
    _k("Jaar", lambda r: r.jaar, "Het jaar van de beschikking", Soort.JAAR),
    _k("Kenmerk", lambda r: r.kenmerk, "Het kenmerk van de beschikking"),
    _k("Doel", lambda r: r.doel, "Het bestedingsdoel"),
    _geld("Besteed in jaar", lambda r: r.besteed_in_jaar, "Besteed in het jaar zelf", totaal=False),
    _geld(
        "Besteed cumulatief",
        lambda r: r.besteed_cumulatief,
        "Besteed tot en met het jaar",
        totaal=False,
    ),
    _k("Versie", lambda r: r.versie, "Het volgnummer van de verantwoording", Soort.GETAL),
    _k("Status", lambda r: r.status.label, "Ingediend, goedgekeurd, teruggestuurd of vervangen"),
    _k("Eindverantwoording", lambda r: r.eindverantwoording, "ja: de eindverantwoording"),
    _k("Ingediend op", lambda r: r.ingediend_op, "Wanneer deze versie is ingediend", Soort.MOMENT),
    _k(
        "Goedgekeurd op",
        lambda r: r.goedgekeurd_op,
        "Wanneer deze versie is goedgekeurd",
        Soort.MOMENT,
    ),
]

BETALING_KOLOMMEN = [
    *_ontvanger_kolommen(lambda b: b.beschikking),
    _k("Soort", lambda b: b.soort.label, "Voorschot, nabetaling of terugvordering"),
    _k("Omschrijving", lambda b: b.omschrijving, "De omschrijving bij het plannen"),
    _k("Status", lambda b: b.status, "Gepland, betaald, ontvangen (terugvordering) of geannuleerd"),
    _k("Gepland op", lambda b: b.gepland_op, "De geplande datum", Soort.DATUM),
    _geld("Gepland bedrag", lambda b: b.bedrag, "Het geplande bedrag", totaal=False),
    _k("Betaald op", lambda b: b.betaald_op, "De datum van betaling of ontvangst", Soort.DATUM),
    _geld(
        "Betaald bedrag",
        lambda b: b.betaald_bedrag,
        "Wat werkelijk is betaald of ontvangen",
        totaal=False,
    ),
    _geld(
        "Netto betaald",
        lambda b: b.netto_betaald,
        "Betaald positief, een ontvangen terugvordering negatief; het totaal is het betaalde "
        "van de samenvatting",
    ),
    _k("Betalingskenmerk", lambda b: b.betalingskenmerk, "Het kenmerk van de bank"),
    _k(
        "Geannuleerd op",
        lambda b: b.geannuleerd_op,
        "Wanneer de betaling is geannuleerd",
        Soort.MOMENT,
    ),
    _k("Reden annulering", lambda b: b.reden_annulering, "Waarom zij niet wordt gedaan"),
]


def bestedingsexport(
    filter: bestedingen.Filter,
    samenvatting: bestedingen.Samenvatting,
    filters: list[tuple[str, str]],
    naam: str,
) -> export.Export:
    return export.Export(
        naam=naam,
        titel="Bestedingsoverzicht",
        tabellen=[
            export.Tabel(
                "Samenvatting",
                samenvatting_kolommen(samenvatting.doelen),
                lambda: samenvatting.rijen,
            ),
            export.Tabel("Details", DETAIL_KOLOMMEN, lambda: bestedingen.regels(filter)),
            export.Tabel("Betalingen", BETALING_KOLOMMEN, lambda: bestedingen.betalingen(filter)),
        ],
        filters=[*filters, ("Beschikkingen in concept", "niet opgenomen")],
    )
