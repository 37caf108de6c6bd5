"""A data source behind one protocol, loaded by module name (Scrapy's SPIDER_MODULES idiom).

Each source is one folder (a package) whose module-level SOURCE object provides: its plan for a run's
municipalities (targets to visit, plus reports it can decide without fetching), the spider that visits its targets
inside a crawl worker, and the evaluate step that turns what was fetched into check results. The crawler only ever
reaches a source through its module name, so it never imports spiders/.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, cast

from checks.model import PriorRead, SourceReport
from config.registry import Municipality
from crawler.settings import CrawlSettings

# Adding a source: a new package under spiders/ with a SOURCE object, plus one line here.
SOURCES: tuple[str, ...] = ("spiders.sitio", "spiders.ipomex")


@dataclass
class SourcePlan:
    """What a source will do in a run: targets to visit, and reports already decided without fetching."""

    targets: list[Any] = field(default_factory=list)
    decided: list[SourceReport] = field(default_factory=list)

    @property
    def planned(self) -> int:
        """How many reports the run must record from this source to be complete."""
        return len(self.targets) + len(self.decided)


@dataclass(frozen=True)
class Deferred:
    """A target a browserless worker handed over to the render pass, the one worker holding the run's browser."""

    source: str
    target: Any


@dataclass
class Visit:
    """What a crawl worker gives a source: targets to claim (shared by every worker), settings and the event sink."""

    source: str
    targets: list[Any]
    cfg: CrawlSettings
    run_date: date
    lanes: int
    # This worker holds the run's browser (the render pass); otherwise JavaScript pages are deferred to it.
    render: bool
    claim: Callable[[], Any | None]
    emit: Callable[[object], None]
    # A Scrapy AsyncCrawlerRunner with the crawl settings; a source needing other settings builds its own.
    runner: Any
    # The run's evidence spool folder (None: archiving off); a source building its own runner passes it on.
    spool: str | None = None

    def claim_all(self) -> list[Any]:
        """Claim every target no other worker has taken yet."""
        claimed = []
        while (target := self.claim()) is not None:
            claimed.append(target)
        return claimed

    def defer(self, target: Any) -> None:
        """Hand a target over to the render pass."""
        self.emit(Deferred(self.source, target))


class History(Protocol):
    """What earlier runs read, as a source's plan may ask for it (the run store)."""

    def last_read(self, names: frozenset[str], cves: Sequence[str]) -> dict[str, PriorRead]:
        """Per municipality, its results from the sources names in the newest closed run that read it."""
        ...


class NoHistory:
    """No earlier runs: every source reads everything."""

    def last_read(self, names: frozenset[str], cves: Sequence[str]) -> dict[str, PriorRead]:
        """Nothing was read before."""
        return {}


class Source(Protocol):
    """One data source of the run: plan, visit and evaluate."""

    # The `source` names its reports carry (sitio; ipomex, ipomex3, ipomex4): how a report finds its source.
    names: frozenset[str]
    # Spanish plural of what it visits, for the run's honesty message ("sólo 3 de 5 sitios terminaron").
    label: str
    # Its targets need the run's only browser: they are visited in the render pass.
    browser: bool

    def plan(
        self, municipalities: Sequence[Municipality], cfg: CrawlSettings, run_date: date, history: History
    ) -> SourcePlan:
        """Targets for the municipalities, and the reports decided without fetching (already evaluated); history
        tells what earlier runs read, for a source that can avoid reading what has not changed."""
        ...

    async def visit(self, visit: Visit) -> None:
        """Run the source's spider over the targets it claims, emitting one evaluated SourceReport per target."""
        ...

    def evaluate(self, fetched: Any, run_date: date) -> SourceReport:
        """Turn what was fetched for one target (or why it could not be) into its report with check results."""
        ...


def load_source(module: str) -> Source:
    """The SOURCE object of a source package, imported by name."""
    return cast(Source, importlib.import_module(module).SOURCE)


def load_sources(modules: Sequence[str] = SOURCES) -> dict[str, Source]:
    """Every registered source by module name, in registry order; two sources may not claim one report name."""
    sources = {module: load_source(module) for module in modules}
    names = [name for module in modules for name in sources[module].names]
    if len(names) != len(set(names)):
        raise ValueError(f"two sources deliver reports under the same name: {sorted(names)}")
    return sources
