"""Ranking filters and the export tables of every page (pure functions over the response models)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from urllib.parse import urlsplit

from markupsafe import Markup
from pydantic import BaseModel

from checks.model import STATUS_TEXT, status_text
from checks.obligations import ObligationCatalogue
from checks.reasons import reason_text
from config.registry import GRADOS_MARGINACION
from storage.models import RUN_STATUS_TEXT
from storage.page_rows import (
    CheckResponse,
    IpomexResponse,
    MunicipalityResponse,
    RankingItem,
    ReviewItem,
    RunItem,
)
from web.exports import Cell, Table

SCORE_LABELS = {
    "P2": "P2 Participación",
    "P3": "P3 Canales TIC",
    "P4": "P4 Transparencia (sitio)",
    "total": "Total",
    "ipomex": "P4 IPOMEX",
    "losi": "LOSI",
}
# Scores added after the exports were published: their columns go last, so existing readers keep their positions.
ADDED_SCORES = ("losi",)
ORDERS = (*SCORE_LABELS, "nombre", "poblacion")
BANDS = {
    "menos_20k": ("Menos de 20 mil", 0, 20_000),
    "20k_100k": ("20 mil a 100 mil", 20_000, 100_000),
    "100k_500k": ("100 mil a 500 mil", 100_000, 500_000),
    "mas_500k": ("Más de 500 mil", 500_000, 10**9),
}
CVE = re.compile(r"^15[0-9]{3}$")
CHECK_ID = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
# The statuses a check chart plots, in legend order; their colours live in vigia.css (--cumple, ...).
CHART_STATUSES = ("cumple", "no_cumple", "indeterminado")
RUN_KIND_TEXT = {"crawl": "rastreo", "demo": "demostración"}
FORMAT_ERROR = "Formato «{}» desconocido. Formatos válidos: csv, xlsx (sin «formato» se muestra la página)."


def grades_in_order(present: Iterable[str | None]) -> list[str]:
    """The CONAPO grades present, from Muy bajo to Muy alto (unknown grades last, alphabetically)."""
    seen = {g for g in present if g}
    known = [g for g in GRADOS_MARGINACION if g in seen]
    return known + sorted(seen - set(GRADOS_MARGINACION))


def is_loopback(url: str | None) -> bool:
    """Whether the URL points at this machine (localhost or a loopback IP), as the portal simulator's sites do."""
    try:
        host = urlsplit((url or "").strip()).hostname or ""
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def safe_link(url: str | None) -> str | None:
    """The URL when it is http(s) and may become a link; None for javascript:, data: and anything else."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def filter_ranking(rows: Sequence[RankingItem], region: str, marginacion: str, poblacion: str) -> list[RankingItem]:
    """Keep the rows matching the region, CONAPO grade and population band (empty means any)."""
    band = BANDS.get(poblacion)
    return [
        r
        for r in rows
        if (not region or (r.region or "") == region)
        and (not marginacion or (r.conapo_gm_2020 or "") == marginacion)
        and (band is None or band[1] <= r.poblacion_2020 < band[2])
    ]


def sort_ranking(rows: Sequence[RankingItem], orden: str) -> list[RankingItem]:
    """Sort by a score (best first, no data last), by name, or by population (largest first)."""
    if orden == "nombre":
        return sorted(rows, key=lambda r: r.nombre)
    if orden == "poblacion":
        return sorted(rows, key=lambda r: -r.poblacion_2020)
    return sorted(rows, key=lambda r: (r.scores.get(orden) is None, -(r.scores.get(orden) or 0.0), r.nombre))


def export_cells(model: BaseModel, exclude: set[str] | None = None) -> dict[str, Cell]:
    """A response model as export cells keyed by its JSON names, keeping dates and times as values (not API text)
    so that CSV writes them for machines and XLSX for people."""
    cells: dict[str, Cell] = model.model_dump(exclude=exclude)
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if isinstance(value, date) and name not in (exclude or set()):
            cells[field.serialization_alias or name] = value
    return cells


def ranking_table(rows: Sequence[RankingItem]) -> Table:
    """Export table of the ranking."""
    published = [(k, v) for k, v in SCORE_LABELS.items() if k not in ADDED_SCORES]
    columns = [
        ("cve_inegi", "Clave INEGI"),
        ("nombre", "Municipio"),
        ("poblacion_2020", "Población 2020"),
        ("grado_marginacion", "Grado de marginación"),
        ("region", "Región"),
        ("corrida", "Corrida"),
        ("fecha", "Fecha"),
        *[(k, v) for k, v in published],
        *[(f"cambio_{k}", f"Cambio {v}") for k, v in published],
        ("cumple", "Cumple"),
        ("no_cumple", "No cumple"),
        ("indeterminado", "Indeterminado"),
        ("total_revisado", "Total revisado"),
        ("revisiones_vigentes", "Revisiones vigentes"),
        *[(k, SCORE_LABELS[k]) for k in ADDED_SCORES],
        *[(f"cambio_{k}", f"Cambio {SCORE_LABELS[k]}") for k in ADDED_SCORES],
    ]
    data: list[dict[str, Cell]] = []
    for r in rows:
        line = export_cells(r, {"scores", "change_since_month", "reviewed_scores"})
        line.update(r.scores)
        line["total_revisado"] = r.reviewed_scores.get("total", r.scores.get("total"))
        line.update({f"cambio_{k}": v for k, v in r.change_since_month.items()})
        data.append(line)
    return Table("clasificacion", columns, data)


def municipality_table(page: MunicipalityResponse) -> Table:
    """Export table of a municipality's checklist."""
    columns = [
        ("verificacion", "Verificación"),
        ("etiqueta", "Descripción"),
        ("area", "Área"),
        ("estado", "Estado"),
        ("evidencia_url", "URL de evidencia"),
        ("evidencia_texto", "Texto de evidencia"),
        ("detalle", "Detalle"),
        ("desde", "Desde"),
        ("en_revision", "En revisión"),
        ("confiabilidad", "Confiabilidad medida"),
    ]
    rows = [with_words({**export_cells(v, {"review"}), **review_cells(v.review)}, status_text) for v in page.checklist]
    return Table(f"municipio_{page.cve_inegi}", with_review_columns(with_word_column(columns)), rows)


def check_table(page: CheckResponse) -> Table:
    """Export table of a check's latest status per municipality."""
    columns = [
        ("cve_inegi", "Clave INEGI"),
        ("nombre", "Municipio"),
        ("estado", "Estado"),
        ("evidencia_url", "URL de evidencia"),
        ("evidencia_texto", "Texto de evidencia"),
        ("en_revision", "En revisión"),
        ("confiabilidad", "Confiabilidad medida"),
    ]
    mark: dict[str, Cell] = {"en_revision": page.under_review, "confiabilidad": page.precision}
    rows = [
        with_words({**export_cells(m, {"review"}), **mark, **review_cells(m.review)}, status_text) for m in page.latest
    ]
    return Table(f"verificacion_{page.check_id}", with_review_columns(with_word_column(columns)), rows)


REVIEW_COLUMNS = [
    ("estado_revisado", "Estado revisado"),
    ("revision_situacion", "Situación de la revisión"),
    ("revision_auditor", "Revisado por"),
    ("revision_fecha", "Fecha de la revisión"),
    ("revision_motivo", "Motivo de la revisión"),
]


def with_review_columns(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Columns with the auditors' review right after the machine's status in words («estado_texto»)."""
    at = [key for key, _ in columns].index("estado_texto") + 1
    return [*columns[:at], *REVIEW_COLUMNS, *columns[at:]]


def review_cells(review: ReviewItem | None) -> dict[str, Cell]:
    """The review columns of one verdict (empty when it was never reviewed)."""
    if review is None:
        return {}
    situation = "vigente" if review.in_force else "vuelve a revisión"
    return {
        "revision_situacion": situation,
        "revision_auditor": review.auditor,
        "revision_fecha": review.at,
        "revision_motivo": review.reason,
    }


def ipomex_table(page: IpomexResponse) -> Table:
    """Export table of the IPOMEX matrix."""
    columns = [("cve_inegi", "Clave INEGI"), ("nombre", "Municipio"), *[(f, f) for f in page.fraction_ids]]
    rows: list[dict[str, Cell]] = [{"cve_inegi": r.cve_inegi, "nombre": r.nombre, **r.statuses} for r in page.rows]
    return Table("ipomex", columns, rows)


def runs_table(rows: Sequence[RunItem]) -> Table:
    """Export table of the runs."""
    columns = [
        ("id", "Corrida"),
        ("tipo", "Tipo"),
        ("estado", "Estado"),
        ("inicio", "Inicio"),
        ("fin", "Fin"),
        ("duracion_segundos", "Duración (s)"),
        ("sitios", "Sitios"),
        ("paginas_ok", "Páginas leídas"),
        ("paginas_error", "Páginas con error"),
        ("reanuda", "Reanuda la corrida"),
        ("reanudada_por", "Reanudada por la corrida"),
        ("sin_leer", "Sin leer"),
        ("error", "Error"),
    ]
    cells = [with_words({**export_cells(r), "sin_leer": _unread_text(r)}, run_status_text) for r in rows]
    return Table("corridas", with_word_column(columns), cells)


def run_status_text(status: str | None) -> str:
    """The Spanish word for a run status."""
    return RUN_STATUS_TEXT.get(status or "", status or "")


def with_word_column(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Columns with «estado_texto» (the status in words) right after the «estado» code."""
    at = [key for key, _ in columns].index("estado") + 1
    return [*columns[:at], ("estado_texto", "Estado (en palabras)"), *columns[at:]]


def with_words(cells: dict[str, Cell], words: Callable[[str | None], str]) -> dict[str, Cell]:
    """Cells with the status code's words beside it."""
    code = cells.get("estado")
    return {**cells, "estado_texto": words(code if isinstance(code, str) else None)}


def _unread_text(run: RunItem) -> str:
    """What a run did not read, one «municipio (clave), etapa: motivo» per item, for spreadsheets."""
    return "; ".join(f"{u.nombre} ({u.cve_inegi}), {u.stage_label}: {reason_text(u.reason)}" for u in run.unread)


def ipomex_cells(page: IpomexResponse) -> list[Markup]:
    """Each matrix row's status cells as escaped HTML (one string per row keeps the 10 000-cell page fast)."""
    cells: dict[str, Markup] = {}
    for status in {s for r in page.rows for s in r.statuses.values()}:
        text = STATUS_TEXT.get(status, status)
        cells[status] = Markup('<td class="celda {}" title="{}">{}</td>').format(status, text, text[:1])
    return [Markup("").join(cells[r.statuses[f]] for f in page.fraction_ids) for r in page.rows]


def fraction_heads(page: IpomexResponse, obligations: ObligationCatalogue) -> dict[str, tuple[str, str]]:
    """Each matrix column's head as people cite the fraction («II A», with the article when several are shown)
    and its hover text (article, fraction, title); columns missing from the catalogue keep their id."""
    known = {o.id: o for o in obligations.obligations if o.id in set(page.fraction_ids)}
    several = len({o.articulo for o in known.values()}) > 1
    return {
        f: (
            f"{o.articulo} {o.fraccion}" if several else o.fraccion,
            f"Artículo {o.articulo}, fracción {o.fraccion}: {o.titulo}",
        )
        for f, o in known.items()
    }
