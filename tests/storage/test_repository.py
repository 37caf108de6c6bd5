"""Runs, site records and latest results on a real SQLite file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from checks.catalogue import load_catalogue
from checks.model import CheckResult, Evidence, Status
from core.errors import DatabaseError
from storage.db import Database
from storage.models import CheckResultRow, MunicipalityRow, RunRow, SiteOutcomeRow
from storage.repository import (
    STALE_ERROR,
    fail_stale_runs,
    finish_run,
    get_run,
    latest_results,
    list_runs,
    record_site,
    run_results,
    site_pages,
    start_run,
)
from tests.storage.factories import municipality, report

A, B, C = "15001", "15002", "15003"


def _run(db: Database, status: str, sites: dict[str, dict[str, Status]], kind: str = "crawl") -> int:
    """Start a run over the given sites, record them, and close it with status (unless running)."""
    run_id = start_run(db, kind, [municipality(cve) for cve in sites], {"origen": "prueba"})
    for cve, statuses in sites.items():
        record_site(db, run_id, report(cve, statuses))
    if status != "running":
        finish_run(db, run_id, status, catalogue=load_catalogue())
    return run_id


def _set_run(db: Database, run_id: int, **values: object) -> None:
    with db.Session.begin() as session:
        session.execute(update(RunRow).where(RunRow.id == run_id).values(**values))


def test_round_trip(db: Database) -> None:
    run_id = start_run(db, "crawl", [municipality(A, "Acambay"), municipality(B)], {"profundidad": 2})
    record_site(db, run_id, report(A, {"sitio.https": "cumple", "art92.i": "no_cumple"}))
    record_site(db, run_id, report(B, {"sitio.https": "indeterminado"}, failure="connect"))
    finish_run(db, run_id, "complete", catalogue=load_catalogue())

    summary = get_run(db, run_id)
    assert summary is not None
    assert (summary.status, summary.sites_planned, summary.sites_done) == ("complete", 2, 2)
    assert (summary.pages_ok, summary.pages_failed) == (2, 1)
    assert summary.params == {"profundidad": 2}
    assert summary.pid == os.getpid() and summary.hostname == socket.gethostname()
    assert summary.started_at.tzinfo is UTC and summary.finished_at is not None
    assert summary.started_at <= summary.finished_at <= datetime.now(UTC)

    acambay, second = latest_results(db)
    assert (acambay.cve_inegi, acambay.nombre, acambay.run_id, acambay.pages_ok) == (A, "Acambay", run_id, 2)
    evidence = Evidence(f"https://{A}.example.gob.mx/", "sitio.https encontrado")
    assert acambay.results == [
        CheckResult("sitio.https", "cumple", evidence=evidence),
        CheckResult("art92.i", "no_cumple"),
    ]
    assert second.failure == "connect" and second.outcome.failure_detail == "Conexión rechazada"
    assert second.results == [
        CheckResult("sitio.https", "indeterminado", reason="connect", detail="No se pudo revisar"),
    ]
    assert [page.url for page in site_pages(db, run_id, A)] == [
        f"https://{A}.example.gob.mx/p0",
        f"https://{A}.example.gob.mx/p1",
    ]


def test_latest_ignores_runs_that_are_not_complete(db: Database) -> None:
    old = _run(db, "complete", {A: {"x": "no_cumple"}, B: {"x": "no_cumple"}})
    _run(db, "partial", {A: {"x": "cumple"}})
    _run(db, "failed", {B: {"x": "cumple"}})
    _run(db, "running", {A: {"x": "cumple"}, B: {"x": "cumple"}})
    latest = latest_results(db)
    assert [(m.cve_inegi, m.run_id, m.results[0].status) for m in latest] == [
        (A, old, "no_cumple"),
        (B, old, "no_cumple"),
    ]


def test_latest_picks_per_municipality_the_latest_complete_run_covering_it(db: Database) -> None:
    first = _run(db, "complete", {A: {"x": "no_cumple"}, B: {"x": "no_cumple"}})
    second = _run(db, "complete", {A: {"x": "cumple"}})  # Covers only A.
    third = _run(db, "complete", {C: {"x": "cumple"}}, kind="demo")
    latest = {m.cve_inegi: m for m in latest_results(db)}
    assert {cve: m.run_id for cve, m in latest.items()} == {A: second, B: first, C: third}
    assert latest[A].results == [CheckResult("x", "cumple", evidence=latest[A].results[0].evidence)]
    assert [m.cve_inegi for m in latest_results(db, [B, "15099"])] == [B]
    assert latest_results(db, []) == []
    assert [m.run_id for m in latest_results(db, kinds=["crawl"])] == [second, first]


def test_latest_orders_by_start_time_not_by_id(db: Database) -> None:
    earlier = _run(db, "complete", {A: {"x": "cumple"}})
    later = _run(db, "complete", {A: {"x": "no_cumple"}})
    _set_run(db, later, started_at=datetime.now(UTC) - timedelta(days=2))
    assert latest_results(db)[0].run_id == earlier


def test_history_is_append_only(db: Database) -> None:
    first = _run(db, "complete", {A: {"x": "cumple", "y": "no_cumple"}})

    def snapshot() -> list[tuple[object, ...]]:
        with db.Session() as session:
            rows = session.scalars(select(CheckResultRow).where(CheckResultRow.run_id == first)).all()
            return [(r.cve_inegi, r.check_key, r.status, r.detail_id) for r in rows]

    before = snapshot()
    second = _run(db, "complete", {A: {"x": "no_cumple", "y": "cumple"}})
    assert snapshot() == before
    with db.Session() as session:
        assert session.query(CheckResultRow).count() == 4
        assert session.query(SiteOutcomeRow).count() == 2
    assert [r.status for r in run_results(db, first)[0].results] == ["cumple", "no_cumple"]
    assert latest_results(db)[0].run_id == second


def test_finished_runs_refuse_more_records(db: Database) -> None:
    run_id = _run(db, "complete", {A: {"x": "cumple"}})
    with pytest.raises(DatabaseError, match="ya no está en curso"):
        record_site(db, run_id, report(B, {"x": "cumple"}))
    with pytest.raises(DatabaseError, match="ya no está en curso"):
        finish_run(db, run_id, "failed", catalogue=load_catalogue())
    with pytest.raises(DatabaseError, match="no existe"):
        finish_run(db, 999, "complete", catalogue=load_catalogue())
    with pytest.raises(ValueError):
        finish_run(db, run_id, "running", catalogue=load_catalogue())
    assert run_results(db, run_id)[0].cve_inegi == A  # The refused record left nothing behind.
    assert len(run_results(db, run_id)) == 1


def test_a_site_is_recorded_once_per_run_atomically(db: Database) -> None:
    run_id = _run(db, "running", {A: {"x": "cumple"}})
    with pytest.raises(DatabaseError, match="ya tiene resultados"):
        record_site(db, run_id, report(A, {"x": "no_cumple"}))
    summary = get_run(db, run_id)
    assert summary is not None and summary.sites_done == 1


def test_start_run_refreshes_municipalities(db: Database) -> None:
    start_run(db, "crawl", [municipality(A, "Viejo")], {})
    start_run(db, "crawl", [municipality(A, "Nuevo"), municipality(A, "Nuevo")], {})
    with db.Session() as session:
        assert session.scalars(select(MunicipalityRow.nombre)).all() == ["Nuevo"]
    assert list_runs(db)[0].sites_planned == 1


def test_list_runs_newest_first_with_limit(db: Database) -> None:
    ids = [_run(db, "complete", {A: {"x": "cumple"}}) for _ in range(3)]
    assert [r.id for r in list_runs(db, limit=2)] == ids[::-1][:2]


def test_fail_stale_runs(db: Database) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        own, live_child, gone, foreign_old, foreign_new = (_run(db, "running", {}) for _ in range(5))
        _set_run(db, live_child, pid=alive.pid)
        _set_run(db, gone, pid=dead.pid)
        _set_run(db, foreign_old, hostname="otra-maquina", started_at=datetime.now(UTC) - timedelta(hours=25))
        _set_run(db, foreign_new, hostname="otra-maquina", started_at=datetime.now(UTC) - timedelta(hours=1))
        assert fail_stale_runs(db) == 2
    finally:
        alive.kill()
        alive.wait()
    statuses = {r.id: (r.status, r.error) for r in list_runs(db)}
    assert statuses[gone] == ("failed", STALE_ERROR) and statuses[foreign_old] == ("failed", STALE_ERROR)
    assert {statuses[i][0] for i in (own, live_child, foreign_new)} == {"running"}
    assert fail_stale_runs(db) == 1  # The child is now dead too.


def test_reused_pid_counts_as_dead(db: Database) -> None:
    # This process started before the run; pretend the run began long before it: the pid must have been reused.
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        run_id = _run(db, "running", {})
        _set_run(db, run_id, pid=child.pid, started_at=datetime.now(UTC) - timedelta(hours=2))
        assert fail_stale_runs(db) == (1 if os.path.exists("/proc/self/stat") else 0)
    finally:
        child.kill()
        child.wait()


def test_unknown_municipality_is_a_spanish_database_error(db: Database) -> None:
    run_id = start_run(db, "crawl", [municipality(A)], {})
    with pytest.raises(DatabaseError, match="no cumplen las reglas"):
        record_site(db, run_id, report("15124", {"x": "cumple"}))
    summary = get_run(db, run_id)
    assert summary is not None and summary.sites_done == 0  # Rolled back as a whole.


def test_ad_hoc_sites_without_clave_keep_outcome_and_pages_but_no_results(db: Database) -> None:
    run_id = start_run(db, "audit", [], {"url": "https://ejemplo.gob.mx/"})
    site = report(A, {"x": "cumple"})
    site.cve_inegi = None
    record_site(db, run_id, site)
    record_site(db, run_id, site)
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    assert latest_results(db) == []
    # History is per municipality: an ad-hoc site's results live only in its report.
    with db.Session() as session:
        assert session.query(CheckResultRow).filter(CheckResultRow.run_id == run_id).count() == 0
        assert session.query(SiteOutcomeRow).filter(SiteOutcomeRow.run_id == run_id).count() == 2
    assert len(site_pages(db, run_id, None)) == 4
