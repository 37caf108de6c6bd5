"""Discovery's data (config/descubrimiento.yaml): name variants, host templates and pages known to be official."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config import paths
from config.registry import valid_http_url
from config.yamlfile import parse, read_text
from core.errors import ConfigError


@dataclass(frozen=True)
class OfficialPage:
    """A page known to be official whose links to municipal sites discovery follows, with its source."""

    url: str
    fuente: str


@dataclass(frozen=True)
class DiscoveryRules:
    """How candidate hosts are built from a name, and where links to municipal sites are mined."""

    conectores: frozenset[str]
    genericas: frozenset[str]
    largo_minimo: int
    plantillas: tuple[str, ...]
    paginas_oficiales: tuple[OfficialPage, ...]
    redes_sociales: tuple[str, ...]
    no_municipales: tuple[str, ...]


def _words(data: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(path, None, key, "se esperaba una lista de textos no vacíos")
    return tuple(v.strip().lower() for v in value)


def _templates(data: dict[str, Any], path: str) -> tuple[str, ...]:
    templates = _words(data, "plantillas", path)
    for template in templates:
        if template.count("{n}") != 1 or " " in template or "/" in template:
            raise ConfigError(path, None, "plantillas", f"«{template}» debe ser un host con un solo {{n}}")
    return templates


def _pages(data: dict[str, Any], path: str) -> tuple[OfficialPage, ...]:
    raw = data.get("paginas_oficiales") or []
    if not isinstance(raw, list):
        raise ConfigError(path, None, "paginas_oficiales", "se esperaba una lista")
    pages = []
    for number, entry in enumerate(raw, start=1):
        field = f"paginas_oficiales[{number}]"
        if not isinstance(entry, dict) or not valid_http_url(str(entry.get("url", ""))):
            raise ConfigError(path, None, field, "cada entrada necesita «url» http(s) válida")
        if not str(entry.get("fuente", "")).strip():
            raise ConfigError(path, None, field, "cada página oficial necesita su «fuente»")
        pages.append(OfficialPage(str(entry["url"]), str(entry["fuente"])))
    return tuple(pages)


def parse_rules(text: str, path: str = "descubrimiento.yaml") -> DiscoveryRules:
    """Validate the discovery rules; a bad entry raises ConfigError naming the field."""
    _, data = parse(text, path)
    if not isinstance(data, dict):
        raise ConfigError(path, None, None, "se esperaba un mapa de claves")
    minimum = data.get("largo_minimo")
    if not isinstance(minimum, int) or minimum < 2:
        raise ConfigError(path, None, "largo_minimo", "se esperaba un entero ≥ 2")
    return DiscoveryRules(
        conectores=frozenset(_words(data, "conectores", path)),
        genericas=frozenset(_words(data, "genericas", path)),
        largo_minimo=minimum,
        plantillas=_templates(data, path),
        paginas_oficiales=_pages(data, path),
        redes_sociales=_words(data, "redes_sociales", path),
        no_municipales=_words(data, "no_municipales", path),
    )


def load_rules(path: Path | None = None) -> DiscoveryRules:
    """Load config/descubrimiento.yaml (or path)."""
    path = path or paths.DISCOVERY
    return parse_rules(read_text(path), str(path))
