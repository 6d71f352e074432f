"""The shape of the code, read from the source with `ast` (nothing is imported).

- No module uses another module's private name (``_x``): what another module needs is public
  in the module that defines it, or the helper moves to where it is used.
- The needs inventory (`gemeenten.inventarisatie`) is about municipalities, not grants: it
  imports neither `subsidies` nor `onderwijsaanpak`.
- The kernel knows no domain: nothing in `kern` imports `gemeenten`, `subsidies` or
  `onderwijsaanpak` (also not inside a function), except the app factory, which puts them
  together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

WORTEL = Path(__file__).resolve().parent.parent
PAKKETTEN = ("kern", "gemeenten", "subsidies", "onderwijsaanpak")
DOMEINEN = ("gemeenten", "subsidies", "onderwijsaanpak")
KERN_MAG_DOMEINEN_KENNEN = {"kern.app"}


def modules() -> Iterator[tuple[str, Path]]:
    for pakket in PAKKETTEN:
        for pad in sorted((WORTEL / pakket).rglob("*.py")):
            deel = pad.relative_to(WORTEL).with_suffix("").parts
            naam = ".".join(deel[:-1] if deel[-1] == "__init__" else deel)
            yield naam, pad


def absoluut(module: str, is_pakket: bool, importeer: ast.ImportFrom) -> str:
    """The module an ``import from`` names, relative imports resolved."""
    if not importeer.level:
        return importeer.module or ""
    delen = module.split(".")
    basis = delen if is_pakket else delen[:-1]
    basis = basis[: len(basis) - (importeer.level - 1)]
    return ".".join([*basis, *([importeer.module] if importeer.module else [])])


def prive(naam: str) -> bool:
    return naam.startswith("_") and not naam.startswith("__")


def prive_gebruik(module: str, pad: Path) -> Iterator[str]:
    """Every private name of another module this module uses: ``from x import _y``, and
    ``x._y`` where ``x`` is a module imported with ``import x`` or ``from p import x``."""
    boom = ast.parse(pad.read_text(encoding="utf-8"), str(pad))
    is_pakket = pad.name == "__init__.py"
    eigen_modules = {naam for naam, _ in modules()}
    modulenamen: dict[str, str] = {}  # local name -> module it stands for
    for knoop in ast.walk(boom):
        if isinstance(knoop, ast.ImportFrom):
            bron = absoluut(module, is_pakket, knoop)
            for alias in knoop.names:
                if prive(alias.name) and bron != module:
                    yield f"{module} importeert {alias.name} uit {bron} (regel {knoop.lineno})"
                if f"{bron}.{alias.name}" in eigen_modules:
                    modulenamen[alias.asname or alias.name] = f"{bron}.{alias.name}"
        elif isinstance(knoop, ast.Import):
            for alias in knoop.names:
                if alias.asname:
                    modulenamen[alias.asname] = alias.name
                else:
                    modulenamen[alias.name.split(".")[0]] = alias.name.split(".")[0]
    for knoop in ast.walk(boom):
        if isinstance(knoop, ast.Attribute) and prive(knoop.attr):
            keten = _keten(knoop.value)
            if keten and keten[0] in modulenamen:
                bron = ".".join([modulenamen[keten[0]], *keten[1:]])
                if bron != module and bron.split(".")[0] in PAKKETTEN:
                    yield f"{module} gebruikt {bron}.{knoop.attr} (regel {knoop.lineno})"


def _keten(knoop: ast.expr) -> list[str] | None:
    """``a.b.c`` as ["a", "b", "c"]; None for anything but names and attributes."""
    if isinstance(knoop, ast.Name):
        return [knoop.id]
    if isinstance(knoop, ast.Attribute) and (voor := _keten(knoop.value)) is not None:
        return [*voor, knoop.attr]
    return None


def domein_imports(module: str, pad: Path) -> Iterator[str]:
    """Every import of a domain package in this module, at any depth (also in a function)."""
    boom = ast.parse(pad.read_text(encoding="utf-8"), str(pad))
    is_pakket = pad.name == "__init__.py"
    for knoop in ast.walk(boom):
        if isinstance(knoop, ast.Import):
            namen = [alias.name for alias in knoop.names]
        elif isinstance(knoop, ast.ImportFrom):
            namen = [absoluut(module, is_pakket, knoop)]
        else:
            continue
        for naam in namen:
            if naam.split(".")[0] in DOMEINEN:
                yield f"{module} importeert {naam} (regel {knoop.lineno})"


def test_the_walk_finds_every_package() -> None:
    gevonden = {naam.split(".")[0] for naam, _ in modules()}
    assert gevonden == set(PAKKETTEN)
    assert {"kern.app", "kern.excel", "gemeenten.cbs"} <= {naam for naam, _ in modules()}


def test_no_module_uses_a_private_name_of_another() -> None:
    gevonden = [melding for naam, pad in modules() for melding in prive_gebruik(naam, pad)]
    assert gevonden == []


def test_the_kernel_imports_no_domain_except_the_app_factory() -> None:
    gevonden = [
        melding
        for naam, pad in modules()
        if naam.split(".")[0] == "kern" and naam not in KERN_MAG_DOMEINEN_KENNEN
        for melding in domein_imports(naam, pad)
    ]
    assert gevonden == []


def test_the_needs_inventory_imports_neither_subsidies_nor_onderwijsaanpak() -> None:
    eigen = [(naam, pad) for naam, pad in modules() if naam.startswith("gemeenten.inventarisatie")]
    gevonden = [
        melding
        for naam, pad in eigen
        for melding in domein_imports(naam, pad)
        if melding.split(" importeert ")[1].split(".")[0] in ("subsidies", "onderwijsaanpak")
    ]
    assert {"gemeenten.inventarisatie.models", "gemeenten.inventarisatie.views"} <= {
        naam for naam, _ in eigen
    }
    assert any(
        "importeert gemeenten" in m for naam, pad in eigen for m in domein_imports(naam, pad)
    )
    assert gevonden == []


# --- The walk itself, on small sources -------------------------------------------------------


@pytest.mark.parametrize(
    ("bron", "verwacht"),
    [
        ("from kern.excel.lezen.controle import _ZIPFOUTEN", ["_ZIPFOUTEN"]),
        ("from .verkenning import _Verkenning as Verkenning", ["_Verkenning"]),
        ("from kern.excel import cellen\ncellen._geheel(1)", ["cellen._geheel"]),
        ("import kern.excel.cellen\nkern.excel.cellen._geheel(1)", ["cellen._geheel"]),
        ("import kern.excel.cellen as c\nc._leeg(1)", ["cellen._leeg"]),
        ("def f():\n    from subsidies.historische_import.basis import _euro", ["_euro"]),
        ("from kern.excel.cellen import bedrag as _bedrag", []),
        ("from __future__ import annotations\nx.__class__", []),
        ("class A:\n    def f(self):\n        return self._x", []),
    ],
)
def test_the_walk_sees_a_private_name(tmp_path: Path, bron: str, verwacht: list[str]) -> None:
    pad = tmp_path / "module.py"
    pad.write_text(bron, encoding="utf-8")
    gevonden = list(prive_gebruik("kern.excel.lezen.calamine", pad))
    assert len(gevonden) == len(verwacht)
    for melding, naam in zip(gevonden, verwacht, strict=True):
        assert naam in melding


@pytest.mark.parametrize(
    ("bron", "gevonden"),
    [
        ("import subsidies.models", True),
        ("def f():\n    from gemeenten.models import Gemeente", True),
        ("from ...subsidies import services", True),
        ("import onderwijsaanpak", True),
        ("from kern.db import db", False),
        ("from . import access", False),
    ],
)
def test_the_walk_sees_a_domain_import(tmp_path: Path, bron: str, gevonden: bool) -> None:
    pad = tmp_path / "module.py"
    pad.write_text(bron, encoding="utf-8")
    assert bool(list(domein_imports("kern.accounts.views", pad))) is gevonden
