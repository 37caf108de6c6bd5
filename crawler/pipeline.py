"""One crawl run from registry rows to stored results: start the run, store each source's reports, close it honestly."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, runtime_checkable

from checks.catalogue import load_catalogue
from checks.ipomex_model import IpomexCapture
from checks.model import SiteReport, SourceReport, Unread
from checks.obligations import load_obligations
from config.registry import Municipality
from core.errors import CrawlError
from crawler.browser import RenderStats
from crawler.completeness import missing, partial_message, stage_of, unread_reports
from crawler.netprobe import NetworkProbe, accuses, offline_report
from crawler.runner import crawl
from crawler.settings import CrawlSettings
from crawler.source import SOURCES, History, Source, SourcePlan, load_sources

UNREACHABLE = frozenset({"dns", "connect", "timeout"})
MIN_SITES_FOR_NETWORK_ALARM = 5


class RunStore(History, Protocol):
    """Where a run is recorded (the database in production, a fake in tests), and what earlier runs read."""

    def start(self, kind: str, municipalities: Sequence[Municipality], params: dict[str, object]) -> int: ...
    def record(self, run_id: int, report: SourceReport) -> None: ...
    def finish(self, run_id: int, status: str, error: str | None = None, unread: Sequence[Unread] = ()) -> None: ...


@runtime_checkable
class EvidenceStore(Protocol):
    """A run store that archives evidence: where the crawl processes spool it, and what to tell about it."""

    def capture_folder(self, run_id: int) -> str | None: ...
    def archive_notice(self, run_id: int) -> str | None: ...


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
    # Each municipality's stage that was not read definitively (out of time, interrupted, never reported).
    unread: list[Unread] = field(default_factory=list)
    # A resume (vigia rastrear --reanudar): the partial run it completes and, per stage, the municipalities it carried.
    resumed_run_id: int | None = None
    carried: dict[str, int] = field(default_factory=dict)
    # Spanish notice when the night's evidence was not (or not wholly) archived; the results are stored anyway.
    archive_notice: str | None = None


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


def run_params(cfg: CrawlSettings, run_date: date) -> dict[str, object]:
    """The parameters a run records; loading the rules first, so that a broken catalogue or obligations file stops
    every caller (crawl, demo, nightly, resume) before a run row exists."""
    load_catalogue()
    load_obligations()
    return {
        "run_date": run_date.isoformat(),
        "max_depth": cfg.max_depth,
        "max_pages": cfg.max_pages,
        "obey_robots": cfg.obey_robots,
        "ipomex": cfg.ipomex,
    }


def run_and_store(
    store: RunStore,
    municipalities: Sequence[Municipality],
    cfg: CrawlSettings,
    run_date: date,
    kind: str = "crawl",
    on_event: Callable[[object], None] | None = None,
    sources: Sequence[str] = SOURCES,
    probe: NetworkProbe | None = None,
) -> RunSummary:
    """Crawl every source into a new run; the run is complete only if each source's every target was recorded.

    No site is recorded as unreachable unless the connectivity probe (default: VIGIA_PROBE_HOSTS) succeeds; when
    it fails the site is `sin_red` and the run fails, however few sites it had."""
    started = time.monotonic()
    params = run_params(cfg, run_date)
    loaded = load_sources(sources)
    run_id = store.start(kind, municipalities, params)
    night = Night(store, run_id, loaded, cfg, run_date, on_event, probe, started)
    return night.crawl(dict.fromkeys(loaded, municipalities), municipalities)


@dataclass
class Night:
    """An open run to crawl into: where it is stored, its sources and settings (shared by a resume)."""

    store: RunStore
    run_id: int
    sources: dict[str, Source]
    cfg: CrawlSettings
    run_date: date
    on_event: Callable[[object], None] | None = None
    probe: NetworkProbe | None = None
    started: float = field(default_factory=time.monotonic)

    def crawl(
        self,
        chosen: Mapping[str, Sequence[Municipality]],
        municipalities: Sequence[Municipality],
        missed: Sequence[Unread] = (),
    ) -> RunSummary:
        """Plan each source over its chosen municipalities, crawl, store every report and close the run honestly;
        missed pairs (a resume's) that no source planned stay unread."""
        recorder = _Recorder(self.store, self.run_id, self.sources, self.on_event)
        recorder.names = {m.cve_inegi: m.nombre for m in municipalities}
        recorder.network(self.probe or NetworkProbe.from_settings(), self.run_date)
        cfg, run_date = self.cfg, self.run_date
        evidence = self.store if isinstance(self.store, EvidenceStore) else None
        spool = evidence.capture_folder(self.run_id) if evidence else None
        try:
            plans = {
                module: source.plan(chosen[module], cfg, run_date, self.store)
                for module, source in self.sources.items()
            }
            for report in (report for plan in plans.values() for report in plan.decided):
                recorder.handle(report)
            for event in crawl(plans, cfg, run_date, spool):
                recorder.handle(event)
        except CrawlError as exc:
            self.store.finish(self.run_id, "failed", str(exc))
            raise
        except BaseException:
            self.store.finish(self.run_id, "failed", "interrumpida antes de terminar")
            raise
        recorder.unread = unplanned(missed, plans)
        status, error = recorder.closing_status(plans, cfg)
        self.store.finish(self.run_id, status, error, recorder.unread)
        summary = recorder.summary(status, error, len(municipalities), round(time.monotonic() - self.started, 1))
        summary.archive_notice = evidence.archive_notice(self.run_id) if evidence else None
        return summary


def planned_cves(plan: SourcePlan) -> list[str]:
    """The municipalities a source's plan covers (targets to visit and reports already decided)."""
    cves = [getattr(t, "cve_inegi", None) for t in plan.targets] + [r.cve_inegi for r in plan.decided]
    return [cve for cve in cves if cve]


def unplanned(missed: Sequence[Unread], plans: Mapping[str, SourcePlan]) -> list[Unread]:
    """The missed pairs no source planned (municipality out of the registry, stage switched off): still unread."""
    planned = {(cve, stage_of(module)) for module, plan in plans.items() for cve in planned_cves(plan)}
    return [item for item in missed if (item.cve_inegi, item.stage) not in planned]


class _Recorder:
    """Store each report of a run in its own unit of work and keep the counts for the summary."""

    def __init__(
        self, store: RunStore, run_id: int, sources: dict[str, Source], on_event: Callable[[object], None] | None
    ) -> None:
        self.store, self.run_id, self.sources, self.on_event = store, run_id, sources, on_event
        self.owner = {name: module for module, source in sources.items() for name in source.names}
        self.recorded = dict.fromkeys(sources, 0)
        self.reports: list[SiteReport] = []
        self.portals = self.portals_unread = 0
        self.browser: RenderStats | None = None
        self.names: dict[str, str] = {}
        self.delivered: dict[str, list[SourceReport]] = {module: [] for module in sources}
        self.unread: list[Unread] = []
        self.network(NetworkProbe([]), date.min)

    def network(self, probe: NetworkProbe, run_date: date) -> None:
        """The probe asked before a site is recorded as unreachable, and the run date to re-decide it."""
        self.probe, self.run_date, self.offline = probe, run_date, 0

    def handle(self, event: object) -> None:
        """Record a source's report; remember the browser's usage."""
        if isinstance(event, SourceReport):
            event = self.record(event)
        elif isinstance(event, RenderStats):
            self.browser = event
        if self.on_event:
            self.on_event(event)

    def record(self, report: SourceReport) -> SourceReport:
        """Store one report (an unreachable site only once our network is known up) and count it for its source
        (site and portal facts also for the summary); return what was stored."""
        module = self.owner.get(report.source)
        if module is None:
            raise CrawlError(f"Ninguna fuente registrada entrega resultados de «{report.source}».")
        if accuses(report) and not self.probe.online():
            report = offline_report(report, self.run_date)
            self.offline += 1
        self.store.record(self.run_id, report)
        self.recorded[module] += 1
        # Only what completeness needs: the municipality and the failure, not the results.
        self.delivered[module].append(SourceReport(report.source, report.cve_inegi, failure=report.failure))
        if isinstance(report.facts, SiteReport):
            self.reports.append(report.facts)
        elif isinstance(report.facts, IpomexCapture):
            self.portals += 1
            self.portals_unread += report.failure is not None
        return report

    def closing_status(self, plans: dict[str, SourcePlan], cfg: CrawlSettings) -> tuple[str, str | None]:
        """Failed when our network was down or on a network alarm; partial when any municipality's stage was not
        read definitively."""
        if self.offline:
            return "failed", self.probe.offline_message()
        alarm = network_alarm(self.reports, cfg)
        if alarm:
            return "failed", alarm
        for module, plan in plans.items():
            self.unread += self._unread(module, plan)
        if self.unread:
            return "partial", partial_message(self.unread)
        for module, plan in plans.items():
            done, planned = self.recorded[module], plan.planned
            if done < planned:
                return "partial", f"sólo {done} de {planned} {self.sources[module].label} terminaron"
        return "complete", None

    def _unread(self, module: str, plan: SourcePlan) -> list[Unread]:
        stage, delivered, planned = stage_of(module), self.delivered[module], planned_cves(plan)
        recorded = [r.cve_inegi for r in delivered if r.cve_inegi]
        return unread_reports(stage, delivered, self.names) + missing(stage, planned, recorded, self.names)

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
            self.unread,
        )
