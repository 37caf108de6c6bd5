"""Read-only routes: HTML pages (with ?formato=csv|xlsx exports) and their JSON twins under /api.

Every verdict shows the machine's status («estado») and, beside it, the status in force after the auditors'
reviews («estado_revisado», «revision»); the ranking adds the reviewed scores (storage.dashboard_reviews).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from checks.model import STATUS_TEXT
from core.clock import people_date
from storage import dashboard
from storage.dashboard_reviews import review_check, review_municipality, review_ranking, review_trail
from storage.data_home import count_runs, fill_command
from storage.manifest import chain_head
from storage.page_rows import CheckResponse, IpomexResponse, MunicipalityResponse, RankingItem, ReviewsResponse
from web import views
from web.exports import FORMATS, Table, export_response
from web.reliability import (
    ReliabilityResponse,
    annotate_check,
    annotate_municipality,
    reliability_page,
    reliability_table,
)
from web.schemas import RankingResponse, RunsResponse

router = APIRouter()
api = APIRouter(prefix="/api", tags=["API de consulta"])
FORMATO = Query("", description="Exportar la tabla: csv o xlsx")
# The runs page and API list this many of the newest runs.
RUNS_SHOWN = 50


def _check_format(formato: str) -> None:
    """Refuse a format that is neither empty (the HTML page) nor an export format, in Spanish."""
    if formato and formato not in FORMATS:
        raise HTTPException(400, views.FORMAT_ERROR.format(formato[:20]))


def _render(request: Request, name: str, context: dict[str, Any], table: Table, formato: str) -> Response:
    _check_format(formato)
    if formato in FORMATS:
        return export_response(table, formato)
    render: Any = request.app.state.render
    result: Response = render(request, name, context)
    return result


def _every(request: Request) -> list[RankingItem]:
    state = request.app.state
    return review_ranking(state.db, dashboard.ranking(state.db), state.catalogue)


def _ranking(
    request: Request, orden: str, region: str, marginacion: str, poblacion: str, every: list[RankingItem] | None = None
) -> RankingResponse:
    orden = orden if orden in views.ORDERS else "total"
    rows = views.filter_ranking(_every(request) if every is None else every, region, marginacion, poblacion)
    filtros = {"region": region, "marginacion": marginacion, "poblacion": poblacion}
    return RankingResponse(orden=orden, filtros=filtros, municipios=views.sort_ranking(rows, orden))


def _municipality(request: Request, cve: str) -> MunicipalityResponse:
    state = request.app.state
    ok = views.CVE.match(cve) is not None
    page = dashboard.municipality_page(state.db, cve, state.catalogue, state.obligations) if ok else None
    if page is None:
        raise HTTPException(404, "No hay resultados para ese municipio.")
    return annotate_municipality(review_municipality(state.db, page), state.reliability)


def _check(request: Request, check_id: str) -> CheckResponse:
    state = request.app.state
    ok = views.CHECK_ID.match(check_id) is not None
    page = dashboard.check_page(state.db, check_id, state.catalogue, state.obligations) if ok else None
    if page is None:
        raise HTTPException(404, "No existe esa verificación.")
    return annotate_check(review_check(state.db, page), state.reliability)


@router.get("/", include_in_schema=False)
def ranking_page(
    request: Request,
    orden: str = "total",
    region: str = "",
    marginacion: str = "",
    poblacion: str = "",
    formato: str = FORMATO,
) -> Response:
    """Clasificación de municipios."""
    every = _every(request)
    result = _ranking(request, orden, region, marginacion, poblacion, every)
    context = {
        "r": result,
        "regiones": sorted({m.region for m in every if m.region}),
        "grados": views.grades_in_order(m.conapo_gm_2020 for m in every),
        "bandas": views.BANDS,
        "etiquetas": views.SCORE_LABELS,
        **_database_context(request),
    }
    return _render(request, "ranking.html", context, views.ranking_table(result.municipios), formato)


def _database_context(request: Request) -> dict[str, Any]:
    """Which database the page read and, when it holds no runs, the command that fills it."""
    database = request.app.state.db
    empty = count_runs(database) == 0
    return {"base": database.url, "base_vacia": empty, "llenar": fill_command(database.url) if empty else ""}


@router.get("/municipio/{cve}", include_in_schema=False)
def municipality_page(request: Request, cve: str, formato: str = FORMATO) -> Response:
    """Ficha de un municipio."""
    page = _municipality(request, cve)
    labels = [people_date(p.finished_at, absent="") for p in page.series]
    charts = {
        k: request.app.state.chart({v: [p.scores.get(k) for p in page.series]}, labels, v, 100.0)
        for k, v in views.SCORE_LABELS.items()
    }
    context = {"m": page, "graficas": charts, "revisiones": review_trail(request.app.state.db, [page.cve_inegi])}
    return _render(request, "municipio.html", context, views.municipality_table(page), formato)


@router.get("/verificacion/{check_id}", include_in_schema=False)
def check_page(request: Request, check_id: str, formato: str = FORMATO) -> Response:
    """Una verificación en todos los municipios."""
    page = _check(request, check_id)
    series = {STATUS_TEXT[s]: [float(getattr(p, s)) for p in page.series] for s in views.CHART_STATUSES}
    classes = {STATUS_TEXT[s]: s for s in views.CHART_STATUSES}
    labels = [people_date(p.finished_at, absent="") for p in page.series]
    title = f"Municipios por estado: {page.label}"
    chart = request.app.state.chart(series, labels, title, classes=classes, integer=True)
    return _render(request, "verificacion.html", {"c": page, "grafica": chart}, views.check_table(page), formato)


@router.get("/ipomex", include_in_schema=False)
def ipomex_page(request: Request, formato: str = FORMATO) -> Response:
    """Matriz de fracciones de IPOMEX."""
    _check_format(formato)
    page = dashboard.ipomex_matrix(request.app.state.db, request.app.state.obligations)
    if formato in FORMATS:
        return export_response(views.ipomex_table(page), formato)
    heads = views.fraction_heads(page, request.app.state.obligations)
    context = {"i": page, "filas": views.ipomex_cells(page), "cabeceras": heads}
    return _render(request, "ipomex.html", context, views.ipomex_table(page), formato)


@router.get("/corridas", include_in_schema=False)
def runs_page(request: Request, formato: str = FORMATO) -> Response:
    """Corridas recientes."""
    rows = dashboard.runs(request.app.state.db, RUNS_SHOWN)
    context = {"corridas": rows, "cadena": chain_head(request.app.state.db)}
    return _render(request, "corridas.html", context, views.runs_table(rows), formato)


@router.get("/confiabilidad", include_in_schema=False)
def reliability_html(request: Request, formato: str = FORMATO) -> Response:
    """Confiabilidad medida de cada verificación."""
    page = _reliability(request)
    return _render(request, "confiabilidad.html", {"p": page}, reliability_table(page), formato)


def _reliability(request: Request) -> ReliabilityResponse:
    return reliability_page(request.app.state.reliability, request.app.state.catalogue)


@api.get(
    "/ranking",
    response_model=RankingResponse,
    summary="Clasificación de municipios",
    description="Puntajes por área de cada municipio, filtrables y ordenables, con su cambio mensual.",
)
def ranking_api(
    request: Request,
    orden: str = Query("total", description="Puntaje por el que se ordena"),
    region: str = "",
    marginacion: str = Query("", description="Grado de marginación CONAPO"),
    poblacion: str = Query("", description="Banda: menos_20k, 20k_100k, 100k_500k, mas_500k"),
) -> RankingResponse:
    """Clasificación en JSON."""
    return _ranking(request, orden, region, marginacion, poblacion)


@api.get(
    "/municipio/{cve}",
    response_model=MunicipalityResponse,
    summary="Ficha de un municipio",
    description="Verificaciones, evolución de puntajes, fracciones de IPOMEX y cambios de un municipio.",
)
def municipality_api(request: Request, cve: str) -> MunicipalityResponse:
    """Ficha en JSON."""
    return _municipality(request, cve)


@api.get(
    "/verificacion/{check_id}",
    response_model=CheckResponse,
    summary="Una verificación",
    description="Cuántos municipios cumplen por corrida y el estado más reciente en cada uno.",
)
def check_api(request: Request, check_id: str) -> CheckResponse:
    """Verificación en JSON."""
    return _check(request, check_id)


@api.get(
    "/ipomex",
    response_model=IpomexResponse,
    summary="Matriz de IPOMEX",
    description="Estado más reciente de cada fracción de IPOMEX en cada municipio.",
)
def ipomex_api(request: Request) -> IpomexResponse:
    """Matriz en JSON."""
    return dashboard.ipomex_matrix(request.app.state.db, request.app.state.obligations)


@api.get(
    "/corridas",
    response_model=RunsResponse,
    summary="Corridas",
    description="Corridas recientes con estado, duración, páginas y errores.",
)
def runs_api(request: Request) -> RunsResponse:
    """Corridas en JSON."""
    return RunsResponse(corridas=dashboard.runs(request.app.state.db, RUNS_SHOWN))


@api.get(
    "/confiabilidad",
    response_model=ReliabilityResponse,
    summary="Confiabilidad de las verificaciones",
    description="Acuerdo, acusaciones falsas, crédito falso y cobertura de cada verificación del sitio frente a "
    "las etiquetas de los auditores en sitios reales, con la fecha y el tamaño de la medición.",
)
def reliability_api(request: Request) -> ReliabilityResponse:
    """Confiabilidad en JSON."""
    return _reliability(request)


@api.get(
    "/revisiones",
    response_model=ReviewsResponse,
    summary="Revisiones de los auditores",
    description="El historial de revisiones (quién, cuándo, antes, después, motivo) y si cada una sigue vigente, "
    "volvió a revisión porque la evidencia cambió o fue reemplazada; de un municipio o de todos.",
)
def reviews_api(
    request: Request, municipio: str = Query("", description="Clave INEGI del municipio; vacío: todos")
) -> ReviewsResponse:
    """Revisiones en JSON."""
    if municipio and views.CVE.match(municipio) is None:
        raise HTTPException(400, "No es una clave INEGI válida (15001 a 15125).")
    return review_trail(request.app.state.db, [municipio] if municipio else None)
