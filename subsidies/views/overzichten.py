"""The overview of a scheme year, and the grant history on a municipality's page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from gemeenten.models import Gemeente
from kern import cache, export, tijd
from kern.accounts.access import gebruiker, toegang
from kern.accounts.models import Rol
from kern.accounts.rechten import Recht
from kern.export import Kolom, Soort, exporteerbaar
from subsidies import demo, grafiek
from subsidies import overzicht as overzichten
from subsidies.forms.overzichten import OverzichtFilterForm
from subsidies.models import Beschikking, BeschikkingStatus, Bestedingsdoel
from subsidies.views import bp, jaar_of_404

FILTERS = ("q", "status", "verantwoording", "termijn")  # kept when the sort order changes
ARGUMENTEN = (*FILTERS, "sorteer", "richting")


@bp.route("/jaren/<int:jaar_id>/overzicht")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def overzicht(jaar_id: int) -> str | Response:
    regeling_jaar = jaar_of_404(jaar_id)
    form = OverzichtFilterForm(request.args)
    form.validate()  # an invalid filter is shown with its message and then ignored
    vandaag = tijd.vandaag()

    def bereken() -> overzichten.Overzicht:
        return overzichten.overzicht(
            regeling_jaar, vandaag=vandaag, filter=form.filter(), sortering=form.sortering()
        )

    if export.gevraagd_formaat() is not None:
        resultaat = bereken()
        return export.toon(
            "subsidies/overzicht.html",
            overzicht_export(resultaat, [*form.gekozen(), _sortering(resultaat)]),
        )
    # Every address argument the table, the chart and their links depend on, as typed.
    argumenten = {naam: request.args[naam] for naam in ARGUMENTEN if request.args.get(naam)}
    gegevens = cache.bewaard(
        "overzicht",
        {"jaar": regeling_jaar.id, "vandaag": vandaag, **argumenten},
        lambda: _gegevens(bereken(), argumenten),
    )
    return render_template(
        "subsidies/overzicht.html",
        regeling_jaar=regeling_jaar,
        regeling=regeling_jaar.regeling,
        is_demo=demo.is_demo(regeling_jaar.regeling),
        form=form,
        gegevens=gegevens,
        vandaag=vandaag,
    )


@dataclass(frozen=True)
class Gegevens:
    """The overview's figures as the page shows them (kept per data version, `kern.cache`):
    the number of rows shown and in all, and the table and chart."""

    rijen: int
    beschikkingen: int
    html: Markup


def _gegevens(resultaat: overzichten.Overzicht, argumenten: dict[str, str]) -> Gegevens:
    filters = {naam: argumenten[naam] for naam in FILTERS if naam in argumenten}
    regeling_jaar = resultaat.regeling_jaar

    def sorteer_url(kolom: str, aflopend: bool) -> str:
        waarden: dict[str, Any] = {
            **filters,
            "sorteer": kolom,
            "richting": "aflopend" if aflopend else "oplopend",
        }
        return url_for("subsidies.overzicht", jaar_id=regeling_jaar.id, **waarden)

    # A draft grants nothing yet: the chart and its table show granted decisions only.
    staven = grafiek.grootste(
        [
            grafiek.Staaf(r.ontvanger, r.toegekend, r.besteed)
            for r in resultaat.rijen
            if not r.concept
        ]
    )
    grootste = staven[-1].overige if staven and staven[-1].overige else 0
    grafiek_svg = grafiek.toegekend_versus_besteed(
        staven,
        titel=f"Toegekend versus besteed per gemeente, {regeling_jaar.label}",
        uitleg=(
            "Per gemeente een staaf voor het toegekende bedrag en een voor de cumulatieve "
            "besteding volgens de verantwoording, op één schaal. Beschikkingen in concept "
            "staan er niet in. De bedragen staan bij de staven en in de tabel onder de grafiek."
            + (
                f" Alleen de {grafiek.TOP} grootste toekenningen hebben een eigen staaf; de "
                f"overige {grootste} gemeenten staan samen in de laatste, die buiten de schaal "
                "valt als zij langer is dan de andere. De tabel boven de grafiek heeft elke "
                "gemeente."
                if grootste
                else ""
            )
        ),
    )
    html = render_template(
        "subsidies/_overzicht_gegevens.html",
        regeling_jaar=regeling_jaar,
        overzicht=resultaat,
        sorteer_url=sorteer_url,
        grafiek=grafiek_svg,
        staven=staven,
    )
    return Gegevens(len(resultaat.rijen), resultaat.aantal_beschikkingen, Markup(html))  # noqa: S704 (rendered, so escaped)


def _sortering(resultaat: overzichten.Overzicht) -> tuple[str, str]:
    kolom = next(k for k in resultaat.kolommen if k.sleutel == resultaat.sortering.kolom)
    richting = "aflopend" if resultaat.sortering.aflopend else "oplopend"
    return ("Gesorteerd op", f"{kolom.kop}, {richting}")


def overzicht_export(
    resultaat: overzichten.Overzicht, filters: list[tuple[str, str]]
) -> export.Export:
    """The overview's table as on screen: its rows in its order, under its filters."""
    regeling_jaar = resultaat.regeling_jaar
    kolommen = _overzichtkolommen(resultaat.doelen)
    return export.Export(
        naam=f"overzicht-{export.slug(regeling_jaar.regeling.naam)}-{regeling_jaar.jaar}",
        titel=f"Overzicht {regeling_jaar.label}",
        tabellen=[export.Tabel("Overzicht", kolommen, lambda: resultaat.rijen)],
        filters=filters,
    )


def _overzichtkolommen(doelen: Sequence[Bestedingsdoel]) -> list[Kolom]:
    """The overview's columns as on screen, with one per spending purpose."""
    return [
        Kolom("Gemeente", lambda r: r.ontvanger, uitleg="De ontvanger"),
        Kolom("Kenmerk", lambda r: r.beschikking.kenmerk, uitleg="Het kenmerk"),
        Kolom("Status", lambda r: r.beschikking.status.label, uitleg="Van de beschikking"),
        Kolom(
            "Toegekend",
            lambda r: r.toegekend,
            Soort.GELD,
            "Alleen genomen beschikkingen; leeg: nog vast te stellen, of een concept",
            totaal=True,
        ),
        Kolom(
            "In concept",
            lambda r: r.in_concept,
            Soort.GELD,
            "Het bedrag van een beschikking die nog een concept is: nog niet toegekend",
            totaal=True,
        ),
        Kolom("Betaald", lambda r: r.betaald, Soort.GELD, "Betaald min ontvangen", totaal=True),
        *(_per_doel(d) for d in doelen),
        Kolom(
            "Besteed totaal",
            lambda r: r.besteed,
            Soort.GELD,
            "Cumulatief, uit de laatst goedgekeurde verantwoording, anders de laatst ingediende",
            totaal=True,
        ),
        Kolom(
            "Vastgesteld",
            lambda r: r.vastgesteld,
            Soort.GELD,
            "Het vastgestelde bedrag",
            totaal=True,
        ),
        Kolom(
            "Saldo",
            lambda r: r.saldo,
            Soort.GELD,
            "Vastgesteld (of toegekend) min betaald; negatief wordt teruggevorderd",
            totaal=True,
        ),
        Kolom("Verantwoording", lambda r: r.verantwoordingslabel, uitleg="De laatste versie"),
        Kolom(
            "Termijn",
            lambda r: r.termijn,
            uitleg="Waar de verantwoording staat tegen de uiterste datum",
        ),
    ]


def _per_doel(doel: Bestedingsdoel) -> Kolom:
    """The column of what was spent on one purpose."""
    return Kolom(
        f"Besteed: {doel.naam.lower()}",
        lambda r: r.besteed_per_doel.get(doel.id),
        Soort.GELD,
        f"Cumulatief besteed aan {doel.naam.lower()}",
        totaal=True,
    )


def mag_beschikking_openen(beschikking: Beschikking) -> bool:
    """A municipality user opens only their own decisions, not those of a predecessor."""
    ik = gebruiker()
    return ik.rol is not Rol.GEMEENTE or beschikking.gemeente_id == ik.gemeente_id


def gemeente_sectie(gemeente: Gemeente) -> Markup | None:
    """The grant history on the municipality's page, with its predecessors; None if none."""
    rijen = overzichten.geschiedenis(gemeente, vandaag=tijd.vandaag())
    if gebruiker().rol is Rol.GEMEENTE:
        # A draft is not a decision yet: the municipality sees it once it is decided.
        rijen = [r for r in rijen if r.beschikking.status is not BeschikkingStatus.CONCEPT]
    if not rijen:
        return None
    # render_template escapes every value: its output is safe HTML.
    return Markup(  # noqa: S704
        render_template(
            "subsidies/_gemeente_sectie.html",
            gemeente=gemeente,
            rijen=rijen,
            totalen=overzichten.totalen(rijen),
            met_voorgangers=any(r.beschikking.gemeente_id != gemeente.id for r in rijen),
            mag_openen=mag_beschikking_openen,
        )
    )
