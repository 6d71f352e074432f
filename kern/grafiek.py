"""What every chart drawn on the server as inline SVG shares: no script, no style attribute.

A chart is an ``<svg>`` with role ``img``, labelled by its title and explanation so that a
screen reader reads both; its figures are on the page in a table too.
"""

from __future__ import annotations

from markupsafe import Markup


def svg_begin(*, id_: str, breedte: int, hoogte: int, titel: str, uitleg: str) -> Markup:
    """The opening tag with the chart's title and explanation; the chart ends with ``</svg>``."""
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="grafiek" role="img" '
        'aria-labelledby="{id}-titel {id}-uitleg" viewBox="0 0 {b} {h}" width="{b}" '
        'height="{h}" font-family="system-ui, sans-serif" font-size="13">'
        '<title id="{id}-titel">{titel}</title><desc id="{id}-uitleg">{uitleg}</desc>'
    ).format(id=id_, b=breedte, h=hoogte, titel=titel, uitleg=uitleg)
