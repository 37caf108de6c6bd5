"""The discovery job shared by `vigia descubrir` and the nightly watch: find, prove, rank and store candidates."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from config.discovery import DiscoveryRules
from config.registry import Municipality
from crawler.settings import CrawlSettings
from spiders.descubrir import Mined, MineTarget, Proved
from spiders.descubrir.candidates import Candidate
from spiders.descubrir.ranking import rank
from spiders.descubrir.run import DiscoveryRequest, discover, resolver


class DiscoveryStore(Protocol):
    """Where a discovery run's proofs and crosswalk findings go (the database, or a list in tests)."""

    def begin(self, cves: Sequence[str], options: dict[str, Any]) -> int:
        """Open a discovery run; return its id."""
        ...

    def proof(self, run_id: int, proved: Proved) -> None:
        """Keep one proved candidate (append-only)."""
        ...

    def crosswalk_fact(self, cve: str, campo: str, valor: str, fuente: str) -> None:
        """Keep an identifier found on a probable official page."""
        ...

    def finish(self, run_id: int) -> None:
        """Close the discovery run."""
        ...


@dataclass
class DiscoveryOutcome:
    """What a discovery run found: the ranking per clave and how much it looked at."""

    run_id: int
    ranked: dict[str, list[Proved]]
    candidates: int = 0
    pages_mined: int = 0
    mined_failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def discovery_request(
    selected: Sequence[Municipality],
    registry: Sequence[Municipality],
    rules: DiscoveryRules,
    references: Iterable[Candidate] = (),
    extra_pages: Iterable[str] = (),
) -> DiscoveryRequest:
    """The request for the selection: official pages to mine (config, --desde, each one's IPOMEX index) and the
    candidates already known (reference data, the confirmed site itself)."""
    pages = [MineTarget(p.url, p.fuente) for p in rules.paginas_oficiales]
    pages += [MineTarget(url, "página indicada con --desde") for url in extra_pages]
    own: dict[str, str] = {}
    chosen = {m.cve_inegi for m in selected}
    known = [c for c in references if c.cve_inegi in chosen]
    for m in selected:
        if m.ipomex_url:
            pages.append(MineTarget(m.ipomex_url, f"índice de IPOMEX de {m.nombre}"))
            own[m.ipomex_url] = m.cve_inegi
        if m.sitio_web:
            known.append(Candidate(m.cve_inegi, m.sitio_web, "cruce", "sitio oficial vigente del registro"))
    return DiscoveryRequest(list(selected), list(registry), rules, known, pages, own)


def run_discovery(
    request: DiscoveryRequest,
    cfg: CrawlSettings,
    run_date: date,
    store: DiscoveryStore,
    simulated: bool,
    on_proved: Callable[[Proved], None] | None = None,
) -> DiscoveryOutcome:
    """Run discovery for the request, storing every proof as it arrives; return the ranking."""
    started = time.monotonic()
    options = {"paginas": [p.url for p in request.pages], "internet_simulado": simulated}
    run_id = store.begin([m.cve_inegi for m in request.selected], options)
    proved: list[Proved] = []
    outcome = DiscoveryOutcome(run_id, {})
    for event in discover(request, cfg, run_date, resolver(simulated)):
        if isinstance(event, Mined):
            outcome.pages_mined += 1
            if event.failure:
                outcome.mined_failures.append(f"{event.target.url}: {event.failure}")
        elif isinstance(event, Proved):
            proved.append(event)
            store.proof(run_id, event)
            if on_proved is not None:
                on_proved(event)
    outcome.ranked = rank(proved)
    outcome.candidates = len(proved)
    _record_identifiers(outcome.ranked, store)
    store.finish(run_id)
    outcome.seconds = time.monotonic() - started
    return outcome


def _record_identifiers(ranked: dict[str, list[Proved]], store: DiscoveryStore) -> None:
    """IPOMEX slugs linked from a municipality's probable site go to the crosswalk, with that page as source."""
    for cve, items in ranked.items():
        top = items[0] if items else None
        if top is None or top.proof.veredicto != "probable" or len(top.ipomex_slugs) != 1:
            continue  # several slugs on one page: which one is this municipality's is not for us to guess
        generation, slug = top.ipomex_slugs[0].split(":", 1)
        campo = "ipomex3_slug" if generation == "ipo3" else "ipomex_legado_slug"
        store.crosswalk_fact(cve, campo, slug, f"enlace en {top.final_url}")
