"""Crawl workers: every site is crawled exactly once across workers, and a dead worker fails the run."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import Counter
from dataclasses import replace
from datetime import date
from typing import Any

import psutil
import pytest

from checks.model import SiteReport
from core.errors import CrawlError
from crawler.browser import RenderStats
from crawler.child import WorkerStats, next_index
from crawler.runner import worker_count
from crawler.settings import CrawlSettings
from simulator import FarmServer, build_world
from spiders.sitio import site_events
from spiders.sitio.target import SiteTarget

RUN_DATE = date(2026, 11, 24)


def test_worker_count_follows_the_setting_and_never_exceeds_the_sites() -> None:
    assert worker_count(CrawlSettings(crawl_processes=2), 125) == 2
    assert worker_count(CrawlSettings(crawl_processes=4), 3) == 3
    assert worker_count(CrawlSettings(crawl_processes=0), 10) == 1


def _claim(counter: Any, limit: int, out: Any) -> None:
    claimed = []
    while (index := next_index(counter)) < limit:
        claimed.append(index)
    out.put(claimed)


def test_two_processes_claim_each_index_exactly_once() -> None:
    ctx = multiprocessing.get_context("spawn")
    counter, out = ctx.Value("i", 0), ctx.Queue()
    workers = [ctx.Process(target=_claim, args=(counter, 2000, out)) for _ in range(2)]
    for worker in workers:
        worker.start()
    claimed = out.get(timeout=60) + out.get(timeout=60)
    for worker in workers:
        worker.join(timeout=30)
    assert sorted(claimed) == list(range(2000))


@pytest.mark.slow
def test_two_workers_report_every_site_once_and_their_usage() -> None:
    # Without variants: a script-written menu would send a site to the render pass, a third reporter of usage.
    world = build_world(run_date=RUN_DATE, variants=False)
    chosen = [s.cve_inegi for s in world.sites if s.behaviour == "normal"][:6]
    with FarmServer(world, latency=0.05) as farm:
        targets = [SiteTarget.of(m) for m in farm.registry() if m.cve_inegi in chosen]
        events = list(site_events(targets, CrawlSettings(ipomex=False, crawl_processes=2), RUN_DATE))
    reports = Counter(e.cve_inegi for e in events if isinstance(e, SiteReport))
    assert reports == Counter(chosen)
    workers = [e for e in events if isinstance(e, WorkerStats)]
    assert sorted(w.worker for w in workers) == [0, 1] and all(w.cpu_seconds > 0 for w in workers)
    assert sum(isinstance(e, RenderStats) for e in events) == 1
    assert all(e.checks_cpu > 0 for e in events if isinstance(e, SiteReport))


def _kill_a_worker_soon(parent: int, killed: list[int]) -> None:
    for _ in range(600):
        children = [p for p in psutil.Process(parent).children() if "spawn_main" in " ".join(p.cmdline())]
        if len(children) >= 2:
            os.kill(children[0].pid, signal.SIGKILL)
            killed.append(children[0].pid)
            return
        threading.Event().wait(0.05)


@pytest.mark.slow
def test_a_worker_killed_mid_crawl_fails_the_crawl() -> None:
    world = build_world(run_date=RUN_DATE)
    world.sites = [replace(s, delay=2.0) for s in world.sites]
    with FarmServer(world) as farm:
        targets = [SiteTarget.of(m) for m in farm.registry()[:8]]
        killed: list[int] = []
        killer = threading.Thread(target=_kill_a_worker_soon, args=(os.getpid(), killed))
        killer.start()
        with pytest.raises(CrawlError, match="terminó inesperadamente"):
            list(site_events(targets, CrawlSettings(ipomex=False, render_js=False, crawl_processes=2), RUN_DATE))
        killer.join()
    assert killed
