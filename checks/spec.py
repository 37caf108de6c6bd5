"""One catalogue entry (CheckSpec) and typed, validated access to its params."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from checks.losi import LosiRef
from checks.text import Matcher, compile_any

SEEDS = ("P1", "P2", "P3", "P4")
SCOPES = ("home", "site", "ipomex")


@dataclass(frozen=True)
class CheckSpec:
    """A check as the catalogue declares it: identity, seed, scope, label, the kind that runs it, its params and its
    place in the UN's LOSI (criterion and, where one describes the same thing, the published indicator)."""

    id: str
    seed: str
    scope: str
    label: str
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)
    weight: float = 1.0
    losi: LosiRef | None = None


class ParamError(ValueError):
    """A kind's params are invalid; key names the offending entry and problem is Spanish."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key, self.problem = key, problem


class Params:
    """Typed reader over a params mapping that rejects unknown keys and wrong types with ParamError."""

    def __init__(self, raw: Mapping[str, Any], allowed: frozenset[str]) -> None:
        if not isinstance(raw, Mapping):
            raise ParamError("params", "debe ser un diccionario (clave: valor)")
        unknown = sorted(set(raw) - allowed)
        if unknown:
            known = ", ".join(sorted(allowed)) or "ninguno"
            raise ParamError(str(unknown[0]), f"parámetro desconocido para este tipo (admitidos: {known})")
        self.raw = raw

    def strings(self, key: str) -> tuple[str, ...]:
        """A list of non-empty strings (missing means empty)."""
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ParamError(key, "debe ser una lista de textos no vacíos")
        return tuple(v.strip() for v in value)

    def lower_strings(self, key: str) -> tuple[str, ...]:
        """A list of strings compared case-insensitively (hosts, extensions, signatures)."""
        return tuple(v.lower() for v in self.strings(key))

    def pattern(self, key: str) -> Matcher | None:
        """A list of regular expressions compiled into one folded alternation (None when absent)."""
        patterns = self.strings(key)
        try:
            return compile_any(patterns)
        except re.error as exc:
            raise ParamError(key, f"expresión regular inválida ({exc})") from None

    def url_pattern(self, key: str) -> re.Pattern[str] | None:
        """A list of plain case-insensitive regular expressions over URLs or hosts, in one alternation."""
        patterns = self.strings(key)
        try:
            return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None
        except re.error as exc:
            raise ParamError(key, f"expresión regular inválida ({exc})") from None

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            raise ParamError(key, "debe ser true o false")
        return value

    def integer(self, key: str, default: int, minimum: int = 1) -> int:
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ParamError(key, f"debe ser un número entero ≥ {minimum}")
        return value

    def groups(self, key: str) -> dict[str, tuple[str, ...]]:
        """A mapping name → list of strings (e.g. social network → hosts)."""
        value = self.raw.get(key, {})
        if not isinstance(value, Mapping) or not value:
            raise ParamError(key, "debe ser un diccionario no vacío de nombre → lista de textos")
        result: dict[str, tuple[str, ...]] = {}
        for name, items in value.items():
            if not isinstance(items, list) or not items or not all(isinstance(i, str) and i for i in items):
                raise ParamError(f"{key}.{name}", "debe ser una lista de textos no vacía")
            result[str(name)] = tuple(i.lower() for i in items)
        return result
