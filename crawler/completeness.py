"""Honest completeness: a run is complete only if every municipality got a definitive attempt at every stage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from checks.ipomex_eval import capture_failure_detail
from checks.model import SourceReport, Unread, stage_label
from crawler.failures import DETAILS

# Reasons that say "not read this time" (out of time, interrupted, crashed), not "read and found wanting": a
# municipality with one of them was not attempted definitively, so the run cannot be complete.
NOT_DEFINITIVE = frozenset(
    {"ipomex_sin_tiempo", "sitio_sin_tiempo", "interrupted", "crawl_incomplete", "crawl_crashed", "sin_reporte"}
)
NO_REPORT = "sin_reporte"
NO_REPORT_DETAIL = "el rastreo terminó sin entregar el resultado de esta etapa"
LISTED = 10  # names shown per reason; the rest are counted


def stage_of(module: str) -> str:
    """The stage of a source module: its package name (spiders.ipomex → ipomex)."""
    return module.rsplit(".", 1)[-1]


def reason_detail(reason: str, detail: str | None) -> str:
    """The Spanish explanation of a reason code, whichever stage produced it."""
    if detail:
        return detail
    if reason in DETAILS:
        return DETAILS[reason]
    return NO_REPORT_DETAIL if reason == NO_REPORT else capture_failure_detail(reason)


def unread_reports(stage: str, reports: Iterable[SourceReport], names: Mapping[str, str]) -> list[Unread]:
    """The reports of one stage whose failure means the stage was not read definitively."""
    found = []
    for report in reports:
        cve, reason = report.cve_inegi, report.failure
        if cve is not None and reason in NOT_DEFINITIVE and reason is not None:
            found.append(Unread(cve, names.get(cve, cve), stage, reason, reason_detail(reason, None)))
    return found


def missing(stage: str, planned: Iterable[str], recorded: Iterable[str], names: Mapping[str, str]) -> list[Unread]:
    """Municipalities planned for a stage that never delivered a report."""
    done = set(recorded)
    return [Unread(cve, names.get(cve, cve), stage, NO_REPORT, NO_REPORT_DETAIL) for cve in planned if cve not in done]


def partial_message(unread: Iterable[Unread]) -> str:
    """One Spanish paragraph listing what was not read and why, grouped by stage and reason."""
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for item in unread:
        groups[(item.stage, item.reason, item.detail)].append(f"{item.nombre} ({item.cve_inegi})")
    parts = []
    for (stage, reason, detail), who in groups.items():
        shown = ", ".join(who[:LISTED]) + (f" y {len(who) - LISTED} más" if len(who) > LISTED else "")
        parts.append(f"{stage_label(stage)} sin leer en {len(who)} municipio(s) por {reason} ({detail}): {shown}")
    return "Corrida parcial: " + "; ".join(parts) + "."
