"""Agreement between a run's stored results and the simulated farm's ground truth."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from checks.model import CheckResult

BUCKETS = ("sitios en línea", "sitios caídos, estacionados o bloqueados", "fracciones IPOMEX")


@dataclass
class Bucket:
    """Matching (municipality, check) pairs in one group."""

    matched: int = 0
    total: int = 0

    @property
    def ratio(self) -> float:
        """Share of matches (1.0 when the group is empty)."""
        return self.matched / self.total if self.total else 1.0


@dataclass
class Agreement:
    """Agreement per group, and every mismatch as (cve, check, got, expected)."""

    buckets: dict[str, Bucket] = field(default_factory=lambda: {name: Bucket() for name in BUCKETS})
    mismatches: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def perfect(self) -> bool:
        """Tell whether every compared pair matched."""
        return not self.mismatches


def _bucket(check_id: str, site_up: bool) -> str:
    if check_id.startswith("ipomex."):
        return BUCKETS[2]
    return BUCKETS[0] if site_up else BUCKETS[1]


def compare(results: Iterable[tuple[str, Sequence[CheckResult]]], truth: Mapping[str, Mapping[str, str]]) -> Agreement:
    """Compare each municipality's results with the expected statuses of the ground truth."""
    agreement = Agreement()
    for cve, checks in results:
        expected = truth.get(cve)
        if expected is None:
            continue
        site_up = expected.get("sitio.disponible") == "cumple"
        for result in checks:
            want = expected.get(result.check_id)
            if want is None:
                continue
            bucket = agreement.buckets[_bucket(result.check_id, site_up)]
            bucket.total += 1
            bucket.matched += want == result.status
            if want != result.status:
                agreement.mismatches.append((cve, result.check_id, result.status, want))
    return agreement
