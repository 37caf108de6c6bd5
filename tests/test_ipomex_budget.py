"""A portal that hangs beyond its own budget: that municipality is ipomex_sin_tiempo, the others are read, the run
is partial (never complete, never a pass-wide timeout that loses the other portals)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from checks.ipomex_model import IpomexCapture
from crawler.browser import browser_available
from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from simulator import FarmServer, build_world
from simulator.ipomex_model import IPOMEX3, IPOMEX4, NORMAL, TIMEOUT
from tests.test_pipeline import FakeStore

RUN_DATE = date(2026, 11, 24)
# Each page may wait 30 s, but a portal gets 6 s in all: the hang (60 s) outlasts the budget, not the page timeout.
CFG = CrawlSettings(timeout=4, retries=0, ipomex_timeout=30, ipomex_portal_budget_seconds=6, browser_timeout=10)
HANG_SECONDS = 60.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina"),
]


def _pick(world, generation: str, behaviour: str, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    found = [s.cve_inegi for s in world.sites if (s.ipomex.generation, s.ipomex.behaviour) == (generation, behaviour)]
    assert len(found) >= count, (generation, behaviour)
    return found[:count]


def test_a_hanging_portal_runs_out_of_its_own_budget_and_the_run_is_partial() -> None:
    world = build_world(seed=2026, run_date=RUN_DATE)
    hung = set(_pick(world, IPOMEX4, TIMEOUT, 1) + _pick(world, IPOMEX3, TIMEOUT, 1))
    read = set(_pick(world, IPOMEX4, NORMAL, 2))
    store = FakeStore()
    with FarmServer(world, ipomex_hang_seconds=HANG_SECONDS) as farm:
        chosen = [m for m in farm.registry() if m.cve_inegi in hung | read]
        cfg = replace(CFG, ipomex4_base=farm.ipomex4_url)
        summary = run_and_store(store, chosen, cfg, RUN_DATE, sources=("spiders.ipomex",))
    captures: dict[str, IpomexCapture] = {c.cve_inegi or "": c for c, _ in store.portals}
    assert summary.status == "partial"
    assert {c: captures[c].failure for c in hung} == dict.fromkeys(hung, "ipomex_sin_tiempo")
    assert all(captures[c].failure is None and captures[c].fractions for c in read)
    assert sorted(u.cve_inegi for u in summary.unread) == sorted(hung)
    assert {u.reason for u in summary.unread} == {"ipomex_sin_tiempo"} and "IPOMEX sin leer" in (summary.error or "")
    results = [r for c, rs in store.portals if c.cve_inegi in hung for r in rs]
    assert results and {(r.status, r.reason) for r in results} == {("indeterminado", "ipomex_sin_tiempo")}
