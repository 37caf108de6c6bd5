"""Discovery end to end, without storage: mine official pages for links, build candidates, fetch and prove them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from config.discovery import DiscoveryRules
from config.registry import Municipality
from crawler.dns import MISSING, load_overrides, lookup, resolve_all
from crawler.runner import crawl
from crawler.settings import CrawlSettings
from crawler.source import SourcePlan
from spiders.descubrir import CandidateTarget, Mined, MineTarget, Proved
from spiders.descubrir.candidates import Candidate, NameFinder, host_of, listed_host, on_domain, pattern_hosts

MODULE = "spiders.descubrir"
RESOLVER_THREADS = 32


@dataclass
class DiscoveryRequest:
    """Whom to look for, with what knowledge: the selection, the whole registry, rules, references and pages."""

    selected: list[Municipality]
    registry: list[Municipality]
    rules: DiscoveryRules
    references: list[Candidate] = field(default_factory=list)
    pages: list[MineTarget] = field(default_factory=list)
    # Pages that belong to one municipality (its IPOMEX index, its former site): every outside link is its candidate.
    own_pages: dict[str, str] = field(default_factory=dict)  # url → clave


def resolver(simulated: bool) -> Callable[[str], bool]:
    """Whether a host name resolves: on the simulated internet only its DNS table counts (nothing leaks out)."""
    if simulated:
        table = load_overrides()
        return lambda host: lookup(table, host) not in (None, MISSING)
    return lambda host: bool(resolve_all(host))


def discover(
    request: DiscoveryRequest, cfg: CrawlSettings, run_date: date, resolves: Callable[[str], bool]
) -> Iterator[Any]:
    """Yield Mined events, then one Proved event per candidate (and the workers' usage events)."""
    mined: list[Mined] = []
    if request.pages:
        for event in crawl({MODULE: SourcePlan(targets=list(request.pages))}, cfg, run_date):
            if isinstance(event, Mined):
                mined.append(event)
            yield event
    candidates = link_candidates(request, mined) + request.references + pattern_candidates(request, resolves)
    targets = candidate_targets(candidates)
    proved: list[Proved] = []
    for event in _crawl(targets, cfg, run_date):
        if isinstance(event, Proved):
            proved.append(event)
        yield event
    # Second pass: sites that proved probable are pages of the municipalities' own world; their links to a
    # neighbour's site ("municipios vecinos", directories) are leads for the ones still without a probable site.
    tried = {(t.candidate.cve_inegi, t.urls[0].lower().rstrip("/")) for t in targets}
    leads = [t for t in candidate_targets(lead_candidates(request, proved)) if _key(t) not in tried]
    yield from _crawl(leads, cfg, run_date)


def _key(target: CandidateTarget) -> tuple[str, str]:
    return target.candidate.cve_inegi, target.urls[0].lower().rstrip("/")


def _crawl(targets: list[CandidateTarget], cfg: CrawlSettings, run_date: date) -> Iterator[Any]:
    if targets:
        yield from crawl({MODULE: SourcePlan(targets=targets)}, cfg, run_date)


def lead_candidates(request: DiscoveryRequest, proved: Sequence[Proved]) -> list[Candidate]:
    """Links on probable sites naming a selected municipality that has no probable site yet."""
    found = {p.candidate.cve_inegi for p in proved if p.proof.veredicto == "probable" and p.proof.presencia == "sitio"}
    wanted = {m.cve_inegi for m in request.selected} - found
    leads = []
    for p in proved:
        for url, cve in p.leads:
            if cve in wanted and cve != p.candidate.cve_inegi:
                detail = f"enlace en {p.final_url}, sitio probable de otro municipio ({p.candidate.cve_inegi})"
                leads.append(Candidate(cve, _site_root(url, request.rules), "enlace", detail))
    return leads


def pattern_candidates(request: DiscoveryRequest, resolves: Callable[[str], bool]) -> list[Candidate]:
    """Hosts built from each selected name that resolve in DNS (checked in parallel; nothing is fetched yet)."""
    wanted = [(m.cve_inegi, host, detail) for m in request.selected for host, detail in pattern_hosts(m, request.rules)]
    with ThreadPoolExecutor(RESOLVER_THREADS) as pool:
        answers = list(pool.map(resolves, [host for _, host, _ in wanted]))
    return [
        Candidate(cve, f"https://{host}/", "patron", detail)
        for (cve, host, detail), ok in zip(wanted, answers, strict=True)
        if ok
    ]


def link_candidates(request: DiscoveryRequest, mined: Iterable[Mined]) -> list[Candidate]:
    """Links on official pages that point outside the state's portals and name (or belong to) a selected one."""
    finder = NameFinder(request.registry)
    selected = {m.cve_inegi for m in request.selected}
    found: list[Candidate] = []
    for page in mined:
        owner = request.own_pages.get(page.target.url)
        for url, label in page.links:
            host = host_of(url)
            if not host or listed_host(host, request.rules.no_municipales) or host == host_of(page.target.url):
                continue
            cve = owner or finder.find(label)
            if cve in selected:
                detail = f"enlace «{label[:80]}» en {page.target.url} ({page.target.fuente})"
                found.append(Candidate(cve, _site_root(url, request.rules), "enlace", detail))
    return found


def _site_root(url: str, rules: DiscoveryRules) -> str:
    """A site's home for a link into it; a social-network link is kept whole (the page is the presence)."""
    if on_domain(host_of(url), rules.redes_sociales):
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/"


def candidate_targets(candidates: Sequence[Candidate]) -> list[CandidateTarget]:
    """One fetch per (municipality, URL); an https home gets its http form as fallback."""
    targets: dict[tuple[str, str], CandidateTarget] = {}
    for c in candidates:
        key = (c.cve_inegi, c.url.lower().rstrip("/"))
        if key in targets:
            continue
        urls = (c.url, "http://" + c.url.removeprefix("https://")) if c.url.startswith("https://") else (c.url,)
        targets[key] = CandidateTarget(c, urls)
    return list(targets.values())
