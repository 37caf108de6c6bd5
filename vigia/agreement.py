"""Agreement between a run's results and the simulated farm's ground truth."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from checks.model import SiteReport


@dataclass
class Agreement:
    """Counts of matching (site, check) pairs, split by whether the site was up in the ground truth."""

    matched_up: int = 0
    total_up: int = 0
    matched_down: int = 0
    total_down: int = 0
    mismatches: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def ratio_up(self) -> float:
        """Share of matches on sites that are up (1.0 when there are none)."""
        return self.matched_up / self.total_up if self.total_up else 1.0

    @property
    def ratio_down(self) -> float:
        """Share of matches on sites that are down, parked or blocked."""
        return self.matched_down / self.total_down if self.total_down else 1.0


def compare(reports: Iterable[SiteReport], truth: Mapping[str, Mapping[str, str]]) -> Agreement:
    """Compare every (site, check) result with the expected status; mismatches are (cve, check, got, want)."""
    agreement = Agreement()
    for report in reports:
        expected = truth.get(report.cve_inegi or "")
        if expected is None:
            continue
        up = expected.get("sitio.disponible") == "cumple"
        for result in report.results:
            want = expected.get(result.check_id)
            if want is None:
                continue
            ok = want == result.status
            if up:
                agreement.total_up += 1
                agreement.matched_up += ok
            else:
                agreement.total_down += 1
                agreement.matched_down += ok
            if not ok:
                agreement.mismatches.append((report.cve_inegi or "", result.check_id, result.status, want))
    return agreement
