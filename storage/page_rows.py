"""The dashboard's read model: one typed row per page, read by the HTML pages, the exports and the JSON API.

Fields have English names; their JSON names are the Spanish serialization aliases (the API contract), and fields
marked exclude are for the pages only. Docstrings are in Spanish: they document the API in /openapi.json.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from core.clock import local_minutes


def _local_or_empty(moment: datetime | None) -> str:
    return local_minutes(moment) or ""


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


LocalTime = Annotated[datetime | None, PlainSerializer(local_minutes)]
LocalTimeText = Annotated[datetime | None, PlainSerializer(_local_or_empty)]
Day = Annotated[date | None, PlainSerializer(_day)]
Scores = dict[str, float | None]


def _es(name: str, description: str | None = None) -> Any:
    return Field(serialization_alias=name, description=description)


def _measured(name: str, description: str, default: Any) -> Any:
    return Field(default=default, serialization_alias=name, description=description)


ARCHIVE_TEXT = "Registro del archivo con la copia de la evidencia capturada esa noche; se ve en /archivo/{id}"
SCREENSHOT_TEXT = "Registro del archivo con la captura (PNG) de la página de evidencia; se ve en /archivo/{id}"
PRECISION_TEXT = "Acuerdo medido de la verificación con las etiquetas de los auditores, y fecha de la medición"
REVIEW_TEXT = "La verificación está en revisión: su tasa medida de acusaciones falsas pasa del 1 %"


def _hidden(default: Any = None) -> Any:
    return Field(default=default, exclude=True)


class Row(BaseModel):
    """Fila de solo lectura."""

    model_config = ConfigDict(frozen=True, serialize_by_alias=True)


class RankingItem(Row):
    """Un municipio en la clasificación, con sus puntajes y su cambio desde el mes anterior."""

    cve_inegi: str = Field(description="Clave INEGI del municipio")
    nombre: str
    poblacion_2020: int = Field(description="Población del Censo 2020")
    conapo_gm_2020: str | None = _es("grado_marginacion", "Grado de marginación CONAPO 2020")
    region: str | None
    run_id: int | None = _es("corrida", "Corrida de la que provienen los resultados")
    run_finished_at: LocalTime = _es("fecha", "Fecha de término de esa corrida (ISO 8601)")
    scores: Scores = _es("puntajes", "Puntajes 0–100 por área: P2, P3, P4, total e ipomex")
    change_since_month: Scores = _es("cambio", "Cambio de cada puntaje desde la corrida de hace un mes o más")
    cumple: int
    no_cumple: int
    indeterminado: int
    month_ago_run_id: int | None = _hidden()


class ChecklistItem(Row):
    """Una verificación de un municipio en su corrida más reciente."""

    check_id: str = _es("verificacion")
    label: str = _es("etiqueta")
    area: str
    status: str = _es("estado")
    evidence_url: str | None = _es("evidencia_url")
    evidence_text: str | None = _es("evidencia_texto")
    detail: str | None = _es("detalle")
    first_seen: LocalTime = _es("desde", "Fecha desde la que la verificación tiene este estado")
    precision: str | None = _measured("confiabilidad", PRECISION_TEXT, None)
    under_review: bool = _measured("en_revision", REVIEW_TEXT, False)
    archive_id: int | None = _measured("copia_archivada", ARCHIVE_TEXT, None)
    screenshot_id: int | None = _measured("captura", SCREENSHOT_TEXT, None)
    source: str = _hidden("sitio")
    reason: str | None = _hidden()


class ScorePoint(Row):
    """Puntajes de un municipio en una corrida."""

    run_id: int = _es("corrida")
    finished_at: LocalTimeText = _es("fecha")
    scores: Scores = _es("puntajes")


class FractionItem(Row):
    """Una fracción de IPOMEX de un municipio."""

    check_id: str = _es("obligacion")
    fraccion: str
    titulo: str
    status: str = _es("estado")
    last_update: Day = _es("ultima_actualizacion")
    reason: str | None = _es("motivo", "código del motivo cuando la fracción no se pudo leer o no cumple")
    detail: str | None = _es("detalle", "explicación en español del estado")
    source: str = _hidden("")


class ChangeItem(Row):
    """Un cambio de estado entre dos corridas consecutivas."""

    check_id: str = _es("verificacion")
    label: str = _es("tipo", "«regresión» (dejó de cumplir) o «recuperación» (volvió a cumplir)")
    before: str = _es("antes")
    after: str = _es("ahora")
    created_at: LocalTimeText = _es("fecha")
    kind: str = _hidden("")
    run_id: int = _hidden(0)
    evidence_url: str | None = _hidden()
    screenshot_id: int | None = _measured("captura", SCREENSHOT_TEXT, None)


class MunicipalityResponse(Row):
    """Ficha de un municipio: verificaciones, evolución, IPOMEX y cambios."""

    cve_inegi: str
    nombre: str
    poblacion_2020: int
    conapo_gm_2020: str | None = _es("grado_marginacion")
    region: str | None
    sitio_web: str | None
    checklist: tuple[ChecklistItem, ...] = _es("verificaciones")
    series: tuple[ScorePoint, ...] = _es("serie")
    fractions: tuple[FractionItem, ...] = _es("fracciones")
    alerts: tuple[ChangeItem, ...] = _es("cambios")
    home_screenshot_id: int | None = _measured(
        "captura_inicio",
        "Registro del archivo con la captura (PNG) de la página de inicio en la corrida más reciente",
        None,
    )
    run_id: int | None = _hidden()
    run_finished_at: datetime | None = _hidden()


class CheckCount(Row):
    """Cuántos municipios tuvieron cada estado en una corrida."""

    run_id: int = _es("corrida")
    finished_at: LocalTimeText = _es("fecha")
    cumple: int
    no_cumple: int
    indeterminado: int
    no_aplica: int = _hidden(0)


class CheckMunicipality(Row):
    """El estado más reciente de una verificación en un municipio."""

    cve_inegi: str
    nombre: str
    status: str = _es("estado")
    evidence_url: str | None = _es("evidencia_url")
    evidence_text: str | None = _es("evidencia_texto")
    run_id: int = _hidden(0)
    reason: str | None = _hidden()


class CheckResponse(Row):
    """Una verificación a través de los municipios y del tiempo."""

    check_id: str = _es("verificacion")
    label: str = _es("etiqueta")
    area: str
    precision: str | None = _measured("confiabilidad", PRECISION_TEXT, None)
    under_review: bool = _measured("en_revision", REVIEW_TEXT, False)
    series: tuple[CheckCount, ...] = _es("serie")
    latest: tuple[CheckMunicipality, ...] = _es("municipios")


class IpomexRow(Row):
    """Estados de las fracciones de IPOMEX de un municipio."""

    cve_inegi: str
    nombre: str
    statuses: dict[str, str] = _es("estados", "Estado por identificador de obligación")
    run_id: int | None = _hidden()


class IpomexResponse(Row):
    """Matriz municipios × fracciones de IPOMEX."""

    fraction_ids: tuple[str, ...] = _es("fracciones")
    rows: tuple[IpomexRow, ...] = _es("municipios")
    fraction_labels: tuple[str, ...] = _hidden(())


class UnreadItem(Row):
    """Una etapa de un municipio que la corrida no pudo leer, y por qué."""

    cve_inegi: str = Field(description="Clave INEGI del municipio")
    nombre: str
    stage: str = _es("etapa", "sitio (el sitio del municipio) o ipomex (sus fracciones en IPOMEX)")
    reason: str = _es("motivo", "código del motivo, p. ej. ipomex_sin_tiempo")
    detail: str = _es("detalle", "el motivo en español")
    stage_label: str = _hidden("")


class RunItem(Row):
    """Una corrida del monitor."""

    id: int
    kind: str = _es("tipo")
    status: str = _es("estado")
    started_at: LocalTimeText = _es("inicio")
    finished_at: LocalTime = _es("fin")
    duration_seconds: float | None = _es("duracion_segundos")
    sites_done: int = _es("sitios")
    pages_ok: int = _es("paginas_ok")
    pages_failed: int = _es("paginas_error")
    error: str | None
    unread: tuple[UnreadItem, ...] = _measured(
        "sin_leer", "Lo que la corrida no pudo leer: municipio, etapa, motivo y detalle", ()
    )
    resumes_run_id: int | None = _measured("reanuda", "La corrida parcial que esta corrida completa (--reanudar)", None)
    resumed_by: int | None = _measured("reanudada_por", "La corrida que completó esta corrida parcial", None)
    carried: int = _measured(
        "etapas_conservadas", "Etapas (municipio × sitio o IPOMEX) copiadas de la corrida que reanuda", 0
    )


class ArchiveResponse(Row):
    """Un registro del archivo de evidencia: qué página, cuándo se capturó, su huella y si la copia sigue íntegra."""

    id: int = Field(description="Identificador del registro")
    run_id: int = _es("corrida")
    cve_inegi: str | None
    nombre: str | None = Field(description="Municipio")
    url: str = Field(description="Dirección capturada")
    kind: str = _es("tipo", "pagina, documento, ipomex o captura (PNG)")
    record_type: str = _es("registro_warc", "response, revisit (misma copia que una noche anterior) o resource")
    sha256: str = Field(description="Huella SHA-256 del contenido (hex)")
    content_type: str | None = _es("tipo_contenido")
    http_status: int | None = _es("estado_http")
    captured_at: LocalTime = _es("capturado", "Momento de la captura (ISO 8601)")
    intact: bool = _es("integra", "La copia existe y su contenido coincide con su huella")
    problem: str | None = _es("problema", "Por qué la copia no se puede mostrar como buena")
    content_url: str | None = _es("contenido", "Dirección del contenido archivado (sólo si está íntegro)")
