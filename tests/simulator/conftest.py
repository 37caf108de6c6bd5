"""Shared fixtures: the default world on a fixed run date, and a farm serving it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from simulator import FarmServer, World, build_world

RUN_DATE = date(2026, 11, 24)


@pytest.fixture(scope="session")
def world() -> World:
    """The default farm (seed 2026) as the end-to-end tests and `vigia demo` see it."""
    return build_world(seed=2026, run_date=RUN_DATE)


@pytest.fixture(scope="session")
def farm(world: World) -> Iterator[FarmServer]:
    """All 125 sites served on 127.0.0.1 for the whole session."""
    with FarmServer(world) as server:
        yield server
