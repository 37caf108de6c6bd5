"""The benchmark suite's contract: the JSON shape, ratio arithmetic, and the CLI's choices (never timings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.bare import BareResult
from bench.crawl import VigiaRun, crawl_measurements, latency_bound
from bench.measure import Measurement, at_least, at_most, versus
from bench.suite import BENCHMARKS, GROWTH, NIGHT, selected
from checks.model import CrawlOutcome, SiteReport
from crawler.child import WorkerStats
from crawler.settings import CrawlSettings
from vigia.cli import app
from vigia.cli.bench import KEYS

JSON_KEYS = {"name", "value", "unit", "baseline", "ratio", "target", "met"}


def test_json_objects_have_exactly_the_documented_keys() -> None:
    for row in (versus("a", 2.0, 1.0, "s", 1.1), at_most("b", 3.0, "ms", 5.0), at_least("c", 96.0, "%", 95.0)):
        assert set(row.to_json()) == JSON_KEYS


def test_ratio_is_value_over_baseline_and_met_follows_the_target() -> None:
    assert versus("x", 11.0, 10.0, "s", 1.10).met is True
    slow = versus("x", 12.0, 10.0, "s", 1.10)
    assert slow.ratio == 1.2 and slow.met is False
    assert at_most("y", 1.0, "ms", None).met is None and at_most("y", 6.0, "ms", 5.0).met is False
    assert at_least("z", 94.9, "%", 95.0).met is False


def report(pages: int) -> SiteReport:
    outcome = CrawlOutcome(start_url="http://127.0.0.1:1/", home_url="http://127.0.0.1:1/", pages_ok=pages)
    return SiteReport("15106", "http://127.0.0.1:1/", outcome, checks_cpu=0.5)


def test_latency_bound_is_the_slowest_sites_requests_times_latency_over_concurrency() -> None:
    run = VigiaRun(reports=[report(39), report(9)])
    assert latency_bound(run, 0.15, 2) == pytest.approx(40 * 0.15 / 2)


def test_crawl_measurements_compare_with_bare_scrapy_and_the_bound() -> None:
    run = VigiaRun(seconds=6.0, reports=[report(39)], workers=[WorkerStats(0, 4.0, 5.0, 100 << 20)], parent_cpu=1.0)
    rows = {
        m.name.split(" (")[0]: m
        for m in crawl_measurements(run, BareResult(10.0, 9.0, 41, 1), 1, 0.15, CrawlSettings())
    }
    assert rows["rastreo vs Scrapy mínimo"].ratio == 0.6 and rows["rastreo vs Scrapy mínimo"].met
    assert rows["rastreo vs cota de latencia"].baseline == 3.0 and rows["rastreo vs cota de latencia"].ratio == 2.0
    assert rows["verificaciones: parte del CPU del rastreo"].value == 10.0


def test_growth_runs_only_with_full_or_when_named() -> None:
    assert GROWTH not in selected(None, full=False)
    assert GROWTH in selected(None, full=True)
    assert [b.key for b in selected(["historial"], full=False)] == ["historial"]
    assert {b.key for b in [*BENCHMARKS, GROWTH, NIGHT]} == set(KEYS)


def test_unknown_benchmark_name_is_refused_in_spanish() -> None:
    result = CliRunner().invoke(app, ["bench", "--solo", "nada"])
    assert result.exit_code != 0 and "Prueba desconocida" in result.output


def test_bench_writes_the_json_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bench.suite

    fake = [Measurement("m", 1.0, "ms", target=5.0, met=True)]
    monkeypatch.setattr(bench.suite, "BENCHMARKS", (bench.suite.Benchmark("verificaciones", "t", lambda _: fake),))
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["bench", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == [fake[0].to_json()]
