"""The farm's side of the latency model: each host serves a few requests at once and each one takes its drawn time."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

from config.latency import LatencyModel


@dataclass
class HostStats:
    """What one host served: requests, seconds spent answering, the most requests it held at once, and how many
    times each request ("METHOD path?query") was made."""

    requests: int = 0
    busy_seconds: float = 0.0
    peak_in_flight: int = 0
    in_flight: int = 0
    by_request: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Served:
    """One request a host answered: its request line ("GET /path?query"), its drawn wall time (model timescale)
    and the page that asked for it (Referer, "" if none), which tells whose page a shared script was loaded for."""

    host: str
    request: str
    seconds: float
    referer: str = ""


@dataclass
class LatencyGate:
    """Per-host connection limits and drawn delays; instant models pass every request straight through.

    With a journal (a list), every request is also appended to it as `Served`, for benchmarks that need each drawn
    time (e.g. to attribute the shared IPOMEX host's requests to municipalities); None keeps nothing.
    """

    model: LatencyModel
    stats: dict[str, HostStats] = field(default_factory=dict)
    journal: list[Served] | None = None
    _slots: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    _seen: Counter[tuple[str, str]] = field(default_factory=Counter)

    def restart(self, keep_journal: bool = True) -> tuple[dict[str, HostStats], list[Served]]:
        """Count afresh from now on (e.g. the next night), returning the stats and journal counted so far."""
        # Swapping whole objects: requests still in flight finish on the old ones and do not leak into the new count.
        stats, journal = self.stats, self.journal or []
        self.stats, self.journal = {}, [] if keep_journal else None
        return stats, journal

    async def wait(self, host: str, request: str, size: int, referer: str = "") -> None:
        """Hold one of the host's connections for the request's drawn wall time (queueing when all are busy)."""
        stats = self.stats.setdefault(host, HostStats())
        stats.requests += 1
        stats.by_request[request] += 1
        limit = self.model.connections(host)
        if limit is None:
            self._note(Served(host, request, 0.0, referer))
            return
        repetition = self._seen[(host, request)]
        self._seen[(host, request)] += 1
        seconds = self.model.request_seconds(host, request, repetition, size)
        self._note(Served(host, request, seconds, referer))
        async with self._slots.setdefault(host, asyncio.Semaphore(limit)):
            stats.in_flight += 1
            stats.peak_in_flight = max(stats.peak_in_flight, stats.in_flight)
            try:
                await asyncio.sleep(seconds)
            finally:
                stats.in_flight -= 1
            stats.busy_seconds += seconds

    def _note(self, served: Served) -> None:
        if self.journal is not None:
            self.journal.append(served)
