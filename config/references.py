"""Operator-kept reference data beside the registry: the PNT's names of the ayuntamientos (config/sujetos_pnt.csv)
and candidate web presences seen in public sources (config/sitios_candidatos.csv).

Both are config, the source of truth for what an operator writes; candidates are never facts: discovery proves them
and an auditor confirms them (the decisions live in the database, storage/sites.py). Every row is validated at load
and a bad one raises ConfigError naming file, line and field.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from config import paths
from config.registry import FIRST_CVE, LAST_CVE, data_lines, load_registry, valid_http_url
from config.yamlfile import read_text
from core.errors import ConfigError
from core.text import fold

PNT_COLUMNS = ("cve_inegi", "nombre_pnt", "id_pnt")
CANDIDATE_COLUMNS = ("cve_inegi", "municipio", "tipo", "url", "fuente", "fecha_fuente", "confianza", "nota")
TIPOS = ("sitio", "dominio", "servicio", "ipomex_legado", "nota")
CONFIANZAS = ("alta", "media", "baja")
UNDATED = "sin fecha"
# A source date is as precise as the source: a year, a month or a day.
_DATE = re.compile(r"(?P<y>\d{4})(-(?P<m>\d{2})(-(?P<d>\d{2}))?)?")
_HOSTNAME = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
# The index of a sujeto obligado in each IPOMEX generation (slugs are data: they cannot be derived from names).
IPOMEX3_INDEX = re.compile(r"^/ipo3/lgt/indice/(?P<slug>[A-Za-z0-9_-]+)\.web$")
IPOMEX_LEGACY_INDEX = re.compile(r"^/ipo/lgt/indice/(?P<slug>[A-Za-z0-9_-]+)\.web$")


@dataclass(frozen=True)
class PntName:
    """How the Plataforma Nacional de Transparencia names one ayuntamiento; id_pnt None = unknown."""

    cve_inegi: str
    nombre_pnt: str
    id_pnt: int | None
    line: int


@dataclass(frozen=True)
class Candidate:
    """A web presence seen in a public source: a starting point for discovery, never a fact."""

    cve_inegi: str
    municipio: str
    tipo: str
    url: str | None
    fuente: str
    fecha_fuente: str | None
    confianza: str
    nota: str | None
    line: int

    @property
    def legacy_slug(self) -> str | None:
        """The legacy IPOMEX slug of an ipomex_legado candidate, else None."""
        return ipomex_slug(self.url, legacy=True) if self.tipo == "ipomex_legado" and self.url else None


def ipomex_slug(url: str | None, legacy: bool = False) -> str | None:
    """The slug of an IPOMEX 3 index URL (legacy=True: of a legacy /ipo/ index), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not (parts.hostname or "").endswith("ipomex.org.mx"):
        return None
    match = (IPOMEX_LEGACY_INDEX if legacy else IPOMEX3_INDEX).match(parts.path)
    return match.group("slug") if match else None


class _Row:
    """One CSV row being validated; every failure names file, line and field."""

    def __init__(self, path: str, line: int, row: dict[str, str], known: Collection[str]) -> None:
        self.path, self.line, self.row, self.known = path, line, row, known

    def fail(self, field: str, problem: str) -> ConfigError:
        return ConfigError(self.path, self.line, field, problem)

    def text(self, field: str, required: bool = True) -> str | None:
        value = (self.row.get(field) or "").strip()
        if required and not value:
            raise self.fail(field, "el valor es obligatorio y está vacío")
        return value or None

    def clave(self) -> str:
        cve = self.text("cve_inegi") or ""
        if not (cve.isdigit() and len(cve) == 5 and FIRST_CVE <= int(cve) <= LAST_CVE):
            raise self.fail("cve_inegi", f"«{cve}» no es una clave INEGI entre {FIRST_CVE} y {LAST_CVE}")
        if cve not in self.known:
            raise self.fail("cve_inegi", f"la clave {cve} no está en el registro de municipios")
        return cve

    def choice(self, field: str, allowed: Sequence[str]) -> str:
        value = self.text(field) or ""
        if value not in allowed:
            raise self.fail(field, f"«{value}» no es un valor permitido ({', '.join(allowed)})")
        return value

    def source_date(self, field: str) -> str | None:
        value = self.text(field) or ""
        if value == UNDATED:
            return None
        match = _DATE.fullmatch(value)
        if match is None or not _plausible(match):
            raise self.fail(field, f"«{value}» no es una fecha AAAA, AAAA-MM o AAAA-MM-DD ni «{UNDATED}»")
        return value

    def public_url(self, field: str) -> str:
        value = self.text(field) or ""
        if not valid_http_url(value):
            raise self.fail(field, f"«{value}» no es una URL http(s) válida")
        host = urlsplit(value).hostname or ""
        if _internal_literal(host):
            raise self.fail(field, f"«{value}» apunta a una dirección privada o local, no a un sitio público")
        return value


def _plausible(match: re.Match[str]) -> bool:
    """Whether a matched AAAA[-MM[-DD]] is a real calendar date."""
    year, month, day = int(match["y"]), int(match["m"] or 1), int(match["d"] or 1)
    try:
        date(year, month, day)
    except ValueError:
        return False
    return 1990 <= year <= 2100


def _internal_literal(host: str) -> bool:
    """Whether host is a literal IP address that is not globally routable."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host == "localhost"
    return not address.is_global


def _rows(path: Path, columns: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line, row) of a commented CSV file, checking its header and column counts."""
    text = read_text(path)
    lines = list(data_lines(text))
    if not lines:
        raise ConfigError(str(path), None, None, "el archivo no tiene encabezado ni filas")
    header_line, header = lines[0]
    fields = next(csv.reader([header]))
    missing = [c for c in columns if c not in fields]
    if missing:
        raise ConfigError(str(path), header_line, missing[0], "falta la columna en el encabezado")
    for number, line in lines[1:]:
        values = next(csv.reader(io.StringIO(line)))
        if len(values) != len(fields):
            raise ConfigError(str(path), number, None, f"se esperaban {len(fields)} columnas y hay {len(values)}")
        yield number, dict(zip(fields, values, strict=True))


def _known_claves(known: Collection[str] | None) -> Collection[str]:
    return known if known is not None else {m.cve_inegi for m in load_registry()}


def load_pnt_names(path: Path | None = None, known: Collection[str] | None = None) -> dict[str, PntName]:
    """Load config/sujetos_pnt.csv: exactly one PNT name per known clave (default: the registry's 125)."""
    path = path or paths.SUJETOS_PNT
    claves = _known_claves(known)
    names: dict[str, PntName] = {}
    for number, raw in _rows(path, PNT_COLUMNS):
        row = _Row(str(path), number, raw, claves)
        cve = row.clave()
        if cve in names:
            raise row.fail("cve_inegi", f"clave {cve} repetida (ya está en la línea {names[cve].line})")
        id_text = row.text("id_pnt", required=False)
        if id_text is not None and not (id_text.isdigit() and int(id_text) > 0):
            raise row.fail("id_pnt", f"«{id_text}» no es un id numérico de la PNT")
        nombre = row.text("nombre_pnt") or ""
        names[cve] = PntName(cve, nombre, int(id_text) if id_text else None, number)
    absent = sorted(set(claves) - set(names))
    if absent:
        raise ConfigError(str(path), None, "cve_inegi", f"faltan municipios: {', '.join(absent[:10])}")
    return names


def _candidate_url(row: _Row, tipo: str) -> str | None:
    """Each tipo's rule for the url column."""
    value = row.text("url", required=False)
    if tipo == "nota":
        if value is not None:
            raise row.fail("url", "una «nota» no lleva URL; use el tipo sitio, servicio o dominio")
        return None
    if tipo == "dominio":
        if value is None or not _HOSTNAME.fullmatch(value.lower()):
            raise row.fail("url", f"«{value or ''}» no es un nombre de dominio (p. ej. municipio.gob.mx)")
        return value.lower()
    url = row.public_url("url")
    if tipo == "ipomex_legado" and ipomex_slug(url, legacy=True) is None:
        raise row.fail("url", f"«{url}» no es un índice del IPOMEX antiguo (…ipomex.org.mx/ipo/lgt/indice/<slug>.web)")
    return url


def _candidate(row: _Row, names: dict[str, str]) -> Candidate:
    cve = row.clave()
    municipio = row.text("municipio") or ""
    if fold(municipio) != fold(names[cve]):
        raise row.fail("municipio", f"«{municipio}» no es el nombre de la clave {cve} («{names[cve]}»)")
    tipo = row.choice("tipo", TIPOS)
    return Candidate(
        cve_inegi=cve,
        municipio=municipio,
        tipo=tipo,
        url=_candidate_url(row, tipo),
        fuente=row.text("fuente") or "",
        fecha_fuente=row.source_date("fecha_fuente"),
        confianza=row.choice("confianza", CONFIANZAS),
        nota=row.text("nota", required=False),
        line=row.line,
    )


def load_candidates(path: Path | None = None, names: dict[str, str] | None = None) -> list[Candidate]:
    """Load config/sitios_candidatos.csv; names maps each known clave to its registry name (default: the registry)."""
    path = path or paths.CANDIDATES
    known = names if names is not None else {m.cve_inegi: m.nombre for m in load_registry()}
    return [_candidate(_Row(str(path), number, raw, known), known) for number, raw in _rows(path, CANDIDATE_COLUMNS)]
