"""`vigia rastrear --reanudar`: complete a partial run in a new run that crawls only the pairs it did not read.

The new run records the run it resumes, carries forward (copies as its own, marked) every municipality × stage the
partial run did read, crawls the pairs it missed, and closes complete when every pair is now read (partial, with
what is still missing, otherwise). The store does the carrying (storage.resume); this module plans the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from checks.model import Unread
from config.registry import Municipality
from crawler.completeness import stage_of
from crawler.netprobe import NetworkProbe
from crawler.pipeline import Night, RunStore, RunSummary, run_params
from crawler.settings import CrawlSettings
from crawler.source import SOURCES, load_sources


class ResumableStore(RunStore, Protocol):
    """A run store that can open a run resuming a partial one."""

    def resume(
        self,
        run_id: int,
        municipalities: Sequence[Municipality],
        params: dict[str, object],
        stages: Mapping[str, Collection[str]],
    ) -> tuple[int, dict[str, int]]:
        """Open a run completing run_id, carrying what it read; the new id and, per stage, how many it carried."""
        ...


@dataclass(frozen=True)
class Resume:
    """A partial run to complete: its id and the municipality × stage pairs it did not read."""

    run_id: int
    missed: Sequence[Unread]


def resume_and_store(
    store: ResumableStore,
    resume: Resume,
    municipalities: Sequence[Municipality],
    cfg: CrawlSettings,
    run_date: date,
    on_event: Callable[[object], None] | None = None,
    sources: Sequence[str] = SOURCES,
    probe: NetworkProbe | None = None,
) -> RunSummary:
    """Complete the partial run in a new run: only the missed pairs are crawled (each source plans just the
    municipalities whose stage it missed); complete when every pair is now read."""
    started = time.monotonic()
    params = {**run_params(cfg, run_date), "reanuda": resume.run_id}
    loaded = load_sources(sources)
    stages = {stage_of(module): source.names for module, source in loaded.items()}
    run_id, carried = store.resume(resume.run_id, municipalities, params, stages)
    missed = {(item.cve_inegi, item.stage) for item in resume.missed}
    chosen = {module: [m for m in municipalities if (m.cve_inegi, stage_of(module)) in missed] for module in loaded}
    night = Night(store, run_id, loaded, cfg, run_date, on_event, probe, started)
    summary = night.crawl(chosen, municipalities, resume.missed)
    return replace(summary, resumed_run_id=resume.run_id, carried=carried)
