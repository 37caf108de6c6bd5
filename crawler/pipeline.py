"""One crawl run from registry rows to stored results: start the run, store each site, close the run honestly."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from checks.model import SiteReport
from config.registry import Municipality
from crawler.runner import crawl_sites
from crawler.settings import CrawlSettings
from crawler.target import SiteTarget
from vigia.errors import CrawlError

UNREACHABLE = frozenset({"dns", "connect", "timeout"})
MIN_SITES_FOR_NETWORK_ALARM = 5


class RunStore(Protocol):
    """Where a run is recorded (the database in production, a fake in tests)."""

    def start(self, kind: str, municipalities: Sequence[Municipality], params: dict[str, object]) -> int: ...
    def record(self, run_id: int, report: SiteReport) -> None: ...
    def finish(self, run_id: int, status: str, error: str | None = None) -> None: ...


@dataclass
class RunSummary:
    """What a finished run did, for the CLI and the scheduler."""

    run_id: int
    status: str
    sites: int
    sites_done: int
    unreachable: int
    pages_ok: int
    pages_failed: int
    seconds: float
    error: str | None = None


def network_alarm(reports: Sequence[SiteReport], cfg: CrawlSettings) -> str | None:
    """Spanish explanation when most sites were unreachable at once: likely our own network, not theirs."""
    crawled = [r for r in reports if r.start_url]
    down = [r for r in crawled if r.outcome.failure in UNREACHABLE]
    if len(crawled) < MIN_SITES_FOR_NETWORK_ALARM or len(down) < cfg.min_fail_ratio_for_network_alarm * len(crawled):
        return None
    return (f"{len(down)} de {len(crawled)} sitios fueron inalcanzables a la vez: probablemente falla la red de "
            "Vigía y no los portales. La corrida no se publica; revise la conexión y vuelva a ejecutarla.")


def run_and_store(store: RunStore, municipalities: Sequence[Municipality], cfg: CrawlSettings, run_date: date,
                  kind: str = "crawl", on_site: Callable[[SiteReport], None] | None = None) -> RunSummary:
    """Crawl the given municipalities into a new run; the run is complete only if every site was recorded."""
    started = time.monotonic()
    params: dict[str, object] = {"run_date": run_date.isoformat(), "max_depth": cfg.max_depth,
                                 "max_pages": cfg.max_pages, "obey_robots": cfg.obey_robots}
    run_id = store.start(kind, municipalities, params)
    reports: list[SiteReport] = []
    try:
        for report in crawl_sites([SiteTarget.of(m) for m in municipalities], cfg, run_date):
            store.record(run_id, report)
            reports.append(report)
            if on_site:
                on_site(report)
    except CrawlError as exc:
        store.finish(run_id, "failed", str(exc))
        raise
    except BaseException:
        store.finish(run_id, "failed", "interrumpida antes de terminar")
        raise
    status, error = _closing_status(reports, len(municipalities), cfg)
    store.finish(run_id, status, error)
    return RunSummary(run_id, status, len(municipalities), len(reports),
                      sum(r.outcome.failure in UNREACHABLE for r in reports),
                      sum(r.outcome.pages_ok for r in reports), sum(r.outcome.pages_failed for r in reports),
                      round(time.monotonic() - started, 1), error)


def _closing_status(reports: Sequence[SiteReport], planned: int, cfg: CrawlSettings) -> tuple[str, str | None]:
    alarm = network_alarm(reports, cfg)
    if alarm:
        return "failed", alarm
    if len(reports) < planned:
        return "partial", f"sólo {len(reports)} de {planned} sitios terminaron"
    return "complete", None
