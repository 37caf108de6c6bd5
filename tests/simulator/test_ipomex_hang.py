"""Timing-out municipalities on IPOMEX: held without blocking anything else, and released at shutdown."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from config.latency import REAL, LatencyModel
from config.registry import load_registry
from simulator import FarmServer, World, build_world
from tests.simulator.conftest import RUN_DATE

TIMEOUT_IPOMEX3, TIMEOUT_IPOMEX4, NORMAL_IPOMEX4 = "15087", "15094", "15001"


def hang_world() -> World:
    """The two kinds of timing-out municipality plus an ordinary one."""
    chosen = [m for m in load_registry() if m.cve_inegi in (TIMEOUT_IPOMEX3, TIMEOUT_IPOMEX4, NORMAL_IPOMEX4)]
    world = build_world(seed=2026, run_date=RUN_DATE, municipalities=chosen)
    assert world.ipomex(TIMEOUT_IPOMEX3).behaviour == world.ipomex(TIMEOUT_IPOMEX4).behaviour == "timeout"
    assert world.ipomex(NORMAL_IPOMEX4).behaviour == "normal"
    return world


def test_hang_times_out_clients_without_blocking_others() -> None:
    world = hang_world()
    with FarmServer(world, ipomex_hang_seconds=1.0) as farm:
        rows = {m.cve_inegi: m for m in farm.registry()}
        api = f"{farm.ipomex_base}/ipomex/api/v1/sujetos"
        held: dict[str, httpx.Response] = {}
        waiter = threading.Thread(
            target=lambda: held.update(r=httpx.get(rows[TIMEOUT_IPOMEX3].ipomex_url or "", timeout=10))
        )
        started = time.monotonic()
        waiter.start()
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{api}/{rows[TIMEOUT_IPOMEX4].ipomex4_id}/obligaciones", timeout=0.3)
        quick = httpx.get(f"{api}/{rows[NORMAL_IPOMEX4].ipomex4_id}/obligaciones", timeout=5)
        assert quick.status_code == 200 and time.monotonic() - started < 0.9
        waiter.join(10)
        assert held["r"].status_code == 504 and time.monotonic() - started >= 1.0


def test_shutdown_ends_the_hang() -> None:
    world = hang_world()
    threads = set(threading.enumerate())
    farm = FarmServer(world)  # default hang: 60 s
    farm.start()
    outcome: list[object] = []

    def wait() -> None:
        try:
            outcome.append(httpx.get(farm.ipomex_url_for(TIMEOUT_IPOMEX3) or "", timeout=30).status_code)
        except httpx.HTTPError as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=wait)
    waiter.start()
    deadline = time.monotonic() + 10
    while farm.ipomex_hanging == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert farm.ipomex_hanging == 1
    started = time.monotonic()
    farm.stop()
    waiter.join(10)
    assert time.monotonic() - started < 5 and outcome and not waiter.is_alive()
    assert set(threading.enumerate()) <= threads


def test_the_hang_is_compressed_like_every_other_wait() -> None:
    world = hang_world()
    real = FarmServer(world, ipomex_hang_seconds=60.0, latency_model=LatencyModel(REAL, compression=20))
    assert real.ipomex_hang_seconds == 3.0
    assert FarmServer(world, ipomex_hang_seconds=60.0).ipomex_hang_seconds == 60.0
