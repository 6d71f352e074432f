"""Inviting municipalities to an inventory, withdrawing an invitation, and the response: which
invited municipalities answered, and when."""

from __future__ import annotations

from flask import flash, render_template
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from gemeenten.inventarisatie import services
from gemeenten.inventarisatie.forms.inventarisaties import UitnodigForm, VersieForm
from gemeenten.inventarisatie.models import Deelnemer, Inventarisatie
from gemeenten.inventarisatie.services import InventarisatieFout
from gemeenten.inventarisatie.views import bp, deelnemer_of_404, inventarisatie_of_404, weiger
from gemeenten.inventarisatie.views.inventarisaties import naar
from kern import export
from kern.accounts.access import toegang
from kern.accounts.rechten import Recht
from kern.db import db
from kern.export import Kolom, Soort, exporteerbaar
from kern.formatting import datum

Pagina = str | tuple[str, int]


@bp.route("/<int:inventarisatie_id>/uitnodigen", methods=["GET", "POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def uitnodigen(inventarisatie_id: int) -> Pagina | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    form = UitnodigForm()
    form.gemeente_ids.choices = [
        SelectChoice(g.id, g.label)
        for g in db.session.execute(services.uit_te_nodigen(inventarisatie)).scalars()
    ]
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                nieuw = services.nodig_uit(
                    inventarisatie, form.gemeente_ids.data or [], form.uitgenodigd_op.data
                )
            except InventarisatieFout as fout:
                status = weiger(fout, form)
            else:
                db.session.commit()
                flash(
                    f"{len(nieuw)} {'gemeente' if len(nieuw) == 1 else 'gemeenten'} uitgenodigd.",
                    "succes",
                )
                return naar(inventarisatie, "gemeenten")
    return render_template(
        "inventarisatie/uitnodigen.html", inventarisatie=inventarisatie, form=form
    ), status


@bp.route("/<int:inventarisatie_id>/gemeenten/<cbs_code>/intrekken", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN)
def intrekken(inventarisatie_id: int, cbs_code: str) -> Response:
    deelnemer = deelnemer_of_404(inventarisatie_id, cbs_code)
    inventarisatie = deelnemer.inventarisatie
    naam = deelnemer.gemeente.weergavenaam
    form = VersieForm()
    if not form.validate():
        flash("Versie ontbreekt; laad de pagina opnieuw.", "fout")
        return naar(inventarisatie, "gemeenten")
    try:
        services.trek_uitnodiging_in(deelnemer, versie=form.versie.data)
    except InventarisatieFout as fout:
        weiger(fout)
    else:
        db.session.commit()
        flash(f"De uitnodiging van {naam} is ingetrokken.", "succes")
    return naar(inventarisatie, "gemeenten")


def respons_export(inventarisatie: Inventarisatie, deelnemers: list[Deelnemer]) -> export.Export:
    kolommen = [
        Kolom("Gemeente", lambda d: d.gemeente.weergavenaam, uitleg="De uitgenodigde gemeente"),
        Kolom("CBS-code", lambda d: d.gemeente.cbs_code, uitleg="De code van het CBS"),
        Kolom("Provincie", lambda d: d.gemeente.provincie, uitleg="De provincie van de gemeente"),
        Kolom("Uitgenodigd op", lambda d: d.uitgenodigd_op, Soort.DATUM, "Datum van uitnodiging"),
        Kolom(
            "Beantwoord op",
            lambda d: d.beantwoord_op,
            Soort.DATUM,
            "Datum waarop de gemeente antwoordde; leeg: nog niet geantwoord",
        ),
        Kolom(
            "Antwoorden",
            lambda d: len(d.antwoorden),
            Soort.GETAL,
            "Aantal thema's waarop de gemeente antwoordde",
            totaal=True,
        ),
    ]
    return export.Export(
        naam="inventarisatie-respons",
        titel=f"Respons: {inventarisatie.naam}",
        tabellen=[export.Tabel("Respons", kolommen, lambda: deelnemers)],
        filters=[("Inventarisatie", f"{inventarisatie.naam} ({datum(inventarisatie.datum)})")],
    )


@bp.route("/<int:inventarisatie_id>/respons")
@toegang(Recht.PROGRAMMA_LEZEN)
@exporteerbaar
def respons(inventarisatie_id: int) -> str | Response:
    inventarisatie = inventarisatie_of_404(inventarisatie_id)
    deelnemers = services.respons(inventarisatie)
    geantwoord = [d for d in deelnemers if d.heeft_geantwoord]
    return export.toon(
        "inventarisatie/respons.html",
        respons_export(inventarisatie, deelnemers),
        inventarisatie=inventarisatie,
        deelnemers=deelnemers,
        geantwoord=len(geantwoord),
        percentage=round(100 * len(geantwoord) / len(deelnemers)) if deelnemers else None,
    )
