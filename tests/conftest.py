"""Shared test fixtures: where ../shared lives, isolated Vigía homes, and the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

import os
import socketserver
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from storage.db import Database, open_database

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# When set (e.g. postgresql+psycopg://postgres@/postgres?host=/tmp&port=55432), every test that asks for a
# database gets a fresh database on that server instead of a SQLite file; .ci/run sets it for its second pass.
TEST_DATABASE_ENV = "VIGIA_TEST_DATABASE_URL"
NewDbUrl = Callable[..., str]


@pytest.fixture(scope="session", autouse=True)
def reference_host() -> Iterator[str]:
    """The connectivity probe's reference host in tests (VIGIA_PROBE_HOSTS): a local listener stands for the
    internet, so a simulated site that does not answer is the site's fault, as on a connected machine."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{server.server_address[1]}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIA_PROBE_HOSTS", host)
        yield host
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session", autouse=True)
def screenshots_off() -> Iterator[None]:
    """The post-run screenshot pass (VIGIA_CAPTURAS_SEGUNDOS) is off in tests unless a test passes its own budget
    (tests/web/test_screenshots.py): crawl and nightly tests must not each start a browser and wait on it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIA_CAPTURAS_SEGUNDOS", "0")
        yield


def shared_path(*parts: str) -> Path:
    """Path under ../shared, skipping the test when the shared folder is absent (a clone elsewhere)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared no está disponible ({path})")
    return path


def server_url() -> str | None:
    """The PostgreSQL server the suite runs against, or None for SQLite."""
    return os.environ.get(TEST_DATABASE_ENV, "").strip() or None


def on_postgresql() -> bool:
    """Whether this test session runs on PostgreSQL."""
    return server_url() is not None


@pytest.fixture(scope="session")
def admin_engine() -> Iterator[Engine | None]:
    """An AUTOCOMMIT connection pool to the test server's maintenance database (None on SQLite)."""
    url = server_url()
    if url is None:
        yield None
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    yield engine
    engine.dispose()


@pytest.fixture
def new_db_url(tmp_path: Path, admin_engine: Engine | None) -> Iterator[NewDbUrl]:
    """Factory of empty databases for one test: SQLite files under tmp_path, or fresh PostgreSQL databases."""
    created: list[str] = []

    def make(name: str = "vigia") -> str:
        if admin_engine is None:
            return f"sqlite:///{tmp_path / f'{name}.db'}"
        database = f"vigia_test_{uuid.uuid4().hex[:16]}"
        with admin_engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        created.append(database)
        return make_url(server_url() or "").set(database=database).render_as_string(hide_password=False)

    yield make
    if admin_engine is not None:
        with admin_engine.connect() as connection:
            for database in created:
                # FORCE closes what a test left open (pooled engines, a killed child's sessions).
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@pytest.fixture
def db_url(new_db_url: NewDbUrl) -> str:
    """URL of an empty database for the test (SQLite file, or PostgreSQL when VIGIA_TEST_DATABASE_URL is set)."""
    return new_db_url()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of an empty SQLite file, for tests about SQLite itself (WAL, backup API, page limits)."""
    return f"sqlite:///{tmp_path / 'vigia-sqlite.db'}"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """The test's database, migrated, disposed afterwards."""
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    """A migrated SQLite database whatever VIGIA_TEST_DATABASE_URL says, for tests about SQLite itself."""
    database = open_database(sqlite_url)
    yield database
    database.dispose()


@pytest.fixture
def vigia_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh VIGIA_HOME so that no test touches the user's database or log."""
    home = tmp_path / "vigia-home"
    monkeypatch.setenv("VIGIA_HOME", str(home))
    monkeypatch.delenv("VIGIA_DATABASE_URL", raising=False)
    return home
