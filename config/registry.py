"""Municipal registry: the 125 municipalities as validated data loaded from config/municipios.csv."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from config import paths
from config.yamlfile import read_text
from core.errors import ConfigError, UnknownMunicipalityError
from core.text import fold

GRADOS_MARGINACION = ("Muy bajo", "Bajo", "Medio", "Alto", "Muy alto")
# desconocido: nobody knows the official site yet (it may exist); inexistente: an auditor confirmed there is none.
# They are not the same: only inexistente lets sitio.disponible be no_cumple.
NO_SITE = "inexistente"
SITIO_ESTADOS = ("confirmado", "desconocido", NO_SITE)
COLUMNS = (
    "cve_inegi",
    "nombre",
    "cabecera",
    "poblacion_2020",
    "conapo_im_2020",
    "conapo_gm_2020",
    "region",
    "sitio_web",
    "sitio_estado",
    "ipomex_url",
    "ipomex4_id",
)
FIRST_CVE, LAST_CVE = 15001, 15125


@dataclass(frozen=True)
class Municipality:
    """One municipality with its P1 indicators and the URLs Vigía visits."""

    cve_inegi: str
    nombre: str
    cabecera: str
    poblacion_2020: int
    conapo_im_2020: float | None
    conapo_gm_2020: str | None
    region: str | None
    sitio_web: str | None
    sitio_estado: str
    ipomex_url: str | None = None
    ipomex4_id: int | None = None

    def with_site(self, url: str) -> Municipality:
        """Return a copy pointing at another official site (used by the simulated farm)."""
        return replace(self, sitio_web=url, sitio_estado="confirmado")


def valid_http_url(url: str) -> bool:
    """Tell whether url is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url


class _RowParser:
    """Validate one CSV row into a Municipality, raising ConfigError with file, line and field."""

    def __init__(self, path: str, line: int, row: dict[str, str]) -> None:
        self.path, self.line, self.row = path, line, row

    def fail(self, field: str, problem: str) -> ConfigError:
        return ConfigError(self.path, self.line, field, problem)

    def text(self, field: str, required: bool = True) -> str | None:
        value = (self.row.get(field) or "").strip()
        if required and not value:
            raise self.fail(field, "el valor es obligatorio y está vacío")
        return value or None

    def integer(self, field: str, required: bool = True) -> int | None:
        value = self.text(field, required)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise self.fail(field, f"se esperaba un número entero y dice «{value}»") from None

    def number(self, field: str) -> float | None:
        value = self.text(field, required=False)
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            raise self.fail(field, f"se esperaba un número y dice «{value}»") from None

    def choice(self, field: str, allowed: Sequence[str], required: bool) -> str | None:
        value = self.text(field, required)
        if value is not None and value not in allowed:
            raise self.fail(field, f"«{value}» no es un valor permitido ({', '.join(allowed)})")
        return value

    def url(self, field: str) -> str | None:
        value = self.text(field, required=False)
        if value is not None and not valid_http_url(value):
            raise self.fail(field, f"«{value}» no es una URL http(s) válida")
        return value

    def parse(self) -> Municipality:
        cve = self.text("cve_inegi") or ""
        if not (cve.isdigit() and len(cve) == 5 and FIRST_CVE <= int(cve) <= LAST_CVE):
            raise self.fail("cve_inegi", f"«{cve}» no es una clave INEGI entre {FIRST_CVE} y {LAST_CVE}")
        poblacion = self.integer("poblacion_2020")
        if poblacion is not None and poblacion <= 0:
            raise self.fail("poblacion_2020", "la población debe ser positiva")
        sitio = self.url("sitio_web")
        estado = self.choice("sitio_estado", SITIO_ESTADOS, required=True)
        if (estado == "confirmado") != (sitio is not None):
            raise self.fail(
                "sitio_estado", "«confirmado» exige sitio_web; «desconocido» e «inexistente» lo exigen vacío"
            )
        return Municipality(
            cve_inegi=cve,
            nombre=self.text("nombre") or "",
            cabecera=self.text("cabecera") or "",
            poblacion_2020=poblacion or 0,
            conapo_im_2020=self.number("conapo_im_2020"),
            conapo_gm_2020=self.choice("conapo_gm_2020", GRADOS_MARGINACION, required=False),
            region=self.text("region", required=False),
            sitio_web=sitio,
            sitio_estado=estado or "",
            ipomex_url=self.url("ipomex_url"),
            ipomex4_id=self.integer("ipomex4_id", required=False),
        )


def data_lines(text: str) -> Iterable[tuple[int, str]]:
    """Yield (line number, line) skipping '#' comments so that errors keep real line numbers."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


def parse_registry(text: str, path: str = "municipios.csv") -> list[Municipality]:
    """Parse and validate registry CSV text; raise ConfigError naming file, line and field."""
    lines = list(data_lines(text))
    if not lines:
        raise ConfigError(path, None, None, "el archivo no tiene encabezado ni filas")
    header_line, header = lines[0]
    fields = next(csv.reader([header]))
    missing = [c for c in COLUMNS if c not in fields]
    if missing:
        raise ConfigError(path, header_line, missing[0], "falta la columna en el encabezado")
    result: list[Municipality] = []
    seen: dict[str, int] = {}
    for number, line in lines[1:]:
        values = next(csv.reader(io.StringIO(line)))
        if len(values) != len(fields):
            raise ConfigError(path, number, None, f"se esperaban {len(fields)} columnas y hay {len(values)}")
        municipality = _RowParser(path, number, dict(zip(fields, values, strict=True))).parse()
        previous = seen.get(municipality.cve_inegi)
        if previous is not None:
            raise ConfigError(
                path, number, "cve_inegi", f"clave {municipality.cve_inegi} repetida (ya está en la línea {previous})"
            )
        seen[municipality.cve_inegi] = number
        result.append(municipality)
    return result


def load_registry(path: Path | None = None, expect_all: bool = True) -> list[Municipality]:
    """Load the registry file; with expect_all, require exactly the 125 claves 15001–15125."""
    path = path or paths.REGISTRY
    text = read_text(path)
    municipalities = parse_registry(text, str(path))
    if expect_all:
        expected = {str(c) for c in range(FIRST_CVE, LAST_CVE + 1)}
        absent = sorted(expected - {m.cve_inegi for m in municipalities})
        if absent:
            raise ConfigError(str(path), None, "cve_inegi", f"faltan municipios: {', '.join(absent[:10])}")
    return municipalities


def select(municipalities: Sequence[Municipality], wanted: Iterable[str]) -> list[Municipality]:
    """Pick municipalities by INEGI clave (15013 or 013/13) or by name, accent- and case-insensitively."""
    chosen: list[Municipality] = []
    for token in wanted:
        match = _find(municipalities, token)
        if match is None:
            raise UnknownMunicipalityError(
                f"No encuentro el municipio «{token}» en el registro. Use la clave INEGI (p. ej. 15106) "
                "o el nombre; `vigia municipios` los lista."
            )
        if match not in chosen:
            chosen.append(match)
    return chosen


def _find(municipalities: Sequence[Municipality], token: str) -> Municipality | None:
    key = token.strip()
    if key.isdigit():
        cve = key if len(key) == 5 else f"15{int(key):03d}"
        return next((m for m in municipalities if m.cve_inegi == cve), None)
    folded = fold(key.strip())
    return next((m for m in municipalities if fold(m.nombre.strip()) == folded), None)
