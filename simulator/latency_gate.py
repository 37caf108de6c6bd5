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


@dataclass
class LatencyGate:
    """Per-host connection limits and drawn delays; instant models pass every request straight through."""

    model: LatencyModel
    stats: dict[str, HostStats] = field(default_factory=dict)
    _slots: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    _seen: Counter[tuple[str, str]] = field(default_factory=Counter)

    async def wait(self, host: str, request: str, size: int) -> None:
        """Hold one of the host's connections for the request's drawn wall time (queueing when all are busy)."""
        stats = self.stats.setdefault(host, HostStats())
        stats.requests += 1
        stats.by_request[request] += 1
        limit = self.model.connections(host)
        if limit is None:
            return
        repetition = self._seen[(host, request)]
        self._seen[(host, request)] += 1
        seconds = self.model.request_seconds(host, request, repetition, size)
        async with self._slots.setdefault(host, asyncio.Semaphore(limit)):
            stats.in_flight += 1
            stats.peak_in_flight = max(stats.peak_in_flight, stats.in_flight)
            try:
                await asyncio.sleep(seconds)
            finally:
                stats.in_flight -= 1
            stats.busy_seconds += seconds
