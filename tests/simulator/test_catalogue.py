"""The hard-coded check ids match the catalogue (shared spec and, when present, the project's copy)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.catalogue import CHECK_IDS, FEATURE_CHECKS, HOME_CHECKS, PROBE_CHECKS
from tests.checks.test_catalogue import PENDING_CONTRACT

REPO = Path(__file__).resolve().parents[2]
CATALOGUES = (REPO / "config" / "checks.yaml", REPO.parent / "shared" / "spec" / "checks.yaml")
# The LOSI checks of issue 17 that the auditors' shared contract does not list yet (tests/checks/test_catalogue.py).


def scoped_ids(path: Path) -> tuple[list[str], set[str]]:
    """(ids of scope home or site in file order, ids of scope home) of a catalogue file."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    checks = document["checks"] if isinstance(document, dict) else document
    rows = [c for c in checks if c.get("scope") in ("home", "site")]
    return [c["id"] for c in rows], {c["id"] for c in rows if c["scope"] == "home"}


@pytest.mark.parametrize("path", CATALOGUES, ids=["config", "shared"])
def test_check_ids_match_catalogue(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} no existe en este entorno")
    ids, home = scoped_ids(path)
    if path == CATALOGUES[0]:
        assert set(ids) == set(CHECK_IDS)
    else:
        # The auditors' contract does not list the issue 17 checks yet (tests/checks/test_catalogue.py).
        assert set(ids) - PENDING_CONTRACT == set(CHECK_IDS) - PENDING_CONTRACT
    assert home - PENDING_CONTRACT == set(HOME_CHECKS) - PENDING_CONTRACT


def test_there_are_43_distinct_ids() -> None:
    assert len(CHECK_IDS) == len(set(CHECK_IDS)) == 43
    assert len(FEATURE_CHECKS) == 31
    assert set(PROBE_CHECKS.values()) <= set(FEATURE_CHECKS)
