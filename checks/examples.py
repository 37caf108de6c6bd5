"""The catalogue's worked examples (config/ejemplos.yaml): synthetic pages per class of real-world variant, each with
the verdict its check must give. Tests run them all; docs/vocabulario.md shows them to auditors."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from checks.catalogue import Catalogue, load_catalogue
from checks.engine import evaluate_pages
from checks.model import CheckResult
from config import paths, yamlfile
from core.errors import ConfigError

HOME = "https://ejemplo.gob.mx/"
EXPECTED = ("cumple", "no_cumple", "indeterminado", "indeterminado revisar")
RUN_DATE = datetime.date(2026, 3, 31)


@dataclass(frozen=True)
class Example:
    """One synthetic home page (plus optional same-site pages) and the verdict a check must give on it."""

    check: str
    kind: str  # the class of variant (clase)
    html: str
    expected: str
    pages: dict[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Examples:
    """The classes (name → Spanish description) and the examples, in file order."""

    classes: dict[str, str]
    items: list[Example]


def page(body: str) -> str:
    """A minimal municipal page around an example's fragment."""
    return (
        "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>H. Ayuntamiento de Ejemplo</title></head>"
        f"<body><h1>H. Ayuntamiento de Ejemplo, Estado de México</h1>{body}</body></html>"
    )


def load_examples(path: Path | None = None, catalogue: Catalogue | None = None) -> Examples:
    """Load and validate the examples file (check ids, classes and expected verdicts), Spanish errors with line."""
    path = path or paths.EXAMPLES
    catalogue = catalogue or load_catalogue()
    tree, data = yamlfile.parse(yamlfile.read_text(path), str(path))
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("clases"), dict)
        or not isinstance(data.get("ejemplos"), list)
    ):
        raise ConfigError(str(path), None, None, "se esperaba un mapa con «clases» y una lista «ejemplos»")
    classes = {str(k): str(v) for k, v in data["clases"].items()}
    lines = _item_lines(tree)
    ids = {spec.id for spec in catalogue.site_checks()}
    items = [_example(item, lines.get(i, 0), str(path), ids, classes) for i, item in enumerate(data["ejemplos"])]
    return Examples(classes, items)


def _item_lines(tree: object) -> dict[int, int]:
    """Line (1-based) of each entry of the «ejemplos» list."""
    for key, value in getattr(tree, "value", []):
        if getattr(key, "value", None) == "ejemplos":
            return {i: node.start_mark.line + 1 for i, node in enumerate(value.value)}
    return {}


def _example(item: object, line: int, path: str, ids: set[str], classes: dict[str, str]) -> Example:
    """One validated entry."""
    if not isinstance(item, dict):
        raise ConfigError(path, line, None, "cada ejemplo es un mapa con check, clase, html y espera")
    checks = {"check": ids, "clase": set(classes), "espera": set(EXPECTED)}
    for name, allowed in checks.items():
        if item.get(name) not in allowed:
            raise ConfigError(path, line, name, f"valor «{item.get(name)}» desconocido")
    pages = item.get("paginas") or {}
    if not isinstance(item.get("html"), str) or not isinstance(pages, dict):
        raise ConfigError(path, line, "html", "se esperaba el fragmento HTML como texto (y «paginas» como mapa)")
    return Example(
        item["check"], item["clase"], item["html"], item["espera"], {str(k): str(v) for k, v in pages.items()}, line
    )


def run_example(example: Example, catalogue: Catalogue | None = None) -> CheckResult:
    """Evaluate the example's pages as one complete crawl and return its check's result."""
    pages = [(HOME, page(example.html), 0)]
    pages += [(HOME.rstrip("/") + path, page(body), 1) for path, body in example.pages.items()]
    results = evaluate_pages(pages, RUN_DATE, catalogue or load_catalogue())
    return next(r for r in results if r.check_id == example.check)


def verdict(result: CheckResult) -> str:
    """A result as written in «espera»: the status, plus the reason for a near miss."""
    return "indeterminado revisar" if result.reason == "revisar" else result.status


def matches(example: Example, result: CheckResult) -> bool:
    """Whether a result is the verdict the example expects (plain «indeterminado» accepts any reason)."""
    return verdict(result) == example.expected or (example.expected == "indeterminado" == result.status)
