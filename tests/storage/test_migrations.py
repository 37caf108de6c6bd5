"""Alembic migrations: empty to head, down to base and up again, and agreement with the ORM models."""

from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.exc import IntegrityError

from checks.model import STATUSES
from storage.db import Database, downgrade_database, open_database, upgrade_database
from storage.models import RESULT_STATUSES, Base
from storage.repository import latest_results
from tests.conftest import NewDbUrl

TABLES_0002 = {"municipalities", "runs", "pages", "check_results", "site_outcomes", "ipomex_captures"}
TABLES_0003 = {"leases", "alert_state", "alert_runs", "alert_events", "outbox"}
TABLES_0004 = {"check_keys", "result_details", "result_changes", "page_logs"}
TABLES_0006 = {"run_scores", "scored_runs"}
TABLES_0007 = {"unread_stages", "carried_stages"}
TABLES_0008 = {"discovery_runs", "site_candidates", "site_decisions", "official_sites", "crosswalk_facts"}
TABLES_0010 = {"archive_records", "run_manifests", "reviews"}
TABLES = (TABLES_0002 - {"pages"}) | TABLES_0003 | TABLES_0004 | TABLES_0006 | TABLES_0007 | TABLES_0008 | TABLES_0010
HEAD = "0011"


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def test_open_migrates_empty_file_to_head(db_url: str) -> None:
    open_database(db_url).dispose()
    assert _tables(db_url) == TABLES
    assert _revision(db_url) == HEAD


def test_downgrade_to_base_then_upgrade_again(db_url: str) -> None:
    open_database(db_url).dispose()
    downgrade_database(db_url, "base")
    assert _tables(db_url) == set()
    assert _revision(db_url) is None
    upgrade_database(db_url)
    assert _tables(db_url) == TABLES
    open_database(db_url).dispose()  # Already at head: opening again is a no-op.
    assert _revision(db_url) == HEAD


def test_models_match_migration(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def _schema_lines(url: str) -> dict[str, set[str]]:
    """Each table's and index's definition as a set of lines, so clause order does not matter."""
    engine = create_engine(url)
    try:
        if engine.dialect.name == "sqlite":
            return _sqlite_schema(engine)
        return _reflected_schema(engine)
    finally:
        engine.dispose()


def _sqlite_schema(engine: Engine) -> dict[str, set[str]]:
    """SQLite keeps each table's and index's DDL text: compare it line by line."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'alembic_version'"
        ).all()
    # Quotes are cosmetic: SQLite keeps them around a table name when a migration rebuilds and renames the table.
    return {name: {line.strip().rstrip(",").replace('"', "") for line in re.split(r"\n", sql)} for name, sql in rows}


def _reflected_schema(engine: Engine) -> dict[str, set[str]]:
    """Other databases: columns, keys, constraints (CHECK included) and indexes as reflected, one line each."""
    found: dict[str, set[str]] = {}
    inspector = inspect(engine)
    for table in set(inspector.get_table_names()) - {"alembic_version"}:
        lines = {
            f"column {c['name']} {c['type']!r} null={c['nullable']} default={c.get('default')}"
            for c in inspector.get_columns(table)
        }
        pk = inspector.get_pk_constraint(table)
        lines.add(f"pk {pk['name']} {pk['constrained_columns']}")
        lines |= {
            f"fk {f['name']} {f['constrained_columns']} {f['referred_table']} {f['referred_columns']} "
            f"{sorted(f['options'].items())}"
            for f in inspector.get_foreign_keys(table)
        }
        lines |= {f"unique {u['name']} {u['column_names']}" for u in inspector.get_unique_constraints(table)}
        lines |= {f"check {c['name']} {c['sqltext']}" for c in inspector.get_check_constraints(table)}
        found[table] = lines
        for index in inspector.get_indexes(table):
            found[str(index["name"])] = {f"index on {table} {index['column_names']} unique={index['unique']}"}
    return found


def test_migration_ddl_equals_create_all(db: Database, new_db_url: NewDbUrl) -> None:
    # compare_metadata ignores CHECK constraints and constraint names; the DDL text does not.
    other = new_db_url("create_all")
    engine = create_engine(other)
    Base.metadata.create_all(engine)
    engine.dispose()
    assert _schema_lines(db.engine.url.render_as_string(hide_password=False)) == _schema_lines(other)


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_result_statuses_follow_the_check_model() -> None:
    # A new status in checks.model needs a migration that widens the CHECK constraint.
    assert set(RESULT_STATUSES) == set(STATUSES)


def test_in_memory_database_is_migrated() -> None:
    database = open_database("sqlite://")
    try:
        assert set(inspect(database.engine).get_table_names()) >= TABLES
    finally:
        database.dispose()


def _execute(url: str, *statements: str) -> list[tuple[object, ...]]:
    """Run raw SQL statements in one transaction; return the rows of the last one."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            rows: list[tuple[object, ...]] = []
            for statement in statements:
                result = connection.exec_driver_sql(statement)
                rows = [tuple(row) for row in result] if result.returns_rows else []
            return rows
    finally:
        engine.dispose()


ROWS_AT_0001 = (
    "INSERT INTO municipalities VALUES ('15001', 'Acambay', 'Acambay', 1000, 0.5, 'Bajo', NULL, NULL, 'confirmado', "
    "'2026-01-01 00:00:00.000000')",
    "INSERT INTO runs (id, kind, started_at, finished_at, status, sites_planned, sites_done, pages_ok, pages_failed, "
    "params) VALUES (1, 'crawl', '2026-01-01 00:00:00.000000', '2026-01-01 01:00:00.000000', 'complete', 1, 1, 1, 0, "
    "'{}')",
    "INSERT INTO site_outcomes (run_id, cve_inegi, start_url, home_url, pages_ok, pages_failed, truncated, seconds, "
    "network_suspect, recorded_at) VALUES (1, '15001', 'https://a.mx/', 'https://a.mx/', 1, 0, false, 1.0, false, "
    "'2026-01-01 00:30:00.000000')",
    "INSERT INTO pages (run_id, cve_inegi, url, final_url, status, content_hash, depth, kind) VALUES "
    "(1, '15001', 'https://a.mx/', 'https://a.mx/', 200, 'h', 0, 'html')",
    "INSERT INTO check_results (run_id, cve_inegi, check_id, status, evidence_url, evidence_text, created_at) VALUES "
    "(1, '15001', 'sitio.https', 'cumple', 'https://a.mx/', 'https válido', '2026-01-01 00:30:00.000000')",
)
SITE_ROW = "SELECT check_id, status, evidence_text FROM check_results"


def test_0002_round_trip_keeps_the_site_history(db_url: str, new_db_url: NewDbUrl) -> None:
    fresh = new_db_url("fresh_0001")
    upgrade_database(fresh, "0001")
    upgrade_database(db_url, "0001")
    _execute(db_url, *ROWS_AT_0001)

    upgrade_database(db_url, "0003")
    assert _revision(db_url) == "0003"
    assert _execute(db_url, "SELECT check_id, status, source, law, last_update FROM check_results") == [
        ("sitio.https", "cumple", "sitio", None, None)
    ]
    assert _execute(db_url, "SELECT url, rendered FROM pages") == [("https://a.mx/", 0)]
    _execute(
        db_url,
        "INSERT INTO check_results (run_id, cve_inegi, check_id, status, created_at, source, law, last_update) "
        "VALUES (1, '15001', 'ipomex.92.iii', 'no_aplica', '2026-01-01 00:40:00.000000', 'ipomex3', "
        "'LTAIPEMyM:2016', '2026-10-15')",
        "INSERT INTO ipomex_captures (run_id, cve_inegi, source, captured_at, fractions_read, browser_pages) "
        "VALUES (1, '15001', 'ipomex3', '2026-01-01 00:40:00.000000', 87, 0)",
    )

    downgrade_database(db_url, "0001")
    assert _revision(db_url) == "0001"
    assert _tables(db_url) == TABLES_0002 - {"ipomex_captures"}
    assert _schema_lines(db_url) == _schema_lines(fresh)
    # Obligation results have no place in 0001 (no source, no no_aplica): they go, the site history stays.
    assert _execute(db_url, SITE_ROW) == [("sitio.https", "cumple", "https válido")]

    upgrade_database(db_url, "0003")
    assert _execute(db_url, "SELECT check_id, source FROM check_results") == [("sitio.https", "sitio")]
    database = open_database(db_url)
    try:
        (acambay,) = latest_results(database)
        assert [(r.check_id, r.status, r.source) for r in acambay.results] == [("sitio.https", "cumple", "sitio")]
    finally:
        database.dispose()


def test_status_constraint_admits_no_aplica_and_nothing_else(db_url: str) -> None:
    upgrade_database(db_url, "0001")
    _execute(db_url, *ROWS_AT_0001)
    insert = (
        "INSERT INTO check_results (run_id, cve_inegi, check_id, status, created_at) VALUES "
        "(1, '15001', 'ipomex.92.i', '{}', '2026-01-01 00:30:00.000000')"
    )
    with pytest.raises(IntegrityError):
        _execute(db_url, insert.format("no_aplica"))
    upgrade_database(db_url, "0003")
    _execute(db_url, insert.format("no_aplica"))
    with pytest.raises(IntegrityError):
        _execute(db_url, insert.format("quizá"))


def test_0003_round_trip_keeps_results_and_drops_only_the_alert_tables(db_url: str, new_db_url: NewDbUrl) -> None:
    fresh = new_db_url("fresh_0002")
    upgrade_database(fresh, "0002")
    upgrade_database(db_url, "0002")
    _execute(db_url, *ROWS_AT_0001)
    upgrade_database(db_url, "0003")
    assert _tables(db_url) == TABLES_0002 | TABLES_0003
    _execute(
        db_url,
        "INSERT INTO outbox (run_id, recipient, subject, body_text, idempotency_key, created_at) VALUES "
        "(1, 'a@b.mx', 'Asunto', 'Texto', '1:a@b.mx', '2026-01-01 02:00:00.000000')",
    )
    assert _execute(db_url, "SELECT status, attempts FROM outbox") == [("pending", 0)]
    with pytest.raises(IntegrityError):
        _execute(
            db_url,
            "INSERT INTO outbox (run_id, recipient, subject, body_text, idempotency_key, created_at) "
            "VALUES (1, 'a@b.mx', 'Otra', 'Texto', '1:a@b.mx', '2026-01-01 02:00:00.000000')",
        )

    downgrade_database(db_url, "0002")
    assert _revision(db_url) == "0002"
    assert _tables(db_url) == TABLES_0002
    assert _schema_lines(db_url) == _schema_lines(fresh)
    assert _execute(db_url, SITE_ROW) == [("sitio.https", "cumple", "https válido")]
    upgrade_database(db_url)
    assert _revision(db_url) == HEAD
    assert _execute(db_url, "SELECT count(*) FROM outbox") == [(0,)]
