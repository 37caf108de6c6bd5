"""The latency model of the real portals: per-host round trip, server time, stalls, bandwidth and connections.

The simulated farm serves with it (`simulator.latency_gate`) and the crawl's budgets read its expectations, so both
sides agree on what "a slow but healthy portal" is. Every draw is seeded by (seed, host, request, repetition), so a
world answers a given request the same way on every run, whatever order the crawl asks in.
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
from dataclasses import dataclass

INSTANT, REAL = "instant", "real"
MODES = (INSTANT, REAL)
# What users type (`--latencia`): Spanish names of the modes.
MODE_BY_NAME = {"instantanea": INSTANT, "real": REAL}
# Compressed by default: a real night takes hours by design (IPOMEX alone, at 2 requests at once for the whole state,
# ≈ 12,000 requests × 1.58 s ÷ 2 ≈ 2.6 h on a first night); 20 keeps its shape and fits a demo here in ≤ 15 min.
DEFAULT_COMPRESSION = 20.0
IPOMEX_HOST = "ipomex"
# Typical municipal HTML page; what a budget assumes a request transfers.
TYPICAL_PAGE_BYTES = 60_000
# Server time of one municipal request: log-normal around the host's median; the tail is what sigma adds.
SITE_MEDIAN_RANGE = (0.2, 1.2)
SITE_SIGMA = 0.6
SITE_SERVER_RANGE = (0.05, 8.0)
SITE_RTT_RANGE = (0.03, 0.25)
SITE_BANDWIDTH_RANGE = (250_000.0, 4_000_000.0)
SITE_CONNECTIONS = 4
# A stall: the server holds one request this long before answering (below the crawl's 15 s request timeout).
STALL_PROBABILITY = 0.005
STALL_SECONDS = 10.0
# IPOMEX: one state server for all 125 municipalities; every page or API call costs 0.5–2 s of server time.
IPOMEX_RTT = 0.3
IPOMEX_SERVER_RANGE = (0.5, 2.0)
IPOMEX_BANDWIDTH = 2_000_000.0
IPOMEX_CONNECTIONS = 6


@dataclass(frozen=True)
class HostProfile:
    """How one host answers, at true timescale: medians and ranges in seconds, bandwidth in bytes per second."""

    rtt: float
    server_median: float
    server_sigma: float
    server_range: tuple[float, float]
    stall_probability: float
    stall_seconds: float
    bandwidth: float
    connections: int

    def server_time(self, rng: random.Random) -> float:
        """One request's server time: log-normal (or uniform when sigma is 0) clipped to the range, maybe a stall."""
        low, high = self.server_range
        if self.server_sigma > 0:
            drawn = rng.lognormvariate(math.log(self.server_median), self.server_sigma)
        else:
            drawn = rng.uniform(low, high)
        stall = self.stall_seconds if rng.random() < self.stall_probability else 0.0
        return min(max(drawn, low), high) + stall

    def request_seconds(self, rng: random.Random, size: int) -> float:
        """Wall time of one request of size bytes: round trip, server time and transfer."""
        return self.rtt + self.server_time(rng) + size / self.bandwidth

    def expected_seconds(self, size: int = TYPICAL_PAGE_BYTES) -> float:
        """Mean wall time of one request of size bytes (stalls included)."""
        return self.rtt + _mean_server_time(self) + size / self.bandwidth


@functools.cache
def _mean_server_time(profile: HostProfile) -> float:
    """Mean of the clipped server-time distribution with stalls, from a fixed-seed sample (deterministic)."""
    rng = random.Random(0)
    draws = 20_000
    return sum(profile.server_time(rng) for _ in range(draws)) / draws


def _unit(seed: int, *parts: str) -> random.Random:
    """A generator keyed by the seed and the parts: the same key draws the same numbers in any process."""
    digest = hashlib.sha256(":".join(("vigia-latency", str(seed), *parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def ipomex_profile() -> HostProfile:
    """The shared IPOMEX server: 0.3 s round trip, 0.5–2 s of server time per page or API call."""
    return HostProfile(IPOMEX_RTT, 1.0, 0.0, IPOMEX_SERVER_RANGE, 0.0, 0.0, IPOMEX_BANDWIDTH, IPOMEX_CONNECTIONS)


def site_profile(seed: int, host: str) -> HostProfile:
    """A municipal host drawn once per (seed, host): median 0.2–1.2 s (log-uniform), slow tail, rare stalls."""
    rng = _unit(seed, "host", host)
    low, high = SITE_MEDIAN_RANGE
    median = math.exp(rng.uniform(math.log(low), math.log(high)))
    bandwidth = math.exp(rng.uniform(*(math.log(b) for b in SITE_BANDWIDTH_RANGE)))
    return HostProfile(
        rng.uniform(*SITE_RTT_RANGE),
        median,
        SITE_SIGMA,
        SITE_SERVER_RANGE,
        STALL_PROBABILITY,
        STALL_SECONDS,
        bandwidth,
        SITE_CONNECTIONS,
    )


def typical_site_profile() -> HostProfile:
    """The middle municipal host (geometric middle of every range): what a per-site budget plans for."""
    median = math.sqrt(SITE_MEDIAN_RANGE[0] * SITE_MEDIAN_RANGE[1])
    bandwidth = math.sqrt(SITE_BANDWIDTH_RANGE[0] * SITE_BANDWIDTH_RANGE[1])
    rtt = sum(SITE_RTT_RANGE) / 2
    return HostProfile(
        rtt,
        median,
        SITE_SIGMA,
        SITE_SERVER_RANGE,
        STALL_PROBABILITY,
        STALL_SECONDS,
        bandwidth,
        SITE_CONNECTIONS,
    )


def slowest_site_profile() -> HostProfile:
    """The slowest municipal host the model draws (top of every range): what a per-site budget must survive."""
    return HostProfile(
        SITE_RTT_RANGE[1],
        SITE_MEDIAN_RANGE[1],
        SITE_SIGMA,
        SITE_SERVER_RANGE,
        STALL_PROBABILITY,
        STALL_SECONDS,
        SITE_BANDWIDTH_RANGE[0],
        SITE_CONNECTIONS,
    )


@dataclass(frozen=True)
class LatencyModel:
    """Instant (no delay, no limits: unit tests) or real (the profiles above, divided by compression)."""

    mode: str = INSTANT
    compression: float = DEFAULT_COMPRESSION
    seed: int = 2026

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"latency mode must be one of {MODES}, not {self.mode!r}")
        if not self.compression >= 1:
            raise ValueError("compression must be at least 1")

    @property
    def real(self) -> bool:
        """Whether requests wait at all."""
        return self.mode == REAL

    def profile(self, host: str) -> HostProfile:
        """The true-timescale profile of a host: IPOMEX_HOST or a municipal host key (e.g. its clave)."""
        return ipomex_profile() if host == IPOMEX_HOST else site_profile(self.seed, host)

    def request_seconds(self, host: str, request: str, repetition: int, size: int) -> float:
        """Compressed wall time of the repetition-th identical request to a host; 0 when instant."""
        if not self.real:
            return 0.0
        rng = _unit(self.seed, "request", host, request, str(repetition))
        return self.profile(host).request_seconds(rng, size) / self.compression

    def connections(self, host: str) -> int | None:
        """Requests a host serves at once (the rest queue), or None when instant (unlimited)."""
        return self.profile(host).connections if self.real else None

    def scaled(self, seconds: float) -> float:
        """A true-timescale duration (a budget, a hang) at this model's timescale."""
        return seconds / self.compression if self.real else seconds

    def expected_request_seconds(self, host: str, size: int = TYPICAL_PAGE_BYTES) -> float:
        """Compressed mean wall time of one request to a host (0 when instant)."""
        return self.profile(host).expected_seconds(size) / self.compression if self.real else 0.0
