"""The committed measurement of the site checks (config/confiabilidad.yaml): write, read and validate once, and
the sentences that show it next to every verdict."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from checks.precision import TOTAL, CheckFigures, Disagreement, Measurement, with_disagreements
from config import paths, yamlfile
from core.clock import people_date
from core.errors import ConfigError

HEADER = (
    "# Confiabilidad de las verificaciones del sitio frente a las etiquetas de los auditores (../shared/corpus).\n"
    "# Generado por `vigia precision --guardar`; no se edita a mano: se regenera tras cambiar las verificaciones.\n"
)
# Stored counts (YAML key → CheckFigures field); the rates are derived from them when read.
COUNTS = {
    "etiquetas": "scored",
    "acuerdo": "agree",
    "acusaciones_falsas": "false_accusations",
    "credito_falso": "false_credit",
    "decididas": "decided",
}


def _counts(figures: CheckFigures) -> dict[str, Any]:
    return {key: getattr(figures, attr) for key, attr in COUNTS.items()}


def measurement_data(m: Measurement) -> dict[str, Any]:
    """The measurement as stored: date, corpus size, catalogue version, counts and disagreements per check."""
    checks = {
        f.check_id: {
            **_counts(f),
            "desacuerdos": [{"sitio": d.site, "nuestro": d.ours, "etiqueta": d.label} for d in f.disagreements],
        }
        for f in m.checks
    }
    return {
        "fecha": m.measured_on.isoformat(),
        "version_catalogo": m.catalogue_version,
        "corpus": {"sitios": m.sites, "etiquetas": m.scored},
        "verificaciones": checks,
        "totales": _counts(m.totals),
    }


def dump_measurement(m: Measurement) -> str:
    """The text of the data file."""
    return HEADER + yaml.safe_dump(measurement_data(m), sort_keys=False, allow_unicode=True, width=120)


def save_measurement(m: Measurement, path: Path | None = None) -> Path:
    """Write the data file (config/confiabilidad.yaml by default) and return its path."""
    target = path or paths.RELIABILITY
    target.write_text(dump_measurement(m), encoding="utf-8")
    return target


@functools.cache
def _cached(path: Path) -> Measurement | None:
    return read_measurement(path)


def load_measurement(path: Path | None = None) -> Measurement | None:
    """The committed measurement, read and validated once per process; None when the file does not exist."""
    return _cached(path or paths.RELIABILITY)


def read_measurement(path: Path) -> Measurement | None:
    """Read and validate a data file; ConfigError names file, line and field."""
    if not path.exists():
        return None
    root, data = yamlfile.parse(yamlfile.read_text(path), str(path))
    return _Reader(str(path), _lines(root)).measurement(data)


def _lines(root: yaml.Node | None) -> dict[str, int]:
    """Line of each top-level key and of each check under «verificaciones», keyed by its dotted path."""
    found: dict[str, int] = {}
    if not isinstance(root, yaml.MappingNode):
        return found
    for key, value in root.value:
        found[str(key.value)] = key.start_mark.line + 1
        if isinstance(value, yaml.MappingNode):
            found.update({f"{key.value}.{k.value}": k.start_mark.line + 1 for k, _ in value.value})
    return found


class _Reader:
    """Validate the loaded data into a Measurement, naming the field of the first problem."""

    def __init__(self, path: str, lines: dict[str, int]) -> None:
        self.path, self.lines = path, lines

    def fail(self, field: str, problem: str) -> ConfigError:
        line = self.lines.get(field) or self.lines.get(field.split(".")[0])
        return ConfigError(self.path, line, field, problem)

    def mapping(self, value: object, field: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(field, "se esperaba un diccionario")
        return value

    def count(self, value: object, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(field, "se esperaba un número entero no negativo")
        return value

    def measurement(self, data: object) -> Measurement:
        top = self.mapping(data, "fecha")
        try:
            measured_on = date.fromisoformat(str(top.get("fecha")))
        except ValueError:
            raise self.fail("fecha", "se esperaba una fecha AAAA-MM-DD") from None
        version = top.get("version_catalogo")
        if not isinstance(version, str) or not version:
            raise self.fail("version_catalogo", "falta la versión del catálogo medido")
        corpus = self.mapping(top.get("corpus"), "corpus")
        checks = self.mapping(top.get("verificaciones"), "verificaciones")
        totals = self.figures(TOTAL, self.mapping(top.get("totales"), "totales"), "totales")
        if self.count(corpus.get("etiquetas"), "corpus.etiquetas") != totals.scored:
            raise self.fail("corpus.etiquetas", "no coincide con totales.etiquetas")
        figures = tuple(
            self.figures(str(k), self.mapping(v, f"verificaciones.{k}"), f"verificaciones.{k}")
            for k, v in checks.items()
        )
        return Measurement(
            measured_on=measured_on,
            catalogue_version=version,
            sites=self.count(corpus.get("sitios"), "corpus.sitios"),
            checks=figures,
            totals=with_disagreements(totals, figures),
        )

    def figures(self, check_id: str, item: Mapping[str, Any], field: str) -> CheckFigures:
        counts = {attr: self.count(item.get(key), f"{field}.{key}") for key, attr in COUNTS.items()}
        if any(counts[attr] > counts["scored"] for attr in counts):
            raise self.fail(field, "ninguna cuenta puede pasar del número de etiquetas")
        rows = item.get("desacuerdos", [])
        if not isinstance(rows, list):
            raise self.fail(f"{field}.desacuerdos", "se esperaba una lista")
        found = tuple(self.disagreement(check_id, row, f"{field}.desacuerdos") for row in rows)
        return CheckFigures(check_id, disagreements=found, **counts)

    def disagreement(self, check_id: str, row: object, field: str) -> Disagreement:
        row = self.mapping(row, field)
        values = [row.get(key) for key in ("sitio", "nuestro", "etiqueta")]
        if not all(isinstance(v, str) and v for v in values):
            raise self.fail(field, "cada desacuerdo lleva sitio, nuestro y etiqueta")
        return Disagreement(str(values[0]), check_id, str(values[1]), str(values[2]))


def percent(share: float) -> str:
    """A share as a Spanish percentage: «100 %», «95.5 %»."""
    value = round(100 * share, 1)
    return f"{value:.0f} %" if value == int(value) else f"{value:.1f} %"


@dataclass(frozen=True)
class Reliability:
    """The committed measurement read against the current catalogue: what each verdict is shown with."""

    measurement: Measurement | None
    catalogue_version: str

    @property
    def stale(self) -> bool:
        """Whether the measurement was taken on another version of the catalogue."""
        return self.measurement is not None and self.measurement.catalogue_version != self.catalogue_version

    def under_review(self) -> frozenset[str]:
        """Ids of the checks «en revisión» (none without a measurement)."""
        return self.measurement.under_review() if self.measurement else frozenset()

    def note(self, check_id: str) -> str | None:
        """«acuerdo 100 % en 22 etiquetas, medido el 06/12/2026» for a measured check; None otherwise."""
        m = self.measurement
        figures = m.figures(check_id) if m else None
        if m is None or figures is None or figures.agreement is None:
            return None
        noun = "etiqueta" if figures.scored == 1 else "etiquetas"
        text = (
            f"acuerdo {percent(figures.agreement)} en {figures.scored} {noun}, medido el {people_date(m.measured_on)}"
        )
        return text + ("; medición de una versión anterior del catálogo" if self.stale else "")


def load_reliability(current_version: str, path: Path | None = None) -> Reliability:
    """The committed measurement (read once) against the current catalogue version."""
    return Reliability(load_measurement(path), current_version)
