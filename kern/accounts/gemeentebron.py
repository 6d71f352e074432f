"""How the kernel learns about municipalities without importing the register.

A municipality user is bound to one municipality, but the register lives in `gemeenten`, which
depends on the kernel and not the other way round. The register installs a `GemeenteBron` on
the app at start-up; account pages and commands ask it for names and codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from flask import Flask, current_app

SLEUTEL = "gemeentebron"


class GemeenteBron(Protocol):
    def keuzes(self) -> list[tuple[int, str]]:
        """(id, label) of every current municipality, for a select field."""

    def id_voor_code(self, cbs_code: str) -> int | None:
        """The id of the municipality with this CBS code (GM0363, also 0363 or 363), if any."""

    def url(self, gemeente_id: int) -> str:
        """The address of the municipality's page."""

    def labels(self, ids: Iterable[int]) -> dict[int, str]:
        """A label ("GM0363 Amsterdam") per id."""


def installeer(app: Flask, bron: GemeenteBron) -> None:
    app.extensions[SLEUTEL] = bron


def bron() -> GemeenteBron:
    try:
        gevonden: GemeenteBron = current_app.extensions[SLEUTEL]
    except KeyError:
        raise RuntimeError("No municipality register is installed on this app.") from None
    return gevonden
