"""One crawl run from registry rows to stored results: start the run, store each site, close the run honestly."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from checks.catalogue import load_catalogue
from checks.ipomex_eval import evaluate_capture
from checks.ipomex_model import IpomexCapture
from checks.model import CheckResult, SiteReport
from checks.obligations import load_obligations
from config.registry import Municipality
from core.errors import CrawlError
from crawler.browser import RenderStats
from crawler.ipomex.base import IpomexTarget, targets_for
from crawler.runner import crawl
from crawler.settings import CrawlSettings
from crawler.target import SiteTarget

UNREACHABLE = frozenset({"dns", "connect", "timeout"})
MIN_SITES_FOR_NETWORK_ALARM = 5


class RunStore(Protocol):
    """Where a run is recorded (the database in production, a fake in tests)."""

    def start(self, kind: str, municipalities: Sequence[Municipality], params: dict[str, object]) -> int: ...
    def record(self, run_id: int, report: SiteReport) -> None: ...
    def record_ipomex(self, run_id: int, capture: IpomexCapture, results: Sequence[CheckResult]) -> None: ...
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
    portals_done: int = 0
    portals_unread: int = 0
    browser: RenderStats | None = None


def network_alarm(reports: Sequence[SiteReport], cfg: CrawlSettings) -> str | None:
    """Spanish explanation when most sites were unreachable at once: likely our own network, not theirs."""
    crawled = [r for r in reports if r.start_url]
    down = [r for r in crawled if r.outcome.failure in UNREACHABLE]
    if len(crawled) < MIN_SITES_FOR_NETWORK_ALARM or len(down) < cfg.min_fail_ratio_for_network_alarm * len(crawled):
        return None
    return (
        f"{len(down)} de {len(crawled)} sitios fueron inalcanzables a la vez: probablemente falla la red de "
        "Vigía y no los portales. La corrida no se publica; revise la conexión y vuelva a ejecutarla."
    )


def portal_plan(
    municipalities: Sequence[Municipality], cfg: CrawlSettings, run_date: date
) -> tuple[list[IpomexTarget], list[IpomexCapture]]:
    """Portal targets to crawl, and captures already decided for municipalities with no known IPOMEX address."""
    if not cfg.ipomex:
        return [], []
    targets, unknown = [], []
    for item in targets_for(municipalities, cfg.ipomex4_base):
        if isinstance(item, IpomexTarget):
            targets.append(item)
        else:
            capture = IpomexCapture(
                item.cve_inegi,
                "ipomex",
                None,
                datetime.now(UTC),
                "no_ipomex",
                "el registro no tiene la dirección de IPOMEX de este municipio",
            )
            unknown.append(capture)
    return targets, unknown


def run_and_store(
    store: RunStore,
    municipalities: Sequence[Municipality],
    cfg: CrawlSettings,
    run_date: date,
    kind: str = "crawl",
    on_event: Callable[[object], None] | None = None,
) -> RunSummary:
    """Crawl sites then IPOMEX into a new run; the run is complete only if every site and portal was recorded."""
    started = time.monotonic()
    # A broken catalogue or obligations file must stop every caller (crawl, demo, nightly) before a run row exists.
    load_catalogue()
    load_obligations()
    params: dict[str, object] = {
        "run_date": run_date.isoformat(),
        "max_depth": cfg.max_depth,
        "max_pages": cfg.max_pages,
        "obey_robots": cfg.obey_robots,
        "ipomex": cfg.ipomex,
    }
    run_id = store.start(kind, municipalities, params)
    portals, unknown = portal_plan(municipalities, cfg, run_date)
    recorder = _Recorder(store, run_id, run_date, on_event)
    try:
        for event in crawl([SiteTarget.of(m) for m in municipalities], portals, cfg, run_date):
            recorder.handle(event)
        for capture in unknown:
            recorder.handle(capture)
    except CrawlError as exc:
        store.finish(run_id, "failed", str(exc))
        raise
    except BaseException:
        store.finish(run_id, "failed", "interrumpida antes de terminar")
        raise
    status, error = _closing_status(recorder.reports, len(municipalities), cfg)
    if status == "complete" and recorder.portals < len(portals) + len(unknown):
        status, error = "partial", f"sólo {recorder.portals} de {len(portals) + len(unknown)} portales terminaron"
    store.finish(run_id, status, error)
    return recorder.summary(status, error, len(municipalities), round(time.monotonic() - started, 1))


class _Recorder:
    """Store each event of a run in its own unit of work and keep the counts for the summary."""

    def __init__(self, store: RunStore, run_id: int, run_date: date, on_event: Callable[[object], None] | None) -> None:
        self.store, self.run_id, self.run_date, self.on_event = store, run_id, run_date, on_event
        self.obligations = load_obligations()
        self.reports: list[SiteReport] = []
        self.portals = self.portals_unread = 0
        self.browser: RenderStats | None = None

    def handle(self, event: object) -> None:
        """Record a site report or an IPOMEX capture; remember the browser's usage."""
        if isinstance(event, SiteReport):
            self.store.record(self.run_id, event)
            self.reports.append(event)
        elif isinstance(event, IpomexCapture):
            results = evaluate_capture(event, self.obligations, self.run_date)
            self.store.record_ipomex(self.run_id, event, results)
            self.portals += 1
            self.portals_unread += event.failure is not None
        elif isinstance(event, RenderStats):
            self.browser = event
        if self.on_event:
            self.on_event(event)

    def summary(self, status: str, error: str | None, planned: int, seconds: float) -> RunSummary:
        """The run's summary from what was recorded."""
        reports = self.reports
        return RunSummary(
            self.run_id,
            status,
            planned,
            len(reports),
            sum(r.outcome.failure in UNREACHABLE for r in reports),
            sum(r.outcome.pages_ok for r in reports),
            sum(r.outcome.pages_failed for r in reports),
            seconds,
            error,
            self.portals,
            self.portals_unread,
            self.browser,
        )


def _closing_status(reports: Sequence[SiteReport], planned: int, cfg: CrawlSettings) -> tuple[str, str | None]:
    alarm = network_alarm(reports, cfg)
    if alarm:
        return "failed", alarm
    if len(reports) < planned:
        return "partial", f"sólo {len(reports)} de {planned} sitios terminaron"
    return "complete", None
