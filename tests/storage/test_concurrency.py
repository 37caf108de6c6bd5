"""SQLite under contention: writers wait for the lock, readers do not, and the hot query uses its index."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import event

from checks.catalogue import load_catalogue
from storage.db import Database
from storage.repository import finish_run, get_run, latest_results, record_site, start_run
from tests.storage.factories import municipality, report


def _hold_write_lock(path: str, seconds: float, locked: threading.Event) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("UPDATE runs SET error = 'bloqueo de prueba' WHERE id = -1")
    locked.set()
    time.sleep(seconds)
    connection.execute("COMMIT")
    connection.close()


def test_writer_waits_for_the_lock_and_reader_does_not(sqlite_db: Database) -> None:
    db = sqlite_db
    cves = [f"150{n:02d}" for n in range(1, 3)]
    run_id = start_run(db, "crawl", [municipality(c) for c in cves], {})
    record_site(db, run_id, report(cves[0], {"x": "cumple"}))
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    second = start_run(db, "crawl", [municipality(c) for c in cves], {})

    locked = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(db.engine.url.database, 1.0, locked))
    holder.start()
    locked.wait()
    began = time.monotonic()
    assert latest_results(db)[0].run_id == run_id
    assert time.monotonic() - began < 0.5  # Reading under WAL needs no write lock.
    record_site(db, second, report(cves[1], {"x": "cumple"}))
    assert time.monotonic() - began >= 0.5  # The write queued behind the lock instead of failing.
    holder.join()
    summary = get_run(db, second)
    assert summary is not None and summary.sites_done == 1


def test_parallel_writers_lose_no_counts(db: Database) -> None:
    cves = [f"15{n:03d}" for n in range(1, 41)]
    run_id = start_run(db, "crawl", [municipality(c) for c in cves], {})
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda cve: record_site(db, run_id, report(cve, {"x": "cumple"}, pages=3)), cves))
    summary = get_run(db, run_id)
    assert summary is not None and (summary.sites_done, summary.pages_ok) == (40, 120)


def test_latest_results_reads_check_results_through_the_index(sqlite_db: Database) -> None:
    db = sqlite_db  # The plan is read with SQLite's EXPLAIN QUERY PLAN.
    for _ in range(3):
        run_id = start_run(db, "crawl", [municipality("15001"), municipality("15002")], {})
        for cve in ("15001", "15002"):
            record_site(db, run_id, report(cve, {f"c{i}": "cumple" for i in range(20)}))
        finish_run(db, run_id, "complete", catalogue=load_catalogue())
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "FROM check_results" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        assert len(latest_results(db)) == 2
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert len(seen) == 1  # One query for the one run involved.
    with db.engine.connect() as connection:
        plan = " ".join(
            str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {seen[0][0]}", seen[0][1])
        )
    assert "USING INDEX ix_check_results_run_cve" in plan, plan
    assert "SCAN check_results" not in plan, plan
