"""The onderwijsaanpak on a municipality's page (`gemeenten.secties`): a section with its phase,
activities and open rounds, and the reports it still has to submit."""

from __future__ import annotations

from flask import render_template, url_for
from markupsafe import Markup

from gemeenten.models import Gemeente
from gemeenten.secties import Taak
from kern import tijd
from onderwijsaanpak import services


def gemeente_sectie(gemeente: Gemeente) -> Markup | None:
    """None for a municipality that never took part."""
    samenvatting = services.samenvatting(gemeente, tijd.vandaag())
    if samenvatting is None:
        return None
    # render_template escapes every value: its output is safe HTML.
    return Markup(  # noqa: S704
        render_template("onderwijsaanpak/_gemeente_sectie.html", gemeente=gemeente, s=samenvatting)
    )


def te_rapporteren(gemeente: Gemeente) -> list[Taak]:
    """A report for every open round the municipality has not submitted (or got back)."""
    return [
        Taak(
            wat=f"Onderwijsaanpak: rapportage {stand.ronde.naam}"
            + (" (teruggestuurd)" if stand.laatste is not None else ""),
            uiterlijk=stand.ronde.uiterlijk,
            url=url_for(
                "onderwijsaanpak.rapportage", cbs_code=gemeente.cbs_code, ronde_id=stand.ronde.id
            ),
            te_laat=stand.te_laat,
        )
        for stand in services.open_standen(gemeente, tijd.vandaag())
        if stand.te_doen
    ]
