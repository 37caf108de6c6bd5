"""Operation settings (config/operacion.yaml): the nightly schedule and the e-mail alerts, validated at load."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from config import paths, yamlfile
from config.registry import FIRST_CVE, LAST_CVE
from core.errors import ConfigError
from core.text import fold

SECURITY = ("ninguna", "starttls", "ssl")
SCOPES = ("todo", "region", "unidad_transparencia")
Scope = Literal["todo", "region", "unidad_transparencia"]
Security = Literal["ninguna", "starttls", "ssl"]
# Valid-looking, not RFC 5322: one @, no spaces or angle brackets, something on both sides.
ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")
_Path = tuple[str | int, ...]
DEFAULT_WINDOW_HOURS = 4


@dataclass(frozen=True)
class ScheduleConfig:
    """When the nightly crawl runs: a 5-field cron in a time zone, a misfire grace and the crawl lease's life."""

    cron: str
    zona: str
    gracia_minutos: int
    candado_minutos: int
    # The whole night (every site and every IPOMEX fraction) must fit this many hours from the scheduled start.
    ventana_horas: int = DEFAULT_WINDOW_HOURS

    def window_text(self) -> str:
        """The window in Spanish: "02:00–06:00" for a daily fixed start, else "4 h desde la hora programada"."""
        minute, hour = self.cron.split()[:2]
        if not (minute.isdigit() and hour.isdigit()):
            return f"{self.ventana_horas} h desde la hora programada"
        start = int(hour) * 60 + int(minute)
        end = (start + self.ventana_horas * 60) % (24 * 60)
        return f"{start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}"

    @property
    def timezone(self) -> ZoneInfo:
        """The schedule's time zone."""
        return ZoneInfo(self.zona)

    @property
    def grace(self) -> timedelta:
        """How late a missed run may still start."""
        return timedelta(minutes=self.gracia_minutos)

    @property
    def lease_ttl(self) -> timedelta:
        """How long the crawl lease lives unless renewed."""
        return timedelta(minutes=self.candado_minutos)


@dataclass(frozen=True)
class SmtpConfig:
    """The SMTP relay; credentials come from VIGIA_SMTP_USER and VIGIA_SMTP_PASSWORD, never from the file."""

    host: str
    port: int
    seguridad: Security
    timeout_segundos: int
    reintentos: int


@dataclass(frozen=True)
class Recipient:
    """Who receives digests: everything, one region's municipalities, or each municipality's own unit."""

    nombre: str | None
    correo: str | None
    alcance: Scope
    region: str | None = None

    def covers_region(self, region: str | None) -> bool:
        """Whether a municipality of region belongs to this recipient's region (accent- and case-insensitive)."""
        return region is not None and self.region is not None and fold(region.strip()) == fold(self.region.strip())


@dataclass(frozen=True)
class OperatorConfig:
    """Who runs Vigía and when to tell them: no complete run for sin_corrida_horas, repeated every repetir_horas."""

    correo: str | None = None
    sin_corrida_horas: int = 26
    repetir_horas: int = 24


@dataclass(frozen=True)
class Blackout:
    """An electoral blackout (veda): government propaganda leaves the sites from inicio to fin, so regressions of
    the checks whose id starts with one of `comprobaciones` are held until gracia_dias after fin."""

    nombre: str
    inicio: date
    fin: date
    comprobaciones: tuple[str, ...]
    gracia_dias: int = 7
    # Dates taken from an estimate (e.g. the previous election's calendar) until the electoral body publishes its own.
    fechas_confirmadas: bool = False

    @property
    def held_until(self) -> date:
        """The last day whose regressions are still held."""
        return self.fin + timedelta(days=self.gracia_dias)

    def holds(self, day: date) -> bool:
        """Whether regressions found on this (local) day are held."""
        return self.inicio <= day <= self.held_until

    def covers(self, check_id: str) -> bool:
        """Whether the check is one the blackout legitimately empties."""
        return any(check_id == p or check_id.startswith(p.rstrip(".") + ".") for p in self.comprobaciones)


@dataclass(frozen=True)
class AlertsConfig:
    """Alert rules and delivery: confirmation runs, sender, SMTP relay, routing, operator and blackouts."""

    confirmacion_corridas: int
    sitio_caido_corridas: int
    remitente: str
    smtp: SmtpConfig
    destinatarios: tuple[Recipient, ...] = ()
    unidades_transparencia: Mapping[str, str] = field(default_factory=dict)
    operador: OperatorConfig = OperatorConfig()
    vedas: tuple[Blackout, ...] = ()


DEFAULT_KEEP_DAYS = 400


@dataclass(frozen=True)
class EvidenceConfig:
    """Retention of the evidence archive: payloads older than conservar_dias may be thinned (`vigia evidencia
    depurar`), except the evidence of a change, of a finding under review and of the newest complete run."""

    conservar_dias: int = DEFAULT_KEEP_DAYS


@dataclass(frozen=True)
class OperationConfig:
    """The whole operacion.yaml."""

    schedule: ScheduleConfig
    alerts: AlertsConfig
    evidence: EvidenceConfig = EvidenceConfig()


class _Reader:
    """Typed access to the loaded YAML, raising ConfigError with the file, the line and the field's path."""

    def __init__(self, path: str, data: object, lines: dict[_Path, int]) -> None:
        self.path, self.data, self.lines = path, data, lines

    def fail(self, where: _Path, problem: str) -> ConfigError:
        name = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in where).replace(".[", "[")
        return ConfigError(self.path, self._line(where), name or None, problem)

    def _line(self, where: _Path) -> int | None:
        for end in range(len(where), -1, -1):
            if where[:end] in self.lines:
                return self.lines[where[:end]]
        return None

    def get(self, where: _Path) -> object:
        value = self.data
        for part in where:
            if isinstance(part, int):
                value = cast(list[object], value)[part]
            elif not isinstance(value, dict) or part not in value:
                raise self.fail(where, "falta el campo obligatorio")
            else:
                value = value[part]
        return value

    def mapping(self, where: _Path, allowed: Collection[str]) -> dict[str, object]:
        value = self.get(where)
        if not isinstance(value, dict):
            raise self.fail(where, "se esperaba una sección con campos")
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            raise self.fail((*where, unknown[0]), f"campo desconocido (se admiten: {', '.join(allowed)})")
        return cast(dict[str, object], value)

    def integer(self, where: _Path, minimum: int) -> int:
        value = self.get(where)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, f"se esperaba un número entero y dice «{value}»")
        if value < minimum:
            raise self.fail(where, f"debe ser al menos {minimum} y es {value}")
        return value

    def text(self, where: _Path) -> str:
        value = self.get(where)
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
            raise self.fail(where, "se esperaba un texto no vacío")
        return str(value).strip()

    def optional_text(self, where: _Path) -> str | None:
        parent = self.get(where[:-1])
        if not isinstance(parent, dict) or parent.get(where[-1]) is None:
            return None
        return self.text(where)

    def choice(self, where: _Path, allowed: Collection[str]) -> str:
        value = self.text(where)
        if value not in allowed:
            raise self.fail(where, f"«{value}» no es un valor permitido ({', '.join(allowed)})")
        return value

    def address(self, where: _Path, raw: object = None) -> str:
        value = self.text(where) if raw is None else str(raw).strip()
        if not ADDRESS.match(value):
            raise self.fail(where, f"«{value}» no parece una dirección de correo (nombre@dominio)")
        return value


def _line_map(node: yaml.Node, where: _Path = ()) -> dict[_Path, int]:
    """1-based line of every key and list item of the composed YAML, by path."""
    lines = {where: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*where, str(key.value))
            lines.update(_line_map(value, path))
            lines[path] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_line_map(item, (*where, index)))
    return lines


def _schedule(r: _Reader) -> ScheduleConfig:
    fields = r.mapping(("calendario",), ("cron", "zona", "gracia_minutos", "candado_minutos", "ventana_horas"))
    zona = r.text(("calendario", "zona"))
    try:
        zone = ZoneInfo(zona)
    except (ZoneInfoNotFoundError, ValueError):
        problem = f"«{zona}» no es una zona horaria conocida (p. ej. America/Mexico_City)"
        raise r.fail(("calendario", "zona"), problem) from None
    cron = r.text(("calendario", "cron"))
    _check_cron(r, cron, zone)
    window = r.integer(("calendario", "ventana_horas"), 1) if "ventana_horas" in fields else DEFAULT_WINDOW_HOURS
    return ScheduleConfig(
        cron,
        zona,
        r.integer(("calendario", "gracia_minutos"), 1),
        r.integer(("calendario", "candado_minutos"), 1),
        window,
    )


def _check_cron(r: _Reader, cron: str, zone: ZoneInfo) -> None:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(cron, timezone=zone)
    except ValueError as exc:
        raise r.fail(("calendario", "cron"), f"«{cron}» no es una expresión cron de 5 campos válida ({exc})") from None


def _smtp(r: _Reader) -> SmtpConfig:
    where: _Path = ("alertas", "smtp")
    r.mapping(where, ("host", "port", "seguridad", "timeout_segundos", "reintentos"))
    port = r.integer((*where, "port"), 1)
    if port > 65535:
        raise r.fail((*where, "port"), f"el puerto debe estar entre 1 y 65535 y es {port}")
    return SmtpConfig(
        host=r.text((*where, "host")),
        port=port,
        seguridad=cast(Security, r.choice((*where, "seguridad"), SECURITY)),
        timeout_segundos=r.integer((*where, "timeout_segundos"), 1),
        reintentos=r.integer((*where, "reintentos"), 0),
    )


def _recipient(r: _Reader, index: int, regions: Collection[str] | None) -> Recipient:
    where: _Path = ("alertas", "destinatarios", index)
    fields = r.mapping(where, ("nombre", "correo", "alcance", "region"))
    alcance = cast(Scope, r.choice((*where, "alcance"), SCOPES))
    if alcance == "unidad_transparencia":
        if fields.get("correo") is not None:
            raise r.fail(
                (*where, "correo"),
                "el alcance «unidad_transparencia» usa las direcciones de unidades_transparencia; quite este correo",
            )
        correo = None
    else:
        correo = r.address((*where, "correo"))
    region = _region(r, where, alcance, regions)
    return Recipient(r.optional_text((*where, "nombre")), correo, alcance, region)


def _region(r: _Reader, where: _Path, alcance: str, regions: Collection[str] | None) -> str | None:
    region = r.optional_text((*where, "region"))
    if alcance != "region":
        if region is not None:
            raise r.fail((*where, "region"), f"sólo el alcance «region» lleva región (este es «{alcance}»)")
        return None
    if region is None:
        raise r.fail((*where, "region"), "el alcance «region» exige el nombre de la región")
    if regions is not None and fold(region.strip()) not in {fold(x.strip()) for x in regions}:
        raise r.fail((*where, "region"), f"«{region}» no es una región del registro ({', '.join(sorted(regions))})")
    return region


def _recipients(r: _Reader, regions: Collection[str] | None) -> tuple[Recipient, ...]:
    value = r.get(("alertas", "destinatarios"))
    if value is None:
        return ()
    if not isinstance(value, list):
        raise r.fail(("alertas", "destinatarios"), "se esperaba una lista de destinatarios")
    return tuple(_recipient(r, index, regions) for index in range(len(value)))


def _units(r: _Reader) -> dict[str, str]:
    where: _Path = ("alertas", "unidades_transparencia")
    value = r.get(where) or {}
    if not isinstance(value, dict):
        raise r.fail(where, "se esperaba un mapa de clave INEGI a dirección de correo")
    units: dict[str, str] = {}
    for key in value:
        cve = str(key).strip()
        if not (cve.isdigit() and len(cve) == 5 and FIRST_CVE <= int(cve) <= LAST_CVE):
            raise r.fail((*where, str(key)), f"«{cve}» no es una clave INEGI entre {FIRST_CVE} y {LAST_CVE}")
        units[cve] = r.address((*where, str(key)), value[key] or "")
    return units


def _alerts(r: _Reader, regions: Collection[str] | None) -> AlertsConfig:
    allowed = (
        "confirmacion_corridas",
        "sitio_caido_corridas",
        "remitente",
        "smtp",
        "destinatarios",
        "unidades_transparencia",
        "operador",
        "vedas",
    )
    fields = r.mapping(("alertas",), allowed)
    remitente = r.text(("alertas", "remitente"))
    if not ADDRESS.match(_bare_address(remitente)):
        raise r.fail(("alertas", "remitente"), f"«{remitente}» no parece una dirección (p. ej. Vigía <vigia@dominio>)")
    return AlertsConfig(
        confirmacion_corridas=r.integer(("alertas", "confirmacion_corridas"), 1),
        sitio_caido_corridas=r.integer(("alertas", "sitio_caido_corridas"), 1),
        remitente=remitente,
        smtp=_smtp(r),
        destinatarios=_recipients(r, regions),
        unidades_transparencia=_units(r),
        operador=_operator(r) if fields.get("operador") is not None else OperatorConfig(),
        vedas=_blackouts(r),
    )


def _operator(r: _Reader) -> OperatorConfig:
    where: _Path = ("alertas", "operador")
    fields = r.mapping(where, ("correo", "sin_corrida_horas", "repetir_horas"))
    return OperatorConfig(
        correo=r.address((*where, "correo")) if fields.get("correo") is not None else None,
        sin_corrida_horas=r.integer((*where, "sin_corrida_horas"), 1) if "sin_corrida_horas" in fields else 26,
        repetir_horas=r.integer((*where, "repetir_horas"), 1) if "repetir_horas" in fields else 24,
    )


def _blackouts(r: _Reader) -> tuple[Blackout, ...]:
    alerts = cast(dict[str, object], r.get(("alertas",)))
    value = alerts.get("vedas")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise r.fail(("alertas", "vedas"), "se esperaba una lista de vedas electorales")
    return tuple(_blackout(r, index) for index in range(len(value)))


def _blackout(r: _Reader, index: int) -> Blackout:
    where: _Path = ("alertas", "vedas", index)
    fields = r.mapping(where, ("nombre", "inicio", "fin", "gracia_dias", "comprobaciones", "fechas_confirmadas"))
    inicio, fin = _day(r, (*where, "inicio")), _day(r, (*where, "fin"))
    if fin < inicio:
        raise r.fail((*where, "fin"), f"la veda termina ({fin}) antes de empezar ({inicio})")
    checks = r.get((*where, "comprobaciones"))
    if not isinstance(checks, list) or not checks or not all(isinstance(c, str) and c.strip() for c in checks):
        raise r.fail((*where, "comprobaciones"), "se esperaba una lista no vacía de comprobaciones o prefijos")
    grace = r.integer((*where, "gracia_dias"), 0) if "gracia_dias" in fields else 7
    confirmed = fields.get("fechas_confirmadas", False)
    if not isinstance(confirmed, bool):
        raise r.fail((*where, "fechas_confirmadas"), "se esperaba true o false")
    return Blackout(r.text((*where, "nombre")), inicio, fin, tuple(c.strip() for c in checks), grace, confirmed)


def _day(r: _Reader, where: _Path) -> date:
    value = r.get(where)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise r.fail(where, f"«{value}» no es una fecha AAAA-MM-DD") from None


def _bare_address(value: str) -> str:
    """The address inside «Nombre <dirección>», or value itself."""
    match = re.fullmatch(r"[^<>]*<([^<>]+)>\s*", value)
    return match.group(1).strip() if match else value


def parse_operation_config(
    text: str, path: str = "operacion.yaml", regions: Collection[str] | None = None
) -> OperationConfig:
    """Parse and validate operacion.yaml text; with regions, recipients' regions must be among them."""
    node, data = yamlfile.parse(text, path)
    reader = _Reader(path, data, _line_map(node) if node is not None else {})
    fields = reader.mapping((), ("calendario", "alertas", "evidencia"))
    evidence = _evidence(reader) if fields.get("evidencia") is not None else EvidenceConfig()
    return OperationConfig(_schedule(reader), _alerts(reader, regions), evidence)


def _evidence(r: _Reader) -> EvidenceConfig:
    fields = r.mapping(("evidencia",), ("conservar_dias",))
    if "conservar_dias" not in fields:
        return EvidenceConfig()
    return EvidenceConfig(r.integer(("evidencia", "conservar_dias"), 1))


def load_operation_config(path: Path | None = None, regions: Collection[str] | None = None) -> OperationConfig:
    """Load config/operacion.yaml (or path), validated; raise ConfigError naming file, line and field."""
    path = path or paths.OPERATION
    return parse_operation_config(yamlfile.read_text(path), str(path), regions)
