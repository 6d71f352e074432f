"""The onderwijsaanpak is a sibling of the versterkingsgelden: both stand on `kern` and
`gemeenten`, and neither imports the other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kern.app import PROJECT


def geimporteerd(pakket: str) -> set[tuple[str, str]]:
    """(file, module) for every import in the package's source."""
    uit: set[tuple[str, str]] = set()
    for bestand in sorted((PROJECT / pakket).rglob("*.py")):
        for knoop in ast.walk(ast.parse(bestand.read_text(encoding="utf-8"))):
            if isinstance(knoop, ast.Import):
                uit |= {(bestand.name, alias.name) for alias in knoop.names}
            elif isinstance(knoop, ast.ImportFrom) and knoop.module:
                uit.add((bestand.name, knoop.module))
    return uit


@pytest.mark.parametrize(
    ("pakket", "sibling"), [("onderwijsaanpak", "subsidies"), ("subsidies", "onderwijsaanpak")]
)
def test_the_siblings_never_import_each_other(pakket, sibling):
    imports = geimporteerd(pakket)

    assert any(module.startswith("gemeenten") for _, module in imports)  # the scan sees imports
    verboden = sorted(
        (bestand, module)
        for bestand, module in imports
        if module == sibling or module.startswith(sibling + ".")
    )
    assert verboden == []


def test_the_scan_would_see_a_forbidden_import(tmp_path: Path):
    assert ("models.py", "subsidies.models") not in geimporteerd("onderwijsaanpak")
    assert ("services.py", "gemeenten.models") in geimporteerd("onderwijsaanpak")
