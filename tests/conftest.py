"""Shared test fixtures: where ../shared lives, and isolated Vigía homes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.db import Database, open_database

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """Path under ../shared, skipping the test when the shared folder is absent (a clone elsewhere)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared no está disponible ({path})")
    return path


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """URL of an empty SQLite file for the test."""
    return f"sqlite:///{tmp_path / 'vigia.db'}"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """The test's database, migrated, disposed afterwards."""
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def vigia_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh VIGIA_HOME so that no test touches the user's database or log."""
    home = tmp_path / "vigia-home"
    monkeypatch.setenv("VIGIA_HOME", str(home))
    monkeypatch.delenv("VIGIA_DATABASE_URL", raising=False)
    return home
