"""The latency model: seeded, realistic draws, compression, expectations, and the farm enforcing them per host."""

from __future__ import annotations

import asyncio
import random
import statistics
import time

import httpx
import pytest

from config.latency import (
    INSTANT,
    IPOMEX_CONNECTIONS,
    IPOMEX_HOST,
    REAL,
    SITE_CONNECTIONS,
    STALL_SECONDS,
    LatencyModel,
    ipomex_profile,
    site_profile,
    slowest_site_profile,
    typical_site_profile,
)
from config.registry import load_registry
from simulator import FarmServer, build_world
from simulator.__main__ import main
from simulator.latency_gate import LatencyGate
from simulator.model import NORMAL
from tests.simulator.conftest import RUN_DATE

CLAVES = [m.cve_inegi for m in load_registry()]


def site_draws(model: LatencyModel, count: int = 40) -> list[float]:
    """count requests to every municipal host of the registry, at the model's timescale."""
    return [model.request_seconds(c, f"GET /p{n}", 0, 60_000) for c in CLAVES for n in range(count)]


def test_instant_model_never_waits_nor_limits() -> None:
    model = LatencyModel()
    assert model.mode == INSTANT and not model.real
    assert model.request_seconds("15001", "GET /", 0, 10_000) == 0.0
    assert model.connections("15001") is None and model.connections(IPOMEX_HOST) is None
    assert model.scaled(600.0) == 600.0 and model.expected_request_seconds("15001") == 0.0


def test_draws_are_seeded_per_host_request_and_repetition() -> None:
    model, other = LatencyModel(REAL, 1, seed=2026), LatencyModel(REAL, 1, seed=7)
    first = model.request_seconds("15106", "GET /", 0, 30_000)
    assert first == LatencyModel(REAL, 1, seed=2026).request_seconds("15106", "GET /", 0, 30_000)
    repeats = {model.request_seconds("15106", "GET /", n, 30_000) for n in range(5)}
    assert len(repeats) == 5  # a retry is a new draw, the same on every run
    assert site_profile(2026, "15106") != site_profile(7, "15106")
    assert other.request_seconds("15106", "GET /", 0, 30_000) != first


def test_municipal_sites_answer_in_0_2_to_2_s_with_a_slow_tail_and_rare_stalls() -> None:
    draws = site_draws(LatencyModel(REAL, 1))
    cut = statistics.quantiles(draws, n=100)
    assert 0.2 <= cut[49] <= 2.0  # median
    assert cut[4] >= 0.1 and cut[89] <= 3.0  # most answers within the band
    assert max(draws) >= STALL_SECONDS  # some requests stall
    stalls = sum(1 for d in draws if d >= STALL_SECONDS) / len(draws)
    assert 0.001 <= stalls <= 0.02
    medians = [site_profile(2026, c).server_median for c in CLAVES]
    assert min(medians) >= 0.2 and max(medians) <= 1.2 and statistics.pstdev(medians) > 0.1


def test_ipomex_is_one_slow_host_for_everyone() -> None:
    model = LatencyModel(REAL, 1)
    draws = [model.request_seconds(IPOMEX_HOST, f"GET /api/{n}", 0, 20_000) for n in range(2000)]
    assert min(draws) >= 0.3 + 0.5 and max(draws) <= 0.3 + 2.0 + 0.02
    assert 1.4 <= statistics.mean(draws) <= 1.7
    assert model.connections(IPOMEX_HOST) == IPOMEX_CONNECTIONS


def test_compression_divides_every_wait_and_budget() -> None:
    true, compressed = LatencyModel(REAL, 1), LatencyModel(REAL, 10)
    for host in ("15001", IPOMEX_HOST):
        assert compressed.request_seconds(host, "GET /", 2, 50_000) == pytest.approx(
            true.request_seconds(host, "GET /", 2, 50_000) / 10
        )
        assert compressed.expected_request_seconds(host) == pytest.approx(true.expected_request_seconds(host) / 10)
    assert compressed.scaled(600.0) == 60.0
    with pytest.raises(ValueError):
        LatencyModel(REAL, 0.5)
    with pytest.raises(ValueError):
        LatencyModel("rapida")


def test_expectations_match_the_draws() -> None:
    rng = random.Random(11)
    for profile in (typical_site_profile(), ipomex_profile(), slowest_site_profile()):
        sample = statistics.mean(profile.request_seconds(rng, 60_000) for _ in range(20_000))
        assert profile.expected_seconds(60_000) == pytest.approx(sample, rel=0.06)
    assert typical_site_profile().expected_seconds() < slowest_site_profile().expected_seconds()


def test_gate_queues_requests_beyond_the_hosts_connection_limit() -> None:
    gate = LatencyGate(LatencyModel(REAL, 200))
    waits = [gate.model.request_seconds("15001", f"GET /{n}", 0, 1000) for n in range(12)]

    async def burst() -> float:
        started = time.monotonic()
        await asyncio.gather(*(gate.wait("15001", f"GET /{n}", 1000) for n in range(12)))
        return time.monotonic() - started

    elapsed = asyncio.run(burst())
    stats = gate.stats["15001"]
    assert stats.requests == 12 and stats.peak_in_flight == SITE_CONNECTIONS and stats.in_flight == 0
    assert stats.busy_seconds == pytest.approx(sum(waits))
    assert elapsed >= sum(waits) / SITE_CONNECTIONS * 0.9


def test_instant_gate_counts_without_waiting() -> None:
    gate = LatencyGate(LatencyModel())
    asyncio.run(gate.wait(IPOMEX_HOST, "GET /", 10))
    assert gate.stats[IPOMEX_HOST].requests == 1 and gate.stats[IPOMEX_HOST].busy_seconds == 0.0


def test_gate_journal_keeps_each_drawn_time_and_restart_counts_afresh() -> None:
    gate = LatencyGate(LatencyModel(REAL, 500))
    assert gate.restart() == ({}, [])  # no journal yet: nothing was kept

    async def two() -> None:
        await gate.wait("15001", "GET /", 1000)
        await gate.wait(IPOMEX_HOST, "GET /ipo3/static/fraccion.js", 1000, "http://h/ipo3/lgt/indice/x/a.web")

    asyncio.run(two())
    stats, journal = gate.restart()
    assert [(s.host, s.request, s.referer) for s in journal] == [
        ("15001", "GET /", ""),
        (IPOMEX_HOST, "GET /ipo3/static/fraccion.js", "http://h/ipo3/lgt/indice/x/a.web"),
    ]
    assert journal[0].seconds == gate.model.request_seconds("15001", "GET /", 0, 1000) > 0
    assert stats["15001"].busy_seconds == pytest.approx(journal[0].seconds)
    assert gate.stats == {} and gate.journal == []
    asyncio.run(gate.wait("15001", "GET /", 1000))
    # The repetition still counts across restarts: the second identical request is a fresh draw.
    assert gate.journal[0].seconds == gate.model.request_seconds("15001", "GET /", 1, 1000)
    assert gate.restart(keep_journal=False)[0]["15001"].requests == 1 and gate.journal is None


def test_farm_serves_sites_and_ipomex_at_the_drawn_speed() -> None:
    registry = [m for m in load_registry()][:6]
    world = build_world(seed=2026, run_date=RUN_DATE, municipalities=registry)
    site = next(s for s in world.sites if s.behaviour == NORMAL and s.delay == 0)
    model = LatencyModel(REAL, 4, seed=2026)
    with FarmServer(world, latency_model=model) as farm:
        started = time.monotonic()
        page = httpx.get(farm.url_for(site.cve_inegi) + "robots.txt", timeout=30)
        took = time.monotonic() - started
        started = time.monotonic()
        assert httpx.get(farm.ipomex_base + "/", timeout=30).status_code == 200
        took_ipomex = time.monotonic() - started
    assert took >= model.request_seconds(site.cve_inegi, "GET /robots.txt", 0, len(page.content))
    assert took_ipomex >= (0.3 + 0.5) / 4
    assert farm.gate.stats[site.cve_inegi].requests == 1 and farm.gate.stats[IPOMEX_HOST].requests == 1


def test_serve_rejects_a_compression_below_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--latencia", "real", "--compresion", "0.5"]) == 2
    assert "compresión" in capsys.readouterr().err
