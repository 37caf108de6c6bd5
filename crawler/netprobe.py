"""Is our own network up? A TCP probe of reference hosts, asked before any site is declared unreachable.

A site that does not resolve or answer is an accusation (`sitio.disponible = no_cumple`) only when Vigía itself is
online: when none of the reference hosts (the IPOMEX host and two public resolvers' names by default; the simulated
hosts in tests and in the demo) can be reached either, the failure is ours and the run says `sin_red`.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from urllib.parse import urlsplit

from checks.catalogue import load_catalogue
from checks.engine import SIN_RED, UNREACHABLE, SiteEvaluator
from checks.model import SiteReport, SourceReport
from config.settings import Settings, load_settings
from crawler.dns import resolve_all
from crawler.failures import DETAILS

log = logging.getLogger("vigia.crawler")
DEFAULT_PORT = 443
# A verdict is reused this long: one probe per burst of unreachable sites, not one per site.
TRUST_SECONDS = 30.0
OFFLINE = (
    "Vigía está sin conexión a internet: ninguno de los hosts de referencia ({hosts}) respondió. Ningún sitio se "
    "declara inalcanzable (sus verificaciones quedan «indeterminado: sin_red»); revise la red y vuelva a ejecutar."
)
Reach = Callable[[str, int, float], bool]


def parse_hosts(raw: str) -> list[tuple[str, int]]:
    """`host` or `host:puerto` entries separated by commas (port 443 by default); blanks are skipped."""
    hosts = []
    for item in (part.strip() for part in raw.split(",")):
        if item:
            parsed = urlsplit(f"//{item}")
            hosts.append((parsed.hostname or item, parsed.port or DEFAULT_PORT))
    return hosts


def reach(host: str, port: int, timeout: float) -> bool:
    """Whether host resolves (through Vigía's DNS seam) and one of its addresses accepts a TCP connection."""
    for address in resolve_all(host):
        try:
            with socket.create_connection((address, port), timeout=timeout):
                return True
        except OSError as exc:
            log.info("network probe: %s:%s (%s) failed: %s", host, port, address, exc)
    return False


class NetworkProbe:
    """Asks the reference hosts whether our side is online; no hosts means the probe is switched off."""

    def __init__(
        self,
        hosts: Sequence[tuple[str, int]],
        timeout: float = 5.0,
        reach: Reach = reach,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.hosts, self.timeout, self.reach, self.clock = list(hosts), timeout, reach, clock
        self.verdict: tuple[float, bool] | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> NetworkProbe:
        """The probe of VIGIA_PROBE_HOSTS and VIGIA_PROBE_TIMEOUT."""
        settings = settings or load_settings()
        return cls(parse_hosts(settings.probe_hosts), settings.probe_timeout)

    @classmethod
    def of(cls, hosts: str, timeout: float = 5.0) -> NetworkProbe:
        """A probe of the given `host[:puerto]` list (the simulated hosts of the demo)."""
        return cls(parse_hosts(hosts), timeout)

    def online(self) -> bool:
        """True when any reference host answers (or there are none); a recent verdict is reused."""
        if not self.hosts:
            return True
        now = self.clock()
        if self.verdict is not None and now - self.verdict[0] < TRUST_SECONDS:
            return self.verdict[1]
        up = any(self.reach(host, port, self.timeout) for host, port in self.hosts)
        if not up:
            log.warning("network probe: none of %s answered; our network is down", self.describe())
        self.verdict = (now, up)
        return up

    def describe(self) -> str:
        """The reference hosts as the operator wrote them."""
        return ", ".join(f"{host}:{port}" for host, port in self.hosts)

    def offline_message(self) -> str:
        """The Spanish explanation of a run stopped by our own network."""
        return OFFLINE.format(hosts=self.describe())


def accuses(report: SourceReport) -> bool:
    """Whether a report would declare its site unreachable (a server that answered and then stalled is up)."""
    site = report.facts
    if not isinstance(site, SiteReport) or site.outcome.failure not in UNREACHABLE:
        return False
    return not (site.outcome.failure == "timeout" and site.outcome.server_answered)


def offline_report(report: SourceReport, run_date: date) -> SourceReport:
    """The same site report re-decided as `sin_red`: every check indeterminado, the site's own failure kept in the
    detail."""
    site = report.facts
    assert isinstance(site, SiteReport)
    detail = f"{DETAILS[SIN_RED]}; el sitio falló con «{site.outcome.failure}»"
    outcome = replace(site.outcome, failure=SIN_RED, failure_detail=detail, network_suspect=True)
    results = SiteEvaluator(load_catalogue(), run_date).finish(outcome)
    offline = replace(site, outcome=outcome, results=results)
    return replace(report, results=results, failure=SIN_RED, failure_detail=detail, facts=offline)
