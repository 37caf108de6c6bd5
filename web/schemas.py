"""Pydantic response models of the JSON API (documented in /openapi.json, in Spanish)."""

from __future__ import annotations

from pydantic import BaseModel, Field

Score = float | None


class RankingItem(BaseModel):
    """Un municipio en la clasificación, con sus puntajes y su cambio desde el mes anterior."""

    cve_inegi: str = Field(description="Clave INEGI del municipio")
    nombre: str
    poblacion_2020: int = Field(description="Población del Censo 2020")
    grado_marginacion: str | None = Field(description="Grado de marginación CONAPO 2020")
    region: str | None
    corrida: int | None = Field(description="Corrida de la que provienen los resultados")
    fecha: str | None = Field(description="Fecha de término de esa corrida (ISO 8601)")
    puntajes: dict[str, Score] = Field(description="Puntajes 0–100 por área: P2, P3, P4, total e ipomex")
    cambio: dict[str, Score] = Field(description="Cambio de cada puntaje desde la corrida de hace un mes o más")
    cumple: int
    no_cumple: int
    indeterminado: int


class RankingResponse(BaseModel):
    """Clasificación de los municipios, ya filtrada y ordenada."""

    orden: str
    filtros: dict[str, str]
    municipios: list[RankingItem]


class ChecklistItem(BaseModel):
    """Una verificación de un municipio en su corrida más reciente."""

    verificacion: str
    etiqueta: str
    area: str
    estado: str
    evidencia_url: str | None
    evidencia_texto: str | None
    detalle: str | None
    desde: str | None = Field(description="Fecha desde la que la verificación tiene este estado")


class ScorePoint(BaseModel):
    """Puntajes de un municipio en una corrida."""

    corrida: int
    fecha: str
    puntajes: dict[str, Score]


class FractionItem(BaseModel):
    """Una fracción de IPOMEX de un municipio."""

    obligacion: str
    fraccion: str
    titulo: str
    estado: str
    ultima_actualizacion: str | None


class ChangeItem(BaseModel):
    """Un cambio de estado entre dos corridas consecutivas."""

    verificacion: str
    tipo: str = Field(description="«regresión» (dejó de cumplir) o «recuperación» (volvió a cumplir)")
    antes: str
    ahora: str
    fecha: str


class MunicipalityResponse(BaseModel):
    """Ficha de un municipio: verificaciones, evolución, IPOMEX y cambios."""

    cve_inegi: str
    nombre: str
    poblacion_2020: int
    grado_marginacion: str | None
    region: str | None
    sitio_web: str | None
    verificaciones: list[ChecklistItem]
    serie: list[ScorePoint]
    fracciones: list[FractionItem]
    cambios: list[ChangeItem]


class CheckCount(BaseModel):
    """Cuántos municipios tuvieron cada estado en una corrida."""

    corrida: int
    fecha: str
    cumple: int
    no_cumple: int
    indeterminado: int


class CheckMunicipality(BaseModel):
    """El estado más reciente de una verificación en un municipio."""

    cve_inegi: str
    nombre: str
    estado: str
    evidencia_url: str | None
    evidencia_texto: str | None


class CheckResponse(BaseModel):
    """Una verificación a través de los municipios y del tiempo."""

    verificacion: str
    etiqueta: str
    area: str
    serie: list[CheckCount]
    municipios: list[CheckMunicipality]


class IpomexRow(BaseModel):
    """Estados de las fracciones de IPOMEX de un municipio."""

    cve_inegi: str
    nombre: str
    estados: dict[str, str] = Field(description="Estado por identificador de obligación")


class IpomexResponse(BaseModel):
    """Matriz municipios × fracciones de IPOMEX."""

    fracciones: list[str]
    municipios: list[IpomexRow]


class RunItem(BaseModel):
    """Una corrida del monitor."""

    id: int
    tipo: str
    estado: str
    inicio: str
    fin: str | None
    duracion_segundos: float | None
    sitios: int
    paginas_ok: int
    paginas_error: int
    error: str | None


class RunsResponse(BaseModel):
    """Corridas más recientes, de la más nueva a la más antigua."""

    corridas: list[RunItem]
