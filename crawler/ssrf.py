"""One SSRF gate for every fetch path: Scrapy requests (each redirect hop too) and the browser's requests.

A public municipal page must never make Vigía fetch loopback, private, link-local (cloud metadata), CGNAT or other
non-global addresses, nor non-http(s) schemes. A crawl that itself starts on such an address (the simulated farm,
`vigia auditar http://127.0.0.1:8000/`) may keep fetching that same host and port, and nothing else private.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request

from crawler.dns import resolve_all

Origin = tuple[str, int]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = frozenset({"http", "https"})
# Dotted, octal and hexadecimal forms that inet_aton (and so the system resolver) reads as an IPv4 address.
_NUMERIC_HOST = re.compile(r"[0-9a-fx.]+")


class SsrfBlocked(IgnoreRequest):
    """A request to a forbidden target (private network or scheme); the errback records reason ssrf_blocked."""


def literal_ip(host: str) -> IPAddress | None:
    """The address a host literally denotes (including forms like 2130706433 or 0x7f.1), else None."""
    bare = host.strip("[]")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if not _NUMERIC_HOST.fullmatch(bare) or not any(c.isdigit() for c in bare):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except OSError:
        return None


def is_internal(address: IPAddress) -> bool:
    """Loopback, private, link-local, CGNAT, reserved or multicast: anything not globally routable."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def origin_of(url: str) -> Origin | None:
    """(host, port) of a URL, the unit a private crawl is confined to."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    return ((parts.hostname or "").lower(), port) if parts.hostname else None


@dataclass(frozen=True)
class SsrfPolicy:
    """Which targets a crawl may fetch: public ones, plus its own origins when those are internal."""

    origins: frozenset[Origin] = frozenset()
    allow_private: bool = False

    @classmethod
    def for_urls(cls, urls: Iterable[str | None], allow_private: bool = False) -> SsrfPolicy:
        """Policy of a crawl started from urls."""
        origins = {origin_of(url) for url in urls if url}
        return cls(frozenset(o for o in origins if o is not None), allow_private)

    def check_url(self, url: str, schemes: frozenset[str] = SCHEMES) -> str | None:
        """Why the URL itself is refused (scheme, parser-confusing forms, literal internal IP), else None."""
        if "\\" in url or any(ord(c) < 33 for c in url):
            return "dirección con barras invertidas o caracteres de control"
        try:
            parts = urlsplit(url)
            origin = origin_of(url)
        except ValueError:
            return "dirección mal formada"
        if parts.scheme.lower() not in schemes:
            return f"protocolo «{parts.scheme}» no permitido"
        if parts.scheme in SCHEMES and (origin is None or "@" in parts.netloc):
            return "dirección sin servidor o con credenciales"
        address = literal_ip(origin[0]) if origin else None
        if address is not None:
            return self.check_address(origin, address)
        return None

    def check_address(self, origin: Origin | None, address: IPAddress) -> str | None:
        """Why connecting to address (for origin) is refused, else None."""
        if self.allow_private or not is_internal(address) or origin in self.origins:
            return None
        return f"la dirección {address} es interna (red privada, local o reservada)"

    def decide(self, url: str, resolve: Callable[[str], list[str]] = resolve_all) -> str | None:
        """Full decision for a URL: the URL, then every address its host name resolves to."""
        reason = self.check_url(url)
        origin = origin_of(url)
        if reason is not None or origin is None or literal_ip(origin[0]) is not None:
            return reason
        for raw in resolve(origin[0]):
            reason = self.check_address(origin, ipaddress.ip_address(raw))
            if reason is not None:
                return reason
        return None

    async def allows_async(self, url: str) -> bool:
        """Browser gate: whether url may be fetched (resolution off the event loop)."""
        if urlsplit(url).scheme in ("data", "blob", "about"):
            return True
        return await asyncio.to_thread(self.decide, url) is None


class SsrfMiddleware:
    """Downloader middleware refusing forbidden targets before any byte is sent (every redirect hop passes here)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SsrfMiddleware:
        """Disabled entirely by VIGIA_ALLOW_PRIVATE_NETWORKS."""
        if crawler.settings.getbool("VIGIA_ALLOW_PRIVATE_NETWORKS"):
            raise NotConfigured
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        """Raise SsrfBlocked for a forbidden target; the resolved address is checked for host names."""
        policy: SsrfPolicy = getattr(self.crawler.spider, "ssrf_policy", None) or SsrfPolicy()
        reason = policy.check_url(request.url)
        origin = origin_of(request.url)
        if reason is None and origin is not None and literal_ip(origin[0]) is None:
            address = await _resolve(origin[0])
            reason = policy.check_address(origin, address) if address is not None else None
        if reason is not None:
            raise SsrfBlocked(f"destino bloqueado ({reason}): {request.url[:200]}")


async def _resolve(host: str) -> IPAddress | None:
    """The address the download will use: the reactor's installed (caching, overridable) resolver."""
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import reactor as installed

    reactor: Any = installed  # untyped module-level reactor
    try:
        raw = await maybe_deferred_to_future(reactor.resolve(host))
    except Exception:  # an unresolvable name fails in the download itself, with reason dns
        return None
    return ipaddress.ip_address(raw)
