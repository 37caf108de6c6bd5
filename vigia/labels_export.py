"""The auditors' reviews in force as labels of the labelled corpus (the format checks.labels reads).

Only site checks are exported (the corpus measures the site checks); a review to «indeterminado» becomes «ambiguo»
(not scored), as an auditor who cannot tell is. Each municipality is one corpus folder «<clave>-<nombre>».
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from checks.catalogue import Catalogue
from config.registry import Municipality
from core.clock import machine_date, to_local
from core.text import fold
from storage.reviews import ReviewState

# Review status → label status (checks.labels.LABEL_STATUSES).
LABEL_OF = {"cumple": "cumple", "no_cumple": "no_cumple", "indeterminado": "ambiguo"}
DONE = {"confirmar": "confirmado", "corregir": "corregido"}


def site_folder(m: Municipality) -> str:
    """The corpus folder of a municipality: «15106-toluca»."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(m.nombre)).strip("-")
    return f"{m.cve_inegi}-{slug}" if slug else m.cve_inegi


def _label(state: ReviewState) -> dict[str, Any]:
    review = state.review
    label: dict[str, Any] = {
        "status": LABEL_OF[review.status_after],
        "reason": f"{DONE.get(review.action, review.action)} por {review.auditor} ({machine_date(to_local(review.at).date())}): {review.reason}",
    }
    if state.verdict is not None and state.verdict.evidence_url:
        label["evidence"] = state.verdict.evidence_url
    return label


def labels_document(
    states: Iterable[ReviewState], registry: Sequence[Municipality], catalogue: Catalogue, exported_at: str
) -> dict[str, Any]:
    """The labels file: «sources» (one entry per municipality) and «sites» (folder → check id → label)."""
    site_checks = {spec.id for spec in catalogue.site_checks()}
    by_cve = {m.cve_inegi: m for m in registry}
    sites: dict[str, dict[str, Any]] = {}
    sources: list[dict[str, Any]] = []
    chosen = [s for s in states if s.in_force and s.review.source == "sitio" and s.review.check_id in site_checks]
    for state in sorted(chosen, key=lambda s: s.review.key):
        m = by_cve.get(state.review.cve_inegi)
        if m is None:
            continue
        folder = site_folder(m)
        if folder not in sites:
            sites[folder] = {}
            sources.append(_source(m, folder, state, exported_at))
        sites[folder][state.review.check_id] = _label(state)
    return {"sources": sources, "sites": sites}


def _source(m: Municipality, folder: str, state: ReviewState, exported_at: str) -> dict[str, Any]:
    return {
        "slug": folder,
        "name": m.nombre,
        "state": "México",
        "cve_inegi": m.cve_inegi,
        "site": m.sitio_web,
        "run": state.review.run_id,
        "exported_by": "vigia revisar exportar",
        "exported_at": exported_at,
    }
