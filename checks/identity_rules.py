"""Load and validate config/identidad.yaml: the identity proof's vocabulary, weights and thresholds."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from config import paths, yamlfile
from core.errors import ConfigError

# Every evidence code the proof can emit; each needs a weight in the file (and no other key is accepted).
EVIDENCE_CODES = (
    "names_municipality",
    "names_municipality_fuzzy",
    "names_municipality_body",
    "names_cabecera",
    "names_state",
    "calls_itself_ayuntamiento",
    "ayuntamiento_of_municipality",
    "current_administration",
    "ipomex_own",
    "ipomex_resembles",
    "ipomex_other",
    "government_domain",
    "state_government_domain",
    "mx_domain",
    "domain_names_municipality",
    "other_state",
    "parked",
    "gambling",
    "unrelated_content",
    "old_administration",
    "foreign_redirect",
    "other_municipality",
    "directory",
    "municipal_agency",
    "social_network",
)


@dataclass(frozen=True)
class IdentityRules:
    """The validated contents of identidad.yaml."""

    weights: Mapping[str, int]
    probable: int
    doubtful: int
    cap_doubtful: frozenset[str]
    anchors: frozenset[str]
    fuzzy_score: int
    fuzzy_min_length: int
    directory_min: int
    other_body_min: int
    other_body_ratio: float
    state_window: int
    first_term_year: int
    past_terms: int
    period_connectors: tuple[str, ...]
    ayuntamiento: tuple[str, ...]
    people: tuple[str, ...]
    agencies: tuple[str, ...]
    own_state: tuple[str, ...]
    state_names: Mapping[str, tuple[str, ...]]
    state_abbreviations: Mapping[str, tuple[str, ...]]
    parked: tuple[str, ...]
    gambling: tuple[str, ...]
    gambling_min: int
    unrelated: tuple[str, ...]
    unrelated_min: int
    government_suffixes: tuple[str, ...]
    state_suffixes: tuple[str, ...]
    mx_suffixes: tuple[str, ...]
    public_suffixes: tuple[str, ...]
    host_prefixes: tuple[str, ...]
    social_hosts: tuple[str, ...]
    directory_hosts: tuple[str, ...]
    articles: tuple[str, ...]
    min_rest: int
    connectors: tuple[str, ...]


class _Reader:
    """Typed access to the parsed YAML, raising ConfigError with file, line and field."""

    def __init__(self, path: str, data: Mapping[str, Any], lines: Mapping[str, int]) -> None:
        self.path, self.data, self.lines = path, data, lines

    def fail(self, field: str, problem: str) -> ConfigError:
        """A ConfigError for a field, with the line of its section."""
        return ConfigError(self.path, self.lines.get(field.split(".")[0]), field, problem)

    def get(self, field: str) -> Any:
        """The value at a dotted field path, or ConfigError when absent."""
        value: Any = self.data
        for part in field.split("."):
            if not isinstance(value, Mapping) or part not in value:
                raise self.fail(field, "falta este campo")
            value = value[part]
        return value

    def integer(self, field: str, minimum: int | None = None) -> int:
        """An integer field, at least minimum when given."""
        value = self.get(field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"se esperaba un número entero y dice «{value}»")
        if minimum is not None and value < minimum:
            raise self.fail(field, f"debe ser al menos {minimum}")
        return value

    def strings(self, field: str, value: Any = None, empty: bool = False) -> tuple[str, ...]:
        """A list of non-empty texts (non-empty itself unless empty is allowed)."""
        value = self.get(field) if value is None else value
        valid = isinstance(value, list) and (empty or value) and all(isinstance(v, str) and v.strip() for v in value)
        if not valid:
            raise self.fail(field, "se esperaba una lista " + ("" if empty else "no vacía ") + "de textos")
        return tuple(v.strip() for v in value)

    def codes(self, field: str) -> frozenset[str]:
        """A list of evidence codes, each one known."""
        values = self.strings(field)
        unknown = sorted(set(values) - set(EVIDENCE_CODES))
        if unknown:
            raise self.fail(field, f"código desconocido «{unknown[0]}»; los válidos son: {', '.join(EVIDENCE_CODES)}")
        return frozenset(values)

    def weights(self) -> dict[str, int]:
        """The points of every evidence code (all required, no unknown code)."""
        raw = self.get("pesos")
        if not isinstance(raw, Mapping):
            raise self.fail("pesos", "se esperaba un mapa de código de evidencia a puntos")
        unknown = sorted(set(raw) - set(EVIDENCE_CODES))
        if unknown:
            raise self.fail(f"pesos.{unknown[0]}", f"código desconocido; los válidos son: {', '.join(EVIDENCE_CODES)}")
        return {code: self.integer(f"pesos.{code}") for code in EVIDENCE_CODES}

    def states(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        """Names and abbreviations of every other state."""
        raw = self.get("otros_estados")
        if not isinstance(raw, Mapping) or not raw:
            raise self.fail("otros_estados", "se esperaba un mapa de estado a nombres y abreviaturas")
        names, abbreviations = {}, {}
        for state, entry in raw.items():
            field = f"otros_estados.{state}"
            if not isinstance(entry, Mapping):
                raise self.fail(field, "se esperaba {nombres: [...], abreviaturas: [...]}")
            names[str(state)] = self.strings(f"{field}.nombres", entry.get("nombres"))
            abbreviations[str(state)] = self.strings(f"{field}.abreviaturas", entry.get("abreviaturas"), empty=True)
        return names, abbreviations


def _top_lines(root: yaml.Node | None) -> dict[str, int]:
    """Line (1-based) of each top-level key, from the composed node tree."""
    if not isinstance(root, yaml.MappingNode):
        return {}
    return {key.value: key.start_mark.line + 1 for key, _ in root.value}


def parse_rules(text: str, path: str = "identidad.yaml") -> IdentityRules:
    """Parse and validate identidad.yaml text; raise ConfigError naming file, line and field."""
    root, data = yamlfile.parse(text, path)
    if not isinstance(data, Mapping):
        raise ConfigError(path, None, None, "se esperaba un mapa de secciones")
    r = _Reader(path, data, _top_lines(root))
    names, abbreviations = r.states()
    rules = IdentityRules(
        weights=r.weights(),
        probable=r.integer("umbrales.probable"),
        doubtful=r.integer("umbrales.dudoso"),
        cap_doubtful=r.codes("tope_dudoso"),
        anchors=r.codes("requiere_alguna"),
        fuzzy_score=r.integer("aproximado.similitud_minima", 50),
        fuzzy_min_length=r.integer("aproximado.longitud_minima", 3),
        directory_min=r.integer("directorio_minimo", 2),
        other_body_min=r.integer("otro_municipio_cuerpo.minimo", 1),
        other_body_ratio=float(r.integer("otro_municipio_cuerpo.proporcion", 1)),
        state_window=r.integer("ventana_estado", 1),
        first_term_year=r.integer("administracion.primer_anio", 1900),
        past_terms=r.integer("administracion.periodos_anteriores", 1),
        period_connectors=r.strings("administracion.conectores"),
        ayuntamiento=r.strings("ayuntamiento"),
        people=r.strings("personajes"),
        agencies=r.strings("organismos"),
        own_state=r.strings("estado_propio"),
        state_names=names,
        state_abbreviations=abbreviations,
        parked=r.strings("estacionado"),
        gambling=r.strings("apuestas.terminos"),
        gambling_min=r.integer("apuestas.minimo_distintas", 1),
        unrelated=r.strings("contenido_ajeno.terminos"),
        unrelated_min=r.integer("contenido_ajeno.minimo_distintas", 1),
        government_suffixes=r.strings("dominios.gobierno"),
        state_suffixes=r.strings("dominios.estatal"),
        mx_suffixes=r.strings("dominios.mexicanos"),
        public_suffixes=r.strings("dominios.publicos"),
        host_prefixes=r.strings("dominios.prefijos"),
        social_hosts=r.strings("redes_sociales"),
        directory_hosts=r.strings("directorios"),
        articles=r.strings("articulos"),
        min_rest=r.integer("resto_minimo", 1),
        connectors=r.strings("enlaces"),
    )
    if rules.probable <= rules.doubtful:
        raise r.fail("umbrales.probable", "el umbral de «probable» debe ser mayor que el de «dudoso»")
    return rules


@functools.cache
def _default() -> IdentityRules:
    """The default rules, parsed once per process."""
    return load_rules(paths.IDENTITY)


def load_rules(path: Path | None = None) -> IdentityRules:
    """Load and validate a rules file (the default one, paths.IDENTITY, is parsed once and cached)."""
    if path is None:
        return _default()
    return parse_rules(yamlfile.read_text(path), str(path))
