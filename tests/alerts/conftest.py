"""Fixtures for alert tests: a migrated SQLite file and a way to record whole runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.db import Database, open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'vigia.db'}")
    yield database
    database.dispose()
