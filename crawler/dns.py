"""The crawl's DNS seam: Scrapy's caching resolver plus an override table (fake answers, NXDOMAIN) for tests.

The table comes from the VIGIA_DNS_OVERRIDES setting or environment variable, a JSON object mapping a host name to
an IPv4 address or to null (NXDOMAIN); "*" answers every other dotted name. Spawned crawl workers inherit the environment, so a test can point
"municipio.test" at 127.0.0.1 or make it vanish without touching the system resolver. The SSRF gate resolves through
the same installed resolver, so it judges exactly the address the download will connect to (cached).
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Mapping, Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from config.settings import load_settings

ENV_OVERRIDES = "VIGIA_DNS_OVERRIDES"
RESOLVER_PATH = "crawler.dns.VigiaResolver"
Overrides = Mapping[str, str | None]


def load_overrides(raw: object = None) -> dict[str, str | None]:
    """The override table from a setting value (dict or JSON) or, when absent, from the environment's settings."""
    if raw is None:
        raw = load_settings().dns_overrides
    if not raw:
        return {}
    table = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(table, dict):
        raise ValueError(f"{ENV_OVERRIDES} debe ser un objeto JSON (nombre → dirección o null)")
    return {str(host).lower().rstrip("."): (str(ip) if ip else None) for host, ip in table.items()}


WILDCARD = "*"
MISSING = object()


def lookup(table: Overrides, host: str) -> object:
    """The table's answer for host: an address, None (NXDOMAIN), or MISSING (ask the system resolver).

    A "*" entry answers every dotted name the table does not list (a closed, simulated internet: a name nobody
    registered does not exist); single-label names such as localhost are never covered by it.
    """
    key = host.lower().rstrip(".")
    if key in table:
        return table[key]
    if WILDCARD in table and "." in key and not _is_address(key):
        return table[WILDCARD]
    return MISSING


def _is_address(key: str) -> bool:
    """Whether a host is an IP literal (resolved by nobody, so never covered by the wildcard)."""
    try:
        ipaddress.ip_address(key.strip("[]"))
    except ValueError:
        return False
    return True


class VigiaResolver(CachingThreadedResolver):
    """Scrapy's caching threaded resolver, answering from the override table first."""

    def __init__(self, reactor: Any, cache_size: int, timeout: float, overrides: Overrides | None = None) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.overrides = dict(overrides or {})

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> VigiaResolver:
        """Build from Scrapy settings (DNSCACHE_*, DNS_TIMEOUT, VIGIA_DNS_OVERRIDES)."""
        return cls.from_settings(crawler.settings, reactor)

    @classmethod
    def from_settings(cls, settings: Any, reactor: Any) -> VigiaResolver:
        """Build from a Scrapy Settings object."""
        size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        overrides = load_overrides(settings.get("VIGIA_DNS_OVERRIDES"))
        return cls(reactor, size, settings.getfloat("DNS_TIMEOUT"), overrides)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Any:
        """Answer from the override table (an address, or NXDOMAIN), else ask the system resolver."""
        address = lookup(self.overrides, name)
        if address is None:
            return defer.fail(DNSLookupError(f"{name}: NXDOMAIN (tabla de Vigía)"))
        if address is not MISSING:
            return defer.succeed(address)
        return super().getHostByName(name, timeout)


def resolve_all(host: str, overrides: Overrides | None = None) -> list[str]:
    """Every address of host (blocking; for the browser gate and tests), [] when it does not resolve."""
    table = load_overrides() if overrides is None else overrides
    address = lookup(table, host)
    if address is not MISSING:
        return [str(address)] if address else []
    key = host.lower().rstrip(".")
    try:
        infos = socket.getaddrinfo(key, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})
