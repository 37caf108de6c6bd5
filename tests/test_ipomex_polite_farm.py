"""IPOMEX at real (compressed) speed on the simulated farm: never more than 2 requests in flight at the state's one
server, static files once, and a second night asks only for what changed, with the same verdicts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from config.latency import IPOMEX_HOST, REAL, LatencyModel
from crawler.browser import browser_available
from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from simulator import FarmServer, World, build_world
from simulator.ipomex_model import IPOMEX4, NORMAL
from tests.test_pipeline import FakeStore

RUN_DATE = date(2026, 11, 24)  # the next publication deadline (30/01/2027) is far: nothing must be read again
COMPRESSION = 50.0
CFG = CrawlSettings(timeout=4, retries=0, compression=COMPRESSION)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina"),
]


def pick(world: World, generation: str, count: int) -> list[str]:
    portals = {cve: world.ipomex(cve) for cve in sorted(world.ground_truth)}
    return [cve for cve, p in portals.items() if (p.generation, p.behaviour) == (generation, NORMAL)][:count]


def farm_of(world: World) -> FarmServer:
    return FarmServer(world, latency_model=LatencyModel(REAL, COMPRESSION, 2026))


def statuses(store: FakeStore, cves: set[str]) -> dict[tuple[str, str], str]:
    return {(c.cve_inegi or "", r.check_id): r.status for c, rs in store.portals if c.cve_inegi in cves for r in rs}


def test_polite_on_night_one_and_a_second_night_reads_only_what_changed_with_the_same_verdicts() -> None:
    world = build_world(seed=2026, run_date=RUN_DATE)
    wanted = set(pick(world, IPOMEX4, 4))
    store = FakeStore(remember=True)
    with farm_of(world) as farm:
        chosen = [m for m in farm.registry() if m.cve_inegi in wanted]
        cfg = replace(CFG, ipomex4_base=farm.ipomex4_url)
        stats = farm.gate.stats
        first = run_and_store(store, chosen, cfg, RUN_DATE, sources=("spiders.ipomex",))
        night_one, peak = stats[IPOMEX_HOST].requests, stats[IPOMEX_HOST].peak_in_flight
        night_one_statuses = statuses(store, wanted)
        store.portals.clear()
        second = run_and_store(store, chosen, cfg, RUN_DATE, sources=("spiders.ipomex",))
        night_two = stats[IPOMEX_HOST].requests - night_one
    assert first.status == second.status == "complete"
    # The farm would serve 6 at once (its connection limit); the crawl's gate holds it to VIGIA_IPOMEX_CONCURRENCY.
    assert 1 <= peak <= CFG.ipomex_concurrency == 2
    asked = stats[IPOMEX_HOST].by_request
    assert asked["GET /ipomex/app.js"] == 2  # once per pass, not once per page
    # The list of obligations is the SPA's own call, reused: once per portal and night.
    assert [asked[f"GET /ipomex/api/v1/sujetos/{m.ipomex4_id}/obligaciones"] for m in chosen] == [2] * len(chosen)
    truth = {(cve, fid): status for cve in wanted for fid, status in world.ground_truth[cve].items()}
    truth = {key: status for key, status in truth.items() if key[1].startswith("ipomex.")}
    assert statuses(store, wanted) == night_one_statuses == truth
    kept = [r for c, _ in store.portals for r in c.carried.values()]
    assert len(kept) > 60 * len(wanted) and all("Sin cambios desde la corrida 7" in (r.detail or "") for r in kept)
    # Night one: the SPA's page and its own calls, then one call per fraction that applies (its list is reused);
    # night two: the page and the SPA's own calls, plus the few fractions whose last read was not a verdict.
    assert night_one > 70 * len(wanted) and night_two < 6 * len(wanted)
