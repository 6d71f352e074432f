"""A horizontal bar chart as inline SVG, drawn on the server: no JavaScript, no library.

Amounts stay `Decimal`: a bar's width is ``bedrag * STAAF_MAX / maximum`` in Decimal arithmetic,
rounded half up to whole pixels with `int`. Every bar carries its amount as text, so neither
colour nor length is the only way to read it; the page puts the same numbers in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup

from kern.formatting import geld
from kern.grafiek import svg_begin

LABEL_BREEDTE = 230  # the recipient's name, right-aligned against the bars
STAAF_MAX = 420  # the longest bar
TEKST_BREEDTE = 230  # room for the amount after a bar
BREEDTE = LABEL_BREEDTE + STAAF_MAX + TEKST_BREEDTE
LEGENDA_HOOGTE = 34
RIJ_HOOGTE = 44
STAAF_HOOGTE = 15
MAX_LABEL = 32  # characters; longer names are shortened here (the table has them in full)

KLEUR_TOEGEKEND = "#154273"
KLEUR_BESTEED = "#235f2a"


@dataclass(frozen=True)
class Staaf:
    """One recipient: what was granted and what was spent (None: not known)."""

    label: str
    toegekend: Decimal | None
    besteed: Decimal | None


def breedte(bedrag: Decimal | None, maximum: Decimal) -> int:
    """The bar's width in pixels: proportional, half up, never float."""
    if bedrag is None or bedrag <= 0 or maximum <= 0:
        return 0
    return int((bedrag * STAAF_MAX / maximum).to_integral_value(rounding=ROUND_HALF_UP))


def _kort(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _staaf(
    soort: str, kleur: str, y: int, bedrag: Decimal | None, maximum: Decimal, tekst: str
) -> Markup:
    px = breedte(bedrag, maximum)
    return Markup(
        '<rect class="staaf staaf--{soort}" x="{x}" y="{y}" width="{w}" height="{h}" '
        'fill="{kleur}"><title>{tekst}</title></rect>'
        '<text x="{tx}" y="{ty}" class="staaf__bedrag">{tekst}</text>'
    ).format(
        soort=soort,
        x=LABEL_BREEDTE,
        y=y,
        w=px,
        h=STAAF_HOOGTE,
        kleur=kleur,
        tx=LABEL_BREEDTE + px + 6,
        ty=y + STAAF_HOOGTE - 3,
        tekst=tekst,
    )


def toegekend_versus_besteed(
    staven: Sequence[Staaf], *, titel: str, uitleg: str, id_: str = "grafiek"
) -> Markup:
    """The chart: per recipient a bar for granted and one for spent, on one scale."""
    bedragen = [b for s in staven for b in (s.toegekend, s.besteed) if b is not None]
    maximum = max(bedragen, default=Decimal(0))
    hoogte = LEGENDA_HOOGTE + RIJ_HOOGTE * len(staven) + 6
    delen = [
        svg_begin(id_=id_, breedte=BREEDTE, hoogte=hoogte, titel=titel, uitleg=uitleg),
        _legenda(),
    ]
    for i, staaf in enumerate(staven):
        delen.append(_rij(staaf, LEGENDA_HOOGTE + i * RIJ_HOOGTE, maximum))
    delen.append(Markup("</svg>"))
    return Markup("").join(delen)


def _legenda() -> Markup:
    return Markup(
        '<g class="grafiek__legenda">'
        '<rect x="{x}" y="8" width="14" height="14" fill="{kt}"></rect>'
        '<text x="{x1}" y="20">Toegekend</text>'
        '<rect x="{x2}" y="8" width="14" height="14" fill="{kb}"></rect>'
        '<text x="{x3}" y="20">Besteed (cumulatief)</text></g>'
    ).format(
        x=LABEL_BREEDTE,
        x1=LABEL_BREEDTE + 20,
        x2=LABEL_BREEDTE + 120,
        x3=LABEL_BREEDTE + 140,
        kt=KLEUR_TOEGEKEND,
        kb=KLEUR_BESTEED,
    )


def _rij(staaf: Staaf, y: int, maximum: Decimal) -> Markup:
    """One recipient at height ``y``: its name, the bar for granted and the one for spent."""
    label = Markup(
        '<g class="grafiek__rij"><text x="{x}" y="{y}" text-anchor="end" '
        'class="grafiek__label">{label}</text>'
    ).format(x=LABEL_BREEDTE - 8, y=y + STAAF_HOOGTE + 6, label=_kort(staaf.label))
    toegekend = _staaf(
        "toegekend",
        KLEUR_TOEGEKEND,
        y + 2,
        staaf.toegekend,
        maximum,
        f"toegekend {geld(staaf.toegekend, leeg='nog vast te stellen')}",
    )
    besteed = _staaf(
        "besteed",
        KLEUR_BESTEED,
        y + 4 + STAAF_HOOGTE,
        staaf.besteed,
        maximum,
        f"besteed {geld(staaf.besteed, leeg='nog niet verantwoord')}",
    )
    return label + toegekend + besteed + Markup("</g>")
