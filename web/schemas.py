"""Pydantic response models of the JSON API (documented in /openapi.json, in Spanish): the page rows come from
storage.page_rows; only the API's own envelopes live here."""

from __future__ import annotations

from pydantic import BaseModel

from storage.page_rows import RankingItem, RunItem


class RankingResponse(BaseModel):
    """Clasificación de los municipios, ya filtrada y ordenada."""

    orden: str
    filtros: dict[str, str]
    municipios: list[RankingItem]


class RunsResponse(BaseModel):
    """Corridas más recientes, de la más nueva a la más antigua."""

    corridas: list[RunItem]
