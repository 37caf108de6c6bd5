"""The network side of the working-channel probes: DNS of mail domains (cached across nights) and GET of profiles.

Only two kinds of traffic ever leave here: DNS queries (MX, then A) and HTTP GET requests, redirects followed by
GET as well. Nothing is posted, mailed or messaged. Every query and every hop spends the site's budget
(VIGIA_PROBE_REQUESTS, VIGIA_PROBE_SECONDS); a spent budget answers «budget», never a verdict. The DNS table of
crawler/dns.py answers first (tests, the simulated internet), and under VIGIA_INTERNET_SIMULADO a profile GET to a
simulated name is delivered to the simulated internet exactly as the crawl's own requests are (crawler/simnet.py).
"""

from __future__ import annotations

import http.client
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from checks.probes import OFFLINE, PASSWORD_FIELD, MailAnswer, Prober, ProfileAnswer
from crawler.dns import MISSING, Overrides, load_overrides, lookup, resolve_all
from crawler.dnscache import DnsCache
from crawler.settings import CrawlSettings
from crawler.simnet import simulated_base, target_for
from crawler.ssrf import is_internal, literal_ip

LOG = logging.getLogger(__name__)
MAX_HOPS = 4
MAX_BODY = 64 * 1024


class NameMissing(Exception):
    """The DNS says the name does not exist (NXDOMAIN)."""


class Unanswered(Exception):
    """The DNS gave no usable answer (timeout, no server answered)."""


# (name, record type, timeout) → number of records; NameMissing for NXDOMAIN, Unanswered when nobody answered.
DnsQuery = Callable[[str, str, float], int]
# (url, headers, timeout) → (HTTP status, Location header or None, the body's first bytes); OSError on failure.
Fetch = Callable[[str, Mapping[str, str], float], tuple[int, str | None, bytes]]


def dnspython_query(name: str, rdtype: str, timeout: float) -> int:
    """Ask the system's resolvers through dnspython (an empty answer is 0 records)."""
    import dns.exception
    import dns.resolver

    try:
        return len(dns.resolver.resolve(name, rdtype, lifetime=timeout))
    except dns.resolver.NXDOMAIN as error:
        raise NameMissing(name) from error
    except dns.resolver.NoAnswer:
        return 0
    except dns.exception.DNSException as error:
        raise Unanswered(name) from error


def http_get(url: str, headers: Mapping[str, str], timeout: float) -> tuple[int, str | None, bytes]:
    """One GET (never another method), a bounded read of the body, no redirect followed."""
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname or "", parts.port, timeout=timeout)
    try:
        connection.request(
            "GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), headers=dict(headers)
        )
        response = connection.getresponse()
        return response.status, response.getheader("Location"), response.read(MAX_BODY)
    except http.client.HTTPException as error:
        raise OSError(str(error)) from error
    finally:
        connection.close()


@dataclass
class ProbeBudget:
    """Requests and seconds one site's probes may spend; the clock starts at the first request."""

    requests: int
    seconds: float
    clock: Callable[[], float] = time.monotonic
    spent: int = 0
    started: float | None = field(default=None)

    def spend(self) -> bool:
        """Take one request from the budget; False when none is left or the time is up."""
        now = self.clock()
        self.started = now if self.started is None else self.started
        if self.spent >= self.requests or now - self.started > self.seconds:
            return False
        self.spent += 1
        return True

    def left(self) -> float:
        """Seconds left (the whole budget before the first request)."""
        return self.seconds if self.started is None else max(0.0, self.seconds - (self.clock() - self.started))


# A domain whose mail records nobody doubts: a resolver that denies it is lying (an offline sandbox answering
# NXDOMAIN to everything), and then no «none» it gives can accuse a municipality.
CONTROL_DOMAIN = "gmail.com"


def resolver_trusted(query: DnsQuery, timeout: float) -> bool:
    """Whether the resolver finds the control domain's MX records."""
    try:
        return query(CONTROL_DOMAIN, "MX", timeout) > 0
    except (NameMissing, Unanswered):
        return False


def mail_answer(domain: str, table: Overrides, query: DnsQuery, timeout: float) -> MailAnswer:
    """ok when domain has MX records (or, failing those, an A record), none when it has neither; unknown when the
    resolver does not even know the control domain."""
    address = lookup(table, domain)
    if address is not MISSING:  # the table stands for the whole DNS of the name: an address is an A record
        return "ok" if address else "none"
    if not resolver_trusted(query, timeout):
        return "unknown"
    try:
        return "ok" if query(domain, "MX", timeout) or query(domain, "A", timeout) else "none"
    except NameMissing:
        return "none"
    except Unanswered:
        return "unknown"


@dataclass
class NetworkProber:
    """The Prober of one site: DNS through the override table, cache and dnspython; GET through simnet or direct."""

    budget: ProbeBudget
    table: Overrides
    cache: DnsCache | None
    simulated: str | None = None
    user_agent: str = "Vigia"
    query: DnsQuery = dnspython_query
    fetch: Fetch = http_get
    timeout: float = 5.0
    waited: float = 0.0

    def mail_domain(self, domain: str) -> MailAnswer:
        """The table's answer (never cached: it is the test's or the farm's), else the cached one, else one DNS
        round (MX, then A) within the budget; the resolver's definitive answers are cached."""
        listed = lookup(self.table, domain)
        if listed is not MISSING:
            return "ok" if listed else "none"
        cached = self.cache.get(domain) if self.cache is not None else None
        if cached is not None:
            return cached
        if not self.budget.spend():
            return "budget"
        started = time.monotonic()
        try:
            answer = mail_answer(domain, self.table, self.query, min(self.timeout, self.budget.left()))
        except Exception:  # a resolver fault is no answer about the municipality's domain
            LOG.exception("DNS probe of %s failed", domain)
            return "unknown"
        finally:
            self.waited += time.monotonic() - started
        if self.cache is not None and answer in ("ok", "none"):
            self.cache.put(domain, answer)
        return answer

    def profile(self, url: str) -> ProfileAnswer:
        """GET url and its redirects (GET again), each hop from the budget; unknown when the network fails."""
        for _ in range(MAX_HOPS):
            if not self.budget.spend():
                return ProfileAnswer("budget")
            started = time.monotonic()
            try:
                status, location, body = self._get(url)
            except (OSError, http.client.HTTPException, ValueError):  # refused, reset, malformed answer
                return ProfileAnswer("unknown")
            finally:
                self.waited += time.monotonic() - started
            if not (300 <= status < 400 and location):
                return ProfileAnswer("answered", status, url, PASSWORD_FIELD.search(body) is not None)
            url = urljoin(url, location)
        return ProfileAnswer("unknown")

    def cost(self) -> dict[str, float]:
        """Requests spent from the budget (DNS queries and GET hops) and seconds waited for their answers."""
        return {"requests": float(self.budget.spent), "seconds": round(self.waited, 3)}

    def _get(self, url: str) -> tuple[int, str | None, bytes]:
        """One GET: to the simulated internet for a simulated name, else directly to a public address only."""
        headers = {"User-Agent": self.user_agent, "Accept": "text/html"}
        timeout = max(0.5, min(self.timeout, self.budget.left()))
        if self.simulated is not None:
            try:
                target = target_for(url, self.simulated, self.table)
            except Exception as error:  # DNSLookupError of a simulated name that does not exist
                raise OSError(str(error)) from error
            if target is not None:
                return self.fetch(target.url, {**headers, **target.headers}, timeout)
        if not public_host(urlsplit(url).hostname or "", self.table):
            raise OSError(f"dirección interna o sin resolver: {url[:200]}")
        return self.fetch(url, headers, timeout)


def public_host(host: str, table: Overrides) -> bool:
    """Whether every address of host is public (the SSRF rule of the crawl: probes never reach internal networks)."""
    literal = literal_ip(host)
    addresses = [literal] if literal is not None else [literal_ip(a) for a in resolve_all(host, table)]
    return bool(addresses) and all(a is not None and not is_internal(a) for a in addresses)


def site_prober(cfg: CrawlSettings, cache_path: Path | None) -> Prober:
    """The prober for one site crawl (OFFLINE when switched off with VIGIA_PROBE_REQUESTS=0, or on a static copy)."""
    if cfg.probe_requests <= 0 or cfg.static_copy:
        return OFFLINE
    budget = ProbeBudget(cfg.probe_requests, cfg.probe_seconds)
    cache = DnsCache(cache_path) if cache_path is not None else None
    table = load_overrides()
    return NetworkProber(budget, table, cache, simulated_base(cfg.internet_simulado), cfg.user_agent)
