"""Load and validate a catalogue of transparency obligations (config/obligaciones.yaml), keyed by law and version."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from config import paths, yamlfile
from core.errors import ConfigError
from core.text import fold

Period = Literal["mensual", "trimestral", "semestral", "anual"]
PERIODS: tuple[Period, ...] = ("mensual", "trimestral", "semestral", "anual")
_TOP_FIELDS = frozenset({"ley", "version", "articulo", "gracia_dias", "fracciones"})
_ENTRY_FIELDS = frozenset({"fraccion", "id", "titulo", "page", "update", "articulo"})
# A Roman numeral (1–399) and an optional one-letter sub-fraction, as IPOMEX labels them: "I", "II A", "XLVIII B".
_ROMAN = r"C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_LABEL = re.compile(rf"^(?=[IVXLC])(?P<roman>{_ROMAN})(?: (?P<letter>[A-Z]))?$")
_ARTICLE = re.compile(r"^[0-9]+$")
# Words portals put around a label: "Fracción II A", "Frac. II, inciso a", "Artículo 92".
_NOISE = re.compile(r"\b(?:fraccion(?:es)?|fracc?|inciso|articulo|art)\b")


@dataclass(frozen=True)
class Obligation:
    """One obligation: a (sub-)fraction of an article, with its IPOMEX page and how often it must be updated."""

    id: str
    articulo: str
    fraccion: str
    titulo: str
    page: str
    update: Period


@dataclass(frozen=True)
class ObligationCatalogue:
    """The validated obligations of one law and version, in file order."""

    path: str
    ley: str
    version: str
    articulo: str
    grace_days: int
    obligations: tuple[Obligation, ...]
    _index: dict[tuple[str, str], Obligation] = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({(o.articulo, fraction_slug(o.fraccion)): o for o in self.obligations})

    @property
    def key(self) -> str:
        """The law key stored with every result, e.g. "LTAIPEMyM:2016"."""
        return f"{self.ley}:{self.version}"

    def get(self, obligation_id: str) -> Obligation:
        """The obligation with this id (KeyError when absent)."""
        for obligation in self.obligations:
            if obligation.id == obligation_id:
                return obligation
        raise KeyError(obligation_id)

    def by_label(self, articulo: str, fraccion_label: str) -> Obligation | None:
        """The obligation a portal label designates ("Fracción II A", "FRACCIÓN II-A", "ii_a"...), or None."""
        article = fold(str(articulo))
        article = re.sub(r"\D", "", article) or article
        slug = fraction_slug(fraccion_label)
        found = self._index.get((article, slug))
        if found is None and re.fullmatch(r"[ivxlc]+[a-z]", slug):
            # Glued sub-fraction ("IIA", "LIC"): the last letter is the inciso when the rest is a fraction.
            found = self._index.get((article, f"{slug[:-1]}_{slug[-1]}"))
        return found


def fraction_slug(label: str) -> str:
    """Normalise a fraction label to its id part: "Fracción II-A" → "ii_a", "XLVIII B" → "xlviii_b"."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(label))
    return "_".join(_NOISE.sub(" ", words).split())


@functools.cache
def _default() -> ObligationCatalogue:
    """The default catalogue, parsed once per process."""
    return _load(paths.OBLIGATIONS)


def load_obligations(path: Path | None = None) -> ObligationCatalogue:
    """Load and validate an obligations file (the default one is loaded once and cached)."""
    return _default() if path is None else _load(path)


def _load(path: Path) -> ObligationCatalogue:
    """Read and parse one obligations file."""
    return parse_obligations(yamlfile.read_text(path), str(path))


def parse_obligations(text: str, path: str = "obligaciones.yaml") -> ObligationCatalogue:
    """Parse and validate obligations YAML text; raise ConfigError naming file, line and field."""
    root, data = yamlfile.parse(text, path)
    if not isinstance(data, Mapping):
        raise ConfigError(path, None, None, "se esperaba un diccionario con ley, version, articulo y fracciones")
    top, items = _node_lines(root)
    header = _Fields(path, top, data, _TOP_FIELDS, "el archivo")
    ley, version = header.text("ley"), header.text("version")
    articulo, grace = header.article("articulo"), header.grace_days("gracia_dias")
    entries = data.get("fracciones")
    if not isinstance(entries, list) or not entries:
        raise header.fail("fracciones", "se esperaba una lista «fracciones» no vacía")
    obligations: dict[str, Obligation] = {}
    for index, item in enumerate(entries):
        lines = items.get(index, {})
        obligation = _parse_entry(_Fields(path, lines, item, _ENTRY_FIELDS, "cada fracción"), articulo)
        if obligation.id in obligations:
            raise ConfigError(path, lines.get("id"), "id", f"id «{obligation.id}» repetido")
        obligations[obligation.id] = obligation
    return ObligationCatalogue(path, ley, version, articulo, grace, tuple(obligations.values()))


def _parse_entry(fields: _Fields, default_article: str) -> Obligation:
    """Validate one fraction entry; its article defaults to the file's."""
    article = fields.article("articulo") if "articulo" in fields.item else default_article
    label = fields.text("fraccion")
    if not _LABEL.match(label):
        raise fields.fail("fraccion", f"«{label}» no es una fracción válida (p. ej. I, II A, XLVIII B)")
    expected = f"ipomex.{article}.{fraction_slug(label)}"
    obligation_id = fields.text("id")
    if obligation_id != expected:
        raise fields.fail("id", f"«{obligation_id}» no corresponde a la fracción {label}: debe ser «{expected}»")
    update = fields.text("update")
    if update not in PERIODS:
        raise fields.fail("update", f"«{update}» no es un periodo permitido ({', '.join(PERIODS)})")
    return Obligation(
        id=obligation_id,
        articulo=article,
        fraccion=label,
        titulo=fields.text("titulo"),
        page=fields.text("page"),
        update=update,
    )


def _node_lines(root: yaml.Node | None) -> tuple[dict[str, int], dict[int, dict[str, int]]]:
    """1-based lines of the top-level keys and of each fraction entry and its fields."""
    top: dict[str, int] = {}
    items: dict[int, dict[str, int]] = {}
    if not isinstance(root, yaml.MappingNode):
        return top, items
    for key, value in root.value:
        top[key.value] = key.start_mark.line + 1
        if key.value == "fracciones" and isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value):
                fields = {"": item.start_mark.line + 1}
                if isinstance(item, yaml.MappingNode):
                    fields.update({k.value: k.start_mark.line + 1 for k, _ in item.value})
                items[index] = fields
    return top, items


class _Fields:
    """Typed access to one mapping of the file, raising ConfigError with file, line and field."""

    def __init__(self, path: str, lines: dict[str, int], item: object, allowed: frozenset[str], what: str) -> None:
        self.path, self.lines = path, lines
        if not isinstance(item, Mapping):
            raise self.fail(None, f"{what} debe ser un diccionario")
        self.item: Mapping[str, Any] = item
        unknown = sorted(str(k) for k in set(item) - allowed)
        if unknown:
            raise self.fail(unknown[0], f"campo desconocido (admitidos: {', '.join(sorted(allowed))})")

    def fail(self, name: str | None, problem: str) -> ConfigError:
        return ConfigError(self.path, self.lines.get(name or "", self.lines.get("")), name, problem)

    def text(self, name: str) -> str:
        value = self.item.get(name)
        # YAML reads version: 2016 as a number; a year-like version is still a valid label.
        if isinstance(value, int) and not isinstance(value, bool) and name == "version":
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, "el valor es obligatorio y debe ser texto")
        return value.strip()

    def article(self, name: str) -> str:
        value = self.item.get(name)
        text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
        if not _ARTICLE.match(text):
            raise self.fail(name, "el artículo es obligatorio y debe ser un número (p. ej. 92)")
        return text

    def grace_days(self, name: str) -> int:
        value = self.item.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(name, "debe ser un número entero de días mayor o igual que cero")
        return value
