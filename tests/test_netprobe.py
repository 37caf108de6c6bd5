"""Our network, not theirs: no site is accused of being unreachable while Vigía itself is offline (issue 13)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from checks.model import CrawlOutcome, SiteReport, SourceReport
from config.registry import Municipality, load_registry
from crawler import pipeline
from crawler.netprobe import TRUST_SECONDS, NetworkProbe, parse_hosts, reach
from crawler.settings import CrawlSettings
from spiders.sitio.source import SOURCE, Unvisited, source_report
from spiders.sitio.target import SiteTarget
from storage.db import open_database
from storage.results import run_results
from tests.test_pipeline import FakeStore
from vigia.cli import app

RUN_DATE = date(2026, 11, 24)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fixed(*answers: bool) -> Any:
    """A reach function answering in turn (the last answer repeats); records the hosts asked."""
    asked: list[str] = []

    def answer(host: str, port: int, timeout: float) -> bool:
        asked.append(f"{host}:{port}")
        return answers[min(len(asked), len(answers)) - 1]

    answer.asked = asked  # type: ignore[attr-defined]
    return answer


def test_hosts_are_host_or_host_and_port() -> None:
    assert parse_hosts(" infoem2.ipomex.org.mx, 127.0.0.1:8080 ,,dns.google") == [
        ("infoem2.ipomex.org.mx", 443),
        ("127.0.0.1", 8080),
        ("dns.google", 443),
    ]


def test_one_answering_host_is_enough_and_a_verdict_is_reused_for_a_while() -> None:
    clock, answer = Clock(), fixed(False, True)
    probe = NetworkProbe(parse_hosts("a.test,b.test,c.test"), reach=answer, clock=clock)
    assert probe.online() and answer.asked == ["a.test:443", "b.test:443"]
    clock.now += TRUST_SECONDS / 2
    assert probe.online() and len(answer.asked) == 2
    clock.now += TRUST_SECONDS
    assert probe.online() and len(answer.asked) == 3


def test_no_reference_host_switches_the_probe_off() -> None:
    assert NetworkProbe([], reach=fixed(False)).online()


def test_reach_goes_through_the_dns_seam(monkeypatch: pytest.MonkeyPatch, reference_host: str) -> None:
    port = int(reference_host.rpartition(":")[2])
    monkeypatch.setenv("VIGIA_DNS_OVERRIDES", json.dumps({"referencia.test": "127.0.0.1", "caida.test": None}))
    assert reach("referencia.test", port, 2.0)
    assert not reach("caida.test", port, 2.0)


def test_a_closed_port_is_not_an_answer() -> None:
    assert not reach("127.0.0.1", 1, 2.0)


def test_settings_name_the_reference_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIA_PROBE_HOSTS", "uno.test:80,dos.test")
    assert NetworkProbe.from_settings().hosts == [("uno.test", 80), ("dos.test", 443)]


def sites(n: int) -> list[Municipality]:
    return [m.with_site(f"http://127.0.0.1:{9000 + i}/") for i, m in enumerate(load_registry()[:n])]


def unreachable(m: Municipality, failure: str = "dns") -> SourceReport:
    return SOURCE.evaluate(Unvisited(SiteTarget.of(m), failure), RUN_DATE)


def stalled(m: Municipality) -> SourceReport:
    outcome = CrawlOutcome(m.sitio_web or "", None, "timeout", server_answered=True)
    return source_report(SiteReport(m.cve_inegi, m.sitio_web, outcome))


def crawl_returning(monkeypatch: pytest.MonkeyPatch, events: list[Any]) -> None:
    def fake_crawl(*args: Any) -> Iterator[Any]:
        yield from events

    monkeypatch.setattr(pipeline, "crawl", fake_crawl)


def statuses(store: FakeStore) -> set[tuple[str, str | None]]:
    return {(r.status, r.reason) for site in store.sites for r in site.results}


@pytest.mark.parametrize("count", [1, 125])
def test_offline_every_site_check_is_sin_red_and_the_run_fails(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    chosen = sites(count)
    crawl_returning(monkeypatch, [unreachable(m, ("dns", "connect", "timeout")[i % 3]) for i, m in enumerate(chosen)])
    store = FakeStore()
    probe = NetworkProbe(parse_hosts("referencia.test"), reach=fixed(False))
    summary = pipeline.run_and_store(store, chosen, CrawlSettings(ipomex=False), RUN_DATE, probe=probe)
    assert summary.status == "failed" and summary.unreachable == 0
    assert store.finished is not None and store.finished[0] == "failed"
    assert "sin conexión a internet" in (summary.error or "") and "referencia.test:443" in (summary.error or "")
    assert len(store.sites) == count and statuses(store) == {("indeterminado", "sin_red")}
    assert all(site.outcome.failure == "sin_red" and site.outcome.network_suspect for site in store.sites)


def test_online_an_unreachable_site_is_still_its_own_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = sites(1)
    crawl_returning(monkeypatch, [unreachable(chosen[0])])
    store = FakeStore()
    probe = NetworkProbe(parse_hosts("referencia.test"), reach=fixed(True))
    summary = pipeline.run_and_store(store, chosen, CrawlSettings(ipomex=False), RUN_DATE, probe=probe)
    assert summary.status == "complete" and summary.unreachable == 1
    assert ("no_cumple", "dns") in statuses(store)


def test_a_network_lost_mid_run_spares_only_the_sites_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = sites(2)
    clock, answer = Clock(), fixed(True, False)
    probe = NetworkProbe(parse_hosts("referencia.test"), reach=answer, clock=clock)
    events: list[Any] = [unreachable(chosen[0])]

    def later() -> Iterator[Any]:
        yield from events
        clock.now += TRUST_SECONDS + 1
        yield unreachable(chosen[1])

    monkeypatch.setattr(pipeline, "crawl", lambda *args: later())
    store = FakeStore()
    summary = pipeline.run_and_store(store, chosen, CrawlSettings(ipomex=False), RUN_DATE, probe=probe)
    assert summary.status == "failed"
    assert [site.outcome.failure for site in store.sites] == ["dns", "sin_red"]


def test_reachable_and_stalled_sites_never_ask_the_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = sites(1)
    crawl_returning(monkeypatch, [stalled(chosen[0])])
    answer = fixed(False)
    probe = NetworkProbe(parse_hosts("referencia.test"), reach=answer)
    summary = pipeline.run_and_store(FakeStore(), chosen, CrawlSettings(ipomex=False), RUN_DATE, probe=probe)
    assert summary.status == "complete" and answer.asked == []


def test_crawling_toluca_offline_exits_non_zero_and_accuses_nobody(vigia_home: Path, tmp_path: Path) -> None:
    # Offline through the DNS seam: neither Toluca's site nor the reference host resolves.
    env = {
        "COLUMNS": "200",
        "VIGIA_IPOMEX": "0",
        "VIGIA_RENDER_JS": "0",
        "VIGIA_RETRIES": "0",
        "VIGIA_PROBE_HOSTS": "referencia.test",
        "VIGIA_DNS_OVERRIDES": json.dumps({"toluca.gob.mx": None, "referencia.test": None}),
    }
    db_url = f"sqlite:///{tmp_path / 'offline.db'}"
    result = CliRunner().invoke(app, ["crawl", "--municipio", "Toluca", "--db", db_url], env=env)
    assert result.exit_code != 0, result.output
    assert "sin conexión a internet" in result.stderr and "fallida" in result.stdout
    database = open_database(db_url)
    try:
        (toluca,) = run_results(database, 1)
    finally:
        database.dispose()
    assert toluca.cve_inegi == "15106" and toluca.results
    assert {(r.status, r.reason) for r in toluca.results} == {("indeterminado", "sin_red")}
