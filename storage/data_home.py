"""Which database a reading command reads: the one asked for, else the default file, else the demo's file."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from config.paths import data_dir
from config.settings import load_settings
from storage.db import Database, default_database_url, redact_url, resolve_database_url
from storage.models import RunRow

DEFAULT_FILE = "vigia.db"
DEMO_FILE = "demo.db"


@dataclass(frozen=True)
class ReaderDatabase:
    """The database a reader opens; demo is True when it fell back to the demo's file."""

    url: str
    explicit: bool
    demo: bool = False


def demo_database_path() -> Path:
    """Where `vigia demo` writes its simulated runs unless told otherwise."""
    return data_dir() / DEMO_FILE


def default_database_path() -> Path:
    """Where `vigia rastrear` writes when no --db or VIGIA_DATABASE_URL is given."""
    return data_dir() / DEFAULT_FILE


def sqlite_file_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path.resolve()}"


def runs_in_file(path: Path) -> int:
    """How many runs a SQLite file holds, read-only and without creating or migrating it; 0 if absent or foreign."""
    if not path.is_file():
        return 0
    try:
        connection = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    except sqlite3.Error:
        return 0
    try:
        row = connection.execute("SELECT count(*) FROM runs").fetchone()
    except sqlite3.Error:
        # No runs table yet (never migrated) or not a Vigía database: nothing to read there.
        return 0
    finally:
        connection.close()
    return int(row[0])


def reader_database(cli_value: str | None) -> ReaderDatabase:
    """The --db value or VIGIA_DATABASE_URL if given; else the default file, or the demo's file when only it has
    runs (so that `vigia reporte` after `vigia demo` shows the demo without a flag)."""
    explicit = bool((cli_value or "").strip() or (load_settings().database_url or "").strip())
    url = resolve_database_url(cli_value)
    if explicit:
        return ReaderDatabase(url, explicit=True)
    if runs_in_file(default_database_path()) == 0 and runs_in_file(demo_database_path()) > 0:
        return ReaderDatabase(sqlite_file_url(demo_database_path()), explicit=False, demo=True)
    return ReaderDatabase(url, explicit=False)


def count_runs(database: Database) -> int:
    """How many runs (of any status) the open database holds."""
    with database.ReadSession() as session:
        return int(session.scalar(select(func.count()).select_from(RunRow)) or 0)


def fill_command(db_url: str) -> str:
    """The exact command that fills the database at db_url with a run."""
    if db_url == default_database_url():
        return "vigia rastrear"
    return f"vigia rastrear --db {redact_url(db_url)}"
