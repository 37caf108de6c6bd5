"""Discovery of official sites as a crawl source: fetch candidates in crawl workers and prove their identity there.

Not one of the nightly sources (`crawler.source.SOURCES`): `vigia descubrir` runs it through `crawler.runner.crawl`
so that every candidate goes through the same workers, SSRF gate, robots rules and politeness as a nightly crawl.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from checks.identity import Evidence, Fetched, IdentityContext, IdentityProof, prove_identity
from config.registry import Municipality, load_registry
from crawler.settings import CrawlSettings
from crawler.source import History, SourcePlan, Visit
from spiders.descubrir.candidates import IPOMEX_INDEX, Candidate, NameFinder, host_of
from spiders.descubrir.spider import DiscoverySpider, Probe, Seen

log = logging.getLogger("vigia.descubrir")
BATCH = 20
# Fetch outcomes where a server answered but robots.txt kept Vigía from reading the page.
CLOSED = frozenset({"robots_disallowed", "robots_unavailable"})


@dataclass(frozen=True)
class MineTarget:
    """A page known to be official, read for its links to municipal sites."""

    url: str
    fuente: str


@dataclass(frozen=True)
class CandidateTarget:
    """A candidate and the URLs to try for it (https first)."""

    candidate: Candidate
    urls: tuple[str, ...]


@dataclass(frozen=True)
class Mined:
    """The links of a page known to be official (empty with a failure when it could not be read)."""

    target: MineTarget
    links: tuple[tuple[str, str], ...]
    failure: str | None


@dataclass(frozen=True)
class Proved:
    """A fetched candidate with its identity proof and the IPOMEX slugs its page links to."""

    candidate: Candidate
    final_url: str
    failure: str | None
    proof: IdentityProof
    ipomex_slugs: tuple[str, ...] = ()
    # Links to other hosts whose label names a municipality: (URL, clave), leads for a second pass.
    leads: tuple[tuple[str, str], ...] = ()


def ipomex_slugs(links: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """IPOMEX index addresses a page links to as "ipo3:<slug>" or "ipo:<slug>" (legacy), in order of appearance."""
    found = (f"{m.group(1).lower()}:{m.group(2)}" for url, _ in links if (m := IPOMEX_INDEX.search(url)))
    return tuple(dict.fromkeys(found))


def unproven_if_closed(proof: IdentityProof, fetched: Fetched) -> IdentityProof:
    """A host that answers but forbids robots (or errs on robots.txt) was not read: neither proved nor disproved, so
    an auditor must look (dudoso), never a silent «descartado»."""
    if fetched.failure not in CLOSED:
        return proof
    why = Evidence(
        "robots_closed",
        0,
        f"El servidor respondió pero su robots.txt no permite leer la página de inicio ({fetched.failure}); "
        "la identidad no pudo probarse: revísela a mano.",
    )
    return replace(proof, veredicto="dudoso", alarma=None, alarmas=(), evidencias=(*proof.evidencias, why))


def named_links(links: Sequence[tuple[str, str]], page_url: str, finder: NameFinder) -> tuple[tuple[str, str], ...]:
    """Links leaving the page's host whose label names a municipality, as (URL, clave)."""
    own = host_of(page_url)
    found = ((url, finder.find(label)) for url, label in links if host_of(url) not in ("", own))
    return tuple(dict.fromkeys((url, cve) for url, cve in found if cve is not None))


class DiscoverySource:
    """Candidates fetched by DiscoverySpider in batches; each page's identity is proved where it was fetched."""

    names = frozenset({"descubrimiento"})
    label = "candidatos"
    browser = False

    def plan(
        self, municipalities: Sequence[Municipality], cfg: CrawlSettings, run_date: date, history: History
    ) -> SourcePlan:
        """Discovery's targets are built by spiders.descubrir.run, never from a nightly plan."""
        return SourcePlan()

    def evaluate(self, fetched: Any, run_date: date) -> Any:
        """Discovery reports are proofs, built in visit."""
        return fetched

    async def visit(self, visit: Visit) -> None:
        """Fetch claimed targets in batches, one spider per batch and lane; emit Mined and Proved events."""
        registry = {m.cve_inegi: m for m in load_registry()}
        context = IdentityContext.load(list(registry.values()))
        emit = _Emitter(visit, registry, context)

        async def lane() -> None:
            while batch := [t for t in (visit.claim() for _ in range(BATCH)) if t is not None]:
                probes = [emit.probe(n, t) for n, t in enumerate(batch)]
                try:
                    await visit.runner.crawl(DiscoverySpider, probes=probes, cfg=visit.cfg, sink=emit.seen)
                except Exception:
                    log.exception("discovery spider crashed")
                emit.missing(probes)

        await asyncio.gather(*(lane() for _ in range(visit.lanes)))


class _Emitter:
    """Turn what a spider saw into events, and make sure every probe yields exactly one."""

    def __init__(self, visit: Visit, registry: dict[str, Municipality], context: IdentityContext) -> None:
        self.visit, self.registry, self.context = visit, registry, context
        self.finder = NameFinder(list(registry.values()))
        self.targets: dict[str, MineTarget | CandidateTarget] = {}
        self.done: set[str] = set()

    def probe(self, number: int, target: MineTarget | CandidateTarget) -> Probe:
        key = f"{id(target)}:{number}"
        self.targets[key] = target
        urls = target.urls if isinstance(target, CandidateTarget) else (target.url,)
        return Probe(key, urls)

    def seen(self, seen: Seen) -> None:
        target = self.targets.get(seen.key)
        if target is None or seen.key in self.done:
            return
        self.done.add(seen.key)
        if isinstance(target, MineTarget):
            self.visit.emit(Mined(target, seen.links, seen.fetched.failure))
            return
        m = self.registry[target.candidate.cve_inegi]
        proof = unproven_if_closed(prove_identity(m, seen.fetched, self.context, self.visit.run_date), seen.fetched)
        slugs = ipomex_slugs(seen.links)
        leads = named_links(seen.links, seen.fetched.final_url, self.finder) if proof.veredicto == "probable" else ()
        self.visit.emit(Proved(target.candidate, seen.fetched.final_url, seen.fetched.failure, proof, slugs, leads))

    def missing(self, probes: Sequence[Probe]) -> None:
        # A spider that crashed or closed early still owes one event per probe.
        for probe in probes:
            if probe.key not in self.done:
                fetched = Fetched(requested_url=probe.urls[0], final_url="", status=None, html="", failure="error")
                self.seen(Seen(probe.key, fetched))


SOURCE = DiscoverySource()
