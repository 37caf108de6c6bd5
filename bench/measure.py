"""One benchmark measurement and the helpers every benchmark uses to time, compare and report."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass
class Measurement:
    """A measured value, optionally against a baseline from the same run and a target (on value or ratio)."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    target: float | None = None
    met: bool | None = None
    # Human note shown in the table (where the time goes, what limits it); not part of the JSON contract.
    note: str = ""

    def to_json(self) -> dict[str, object]:
        """The JSON object of `vigia medir --json`: name, value, unit, baseline, ratio, target, met."""
        data = asdict(self)
        data.pop("note")
        return data


def at_most(name: str, value: float, unit: str, target: float | None, note: str = "") -> Measurement:
    """A measurement whose value must not exceed target (no baseline)."""
    met = None if target is None else value <= target
    return Measurement(name, round(value, 3), unit, target=target, met=met, note=note)


def at_least(name: str, value: float, unit: str, target: float, note: str = "") -> Measurement:
    """A measurement whose value must reach target (no baseline)."""
    return Measurement(name, round(value, 3), unit, target=target, met=value >= target, note=note)


def versus(name: str, value: float, baseline: float, unit: str, max_ratio: float | None, note: str = "") -> Measurement:
    """A measurement compared with a baseline measured in the same run; the target bounds value/baseline."""
    ratio = value / baseline if baseline > 0 else float("inf")
    met = None if max_ratio is None else ratio <= max_ratio
    return Measurement(
        name,
        round(value, 3),
        unit,
        baseline=round(baseline, 3),
        ratio=round(ratio, 3),
        target=max_ratio,
        met=met,
        note=note,
    )


def median_ms(call: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of call in milliseconds, after one warm-up call."""
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
