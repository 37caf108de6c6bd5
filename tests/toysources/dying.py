"""A source whose spider dies in the worker: the run must fail, never close as partial."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from checks.model import SourceReport
from config.registry import Municipality
from crawler.settings import CrawlSettings
from crawler.source import History, SourcePlan, Visit


class DyingSource:
    """Plans one target per municipality, then raises inside the worker."""

    names = frozenset({"muere"})
    label = "objetivos"
    browser = False

    def plan(
        self, municipalities: Sequence[Municipality], cfg: CrawlSettings, run_date: date, history: History
    ) -> SourcePlan:
        """One target per municipality."""
        return SourcePlan([m.cve_inegi for m in municipalities])

    def evaluate(self, fetched: Any, run_date: date) -> SourceReport:
        """Never reached: the visit dies first."""
        return SourceReport("muere", str(fetched))

    async def visit(self, visit: Visit) -> None:
        """Die after claiming a target."""
        visit.claim()
        raise RuntimeError("the source's spider crashed")


SOURCE = DyingSource()
