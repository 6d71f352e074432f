"""A horizontal bar chart as inline SVG, drawn on the server: no JavaScript, no library.

Amounts stay `Decimal`: a bar's width is ``bedrag * STAAF_MAX / maximum`` in Decimal arithmetic,
rounded half up to whole pixels with `int`. Every bar carries its amount as text, so neither
colour nor length is the only way to read it; the page puts the same numbers in a table.

Hundreds of recipients would make hundreds of unreadable bars: `grootste` keeps the `TOP` largest
grants and groups the rest into one bar, "overige (n gemeenten)", with their sums. That bar is
drawn on the scale of the others, cut off at the longest bar when it is longer (its amounts
say so), so that the largest recipients stay readable; the overview's table beside the chart
has every recipient.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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

TOP = 20  # bars of their own; the rest is grouped into one
KLEUR_TOEGEKEND = "#154273"
KLEUR_BESTEED = "#235f2a"


@dataclass(frozen=True)
class Staaf:
    """One recipient: what was granted and what was spent (None: not known)."""

    label: str
    toegekend: Decimal | None
    besteed: Decimal | None
    overige: int = 0  # more than 0: the sums of this many recipients, not one

    @property
    def besteed_percentage(self) -> Decimal | None:
        """Spent as a whole percentage of granted, for the chart's table."""
        if self.besteed is None or not self.toegekend:
            return None
        return (self.besteed * 100 / self.toegekend).quantize(Decimal(1), ROUND_HALF_UP)


def grootste(staven: Sequence[Staaf]) -> list[Staaf]:
    """The bars as given when there are at most ``TOP + 1``; otherwise the ``TOP`` largest
    grants (largest first, ties by label) and one bar with the sums of the rest."""
    top = TOP
    if len(staven) <= top + 1:
        return list(staven)
    op_bedrag = sorted(staven, key=lambda s: s.label.casefold())
    op_bedrag.sort(key=lambda s: s.toegekend or Decimal(0), reverse=True)
    rest = op_bedrag[top:]
    return [
        *op_bedrag[:top],
        Staaf(
            f"overige ({len(rest)} gemeenten)",
            _som(s.toegekend for s in rest),
            _som(s.besteed for s in rest),
            overige=len(rest),
        ),
    ]


def _som(bedragen: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the known amounts; None when none is known."""
    bekend = [b for b in bedragen if b is not None]
    return sum(bekend, Decimal(0)) if bekend else None


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
    if px > STAAF_MAX:  # the group of the rest, beyond the scale of the others
        px, tekst, soort = STAAF_MAX, f"{tekst} (buiten de schaal)", f"{soort} staaf--afgekapt"
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
    """The chart: per recipient a bar for granted and one for spent, on one scale (that of
    the recipients' own bars, when a bar groups the rest: see `grootste`)."""
    eigen = [s for s in staven if not s.overige] or staven
    bedragen = [b for s in eigen for b in (s.toegekend, s.besteed) if b is not None]
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
