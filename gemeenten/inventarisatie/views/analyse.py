"""The analysis of an inventory, for the ministry: per theme, the matrix municipality × theme
(a heat map that reads without colour), the needs without an action, and the comparison with
another inventory. Every page has the same filters (a GET form: the address carries them) and
exports to Excel and CSV through `kern.export`, with those filters and in the page's order.

Municipality users see none of it: the analysis sets municipalities side by side, and they see
only their own answers (on the inventory's pages for their municipality).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from gemeenten.inventarisatie import analyse
from gemeenten.inventarisatie.analyse import (
    PRIORITEITEN,
    Analyse,
    Filter,
    OpenBehoefte,
    Rij,
    Themacijfers,
    Themakop,
    Vergelijkregel,
    celklasse,
    celtekst,
    verschil_tekst,
)
from gemeenten.inventarisatie.forms.analyse import FilterForm, VergelijkForm
from gemeenten.inventarisatie.models import Inventarisatie
from gemeenten.inventarisatie.views import bp, inventarisatie_of_404
from kern import export
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.db import db
from kern.export import Kolom, Soort, exporteerbaar
from kern.formatting import datum

# The analysis pages in the order of their tabs: endpoint and label.
PAGINAS = (
    ("inventarisatie.per_thema", "Per thema"),
    ("inventarisatie.matrix", "Gemeenten × thema's"),
    ("inventarisatie.zonder_actie", "Behoeften zonder actie"),
    ("inventarisatie.vergelijking", "Vergelijking"),
)
LEGENDA = (
    ("ja · 5", "hm hm--p5", "behoefte, prioriteit 5 (hoog)"),
    ("ja · 4", "hm hm--p4", "behoefte, prioriteit 4"),
    ("ja · 3", "hm hm--p3", "behoefte, prioriteit 3"),
    ("ja · 2", "hm hm--p2", "behoefte, prioriteit 2"),
    ("ja · 1", "hm hm--p1", "behoefte, prioriteit 1 (laag)"),
    ("ja", "hm hm--ja", "behoefte, zonder prioriteit"),
    ("nee", "hm hm--nee", "geen behoefte"),
    ("—", "hm hm--leeg", "niet beantwoord"),
)


def _filters() -> tuple[FilterForm, Filter]:
    form = FilterForm(request.args)
    form.validate()  # an invalid filter is shown with its message and then left out
    return form, form.filter()


def _toon(
    template: str,
    inventarisatie: Inventarisatie,
    form: FilterForm,
    uitvoer: export.Export,
    **context: Any,
) -> str | Response:
    filterargumenten = {k: v for k, v in form.data.items() if v and not form[k].errors}
    return export.toon(
        template,
        uitvoer,
        inventarisatie=inventarisatie,
        form=form,
        paginas=PAGINAS,
        filterargumenten=filterargumenten,
        celtekst=celtekst,
        celklasse=celklasse,
        verschil_tekst=verschil_tekst,
        **context,
    )


def _filters_voor_export(inventarisatie: Inventarisatie, form: FilterForm) -> list[tuple[str, str]]:
    return [("Inventarisatie", _naam(inventarisatie)), *form.beschrijving()]


def _naam(inventarisatie: Inventarisatie) -> str:
    return f"{inventarisatie.naam} ({datum(inventarisatie.datum)})"


def _gemeentekolommen(gemeente: Callable[[Any], Rij], uitleg: str) -> list[Kolom]:
    """A row's municipality: its name, CBS code and province."""
    return [
        Kolom("Gemeente", lambda r: gemeente(r).naam, uitleg=uitleg),
        Kolom("CBS-code", lambda r: gemeente(r).cbs_code, uitleg="De code van het CBS"),
        Kolom("Provincie", lambda r: gemeente(r).provincie, uitleg="Volgens het register"),
    ]


def _gemeenten_tabel(naam: str, uitkomst: Analyse) -> export.Tabel:
    """The municipalities the figures cover: those in view, with what they answered."""

    def beantwoord(g: Rij) -> int:
        return len(uitkomst.matrix.get(g.id, {}))

    def behoeften(g: Rij) -> int:
        return sum(c.behoefte for c in uitkomst.matrix.get(g.id, {}).values())

    kolommen = [
        *_gemeentekolommen(lambda g: g, "Een uitgenodigde gemeente binnen de filters"),
        Kolom("Thema's beantwoord", beantwoord, Soort.GETAL, "Thema's met een antwoord"),
        Kolom("Behoeften", behoeften, Soort.GETAL, "Thema's waarop de gemeente een behoefte heeft"),
    ]
    return export.Tabel(naam, kolommen, lambda: uitkomst.gemeenten)


# --- Per theme ------------------------------------------------------------------------------


def _met_prioriteit(prioriteit: int) -> Callable[[Themacijfers], int]:
    return lambda cijfers: cijfers.per_prioriteit[prioriteit]


@bp.route("/<int:inventarisatie_id>/analyse")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def per_thema(inventarisatie_id: int) -> str | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    form, filter = _filters()
    uitkomst = analyse.analyseer(inventarisatie, filter)
    return _toon(
        "inventarisatie/analyse.html",
        inventarisatie,
        form,
        _per_thema_export(inventarisatie, form, uitkomst),
        uitkomst=uitkomst,
        PRIORITEITEN=PRIORITEITEN,
    )


def _per_thema_export(
    inventarisatie: Inventarisatie, form: FilterForm, uitkomst: Analyse
) -> export.Export:
    kolommen = [
        Kolom("Deel", lambda c: c.thema.deel, uitleg="Het deel van de vragenlijst"),
        Kolom("Thema", lambda c: c.thema.naam, uitleg="Het thema"),
        Kolom(
            "Respondenten",
            lambda c: c.respondenten,
            Soort.GETAL,
            "Gemeenten (binnen de filters) die dit thema beantwoordden",
        ),
        Kolom(
            "Met behoefte", lambda c: c.met_behoefte, Soort.GETAL, "Respondenten met een behoefte"
        ),
        Kolom(
            "Aandeel met behoefte",
            lambda c: c.aandeel.procent,
            Soort.PROCENT,
            "Met behoefte als deel van de respondenten, in procenten op één decimaal",
        ),
        *(
            Kolom(
                f"Prioriteit {p}",
                _met_prioriteit(p),
                Soort.GETAL,
                f"Behoeften met prioriteit {p} (1 laag, 5 hoog)",
            )
            for p in PRIORITEITEN
        ),
        Kolom(
            "Zonder prioriteit",
            lambda c: c.zonder_prioriteit,
            Soort.GETAL,
            "Behoeften zonder opgegeven prioriteit",
        ),
        Kolom(
            "Gemiddelde prioriteit",
            lambda c: c.gemiddelde_afgerond,
            Soort.DECIMAAL,
            "Het gemiddelde van de opgegeven prioriteiten, op twee decimalen; leeg: geen",
        ),
        Kolom(
            "Zonder actie",
            lambda c: c.zonder_actie,
            Soort.GETAL,
            "Behoeften waarop nog geen actie van het Rijk een antwoord is",
        ),
        Kolom(
            "Gemeenten met behoefte",
            lambda c: ", ".join(g.naam for g in uitkomst.met_behoefte(c.thema)),
            uitleg="De respondenten met een behoefte op het thema, op naam",
        ),
    ]
    return export.Export(
        naam="behoeften-per-thema",
        titel=f"Behoeften per thema: {inventarisatie.naam}",
        tabellen=[
            export.Tabel("Per thema", kolommen, lambda: uitkomst.per_thema),
            _gemeenten_tabel("Gemeenten", uitkomst),
        ],
        filters=_filters_voor_export(inventarisatie, form),
    )


# --- The matrix -----------------------------------------------------------------------------


def _cel_van(uitkomst: Analyse, thema: Themakop) -> Callable[[Rij], str]:
    return lambda gemeente: celtekst(uitkomst.cel(gemeente, thema))


@bp.route("/<int:inventarisatie_id>/analyse/matrix")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def matrix(inventarisatie_id: int) -> str | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    form, filter = _filters()
    uitkomst = analyse.analyseer(inventarisatie, filter)
    return _toon(
        "inventarisatie/matrix.html",
        inventarisatie,
        form,
        _matrix_export(inventarisatie, form, uitkomst),
        uitkomst=uitkomst,
        LEGENDA=LEGENDA,
    )


def _matrix_export(
    inventarisatie: Inventarisatie, form: FilterForm, uitkomst: Analyse
) -> export.Export:
    kolommen = [
        *_gemeentekolommen(lambda g: g, "Een uitgenodigde gemeente binnen de filters"),
        *(
            Kolom(
                t.naam,
                _cel_van(uitkomst, t),
                uitleg=f"{t.deel}: 'ja · N' behoefte met prioriteit N (1 laag, 5 hoog), 'ja' "
                "behoefte zonder prioriteit, 'nee' geen behoefte, '—' niet beantwoord",
            )
            for t in uitkomst.themas
        ),
    ]
    return export.Export(
        naam="behoeften-matrix",
        titel=f"Behoeften per gemeente en thema: {inventarisatie.naam}",
        tabellen=[export.Tabel("Gemeenten en thema's", kolommen, lambda: uitkomst.gemeenten)],
        filters=_filters_voor_export(inventarisatie, form),
    )


# --- Needs without an action ----------------------------------------------------------------


@bp.route("/<int:inventarisatie_id>/analyse/zonder-actie")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def zonder_actie(inventarisatie_id: int) -> str | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    form, filter = _filters()
    behoeften = analyse.zonder_actie(inventarisatie, filter)
    return _toon(
        "inventarisatie/zonder_actie.html",
        inventarisatie,
        form,
        _zonder_actie_export(inventarisatie, form, behoeften),
        behoeften=behoeften,
    )


def _zonder_actie_export(
    inventarisatie: Inventarisatie, form: FilterForm, behoeften: list[OpenBehoefte]
) -> export.Export:
    kolommen = [
        Kolom("Deel", lambda b: b.thema.deel, uitleg="Het deel van de vragenlijst"),
        Kolom("Thema", lambda b: b.thema.naam, uitleg="Het thema van de behoefte"),
        *_gemeentekolommen(lambda b: b.gemeente, "De gemeente met de behoefte"),
        Kolom(
            "Prioriteit",
            lambda b: b.prioriteit,
            Soort.GETAL,
            "1 (laag) tot 5 (hoog); leeg: niet opgegeven",
        ),
        Kolom("Toelichting", lambda b: b.toelichting or "", uitleg="Zoals de gemeente schreef"),
    ]
    return export.Export(
        naam="behoeften-zonder-actie",
        titel=f"Behoeften zonder actie: {inventarisatie.naam}",
        tabellen=[export.Tabel("Zonder actie", kolommen, lambda: behoeften)],
        filters=_filters_voor_export(inventarisatie, form),
    )


# --- Two inventories ------------------------------------------------------------------------


def _andere(inventarisatie: Inventarisatie) -> list[Inventarisatie]:
    return list(
        db.session.execute(
            select(Inventarisatie)
            .where(Inventarisatie.id != inventarisatie.id)
            .order_by(Inventarisatie.datum, Inventarisatie.id)
        ).scalars()
    )


def _standaard(inventarisatie: Inventarisatie, andere: list[Inventarisatie]) -> Inventarisatie:
    """The first later inventory, else the last earlier one."""
    later = [a for a in andere if (a.datum, a.id) > (inventarisatie.datum, inventarisatie.id)]
    return later[0] if later else andere[-1]


@bp.route("/<int:inventarisatie_id>/analyse/vergelijking")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def vergelijking(inventarisatie_id: int) -> str | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    andere = _andere(inventarisatie)
    form = VergelijkForm(request.args)
    form.met.choices = [SelectChoice(str(a.id), _naam(a)) for a in andere]
    form.validate()
    filter = form.filter()
    gekozen = next((a for a in andere if str(a.id) == form.met.data), None)
    if andere and gekozen is None:
        if form.met.data:
            form.met.errors = ["Kies een inventarisatie uit de lijst."]
        gekozen = _standaard(inventarisatie, andere)
        form.met.data = str(gekozen.id)
    toen, nu = sorted([inventarisatie, gekozen or inventarisatie], key=lambda i: (i.datum, i.id))
    analyses = (analyse.analyseer(toen, filter), analyse.analyseer(nu, filter))
    uitkomst = analyse.vergelijk(*analyses) if gekozen is not None else None
    filters = _filters_voor_export(inventarisatie, form)
    if gekozen is not None:
        filters.append(("Vergeleken met", _naam(gekozen)))
    return _toon(
        "inventarisatie/vergelijking.html",
        inventarisatie,
        form,
        _vergelijking_export(toen, nu, uitkomst.regels if uitkomst else [], analyses, filters),
        gekozen=gekozen,
        toen=toen,
        nu=nu,
        uitkomst=uitkomst,
    )


def _vergelijking_export(
    toen: Inventarisatie,
    nu: Inventarisatie,
    regels: list[Vergelijkregel],
    analyses: tuple[Analyse, Analyse],
    filters: list[tuple[str, str]],
) -> export.Export:
    def aandeel(kop: str, inventarisatie: Inventarisatie, waarde: Any, namen: Any) -> list[Kolom]:
        return [
            Kolom(
                f"Met behoefte {kop}",
                lambda r: waarde(r).teller,
                Soort.GETAL,
                f"Respondenten met een behoefte in {_naam(inventarisatie)}",
            ),
            Kolom(
                f"Respondenten {kop}",
                lambda r: waarde(r).noemer,
                Soort.GETAL,
                f"Gemeenten die het thema beantwoordden in {_naam(inventarisatie)}",
            ),
            Kolom(
                f"Aandeel {kop}",
                lambda r: waarde(r).procent,
                Soort.PROCENT,
                "Met behoefte als deel van de respondenten, in procenten op één decimaal",
            ),
            Kolom(
                f"Gemeenten met behoefte {kop}",
                lambda r: ", ".join(namen(r)),
                uitleg=f"De respondenten met een behoefte in {_naam(inventarisatie)}, op naam",
            ),
        ]

    kolommen = [
        Kolom("Thema", lambda r: r.naam, uitleg="Een thema dat in beide inventarisaties staat"),
        *aandeel("toen", toen, lambda r: r.toen, lambda r: r.toen_met_behoefte),
        *aandeel("nu", nu, lambda r: r.nu, lambda r: r.nu_met_behoefte),
        Kolom(
            "Verschil (procentpunt)",
            lambda r: r.verschil,
            Soort.DECIMAAL,
            "Aandeel nu min aandeel toen, berekend uit de exacte aandelen, op één decimaal",
        ),
    ]
    return export.Export(
        naam="behoeften-vergelijking",
        titel=f"Behoeften vergeleken: {toen.naam} en {nu.naam}",
        tabellen=[
            export.Tabel("Vergelijking", kolommen, lambda: regels),
            *(
                _gemeenten_tabel(f"Gemeenten {wanneer}", uitkomst)
                for wanneer, uitkomst in zip(("toen", "nu"), analyses, strict=True)
                if toen is not nu
            ),
        ],
        filters=filters,
    )
