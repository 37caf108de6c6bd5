"""Crawl settings: Vigía's bounded, polite defaults and their translation into Scrapy settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from config.settings import Settings, load_settings
from crawler.budgets import ipomex_pages, site_budget

# Extensions that hold documents or media: recorded as links, never crawled as pages (a few PDFs whose link names a
# checked topic are downloaded and read by the site spider, within max_documents).
DOCUMENT_EXTENSIONS = frozenset(
    (
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "csv",
        "json",
        "xml",
        "zip",
        "rar",
        "7z",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "svg",
        "webp",
        "bmp",
        "ico",
        "mp3",
        "mp4",
        "avi",
        "mov",
        "wmv",
        "webm",
        "mkv",
        "exe",
        "dmg",
        "iso",
        "apk",
    )
)

NO_HANDLERS: dict[str, None] = {"file": None, "ftp": None, "s3": None, "data": None}


# Defaults live with the variables in config/settings.py; CrawlSettings() is the crawl without any VIGIA_* set.
_DEFAULT = Settings.model_construct()


@dataclass(frozen=True)
class CrawlSettings:
    """Bounds of one site crawl; each field can be overridden by a VIGIA_<FIELD> environment variable."""

    max_depth: int = _DEFAULT.max_depth
    max_pages: int = _DEFAULT.max_pages
    obey_robots: bool = _DEFAULT.obey_robots
    per_site_concurrency: int = _DEFAULT.per_site_concurrency
    # Sites crawled at once over all workers; each worker is a process with its own reactor and CPU core.
    sites_in_parallel: int = _DEFAULT.sites_in_parallel
    crawl_processes: int = _DEFAULT.crawl_processes
    timeout: float = _DEFAULT.timeout
    retries: int = _DEFAULT.retries
    max_page_bytes: int = _DEFAULT.max_page_bytes
    max_redirects: int = _DEFAULT.max_redirects
    # Linked PDFs read as evidence per site (outside the page budget), their byte cap and the pages read of each.
    max_documents: int = _DEFAULT.max_documents
    max_document_bytes: int = _DEFAULT.max_document_bytes
    document_pages: int = _DEFAULT.document_pages
    # Safe-method probes of form endpoints per site, after its pages (spiders.sitio.probes): requests and seconds.
    form_probe_requests: int = _DEFAULT.form_probe_requests
    form_probe_seconds: float = _DEFAULT.form_probe_seconds
    # Working-channel probes per site (crawler.probes): DNS queries and profile GETs, and their time.
    probe_requests: int = _DEFAULT.probe_requests
    probe_seconds: float = _DEFAULT.probe_seconds
    # Longest Retry-After (seconds) a 429/503 is waited for before retrying; beyond it: indeterminado rate_limited.
    # The sites are static copies (the labelled corpus): nothing that needs the live server is probed or judged.
    static_copy: bool = _DEFAULT.static_copy
    retry_after_max: float = _DEFAULT.retry_after_max
    # Opt out of the SSRF gate: let a crawl fetch private, loopback and link-local addresses from any site.
    allow_private_networks: bool = _DEFAULT.allow_private_networks
    # None: derived from the latency model (crawler.budgets.site_budget).
    site_budget_seconds: float | None = _DEFAULT.site_budget_seconds
    min_fail_ratio_for_network_alarm: float = _DEFAULT.min_fail_ratio_for_network_alarm
    user_agent: str = _DEFAULT.user_agent
    # Extra CA bundle trusted by the sitio.https handshake (the simulated farm's own CA); None = system store.
    ca_bundle: str | None = _DEFAULT.ca_bundle
    # Test and demo seam: base URL of the simulated internet every request to a simulated name is delivered to.
    internet_simulado: str | None = _DEFAULT.internet_simulado
    log_file: str | None = _DEFAULT.log_file
    # Render JavaScript shells with a headless Chromium (system /usr/bin/chromium, else Playwright's own).
    render_js: bool = _DEFAULT.render_js
    browser_executable: str | None = _DEFAULT.browser_executable
    browser_max_pages: int = _DEFAULT.browser_max_pages
    browser_timeout: float = _DEFAULT.browser_timeout
    # IPOMEX 4 single-page application; a municipality's page is <base>#/obligaciones/<id>.
    ipomex4_base: str = _DEFAULT.ipomex4_base
    ipomex_timeout: float = _DEFAULT.ipomex_timeout
    # Each municipality's IPOMEX has its own budget (never one for the whole pass over the shared state server).
    # None: derived from the latency model (crawler.budgets.ipomex_portal_budget).
    ipomex_portal_budget_seconds: float | None = _DEFAULT.ipomex_portal_budget_seconds
    # Requests in flight to the state's one IPOMEX server, over the whole pass (spiders.ipomex.polite).
    ipomex_concurrency: int = _DEFAULT.ipomex_concurrency
    # An unchanged IPOMEX 4 fraction is read again anyway when a deadline of its period is fewer days away.
    ipomex_reread_days: int = _DEFAULT.ipomex_reread_days
    # Test and demo knob: the simulated portals' latency is divided by it, and so are the model-derived budgets.
    compression: float = _DEFAULT.compression
    # Visit each municipality's IPOMEX pages after its site (obligations, fraction by fraction).
    ipomex: bool = _DEFAULT.ipomex

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CrawlSettings:
        """Build settings from the VIGIA_* environment (or environ), validated by config.settings."""
        settings = load_settings(environ)
        # A crawl field not (yet) declared in config/settings.py keeps its default; tests/test_settings.py flags it.
        return replace(cls(), **{f.name: getattr(settings, f.name) for f in fields(cls) if hasattr(settings, f.name)})


# The evidence capture extension (archive/capture.py), named like SPIDER_MODULES: crawler never imports archive.
CAPTURE_EXTENSION = "archive.capture.WarcCapture"
SPOOL_SETTING = "VIGIA_ARCHIVE_SPOOL"


def scrapy_settings(cfg: CrawlSettings, spool: str | None = None) -> dict[str, Any]:
    """Translate Vigía's settings into Scrapy settings with the defaults that bite turned off; with spool, every
    response a spider labels as evidence is captured there."""
    return {
        "USER_AGENT": cfg.user_agent,
        # Robots are handled by the spider itself so that "blocked" becomes an explicit reason (RFC 9309).
        "ROBOTSTXT_OBEY": False,
        # One crawler per site: the global cap only needs to let that site's own concurrency through.
        "CONCURRENT_REQUESTS": max(16, cfg.per_site_concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": cfg.per_site_concurrency,
        "DOWNLOAD_TIMEOUT": cfg.timeout,
        "DNS_TIMEOUT": min(cfg.timeout, 20),
        "DOWNLOAD_MAXSIZE": cfg.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        # Scrapy starts CONCURRENT_ITEMS (default 100) asyncio tasks for every response's callback output; our
        # spiders yield a few requests and no items, so those tasks were a quarter of the crawl's CPU.
        "CONCURRENT_ITEMS": 1,
        "RETRY_ENABLED": cfg.retries > 0,
        "RETRY_TIMES": cfg.retries,
        "REDIRECT_MAX_TIMES": cfg.max_redirects,
        "CLOSESPIDER_TIMEOUT": site_budget(cfg),
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_ENABLED": False,
        "COOKIES_ENABLED": True,
        "HTTPCACHE_ENABLED": False,
        # Depth is tracked by the spider from the home page, not from robots.txt.
        "DEPTH_LIMIT": 0,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        # Test seam and cache: crawler.dns answers from VIGIA_DNS_OVERRIDES first; the SSRF gate resolves there too.
        "TWISTED_DNS_RESOLVER": "crawler.dns.VigiaResolver",
        # The simulated internet's transport seam (off unless VIGIA_INTERNET_SIMULADO) runs after the SSRF gate and
        # redirects, so both see the simulated names; it is the last hop before the download handler.
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.ssrf.SsrfMiddleware": 50,
            "crawler.retry_after.RetryAfterMiddleware": 560,
            "crawler.simnet.SimnetMiddleware": 950,
        },
        # Only http(s) is ever fetched (file:, ftp:, s3: and data: handlers are switched off).
        "DOWNLOAD_HANDLERS": dict(NO_HANDLERS),
        "VIGIA_ALLOW_PRIVATE_NETWORKS": cfg.allow_private_networks,
        "VIGIA_RETRY_AFTER_MAX": cfg.retry_after_max,
        "VIGIA_INTERNET_SIMULADO": cfg.internet_simulado,
        "EXTENSIONS": {CAPTURE_EXTENSION: 500},
        SPOOL_SETTING: spool,
    }


def playwright_settings(cfg: CrawlSettings, schemes: frozenset[str] = frozenset({"http", "https"})) -> dict[str, Any]:
    """scrapy-playwright for the IPOMEX spider: system Chromium, no more pages at once than the requests IPOMEX may
    have in flight, no images or fonts."""
    from crawler.browser import launch_options

    pages = ipomex_pages(cfg)
    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    return {
        # Each scheme's handler starts its own Playwright driver (a ~120 MB node process): only the schemes used.
        "DOWNLOAD_HANDLERS": {**NO_HANDLERS, **dict.fromkeys(sorted(schemes), handler)},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch_options(cfg.browser_executable, cfg.browser_timeout),
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        # Every request of the pages (also those the IPOMEX gate fetches for them) says who is asking.
        "PLAYWRIGHT_CONTEXTS": {"default": {"user_agent": cfg.user_agent}},
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": pages,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": cfg.ipomex_timeout * 1000,
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.browser.should_abort",
        "CONCURRENT_REQUESTS": pages * 2,
        "CONCURRENT_REQUESTS_PER_DOMAIN": pages,
        "RETRY_TIMES": min(cfg.retries, 1),
        # A portal's budget runs from its first page: its retry goes ahead of portals not started yet (Scrapy's -1
        # would queue it behind the whole state and spend the budget waiting).
        "RETRY_PRIORITY_ADJUST": 1,
        # The per-site budget must not cap the pass over every portal: each portal has its own budget instead.
        "CLOSESPIDER_TIMEOUT": 0,
    }
