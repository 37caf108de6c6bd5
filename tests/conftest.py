"""Shared test fixtures: where ../shared lives, and isolated Vigía homes."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """Path under ../shared, skipping the test when the shared folder is absent (a clone elsewhere)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared no está disponible ({path})")
    return path


@pytest.fixture
def vigia_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh VIGIA_HOME so that no test touches the user's database or log."""
    home = tmp_path / "vigia-home"
    monkeypatch.setenv("VIGIA_HOME", str(home))
    monkeypatch.delenv("VIGIA_DATABASE_URL", raising=False)
    return home
