"""Simulated portals → crawl (child process) → SQLite → report, on a subset of sites with every trap."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from simulator import FarmServer, build_world
from storage.db import open_database
from vigia.agreement import compare
from vigia.cli import app
from vigia.runstore import DatabaseRunStore

RUN_DATE = date(2026, 11, 24)
NORMAL_SITES = 8


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    return build_world(seed=2026, run_date=RUN_DATE)


def subset(world, registry):  # type: ignore[no-untyped-def]
    """Every special behaviour plus a few ordinary sites."""
    special = [s.cve_inegi for s in world.sites if s.behaviour != "normal"]
    normal = [s.cve_inegi for s in world.sites if s.behaviour == "normal"][:NORMAL_SITES]
    wanted = set(special) | set(normal)
    return [m for m in registry if m.cve_inegi in wanted]


@pytest.mark.slow
def test_subset_crawl_stores_a_complete_run_that_matches_ground_truth(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'e2e.db'}"
    reports = []
    with FarmServer(world) as farm:
        chosen = subset(world, farm.registry())
        database = open_database(db_url)
        summary = run_and_store(DatabaseRunStore(database), chosen, CrawlSettings(timeout=5, retries=1), RUN_DATE,
                                "demo", reports.append)
        database.dispose()
    assert summary.status == "complete" and summary.sites_done == len(chosen)
    agreement = compare(reports, world.ground_truth)
    assert agreement.mismatches == []
    assert agreement.total_up > 0 and agreement.total_down > 0

    result = CliRunner().invoke(app, ["report", "--db", db_url, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["cve_inegi"]: row for row in json.loads(result.output)}
    for municipality in chosen:
        row = rows[municipality.cve_inegi]
        assert row["run_id"] == summary.run_id
        assert set(row["scores"]) == {"P2", "P3", "P4", "total"}
        stored = {c["id"]: c["status"] for c in row["checks"]}
        assert stored == dict(world.ground_truth[municipality.cve_inegi])
