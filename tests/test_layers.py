"""Dependencies point one way: every import of the product goes to a lower layer (docs/arquitectura.md)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Bottom to top; a package may import its own modules and those of strictly lower layers only.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("config",),
    ("checks",),
    ("crawler", "storage", "simulator", "archive"),
    ("spiders", "alerts", "web"),
    ("scheduler", "bench", "fuzz", "scripts"),
    ("vigia",),
)
LAYER = {package: level for level, packages in enumerate(LAYERS) for package in packages}


def product_files() -> Iterator[tuple[str, Path]]:
    """Every Python file of the product with the top-level package it belongs to."""
    for package in LAYER:
        single = ROOT / f"{package}.py"
        if single.exists():
            yield package, single
        folder = ROOT / package
        if folder.is_dir():
            for path in sorted(folder.rglob("*.py")):
                yield package, path


def imported_packages(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level project package) of every import in a file, lazy imports inside functions included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top in LAYER:
                yield node.lineno, top


def upward_imports() -> list[str]:
    """Imports that go to the same layer's other packages or to a higher layer, as 'file:line -> package'."""
    found = []
    for package, path in product_files():
        for line, target in imported_packages(path):
            if target != package and LAYER[target] >= LAYER[package]:
                found.append(f"{path.relative_to(ROOT)}:{line} -> {target}")
    return found


def test_every_product_package_has_a_layer() -> None:
    packages = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    packages |= {p.stem for p in ROOT.glob("*.py")}
    assert packages - {"tests"} <= set(LAYER), "a new top-level package needs its place in LAYERS and in the docs"


def test_imports_only_point_down() -> None:
    assert upward_imports() == []


def test_the_architecture_page_shows_the_same_layers() -> None:
    page = (ROOT / "docs" / "arquitectura.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d) [^|]+\| ([^|]+) \|", page, re.MULTILINE)
    documented = {int(level): set(re.findall(r"`([a-z_]+)(?:/|\.py)`", packages)) for level, packages in rows}
    assert documented == {level: set(packages) for level, packages in enumerate(LAYERS)}
