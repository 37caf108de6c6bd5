"""The simulated internet's transport seam (tests and the demo only): deliver requests to simulated names locally.

With VIGIA_INTERNET_SIMULADO set to the base URL of `python -m simulator internet`, every request whose host the DNS
table (VIGIA_DNS_OVERRIDES) answers is sent to that one local server instead, naming its real target in the
X-Simnet-* headers; the response comes back under the original URL, so robots, redirects, the SSRF gate and the
spiders only ever see the simulated names. A name the table says does not exist fails with DNSLookupError, a port the
host does not serve with ConnectionRefusedError, exactly as on the real network. Literal addresses and names the
table does not cover are left alone. Without the setting the middleware is not installed at all (NotConfigured).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from twisted.internet.error import ConnectionRefusedError, DNSLookupError

from config.settings import load_settings
from core.net import SIMNET_ERROR, SIMNET_HOST, SIMNET_NXDOMAIN, SIMNET_PORT, SIMNET_REFUSED, SIMNET_SCHEME
from crawler.dns import MISSING, Overrides, load_overrides, lookup
from crawler.ssrf import literal_ip

META_URL, META_SLOT = "simnet_url", "simnet_slot"
HEADERS = (SIMNET_HOST, SIMNET_SCHEME, SIMNET_PORT)


@dataclass(frozen=True)
class Target:
    """Where a request to a simulated name is delivered: the local URL and the headers naming the real target."""

    url: str
    headers: dict[str, str]
    host: str


def simulated_base(raw: object = None) -> str | None:
    """The simulated internet's base URL (setting value, else the environment's settings), None when off."""
    value = raw if raw else load_settings().internet_simulado
    return str(value).rstrip("/") if value else None


def target_for(url: str, base: str, table: Overrides) -> Target | None:
    """The local delivery of url, None when it is not a simulated name; DNSLookupError when the name does not exist."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or literal_ip(host) is not None or parts.scheme not in ("http", "https"):
        return None
    address = lookup(table, host)
    if address is MISSING:
        return None
    if address is None:
        raise DNSLookupError(f"{host}: NXDOMAIN (internet simulado)")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {SIMNET_HOST: host, SIMNET_SCHEME: parts.scheme, SIMNET_PORT: str(port)}
    return Target(f"{base}{path}", headers, host)


def failure_of(error: str, url: str) -> Exception | None:
    """The network failure an X-Simnet-Error marker stands for, None for an ordinary answer."""
    if error == SIMNET_REFUSED:
        return ConnectionRefusedError(f"conexión rechazada (internet simulado): {url[:200]}")  # type: ignore[no-untyped-call]
    if error == SIMNET_NXDOMAIN:
        return DNSLookupError(f"{urlsplit(url).hostname}: NXDOMAIN (internet simulado)")
    return None


class SimnetMiddleware:
    """Downloader middleware (after the SSRF gate and RedirectMiddleware) delivering simulated names locally."""

    def __init__(self, base: str, table: Overrides) -> None:
        self.base, self.table = base, dict(table)

    @classmethod
    def from_crawler(cls, crawler: Any) -> SimnetMiddleware:
        """Installed only when VIGIA_INTERNET_SIMULADO names the simulated internet."""
        base = simulated_base(crawler.settings.get("VIGIA_INTERNET_SIMULADO"))
        if base is None:
            raise NotConfigured
        return cls(base, load_overrides(crawler.settings.get("VIGIA_DNS_OVERRIDES")))

    def process_request(self, request: Request) -> None:
        """Point the request at the local server; the browser-rendered (playwright) requests go their own way."""
        if request.meta.get("playwright"):
            return
        target = target_for(request.url, self.base, self.table)
        if target is None:
            return
        request.meta[META_URL] = request.url
        # One download slot per simulated host, as on the real network (not one for the whole local server).
        if request.meta.get("download_slot") in (None, request.meta.get(META_SLOT)):
            request.meta["download_slot"] = request.meta[META_SLOT] = target.host
        for name, value in target.headers.items():
            request.headers[name] = value
        request._set_url(target.url)

    def process_response(self, request: Request, response: Response) -> Response:
        """Give the response (and the request) back their simulated URL, or raise the failure the marker means."""
        original = self._restore(request)
        if original is None:
            return response
        failure = failure_of((response.headers.get(SIMNET_ERROR) or b"").decode(), original)
        if failure is not None:
            raise failure
        return response.replace(url=original)

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A failed local delivery leaves the request with its simulated URL (retries and errbacks see it)."""
        self._restore(request)

    @staticmethod
    def _restore(request: Request) -> str | None:
        original = request.meta.pop(META_URL, None)
        if original is None:
            return None
        request._set_url(str(original))
        for name in HEADERS:
            request.headers.pop(name, None)
        return str(original)
