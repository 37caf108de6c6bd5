"""A run is complete only when every site and portal was recorded; anything else is partial or failed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from checks.ipomex_model import IpomexCapture
from checks.model import CheckResult, CrawlOutcome, PriorRead, SiteReport, SourceReport, Unread
from config.registry import Municipality, load_registry
from core.errors import CrawlError
from crawler import pipeline
from crawler.settings import CrawlSettings
from spiders.sitio.source import source_report

RUN_DATE = date(2026, 11, 24)


class FakeStore:
    """Records what the pipeline stores, as the database would; with remember, a later run's plan sees the portals
    an earlier run of this store read (as the database's last_read does), else nothing."""

    def __init__(self, remember: bool = False) -> None:
        self.sites: list[SiteReport] = []
        self.portals: list[tuple[IpomexCapture, Sequence[CheckResult]]] = []
        self.finished: tuple[str, str | None] | None = None
        self.unread: list[Unread] = []
        self.remember, self.runs = remember, 6
        self.read: dict[str, PriorRead] = {}
        self.run_date = RUN_DATE

    def start(self, kind: str, municipalities: Sequence[Municipality], params: dict[str, object]) -> int:
        self.runs += 1
        self.run_date = date.fromisoformat(str(params["run_date"]))
        return self.runs

    def last_read(self, names: frozenset[str], cves: Sequence[str]) -> dict[str, PriorRead]:
        return {cve: prior for cve, prior in self.read.items() if cve in cves} if self.remember else {}

    def record(self, run_id: int, report: SourceReport) -> None:
        if isinstance(report.facts, IpomexCapture):
            self.portals.append((report.facts, report.results))
            if report.facts.failure is None and report.cve_inegi:
                results = {r.check_id: r for r in report.results}
                self.read[report.cve_inegi] = PriorRead(run_id, self.run_date, results)
        elif isinstance(report.facts, SiteReport):
            self.sites.append(report.facts)

    def finish(self, run_id: int, status: str, error: str | None = None, unread: Sequence[Unread] = ()) -> None:
        self.finished = (status, error)
        self.unread = list(unread)


def report(cve: str, failure: str | None = None) -> SourceReport:
    outcome = CrawlOutcome("http://x.mx/", None if failure else "http://x.mx/", failure)
    return source_report(SiteReport(cve, "http://x.mx/", outcome))


def use_crawl(monkeypatch: pytest.MonkeyPatch, events: list[Any], then_raise: bool = False) -> None:
    def fake_crawl(*args: Any) -> Iterator[Any]:
        yield from events
        if then_raise:
            raise CrawlError("El proceso de rastreo terminó inesperadamente")

    monkeypatch.setattr(pipeline, "crawl", fake_crawl)


def municipalities(n: int) -> list[Municipality]:
    return [m.with_site(f"http://127.0.0.1:{9000 + i}/") for i, m in enumerate(load_registry()[:n])]


def test_a_crawl_that_dies_leaves_the_run_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = municipalities(2)
    use_crawl(monkeypatch, [report(chosen[0].cve_inegi)], then_raise=True)
    store = FakeStore()
    with pytest.raises(CrawlError):
        pipeline.run_and_store(store, chosen, CrawlSettings(ipomex=False), RUN_DATE)
    assert store.finished is not None and store.finished[0] == "failed"
    assert len(store.sites) == 1


def test_missing_sites_make_the_run_partial(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = municipalities(2)
    use_crawl(monkeypatch, [report(chosen[0].cve_inegi)])
    store = FakeStore()
    summary = pipeline.run_and_store(store, chosen, CrawlSettings(ipomex=False), RUN_DATE)
    missing = chosen[1]
    assert summary.status == "partial" and store.finished is not None
    assert [(u.cve_inegi, u.stage, u.reason) for u in summary.unread] == [(missing.cve_inegi, "sitio", "sin_reporte")]
    assert store.unread == summary.unread
    assert f"{missing.nombre} ({missing.cve_inegi})" in (store.finished[1] or "")


def test_a_portal_out_of_time_makes_the_run_partial_and_names_the_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = municipalities(3)
    late = chosen[1]
    portals = [ipomex_report(m.cve_inegi, "ipomex_sin_tiempo" if m is late else None) for m in chosen]
    use_crawl(monkeypatch, [*(report(m.cve_inegi) for m in chosen), *portals])
    store = FakeStore()
    summary = pipeline.run_and_store(store, chosen, CrawlSettings(), RUN_DATE)
    assert summary.status == "partial"
    assert [(u.cve_inegi, u.stage, u.reason) for u in summary.unread] == [
        (late.cve_inegi, "ipomex", "ipomex_sin_tiempo")
    ]
    assert summary.error is not None and "IPOMEX sin leer en 1 municipio(s) por ipomex_sin_tiempo" in summary.error
    assert "se agotó el tiempo" in summary.error.lower() and late.nombre in summary.error


def test_a_site_that_answered_and_failed_is_a_definitive_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = municipalities(2)
    use_crawl(monkeypatch, [report(chosen[0].cve_inegi, "dns"), report(chosen[1].cve_inegi)])
    summary = pipeline.run_and_store(FakeStore(), chosen, CrawlSettings(ipomex=False), RUN_DATE)
    assert summary.status == "complete" and summary.unread == []


def ipomex_report(cve: str, failure: str | None) -> SourceReport:
    capture = IpomexCapture(cve, "ipomex4", "http://127.0.0.1/ipomex/", datetime.now(UTC), failure)
    return SourceReport("ipomex4", cve, [], failure, None, capture)


def test_most_sites_unreachable_at_once_is_our_network_not_theirs(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = municipalities(5)
    use_crawl(monkeypatch, [report(m.cve_inegi, "connect") for m in chosen])
    store = FakeStore()
    summary = pipeline.run_and_store(store, chosen, CrawlSettings(ipomex=False), RUN_DATE)
    assert summary.status == "failed" and "red de Vigía" in (summary.error or "")


def test_municipalities_without_ipomex_address_are_recorded_as_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = municipalities(1)
    use_crawl(monkeypatch, [report(chosen[0].cve_inegi)])
    store = FakeStore()
    summary = pipeline.run_and_store(store, chosen, CrawlSettings(), RUN_DATE)
    assert summary.status == "complete" and len(store.portals) == 1
    capture, results = store.portals[0]
    assert capture.failure == "no_ipomex" and len(results) == 87
    assert {r.status for r in results} == {"indeterminado"}


def test_the_plan_hands_ipomex4_targets_what_the_last_run_that_read_them_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = load_registry()
    ipomex4, ipomex3 = replace(rows[0], ipomex4_id=146), replace(rows[1], ipomex4_id=None, ipomex_url="http://i/3.web")
    store = FakeStore(remember=True)
    kept = CheckResult("ipomex.92.i", "cumple", source="ipomex4", last_update=date(2026, 10, 1))
    store.read = {
        cve: PriorRead(3, date(2026, 11, 23), {kept.check_id: kept}) for cve in (rows[0].cve_inegi, rows[1].cve_inegi)
    }
    planned: list[Any] = []

    def fake_crawl(plans: Any, cfg: CrawlSettings, run_date: date, spool: str | None = None) -> Iterator[Any]:
        planned.extend(target for plan in plans.values() for target in plan.targets)
        yield from ()

    monkeypatch.setattr(pipeline, "crawl", fake_crawl)
    pipeline.run_and_store(store, [ipomex4, ipomex3], CrawlSettings(), RUN_DATE, sources=("spiders.ipomex",))
    prior = {target.source: target.prior for target in planned}
    assert prior["ipomex4"] == store.read[rows[0].cve_inegi] and prior["ipomex3"] is None
