"""Alembic migrations: empty to head, down to base and up again, and agreement with the ORM models."""

from __future__ import annotations

import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from checks.model import STATUSES
from storage.db import Database, downgrade_database, open_database, upgrade_database
from storage.models import RESULT_STATUSES, Base

TABLES = {"municipalities", "runs", "pages", "check_results", "site_outcomes"}


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
    assert _revision(db_url) == "0001"


def test_downgrade_to_base_then_upgrade_again(db_url: str) -> None:
    open_database(db_url).dispose()
    downgrade_database(db_url, "base")
    assert _tables(db_url) == set()
    assert _revision(db_url) is None
    upgrade_database(db_url)
    assert _tables(db_url) == TABLES
    open_database(db_url).dispose()  # Already at head: opening again is a no-op.
    assert _revision(db_url) == "0001"


def test_models_match_migration(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def _schema_lines(url: str) -> dict[str, set[str]]:
    """Each table's and index's DDL as a set of lines, so clause order does not matter."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'alembic_version'"
            ).all()
    finally:
        engine.dispose()
    return {name: {line.strip().rstrip(",") for line in re.split(r"\n", sql)} for name, sql in rows}


def test_migration_ddl_equals_create_all(db: Database, tmp_path: Path) -> None:
    # compare_metadata ignores CHECK constraints and constraint names; the DDL text does not.
    other = f"sqlite:///{tmp_path / 'create_all.db'}"
    engine = create_engine(other)
    Base.metadata.create_all(engine)
    engine.dispose()
    assert _schema_lines(str(db.engine.url)) == _schema_lines(other)


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(db: Database) -> None:
    with db.engine.connect() as connection:
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
