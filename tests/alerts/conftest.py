"""Fixtures for alert tests: the suite's migrated test database (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage.db import Database, open_database


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()
