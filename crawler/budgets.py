"""Time budgets derived from the latency model: what a unit of the night is expected to cost, with a margin.

A budget = MARGIN × (expected requests of the unit × expected seconds per request ÷ the requests the unit makes at
once), divided by the time compression (1 in production; the simulated demo and tests compress the portals' latency
and so the budgets), plus a fixed allowance that is never compressed: parsing, checking and rendering take the same
CPU whatever the portals' speed, and must fit on a loaded 2-core machine. An explicit setting overrides the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checks.obligations import load_obligations
from config.latency import REAL, LatencyModel, ipomex_profile, slowest_site_profile

if TYPE_CHECKING:
    from crawler.settings import CrawlSettings

MARGIN = 2.0
# A whole site phase (125 sites over two processes) parses and checks while a site waits: its CPU share is here.
SITE_FIXED_SECONDS = 180.0
IPOMEX_FIXED_SECONDS = 120.0
# What a linked PDF is assumed to weigh when its download time is planned.
DOCUMENT_BYTES = 500_000
# IPOMEX 3 and the legacy generation are the costlier ones: per fraction its page and its data (the JSON its script
# loads, or the Excel export it links); per portal the index (scripts and style sheets are fetched once per pass,
# PoliteHost keeps them).
IPOMEX_REQUESTS_PER_FRACTION = 2
IPOMEX_REQUESTS_PER_PORTAL = 1


def _compressed(cfg: CrawlSettings, seconds: float) -> float:
    """A true-timescale duration at the crawl's timescale (production: unchanged)."""
    return LatencyModel(REAL, cfg.compression).scaled(seconds)


def expected_site_seconds(cfg: CrawlSettings) -> float:
    """True-timescale network time of the slowest municipal site the model draws: every page, robots.txt, the
    documents read and the endpoint probes, at the site's own concurrency."""
    profile = slowest_site_profile()
    pages = (cfg.max_pages + 1) * profile.expected_seconds()
    documents = cfg.max_documents * profile.expected_seconds(DOCUMENT_BYTES)
    # The safe-method probes of form endpoints (spiders.sitio.probes) are small requests of the same site.
    probes = cfg.form_probe_requests * profile.expected_seconds()
    return (pages + documents + probes) / max(1, cfg.per_site_concurrency)


def site_budget(cfg: CrawlSettings) -> float:
    """Seconds one municipal site's crawl may take: the setting, else derived from the latency model."""
    if cfg.site_budget_seconds is not None:
        return cfg.site_budget_seconds
    return SITE_FIXED_SECONDS + _compressed(cfg, MARGIN * expected_site_seconds(cfg))


def expected_ipomex_requests() -> int:
    """Requests one municipality's IPOMEX costs at most (IPOMEX 3, every fraction of the catalogue)."""
    fractions = len(load_obligations().obligations)
    return IPOMEX_REQUESTS_PER_PORTAL + IPOMEX_REQUESTS_PER_FRACTION * fractions


def expected_ipomex_seconds() -> float:
    """True-timescale network time of one municipality's IPOMEX: its page asks one request at a time."""
    return expected_ipomex_requests() * ipomex_profile().expected_seconds()


def ipomex_portal_budget(cfg: CrawlSettings) -> float:
    """Seconds one municipality's IPOMEX may take once its page is open: the setting, else from the model."""
    if cfg.ipomex_portal_budget_seconds is not None:
        return cfg.ipomex_portal_budget_seconds
    return IPOMEX_FIXED_SECONDS + _compressed(cfg, MARGIN * expected_ipomex_seconds())


def ipomex_pages(cfg: CrawlSettings) -> int:
    """Browser pages open on IPOMEX at once: never more than the requests the host may have in flight, so that no
    portal's budget runs while its page only waits for a slot."""
    return max(1, min(cfg.browser_max_pages, cfg.ipomex_concurrency))
