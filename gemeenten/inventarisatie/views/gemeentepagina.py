"""The needs inventory on a municipality's page (`gemeenten.secties`): the inventories it was
invited to, with its answers, and the open ones it has still to answer."""

from __future__ import annotations

from flask import render_template, url_for
from markupsafe import Markup

from gemeenten.inventarisatie import services
from gemeenten.models import Gemeente
from gemeenten.secties import Taak
from kern import tijd


def gemeente_sectie(gemeente: Gemeente) -> Markup | None:
    """None for a municipality never invited."""
    deelnames = services.deelnames_van(gemeente)
    if not deelnames:
        return None
    # render_template escapes every value: its output is safe HTML.
    return Markup(  # noqa: S704
        render_template(
            "inventarisatie/_gemeente_sectie.html",
            gemeente=gemeente,
            deelnames=deelnames,
            behoeften={d.id: sum(a.behoefte for a in d.antwoorden) for d in deelnames},
        )
    )


def te_beantwoorden(gemeente: Gemeente) -> list[Taak]:
    """An answer for every inventory open to the municipality that it has not answered."""
    vandaag = tijd.vandaag()
    return [
        Taak(
            wat=f"Behoefte-inventarisatie: {d.inventarisatie.naam} beantwoorden",
            uiterlijk=uiterlijk,
            url=url_for(
                "inventarisatie.antwoorden",
                inventarisatie_id=d.inventarisatie_id,
                cbs_code=gemeente.cbs_code,
            ),
            te_laat=uiterlijk < vandaag,
        )
        for d in services.deelnames_van(gemeente)
        if d.inventarisatie.open_voor_gemeenten and not d.heeft_geantwoord
        for uiterlijk in [d.inventarisatie.uiterlijk or d.inventarisatie.datum]
    ]
