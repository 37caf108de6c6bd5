"""Fault matrix, storage: SQLite locked by a reader or a writer, a full disk mid-run, and online backups (vigia
respaldo) taken while a writer keeps committing. Nothing committed is lost; nothing half-done looks complete."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from typer.testing import CliRunner, Result

import storage.backup as backup_module
from checks.catalogue import load_catalogue
from checks.model import Status
from crawler.source import SourcePlan
from spiders.sitio.source import source_report
from storage import repository
from storage.backup import BackupError, backup
from storage.db import BUSY_TIMEOUT_MS, Database, open_database
from storage.models import RunRow
from tests.conftest import on_postgresql
from tests.storage.factories import municipality, report
from vigia.cli import app

TOWNS = [municipality(f"150{n:02d}") for n in range(1, 4)]
# How long the competing writer keeps SQLite's write lock: well under the busy timeout, long enough to measure.
HOLD_SECONDS = 2.0


def sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def complete_run(db: Database, towns: Sequence[Any] = TOWNS, status: Status = "cumple") -> int:
    """Record a whole run through the repository, as a crawl does (one transaction per site)."""
    run_id = repository.start_run(db, "crawl", towns, {})
    for town in towns:
        repository.record_site(db, run_id, report(town.cve_inegi, {"sitio.https": status}))
    repository.finish_run(db, run_id, "complete", catalogue=load_catalogue())
    return run_id


def integrity(path: Path | str) -> str:
    with sqlite3.connect(path) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def results_by_run(db: Database) -> list[tuple[str, int | None, list[Any]]]:
    """What reports show: each municipality's latest complete run and its results."""
    return [(item.cve_inegi, item.run_id, item.results) for item in repository.latest_results(db)]


def statuses(db: Database) -> dict[int, str]:
    with db.ReadSession() as session:
        return {run_id: status for run_id, status in session.execute(select(RunRow.id, RunRow.status))}


# --- SQLite locked by a reader or a writer ----------------------------------------------------------------------


def test_wal_mode_and_busy_timeout_are_on(sqlite_db: Database, sqlite_url: str) -> None:
    with sqlite_db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
    # WAL is a property of the file: any other program opening it sees it too.
    with sqlite3.connect(sqlite_path(sqlite_url)) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_long_read_transaction_blocks_no_write(sqlite_db: Database, sqlite_url: str) -> None:
    first = complete_run(sqlite_db)
    reader = sqlite3.connect(sqlite_path(sqlite_url), isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
        began = time.monotonic()
        second = complete_run(sqlite_db, status="no_cumple")  # Every write commits while the reader reads.
        assert time.monotonic() - began < HOLD_SECONDS
        assert reader.execute("SELECT count(*) FROM runs").fetchone()[0] == 1  # Its snapshot did not move.
    finally:
        reader.execute("COMMIT")
        reader.close()
    assert statuses(sqlite_db) == {first: "complete", second: "complete"}
    latest = repository.latest_results(sqlite_db)
    assert {item.run_id for item in latest} == {second} and len(latest) == len(TOWNS)


def _hold_write_lock(path: str, locked: threading.Event) -> None:
    """Another process's writer: takes the write lock, writes, keeps the lock HOLD_SECONDS, then commits."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES "
        "('otro-escritor', 'prueba:1', '2026-01-01 00:00:00', '2026-01-01 01:00:00')"
    )
    locked.set()
    threading.Event().wait(HOLD_SECONDS)  # One bounded wait: the lock is held, nobody polls.
    connection.execute("COMMIT")
    connection.close()


def test_writes_wait_for_a_writer_holding_the_lock_and_nothing_is_lost(sqlite_db: Database, sqlite_url: str) -> None:
    locked = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(sqlite_path(sqlite_url), locked))
    holder.start()
    assert locked.wait(10)
    began = time.monotonic()
    run_id = complete_run(sqlite_db)  # Queues on the busy timeout instead of failing with "database is locked".
    waited = time.monotonic() - began
    holder.join()
    assert waited >= HOLD_SECONDS * 0.5
    assert statuses(sqlite_db) == {run_id: "complete"}
    assert len(repository.latest_results(sqlite_db)) == len(TOWNS)
    with sqlite3.connect(sqlite_path(sqlite_url)) as check:
        assert check.execute("SELECT holder FROM leases WHERE name = 'otro-escritor'").fetchone() == ("prueba:1",)


# --- Disk full ---------------------------------------------------------------------------------------------------

# Pages the database may grow by once the limited run starts: room for the run row, not for the sites.
HEADROOM_PAGES = 8


def limit_growth(db: Database) -> None:
    """Cap the file at its current size plus HEADROOM_PAGES on every connection: SQLITE_FULL, as on a full disk."""
    cap: list[int] = []

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if not cap:
            cap.append(dbapi_connection.execute("PRAGMA page_count").fetchone()[0] + HEADROOM_PAGES)
        dbapi_connection.execute(f"PRAGMA max_page_count = {cap[0]}")

    event.listen(db.engine, "connect", on_connect)
    db.engine.dispose()  # Connections opened before the cap would not have it.


def big_reports(plans: Mapping[str, SourcePlan], *_args: Any) -> Iterator[object]:
    """The network crawl's stand-in: sites with many pages and long evidence, to fill the database quickly."""
    for target in plans["spiders.sitio"].targets:
        yield source_report(report(target.cve_inegi, {f"c.{n}": "cumple" for n in range(40)}, pages=60))


def test_disk_full_mid_run_stops_with_a_spanish_error_and_corrupts_nothing(
    sqlite_url: str, vigia_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = open_database(sqlite_url)
    earlier = complete_run(database)
    before = results_by_run(database)
    database.dispose()
    crawl_module = sys.modules["vigia.cli.crawl"]
    real_open = crawl_module.open_database  # type: ignore[attr-defined]

    def open_on_a_full_disk(url: str) -> Database:
        db = real_open(url)
        limit_growth(db)
        return db

    monkeypatch.setattr(crawl_module, "open_database", open_on_a_full_disk)
    monkeypatch.setattr("crawler.pipeline.crawl", big_reports)
    monkeypatch.setenv("VIGIA_IPOMEX", "false")
    result = CliRunner().invoke(app, ["crawl", "--db", sqlite_url], env={"COLUMNS": "200"})

    assert result.exit_code == 3, result.output
    message = " ".join(result.stderr.split())
    assert "Error: Disco lleno: no se pudo guardar" in message and "libere espacio" in message
    assert "Traceback" not in result.output
    assert integrity(sqlite_path(sqlite_url)) == "ok"
    after = open_database(sqlite_url)
    try:
        runs = statuses(after)
        assert runs[earlier] == "complete" and len(runs) == 2
        failed = max(runs)
        assert runs[failed] in ("failed", "running")  # Never complete; "running" becomes failed at the next start.
        assert results_by_run(after) == before  # The earlier run is intact and still what reports show.
    finally:
        after.dispose()


def test_disk_full_is_recognised_on_both_databases() -> None:
    from storage.work import disk_full

    class PgDiskFull(Exception):
        sqlstate = "53100"

    assert disk_full(sqlite3.OperationalError("database or disk is full"))
    assert disk_full(PgDiskFull("could not extend file: No space left on device"))
    assert not disk_full(sqlite3.OperationalError("database is locked"))


# --- Online backup -----------------------------------------------------------------------------------------------


class Writer(threading.Thread):
    """Keeps recording complete runs until stopped, remembering which ones were committed."""

    def __init__(self, db: Database) -> None:
        super().__init__(name="escritor")
        self.db, self.stop, self.ready, self.changed = db, threading.Event(), threading.Event(), threading.Condition()
        self.committed: list[int] = []

    def run(self) -> None:
        while not self.stop.is_set():
            run_id = complete_run(self.db)
            with self.changed:
                self.committed.append(run_id)
                self.changed.notify_all()
            if len(self.committed) >= 3:
                self.ready.set()

    def wait_for_another_commit(self) -> int:
        """Block until the writer commits one more run; return how many it has committed."""
        with self.changed:
            seen = len(self.committed)
            assert self.changed.wait_for(lambda: len(self.committed) > seen, timeout=30)
            return len(self.committed)


def respaldo(*args: str) -> Result:
    return CliRunner().invoke(app, ["respaldo", *args], env={"COLUMNS": "200"})


def test_online_backup_while_a_writer_inserts_is_restorable(
    sqlite_db: Database, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(10):
        complete_run(sqlite_db)
    steps: list[tuple[int, int]] = []
    writer = Writer(sqlite_db)

    def step(done: int, total: int) -> None:
        if len(steps) < 2:
            writer.wait_for_another_commit()  # A run is committed between two steps of the copy, for certain.
        steps.append((done, total))

    real_copy = backup_module._copy_pages
    monkeypatch.setattr(backup_module, "PAGES_PER_STEP", 4)  # Many steps, so writers commit between them.
    monkeypatch.setattr(backup_module, "_copy_pages", lambda source, target, _progress: real_copy(source, target, step))
    writer.start()
    try:
        assert writer.ready.wait(30)
        before = list(writer.committed) + list(range(1, 11))
        destination = tmp_path / "respaldo.db"
        result = respaldo(str(destination), "--db", sqlite_url)
    finally:
        writer.stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "respaldo.db" in result.stdout and len(steps) > 3 and steps[-1][0] == steps[-1][1]
    assert integrity(destination) == "ok"
    copy = open_database(f"sqlite:///{destination}")
    try:
        runs = statuses(copy)
        assert all(runs.get(run_id) == "complete" for run_id in before)
        # A run the writer had not finished is copied as running: never shown, failed at the next start.
        assert set(runs.values()) <= {"complete", "running"} and list(runs.values()).count("running") <= 1
    finally:
        copy.dispose()
    assert not list(tmp_path.glob(".respaldo.db.parcial-*"))


def test_backup_refuses_to_overwrite_unless_forced(sqlite_db: Database, sqlite_url: str, tmp_path: Path) -> None:
    complete_run(sqlite_db)
    destination = tmp_path / "ya-existe.db"
    destination.write_bytes(b"respaldo anterior")
    refused = respaldo(str(destination), "--db", sqlite_url)
    assert refused.exit_code == 6
    assert "ya existe: no se sobrescribe" in " ".join(refused.stderr.split()) and "--forzar" in refused.stderr
    assert destination.read_bytes() == b"respaldo anterior"
    forced = respaldo(str(destination), "--db", sqlite_url, "--forzar")
    assert forced.exit_code == 0, forced.output
    assert integrity(destination) == "ok"


def test_backup_of_a_missing_database_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="No existe la base de datos"):
        backup(f"sqlite:///{tmp_path / 'no-hay.db'}", tmp_path / "copia.db")
    assert list(tmp_path.iterdir()) == []


def test_postgresql_backup_uses_pg_dump_with_the_password_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[list[str], dict[str, str]]] = []

    def fake_run(command: list[str], env: dict[str, str], **_kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append((command, env))
        Path(next(a for a in command if a.startswith("--file="))[len("--file=") :]).write_bytes(b"PGDMP")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(backup_module.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup_module.subprocess, "run", fake_run)
    destination = tmp_path / "vigia.dump"
    backup("postgresql+psycopg://vigia:s3creta@db.example:5433/vigia", destination)
    ((command, env),) = calls
    assert not any("s3creta" in argument for argument in command) and env["PGPASSWORD"] == "s3creta"
    assert {"--host=db.example", "--port=5433", "--username=vigia", "--dbname=vigia"} <= set(command)
    assert destination.read_bytes() == b"PGDMP"


def test_postgresql_without_pg_dump_says_to_use_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    with pytest.raises(BackupError) as caught:
        backup("postgresql://vigia:s3creta@db.example/vigia", tmp_path / "vigia.dump")
    message = str(caught.value)
    assert "pg_dump" in message and "s3creta" not in message and "--host=db.example" in message


@pytest.mark.skipif(not on_postgresql(), reason="sólo con VIGIA_TEST_DATABASE_URL (servidor PostgreSQL de pruebas)")
def test_postgresql_backup_restores_with_pg_restore(db: Database, db_url: str, tmp_path: Path) -> None:
    complete_run(db)
    destination = tmp_path / "vigia.dump"
    result = respaldo(str(destination), "--db", db_url)
    assert result.exit_code == 0, result.output
    listing = subprocess.run(["pg_restore", "--list", str(destination)], capture_output=True, text=True, check=True)
    assert "TABLE DATA public runs" in listing.stdout and "TABLE DATA public check_results" in listing.stdout
