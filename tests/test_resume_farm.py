"""On the simulated farm: a portal hanging beyond its budget leaves the night partial; once it answers again,
`vigia rastrear --reanudar` completes the night fetching only what was missed, with the results of a full night."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from checks.model import CheckResult
from core.clock import today_local
from crawler.browser import browser_available
from simulator import FarmServer, build_world
from simulator.ipomex_model import IPOMEX4, NORMAL
from storage import repository
from storage.db import open_database
from tests.test_crash import write_registry
from vigia.cli import app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina"),
]
TOWNS = 3
# Each IPOMEX page may wait 30 s, but a portal gets 6 s in all: a held portal runs out of its own budget.
ENV = {
    "VIGIA_TIMEOUT": "4",
    "VIGIA_RETRIES": "0",
    "VIGIA_IPOMEX_TIMEOUT": "30",
    "VIGIA_IPOMEX_PORTAL_BUDGET_SECONDS": "6",
    "VIGIA_BROWSER_TIMEOUT": "10",
    "COLUMNS": "200",
}
Compared = list[tuple[object, ...]]


def _results(db_url: str, run_id: int) -> dict[str, Compared]:
    database = open_database(db_url)
    try:
        return {item.cve_inegi: [_fields(r) for r in item.results] for item in repository.run_results(database, run_id)}
    finally:
        database.dispose()


def _fields(result: CheckResult) -> tuple[object, ...]:
    return (result.check_id, result.source, result.status, result.reason, result.evidence, result.last_update)


def test_reanudar_completes_a_night_left_partial_by_a_hanging_portal(tmp_path: Path, db_url: str) -> None:
    world = build_world(seed=2026, run_date=today_local())
    chosen = [
        s.cve_inegi
        for s in world.sites
        if s.behaviour == "normal"
        and s.ipomex is not None
        and (s.ipomex.generation, s.ipomex.behaviour) == (IPOMEX4, NORMAL)
    ][:TOWNS]
    hung = chosen[0]
    registry = tmp_path / "municipios.csv"
    runner = CliRunner()
    with FarmServer(world) as farm:
        write_registry(registry, [m for m in farm.registry() if m.cve_inegi in chosen])
        env = {**ENV, "VIGIA_HOME": str(tmp_path / "home"), "VIGIA_IPOMEX4_BASE": farm.ipomex4_url}
        crawl = ["crawl", "--db", db_url, "--registro", str(registry)]
        farm.hold_ipomex([hung])
        first = runner.invoke(app, crawl, env=env)
        assert first.exit_code == 1, first.output
        assert "parcial" in first.output and "IPOMEX sin leer en 1 municipio(s) por ipomex_sin_tiempo" in first.output

        farm.release_ipomex()
        sites = {cve: farm.gate.stats[cve].requests for cve in chosen}
        portals = {cve: farm.ipomex_requests(cve) for cve in chosen}
        resumed = runner.invoke(app, [*crawl, "--reanudar"], env=env)
        assert resumed.exit_code == 0, resumed.output
        # Only the missed pair was fetched: no site again, no other portal, the hung one again.
        assert {cve: farm.gate.stats[cve].requests for cve in chosen} == sites
        assert {cve: farm.ipomex_requests(cve) for cve in chosen if cve != hung} == {
            cve: n for cve, n in portals.items() if cve != hung
        }
        assert farm.ipomex_requests(hung) > portals[hung]

        full = runner.invoke(app, crawl, env=env)
        assert full.exit_code == 0, full.output

    database = open_database(db_url)
    try:
        night, resume, reference = sorted(r.id for r in repository.list_runs(database))
        done = repository.get_run(database, resume)
    finally:
        database.dispose()
    assert done is not None and (done.status, done.resumes_run_id) == ("complete", night)
    assert f"Reanuda la corrida {night}" in resumed.output
    got, want = _results(db_url, resume), _results(db_url, reference)
    assert set(got) == set(chosen) and got == want
    assert {status for _, _, status, *_ in got[hung]} != {"indeterminado"}
