"""Load and validate config/checks.yaml: the project's check catalogue (ids, seeds, scopes, kinds, params)."""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checks.kinds import KINDS, Check
from checks.losi import LosiRef, parse_ref
from checks.spec import SCOPES, SEEDS, CheckSpec, ParamError
from config import paths, yamlfile
from core.errors import ConfigError

_ID = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
_FIELDS = frozenset({"id", "seed", "scope", "label", "kind", "params", "weight", "losi"})


@dataclass(frozen=True)
class Catalogue:
    """The validated checks in file order, with each kind's compiled params ready to instantiate checks."""

    path: str
    checks: list[CheckSpec]
    compiled: dict[str, Any] = field(repr=False, default_factory=dict)
    # Recorded with every run's stored scores: the file's declared "version", else a short hash of its text.
    version: str = ""

    def get(self, check_id: str) -> CheckSpec:
        """Return the check with this id (KeyError when absent)."""
        for spec in self.checks:
            if spec.id == check_id:
                return spec
        raise KeyError(check_id)

    def site_checks(self) -> list[CheckSpec]:
        """Checks evaluated from the municipality's own site (scope home or site), in catalogue order."""
        return [spec for spec in self.checks if spec.scope in ("home", "site")]

    def instantiate(self, spec: CheckSpec, run_date: datetime.date) -> Check[Any]:
        """Create a fresh check object for one site crawl."""
        return KINDS[spec.kind](spec, self.compiled[spec.id], run_date)


@functools.cache
def _default() -> Catalogue:
    """The default catalogue, parsed once per process."""
    return _load(paths.CATALOGUE)


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Load and validate a catalogue file (the default one is loaded once and cached)."""
    return _default() if path is None else _load(path)


def _load(path: Path) -> Catalogue:
    """Read and parse one catalogue file."""
    return parse_catalogue(yamlfile.read_text(path), str(path))


def parse_catalogue(text: str, path: str = "checks.yaml") -> Catalogue:
    """Parse and validate catalogue YAML text; raise ConfigError naming file, line and field."""
    root, data = yamlfile.parse(text, path)
    if not isinstance(data, Mapping) or not isinstance(data.get("checks"), list) or not data["checks"]:
        raise ConfigError(path, None, "checks", "se esperaba una lista «checks» no vacía")
    lines = _item_lines(root)
    specs: list[CheckSpec] = []
    compiled: dict[str, Any] = {}
    for index, item in enumerate(data["checks"]):
        spec = _EntryParser(path, lines.get(index, {}), item).parse()
        if spec.id in compiled:
            raise ConfigError(path, lines.get(index, {}).get("id"), "id", f"id «{spec.id}» repetido")
        compiled[spec.id] = _compile(path, lines.get(index, {}), spec)
        specs.append(spec)
    return Catalogue(path, specs, compiled, catalogue_version(text, data))


def catalogue_version(text: str, data: Mapping[str, Any]) -> str:
    """The catalogue's declared version, else the first 12 hex digits of the sha256 of its text."""
    declared = data.get("version")
    if isinstance(declared, str | int | float) and str(declared).strip():
        return str(declared).strip()[:40]
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _item_lines(root: yaml.Node | None) -> dict[int, dict[str, int]]:
    """Line numbers (1-based) of each check entry and of its fields, from the composed YAML node tree."""
    result: dict[int, dict[str, int]] = {}
    if not isinstance(root, yaml.MappingNode):
        return result
    for key, value in root.value:
        if key.value == "checks" and isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value):
                fields = {"": item.start_mark.line + 1}
                if isinstance(item, yaml.MappingNode):
                    fields.update({k.value: k.start_mark.line + 1 for k, _ in item.value})
                result[index] = fields
    return result


def _compile(path: str, lines: dict[str, int], spec: CheckSpec) -> Any:
    """Compile a spec's params with its kind, turning ParamError into ConfigError."""
    try:
        return KINDS[spec.kind].compile(spec.params)
    except ParamError as exc:
        raise ConfigError(
            path, lines.get("params", lines.get("")), f"params.{exc.key}", f"{exc.problem} (check «{spec.id}»)"
        ) from None


class _EntryParser:
    """Validate one catalogue entry into a CheckSpec, raising ConfigError with file, line and field."""

    def __init__(self, path: str, lines: dict[str, int], item: object) -> None:
        self.path, self.lines, self.item = path, lines, item

    def fail(self, name: str | None, problem: str) -> ConfigError:
        line = self.lines.get(name or "", self.lines.get(""))
        return ConfigError(self.path, line, name, problem)

    def text(self, name: str, allowed: tuple[str, ...] = ()) -> str:
        assert isinstance(self.item, Mapping)
        value = self.item.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, "el valor es obligatorio y debe ser texto")
        if allowed and value not in allowed:
            raise self.fail(name, f"«{value}» no es un valor permitido ({', '.join(allowed)})")
        return value.strip()

    def parse(self) -> CheckSpec:
        if not isinstance(self.item, Mapping):
            raise self.fail(None, "cada check debe ser un diccionario")
        unknown = sorted(set(self.item) - _FIELDS)
        if unknown:
            raise self.fail(str(unknown[0]), f"campo desconocido (admitidos: {', '.join(sorted(_FIELDS))})")
        check_id = self.text("id")
        if not _ID.match(check_id):
            raise self.fail("id", f"«{check_id}» no es un id válido (p. ej. canal.telefono)")
        kind = self.text("kind")
        if kind not in KINDS:
            raise self.fail("kind", f"tipo «{kind}» desconocido (existen: {', '.join(sorted(KINDS))})")
        params = self.item.get("params") or {}
        if not isinstance(params, Mapping):
            raise self.fail("params", "debe ser un diccionario (clave: valor)")
        weight = self.item.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise self.fail("weight", "debe ser un número positivo")
        return CheckSpec(
            id=check_id,
            seed=self.text("seed", SEEDS),
            scope=self.text("scope", SCOPES),
            label=self.text("label"),
            kind=kind,
            params=dict(params),
            weight=float(weight),
            losi=self.losi(),
        )

    def losi(self) -> LosiRef:
        """The entry's LOSI criterion and published indicator (every check names at least its criterion)."""
        assert isinstance(self.item, Mapping)
        try:
            return parse_ref(self.item.get("losi"))
        except ValueError as exc:
            field, _, problem = str(exc).partition(": ")
            raise ConfigError(self.path, self.lines.get("losi", self.lines.get("")), field, problem) from None
