"""The chart of reach over time: per phase a line of the participants reached so far, per
quarter, as inline SVG drawn on the server (no script, no style attribute: the lines take their
look from classes in ``static/app.css`` and presentation attributes).

Every point carries its figure as a ``<title>``; the last point of a line its figure as text,
and the page puts every figure in a table under the chart.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from kern.formatting import getal
from kern.grafiek import svg_begin
from onderwijsaanpak.models import Fase
from onderwijsaanpak.voortgang import Punt

LINKS = 70  # room for the axis' figures
BOVEN = 40  # room for the legend
PLOT_BREEDTE = 640
PLOT_HOOGTE = 240
RECHTS = 110  # room for a line's last figure
ONDER = 40  # room for the quarters
BREEDTE = LINKS + PLOT_BREEDTE + RECHTS
HOOGTE = BOVEN + PLOT_HOOGTE + ONDER
STAPPEN = 4  # horizontal grid lines above zero

KLEUREN = {Fase.PILOT: "#154273", Fase.UITROL: "#235f2a", Fase.BEEINDIGD: "#8a4b08"}
STREEP = {Fase.PILOT: "none", Fase.UITROL: "6 3", Fase.BEEINDIGD: "2 3"}  # not colour alone


def _y(aantal: int, maximum: int) -> int:
    return BOVEN + PLOT_HOOGTE - (aantal * PLOT_HOOGTE // maximum if maximum else 0)


def _x(index: int, aantal: int) -> int:
    if aantal <= 1:
        return LINKS + PLOT_BREEDTE // 2
    return LINKS + index * PLOT_BREEDTE // (aantal - 1)


def bereik_in_de_tijd(
    punten: Sequence[Punt], fasen: Sequence[Fase], *, titel: str, uitleg: str, id_: str
) -> Markup:
    maximum = max((p.cumulatief[f] for p in punten for f in fasen), default=0)
    delen = [svg_begin(id_=id_, breedte=BREEDTE, hoogte=HOOGTE, titel=titel, uitleg=uitleg)]
    delen.extend(_raster(maximum))
    delen.extend(_kwartalen(punten))
    for nr, fase in enumerate(fasen):
        delen.append(_legenda(nr, fase))
        delen.extend(_lijn(punten, fase, maximum))
    delen.append(Markup("</svg>"))
    return Markup("").join(delen)


def _raster(maximum: int) -> list[Markup]:
    """The horizontal grid lines with their figures, from zero up to the maximum."""
    lijnen = []
    for stap in range(STAPPEN + 1):
        waarde = maximum * stap // STAPPEN
        y = _y(waarde, maximum)
        lijnen.append(
            Markup(
                '<line class="grafiek__raster" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" '
                'stroke="#cccccc"></line>'
                '<text x="{tx}" y="{ty}" text-anchor="end">{w}</text>'
            ).format(
                x1=LINKS, x2=LINKS + PLOT_BREEDTE, y=y, tx=LINKS - 8, ty=y + 4, w=getal(waarde)
            )
        )
    return lijnen


def _kwartalen(punten: Sequence[Punt]) -> list[Markup]:
    """The quarters' labels under the plot."""
    return [
        Markup('<text x="{x}" y="{y}" text-anchor="middle">{label}</text>').format(
            x=_x(i, len(punten)), y=BOVEN + PLOT_HOOGTE + 20, label=punt.label
        )
        for i, punt in enumerate(punten)
    ]


def _legenda(nr: int, fase: Fase) -> Markup:
    """The ``nr``-th entry of the legend, above the plot: the phase's line and name."""
    x = LINKS + nr * 170
    return Markup(
        '<g class="grafiek__legenda"><line x1="{x}" y1="15" x2="{x2}" y2="15" '
        'stroke="{kleur}" stroke-width="3" stroke-dasharray="{streep}"></line>'
        '<text x="{tx}" y="20">{label}</text></g>'
    ).format(
        x=x,
        x2=x + 24,
        tx=x + 30,
        kleur=KLEUREN[fase],
        streep=STREEP[fase],
        label=fase.label,
    )


def _lijn(punten: Sequence[Punt], fase: Fase, maximum: int) -> list[Markup]:
    """A phase's line, a point per quarter with its figure as title, the last figure as text."""
    coordinaten = [
        (_x(i, len(punten)), _y(p.cumulatief[fase], maximum)) for i, p in enumerate(punten)
    ]
    delen = [
        Markup(
            '<polyline class="lijn lijn--{fase}" fill="none" stroke="{kleur}" '
            'stroke-width="3" stroke-dasharray="{streep}" points="{punten}"></polyline>'
        ).format(
            fase=fase.value,
            kleur=KLEUREN[fase],
            streep=STREEP[fase],
            punten=" ".join(f"{x},{y}" for x, y in coordinaten),
        )
    ]
    for (x, y), punt in zip(coordinaten, punten, strict=True):
        delen.append(
            Markup(
                '<circle cx="{x}" cy="{y}" r="4" fill="{kleur}"><title>{label}, {fase}: '
                "{aantal} deelnemers</title></circle>"
            ).format(
                x=x,
                y=y,
                kleur=KLEUREN[fase],
                label=punt.label,
                fase=fase.label.lower(),
                aantal=getal(punt.cumulatief[fase]),
            )
        )
    x, y = coordinaten[-1]
    delen.append(
        Markup('<text x="{x}" y="{y}">{aantal}</text>').format(
            x=x + 8, y=y + 4, aantal=getal(punten[-1].cumulatief[fase])
        )
    )
    return delen
