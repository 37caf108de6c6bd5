"""Discovery on the simulated internet: the right site first, no trap proposed, and what is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pytest

from config.discovery import load_rules
from config.registry import load_registry
from crawler.settings import CrawlSettings
from simulator.internet import DIRECTORY_URL, build_internet
from simulator.internet_server import InternetServer
from spiders.descubrir import Proved
from spiders.descubrir.agreement import measure, truth_sites
from spiders.descubrir.candidates import host_of
from vigia.discovery import discovery_request, run_discovery

pytestmark = pytest.mark.slow
RUN_DATE = date(2026, 11, 24)
CFG = CrawlSettings(timeout=5, retries=0, ipomex=False, render_js=False, crawl_processes=1)


class ListStore:
    """A DiscoveryStore that keeps everything in lists (the fake of storage.sites)."""

    def __init__(self) -> None:
        self.proofs: list[Proved] = []
        self.facts: list[tuple[str, str, str, str]] = []
        self.runs: dict[int, dict[str, Any]] = {}

    def begin(self, cves: Sequence[str], options: dict[str, Any]) -> int:
        self.runs[len(self.runs) + 1] = {"cves": list(cves), "options": options, "finished": False}
        return len(self.runs)

    def proof(self, run_id: int, proved: Proved) -> None:
        self.proofs.append(proved)

    def crosswalk_fact(self, cve: str, campo: str, valor: str, fuente: str) -> None:
        self.facts.append((cve, campo, valor, fuente))

    def finish(self, run_id: int) -> None:
        self.runs[run_id]["finished"] = True


@pytest.fixture(scope="module")
def internet() -> Iterator[tuple[Any, InternetServer]]:
    net = build_internet(run_date=RUN_DATE)
    with InternetServer(net) as server:
        yield net, server


@pytest.fixture
def simulated(internet: tuple[Any, InternetServer], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    net, server = internet
    monkeypatch.setenv("VIGIA_INTERNET_SIMULADO", server.base_url)
    monkeypatch.setenv("VIGIA_DNS_OVERRIDES", json.dumps(net.dns_table()))
    truth: dict[str, Any] = json.loads(net.truth_json())
    return truth


def sample(truth: dict[str, Any]) -> list[str]:
    """Every municipality with a trap or without a site, plus the first ten plain ones."""
    sites = truth_sites(truth)
    special = [cve for cve, t in sites.items() if t.get("trampas") or not t.get("oficial")]
    plain = [cve for cve in sorted(sites) if cve not in special][:10]
    # The sites whose footers name a neighbour: a municipality only they link to is found through them.
    hosts = {host_of(t["oficial"]): cve for cve, t in sites.items() if t.get("oficial")}
    linking = [
        hosts[host_of(trap["url"])]
        for t in sites.values()
        for trap in t.get("trampas", [])
        if host_of(trap["url"]) in hosts
    ]
    return sorted(set(special) | set(plain) | set(linking))


def test_discovery_ranks_the_official_site_first_and_proposes_no_trap(simulated: dict[str, Any]) -> None:
    registry = load_registry()
    cves = sample(simulated)
    chosen = [m for m in registry if m.cve_inegi in cves]
    store = ListStore()
    request = discovery_request(chosen, registry, load_rules(), extra_pages=[DIRECTORY_URL])
    outcome = run_discovery(request, CFG, RUN_DATE, store, simulated=True)
    agreement = measure(simulated, outcome.ranked, cves)
    assert agreement.traps_probable() == 0, agreement.confusion
    assert agreement.share >= 0.95, agreement.outcomes
    assert agreement.outcomes["sitio_inventado"] == 0
    assert store.runs[outcome.run_id]["finished"] and len(store.proofs) == outcome.candidates
    assert all(p.proof.evidencias for p in store.proofs)
