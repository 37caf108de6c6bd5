"""Verdicts do not depend on the machine's load: the same sites crawled with two CPU-burning processes beside them
give the same results (probes and their per-site time budgets included) and agree with the ground truth."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest

from crawler.browser import browser_available
from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from simulator import FarmServer, World, build_world
from simulator.agreement import compare
from simulator.catalogue import PROBE_CHECKS, QUALITY_CHECKS
from storage import repository
from storage.db import open_database
from storage.runstore import DatabaseRunStore
from tests.conftest import NewDbUrl

RUN_DATE = date(2026, 11, 24)
SITES = 8
CFG = CrawlSettings(timeout=4, retries=1, ipomex=False)


def probed_sites(world: World) -> set[str]:
    """Ordinary sites whose probe or quality verdicts are definitive, broken variants first."""
    checks = (*PROBE_CHECKS, *QUALITY_CHECKS)
    ranked = sorted(
        (s for s in world.sites if s.behaviour == "normal"),
        key=lambda s: -sum(world.ground_truth[s.cve_inegi].get(c) == "no_cumple" for c in checks),
    )
    return {s.cve_inegi for s in ranked[:SITES]}


@contextmanager
def cpu_burners(count: int) -> Iterator[None]:
    """Processes that spin a core each for as long as the block runs."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def crawl(world: World, wanted: set[str], db_url: str) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Crawl the wanted sites of the farm into db_url; (municipality, check) → (status, reason)."""
    with FarmServer(world) as farm:
        chosen = [m for m in farm.registry() if m.cve_inegi in wanted]
        database = open_database(db_url)
        summary = run_and_store(DatabaseRunStore(database), chosen, CFG, RUN_DATE, "demo")
        stored = repository.run_results(database, summary.run_id)
        database.dispose()
    assert summary.status == "complete"
    agreement = compare(((item.cve_inegi, item.results) for item in stored), world.ground_truth)
    assert agreement.mismatches == []
    return {(item.cve_inegi, r.check_id): (r.status, r.reason) for item in stored for r in item.results}


@pytest.mark.slow
@pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina")
def test_results_do_not_change_when_the_machine_is_loaded(new_db_url: NewDbUrl) -> None:
    world = build_world(seed=2026, run_date=RUN_DATE)
    wanted = probed_sites(world)
    quiet = crawl(world, wanted, new_db_url("tranquila"))
    with cpu_burners(2):
        loaded = crawl(world, wanted, new_db_url("cargada"))
    assert loaded == quiet
    assert any(status == "no_cumple" for (_, check), (status, _) in quiet.items() if check in PROBE_CHECKS)
