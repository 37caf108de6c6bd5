"""Fault-matrix fixtures: the fault farm (with trustme certificates) and one crawl of every fault site."""

from __future__ import annotations

import json
import os
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import trustme

from checks.model import CheckResult, SiteReport
from crawler.child import WorkerStats
from crawler.settings import CrawlSettings
from simulator.fault_pages import NOMBRE
from simulator.faults import FaultFarm
from spiders.sitio import site_events
from spiders.sitio.target import SiteTarget

RUN_DATE = date(2026, 11, 24)
MIB = 1 << 20
CFG = CrawlSettings(
    timeout=2,
    retries=1,
    max_page_bytes=MIB,
    render_js=False,
    ipomex=False,
    crawl_processes=2,
    retry_after_max=5,
    max_pages=30,
)
# Sites served by the farm that are not crawled as targets (the SSRF canary must receive zero requests).
NOT_CRAWLED = frozenset({"canary"})
# The fault sites' mail domain receives mail (canal.correo_entregable) and their Facebook account does not resolve
# (no profile probe leaves the machine); the other two names are fault rows.
DNS_TABLE = {
    "municipio-inexistente.test": None,
    "municipio-local.test": "127.0.0.1",
    "sanfallas.gob.mx": "127.0.0.1",
    "www.facebook.com": None,
    "facebook.com": None,
}


def _context(cert_pem: bytes, key_pem: bytes, tmp: Path, name: str) -> ssl.SSLContext:
    chain = tmp / f"{name}.pem"
    chain.write_bytes(cert_pem + key_pem)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(chain))
    return context


def tls_contexts(tmp: Path) -> tuple[dict[str, ssl.SSLContext], Path]:
    """Server contexts for the TLS fault sites and the CA file that Vigía is told to trust."""
    ca = trustme.CA()
    now = datetime.now(UTC)
    leaves = {
        "tls_valid": ca.issue_cert("127.0.0.1"),
        "tls_expired": ca.issue_cert(
            "127.0.0.1", not_before=now - timedelta(days=400), not_after=now - timedelta(days=30)
        ),
        "tls_wronghost": ca.issue_cert("otro-municipio.example"),
    }
    contexts = {
        name: _context(b"".join(b.bytes() for b in leaf.cert_chain_pems), leaf.private_key_pem.bytes(), tmp, name)
        for name, leaf in leaves.items()
    }
    # A certificate that signs itself (the CA's own, served as the leaf): not the CA Vigía trusts.
    stranger = trustme.CA()
    contexts["tls_selfsigned"] = _context(stranger.cert_pem.bytes(), stranger.private_key_pem.bytes(), tmp, "self")
    ca_file = tmp / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return contexts, ca_file


@dataclass
class FaultRun:
    """One crawl of fault sites: reports by site name, the workers' usage, and the farm that served them."""

    farm: FaultFarm
    reports: dict[str, SiteReport]
    workers: list[WorkerStats]
    cfg: CrawlSettings

    def results(self, name: str) -> dict[str, CheckResult]:
        """A site's results by check id."""
        return {r.check_id: r for r in self.reports[name].results}


def run_faults(farm: FaultFarm, names: list[str], cfg: CrawlSettings, extra: dict[str, str] | None = None) -> FaultRun:
    """Crawl the named fault sites (and extra name → URL targets) through the real worker processes."""
    targets = [SiteTarget(name, NOMBRE, farm.url(name)) for name in names]
    targets += [SiteTarget(name, NOMBRE, url) for name, url in (extra or {}).items()]
    reports: dict[str, SiteReport] = {}
    workers: list[WorkerStats] = []
    for event in site_events(targets, cfg, RUN_DATE):
        if isinstance(event, SiteReport):
            assert event.cve_inegi is not None
            reports[event.cve_inegi] = event
        elif isinstance(event, WorkerStats):
            workers.append(event)
    return FaultRun(farm, reports, workers, cfg)


@pytest.fixture(scope="session")
def fault_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FaultFarm, Path]]:
    """Every fault site on 127.0.0.1, HTTPS ones with trustme certificates; yields (farm, CA file)."""
    contexts, ca_file = tls_contexts(tmp_path_factory.mktemp("tls"))
    with FaultFarm(tls=contexts, hang_seconds=15) as farm:
        yield farm, ca_file


@pytest.fixture(scope="session")
def fault_run(fault_farm: tuple[FaultFarm, Path]) -> Iterator[FaultRun]:
    """One crawl of every fault site at once (plus the two DNS-table hosts), as a nightly run would do it."""
    farm, ca_file = fault_farm
    previous = os.environ.get("VIGIA_DNS_OVERRIDES")
    os.environ["VIGIA_DNS_OVERRIDES"] = json.dumps(DNS_TABLE)  # inherited by the spawned workers
    try:
        extra = {
            "dns_nxdomain": "http://municipio-inexistente.test/",
            "dns_local": f"http://municipio-local.test:{farm.ports['http_only']}/",
        }
        names = [n for n in farm.names if n not in NOT_CRAWLED]
        run = run_faults(farm, names, replace(CFG, ca_bundle=str(ca_file)), extra)
    finally:
        if previous is None:
            os.environ.pop("VIGIA_DNS_OVERRIDES", None)
        else:
            os.environ["VIGIA_DNS_OVERRIDES"] = previous
    yield run


def statuses(run: FaultRun, name: str) -> dict[str, str]:
    """A site's status by check id."""
    return {check_id: result.status for check_id, result in run.results(name).items()}


def only_indeterminate(run: FaultRun, name: str, reason: str, allowed: frozenset[str] = frozenset()) -> None:
    """Assert every check of the site is indeterminado with reason (checks in allowed may differ)."""
    for check_id, result in run.results(name).items():
        if check_id in allowed:
            continue
        assert result.status == "indeterminado", (name, result)
        assert result.reason == reason, (name, result)
