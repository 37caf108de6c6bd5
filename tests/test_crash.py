"""A crawl killed with SIGKILL leaves its run failed at the next start, the history unchanged, the next run whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from simulator import FarmServer, build_world
from storage import repository
from storage.db import open_database

pytestmark = pytest.mark.slow
SITES = 3


def crawl_command(db_url: str, registry_file: Path) -> list[str]:
    return [sys.executable, "-m", "vigia", "crawl", "--db", db_url, "--registro", str(registry_file)]


def test_sigkill_mid_run_marks_the_run_failed_and_the_next_run_completes(tmp_path: Path, db_url: str) -> None:
    world = build_world(seed=2026, run_date=date(2026, 11, 24))
    normal = [s.cve_inegi for s in world.sites if s.behaviour == "normal"][:SITES]
    env = {**os.environ, "VIGIA_HOME": str(tmp_path / "home"), "VIGIA_IPOMEX": "false"}
    with FarmServer(world, latency=0.3) as farm:
        registry_file = tmp_path / "municipios.csv"
        write_registry(registry_file, [m for m in farm.registry() if m.cve_inegi in normal])
        killed = subprocess.Popen(
            crawl_command(db_url, registry_file), env=env, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        assert killed.stderr is not None
        started = next(line for line in killed.stderr if "iniciada" in line)  # blocks until the run exists
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()
        first = int(started.split()[1])
        database = open_database(db_url)
        assert repository.get_run(database, first).status == "running"  # type: ignore[union-attr]
        assert repository.latest_results(database) == []
        database.dispose()
        done = subprocess.run(
            crawl_command(db_url, registry_file), env=env, capture_output=True, text=True, timeout=300
        )
    assert done.returncode == 0, done.stderr
    database = open_database(db_url)
    dead = repository.get_run(database, first)
    assert dead is not None and dead.status == "failed" and "interrumpida" in (dead.error or "")
    latest = repository.latest_results(database)
    assert {item.cve_inegi for item in latest} == set(normal) and all(item.run_id != first for item in latest)
    database.dispose()
    report = subprocess.run(
        [sys.executable, "-m", "vigia", "report", "--db", db_url, "--format", "json", "--registro", str(registry_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert all(row["run_id"] != first for row in json.loads(report.stdout))


def write_registry(path: Path, municipalities: list) -> None:  # type: ignore[type-arg]
    import csv

    from config.registry import COLUMNS

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for m in municipalities:
            writer.writerow(["" if getattr(m, c) is None else getattr(m, c) for c in COLUMNS])
