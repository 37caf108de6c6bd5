"""Simulated portals → crawl (child process, browser) → SQLite → report, on a subset with every trap."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from typer.testing import CliRunner

from crawler.browser import browser_available
from crawler.pipeline import RunSummary, run_and_store
from crawler.settings import CrawlSettings
from simulator import FarmServer, build_world
from simulator.agreement import compare
from storage import repository
from storage.db import open_database
from storage.runstore import DatabaseRunStore
from vigia.cli import app

RUN_DATE = date(2026, 11, 24)
NORMAL_SITES = 4
HANG_SECONDS = 8.0
PROFILE = "canal.redes_sociales_perfil"
CFG = CrawlSettings(timeout=4, retries=1, ipomex_timeout=4, browser_timeout=10)

needs_browser = pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina")


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    # With the real-world forms (simulator.variants) and the PDF-only publications: zero mismatches expected.
    return build_world(seed=2026, run_date=RUN_DATE)


def subset(world):  # type: ignore[no-untyped-def]
    """Every special site behaviour, one municipality per IPOMEX generation and behaviour, a few ordinary sites."""
    wanted = {s.cve_inegi for s in world.sites if s.behaviour != "normal"}
    wanted |= {s.cve_inegi for s in world.sites if s.behaviour == "normal"}.intersection(
        s.cve_inegi for s in world.sites[: NORMAL_SITES * 3] if s.behaviour == "normal"
    )
    kinds: dict[tuple[str, str], str] = {}
    for site in world.sites:
        kinds.setdefault((site.ipomex.generation, site.ipomex.behaviour), site.cve_inegi)
        if site.behaviour == "normal":
            # One site per verdict of the profile probe, answered by the farm's simulated platforms.
            kinds.setdefault(("perfil", world.ground_truth[site.cve_inegi][PROFILE]), site.cve_inegi)
    # IPOMEX 3 costs ~87 renders per municipality: keep exactly one normal one.
    return wanted | set(kinds.values())


def crawl_subset(world, db_url: str, cfg: CrawlSettings):  # type: ignore[no-untyped-def]
    wanted = subset(world)
    with FarmServer(world, ipomex_hang_seconds=HANG_SECONDS) as farm:
        chosen = [m for m in farm.registry() if m.cve_inegi in wanted]
        database = open_database(db_url)
        summary = run_and_store(
            DatabaseRunStore(database), chosen, replace(cfg, ipomex4_base=farm.ipomex4_url), RUN_DATE, "demo"
        )
        stored = repository.run_results(database, summary.run_id)
        database.dispose()
        requests = list(farm.platform_requests)
    return db_url, chosen, summary, stored, requests


@pytest.mark.slow
@needs_browser
def test_subset_crawl_stores_a_complete_run_that_matches_ground_truth(world, db_url: str) -> None:  # type: ignore[no-untyped-def]
    db_url, chosen, summary, stored, requests = crawl_subset(world, db_url, CFG)
    assert isinstance(summary, RunSummary)
    assert summary.status == "complete" and summary.sites_done == len(chosen)
    agreement = compare(((item.cve_inegi, item.results) for item in stored), world.ground_truth)
    assert agreement.mismatches == []
    assert all(bucket.total > 0 for bucket in agreement.buckets.values())
    # The profile probes reached the simulated platforms from the crawl's workers, with GET only.
    assert requests and {method for method, _, _ in requests} == {"GET"}
    js_only = [s.cve_inegi for s in world.sites if s.behaviour == "js_only"]
    assert summary.browser is not None and summary.browser.pages >= len(js_only)

    result = CliRunner().invoke(app, ["report", "--db", db_url, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["cve_inegi"]: row for row in json.loads(result.stdout)}
    for municipality in chosen:
        row = rows[municipality.cve_inegi]
        assert row["run_id"] == summary.run_id
        assert set(row["scores"]) == {"P2", "P3", "P4", "total", "ipomex", "losi"}
        checks = {c["id"]: c["status"] for c in row["checks"]}
        assert checks == dict(world.ground_truth[municipality.cve_inegi])

    detail = CliRunner().invoke(app, ["report", "--db", db_url, "-m", js_only[0]], env={"COLUMNS": "200"})
    assert "obligaciones de transparencia en IPOMEX" in detail.output and "Última actualización" in detail.output


@pytest.mark.slow
def test_without_a_browser_javascript_and_ipomex_are_indeterminate_never_absent(world, db_url: str) -> None:  # type: ignore[no-untyped-def]
    cfg = replace(CFG, render_js=False, browser_executable="/nonexistent/chromium")
    js_only = {s.cve_inegi for s in world.sites if s.behaviour == "js_only"}
    _, _, summary, stored, _ = crawl_subset(world, db_url, cfg)
    assert summary.status == "complete"
    for item in stored:
        for result in item.results:
            if result.source != "sitio" or item.cve_inegi in js_only:
                assert result.status != "no_cumple", (item.cve_inegi, result)
