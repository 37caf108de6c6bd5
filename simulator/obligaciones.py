"""The 87 fractions of article 92 (config/obligaciones.yaml), read with yaml.safe_load for the IPOMEX farm."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from config import paths


@dataclass(frozen=True)
class Fraccion:
    """One obligation as IPOMEX splits it: check id, label ("II A"), title, page name and update period."""

    id: str
    fraccion: str
    titulo: str
    page: str
    update: str

    @property
    def roman(self) -> str:
        """The roman numeral part ("II" of "II A")."""
        return self.fraccion.split()[0]

    @property
    def letter(self) -> str:
        """The sub-fraction letter ("A" of "II A"), or "" when there is none."""
        parts = self.fraccion.split()
        return parts[1] if len(parts) > 1 else ""


@dataclass(frozen=True)
class Catalogue:
    """Article, grace days and fractions of the obligations file."""

    articulo: str
    gracia_dias: int
    fracciones: tuple[Fraccion, ...]


def parse_catalogue(document: dict[str, Any]) -> Catalogue:
    """Build the catalogue from the parsed YAML document."""
    fracciones = tuple(
        Fraccion(str(f["id"]), str(f["fraccion"]), str(f["titulo"]), str(f["page"]), str(f.get("update", "trimestral")))
        for f in document["fracciones"]
    )
    return Catalogue(str(document.get("articulo", "92")), int(document.get("gracia_dias", 30)), fracciones)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The obligations catalogue of the repository (read once)."""
    with paths.OBLIGATIONS.open(encoding="utf-8") as handle:
        return parse_catalogue(yaml.safe_load(handle))


def fraction_ids() -> tuple[str, ...]:
    """The 87 check ids ipomex.92.<fraccion>, in catalogue order."""
    return tuple(f.id for f in catalogue().fracciones)
