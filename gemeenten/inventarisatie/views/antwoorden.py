"""A municipality's answers in an inventory: one form, a row per theme.

Officers enter them for any invited municipality, with the date it answered. A municipality
user sees only their own; they fill them in and correct them while the officer has the
inventory open, and read them when it is closed.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from gemeenten.inventarisatie import acties, services
from gemeenten.inventarisatie.forms.antwoorden import AntwoordenForm, GemeenteAntwoordenForm
from gemeenten.inventarisatie.models import Deelnemer
from gemeenten.inventarisatie.services import AntwoordRegel, InventarisatieFout, RegelFout
from gemeenten.inventarisatie.views import bp, deelnemer_of_404, door, mag_wijzigen, weiger
from kern import tijd
from kern.accounts.access import gebruiker, toegang
from kern.accounts.models import Rol
from kern.accounts.rechten import Recht
from kern.db import db

GESLOTEN = (
    "Deze inventarisatie is gesloten: u kunt uw antwoorden bekijken, maar niet wijzigen. "
    "Neem contact op met het ministerie als er iets niet klopt."
)


def _mag_invullen(deelnemer: Deelnemer) -> bool:
    """Officers always; a municipality user while the inventory is open."""
    if mag_wijzigen():
        return True
    return gebruiker().rol is Rol.GEMEENTE and deelnemer.inventarisatie.open_voor_gemeenten


def _leeg_form(deelnemer: Deelnemer) -> AntwoordenForm:
    """The form with the stored answers, a row per theme in the inventory's order."""
    soort = AntwoordenForm if mag_wijzigen() else GemeenteAntwoordenForm
    form = soort(formdata=None, obj=deelnemer)
    bestaand = services.antwoorden_van(deelnemer)
    for thema in deelnemer.inventarisatie.themas:
        antwoord = bestaand.get(thema.id)
        form.rijen.append_entry(
            {
                "thema_id": str(thema.id),
                "behoefte": None if antwoord is None else ("ja" if antwoord.behoefte else "nee"),
                "prioriteit": "" if antwoord is None else str(antwoord.prioriteit or ""),
                "toelichting": antwoord.toelichting if antwoord else "",
                "contactpersoon": antwoord.contactpersoon if antwoord else "",
            }
        )
    return form


def _pagina(deelnemer: Deelnemer, form: AntwoordenForm, status: int = 200) -> tuple[str, int]:
    inventarisatie = deelnemer.inventarisatie
    themas = {t.id: t for t in inventarisatie.themas}
    rijen = [(themas.get(_thema_id(rij) or 0), rij) for rij in form.rijen]
    return render_template(
        "inventarisatie/antwoorden.html",
        deelnemer=deelnemer,
        inventarisatie=inventarisatie,
        gemeente=deelnemer.gemeente,
        form=form,
        rijen=[(thema, rij) for thema, rij in rijen if thema is not None],
        mag_invullen=_mag_invullen(deelnemer),
        is_beleidsmedewerker=mag_wijzigen(),
        GESLOTEN=GESLOTEN,
        acties_op_behoeften=acties.voor_gemeente(inventarisatie, deelnemer.gemeente_id),
    ), status


def _thema_id(rij: object) -> int | None:
    """The row's theme id as sent; None for anything but up to nine ASCII digits (Python
    refuses to read a number of thousands of digits with a ValueError)."""
    waarde = getattr(rij, "thema_id").data  # noqa: B009 (a FormField's subform)
    if isinstance(waarde, str) and waarde.isascii() and waarde.isdigit() and len(waarde) <= 9:
        return int(waarde)
    return None


@bp.route("/<int:inventarisatie_id>/gemeenten/<cbs_code>")
@toegang(Recht.PROGRAMMA_LEZEN, Recht.EIGEN_GEMEENTE)
def antwoorden(inventarisatie_id: int, cbs_code: str) -> tuple[str, int]:
    deelnemer = deelnemer_of_404(inventarisatie_id, cbs_code)
    return _pagina(deelnemer, _leeg_form(deelnemer))


@bp.route("/<int:inventarisatie_id>/gemeenten/<cbs_code>", methods=["POST"])
@toegang(Recht.PROGRAMMA_WIJZIGEN, Recht.EIGEN_GEMEENTE)
def antwoorden_opslaan(inventarisatie_id: int, cbs_code: str) -> tuple[str, int] | Response:
    deelnemer = deelnemer_of_404(inventarisatie_id, cbs_code)
    if not _mag_invullen(deelnemer):
        flash(GESLOTEN, "fout")
        return _pagina(deelnemer, _leeg_form(deelnemer), 403)
    officier = mag_wijzigen()
    form = AntwoordenForm() if officier else GemeenteAntwoordenForm()
    if not form.validate():
        return _pagina(deelnemer, form, 400)
    regels: list[AntwoordRegel] = []
    for rij in form.rijen:
        if _thema_id(rij) is None:
            return _pagina(deelnemer, _leeg_form(deelnemer), weiger(_verouderd()))
        regel = rij.form.regel()
        if regel is not None:
            regels.append(regel)
    if any(rij.errors for rij in form.rijen):
        return _pagina(deelnemer, form, 400)
    if officier:
        beantwoord_op = form.beantwoord_op.data
    else:
        beantwoord_op = deelnemer.beantwoord_op or tijd.vandaag()
    try:
        gewijzigd = services.sla_antwoorden_op(
            deelnemer, regels, beantwoord_op=beantwoord_op, door=door(), versie=form.versie.data
        )
    except RegelFout as fout:
        db.session.rollback()
        for rij in form.rijen:
            for veld, melding in fout.fouten.get(_thema_id(rij) or 0, {}).items():
                rij.form[veld].errors = [*rij.form[veld].errors, melding]
        return _pagina(deelnemer, form, 400)
    except InventarisatieFout as fout:
        return _pagina(deelnemer, form, weiger(fout, form, deelnemer))
    db.session.commit()
    naam = deelnemer.gemeente.weergavenaam
    flash(
        f"De antwoorden van {naam} zijn opgeslagen ({gewijzigd} gewijzigd)."
        if gewijzigd
        else f"De antwoorden van {naam} waren al zo; er is niets gewijzigd.",
        "succes",
    )
    return redirect(
        url_for(
            "inventarisatie.antwoorden",
            inventarisatie_id=inventarisatie_id,
            cbs_code=deelnemer.gemeente.cbs_code,
        )
    )


def _verouderd() -> InventarisatieFout:
    return services.Conflict(
        "De thema's van deze inventarisatie zijn intussen gewijzigd. Uw antwoorden zijn niet "
        "opgeslagen; laad de pagina opnieuw."
    )
