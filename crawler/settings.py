"""Crawl settings: Vigía's bounded, polite defaults and their translation into Scrapy settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any

from core import __version__
from core.errors import ConfigError

USER_AGENT = f"Vigia/{__version__} (monitor de transparencia municipal; +https://github.com/vigia-edomex)"

# Extensions that hold documents or media: recorded as links, never downloaded (PDFs are out of scope for now).
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


@dataclass(frozen=True)
class CrawlSettings:
    """Bounds of one site crawl; each field can be overridden by a VIGIA_<FIELD> environment variable."""

    max_depth: int = 2
    max_pages: int = 60
    obey_robots: bool = True
    per_site_concurrency: int = 2
    # Sites crawled at once over all workers; each worker is a process with its own reactor and CPU core.
    sites_in_parallel: int = 128
    crawl_processes: int = 2
    timeout: float = 15.0
    retries: int = 2
    max_page_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 10
    # Longest Retry-After (seconds) a 429/503 is waited for before retrying; beyond it: indeterminado rate_limited.
    retry_after_max: float = 60.0
    # Opt out of the SSRF gate: let a crawl fetch private, loopback and link-local addresses from any site.
    allow_private_networks: bool = False
    site_budget_seconds: float = 600.0
    min_fail_ratio_for_network_alarm: float = 0.8
    user_agent: str = USER_AGENT
    # Extra CA bundle trusted by the sitio.https handshake (the simulated farm's own CA); None = system store.
    ca_bundle: str | None = None
    log_file: str | None = None
    # Render JavaScript shells with a headless Chromium (system /usr/bin/chromium, else Playwright's own).
    render_js: bool = True
    browser_executable: str | None = None
    browser_max_pages: int = 2
    browser_timeout: float = 20.0
    # IPOMEX 4 single-page application; a municipality's page is <base>#/obligaciones/<id>.
    ipomex4_base: str = "https://infoem2.ipomex.org.mx/ipomex/"
    ipomex_timeout: float = 30.0
    # Visit each municipality's IPOMEX pages after its site (obligations, fraction by fraction).
    ipomex: bool = True

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> CrawlSettings:
        """Build settings from defaults overridden by VIGIA_* environment variables."""
        env = os.environ if environ is None else environ
        overrides: dict[str, Any] = {}
        for item in fields(cls):
            raw = env.get(f"VIGIA_{item.name.upper()}")
            if raw is not None:
                overrides[item.name] = _coerce(item.name, str(item.type), raw)
        return replace(cls(), **overrides)


def _coerce(name: str, kind: str, raw: str) -> Any:
    """Convert an environment value to the field's type or raise a Spanish ConfigError."""
    try:
        if kind == "bool":
            if raw.lower() not in ("1", "0", "true", "false", "si", "sí", "no"):
                raise ValueError(raw)
            return raw.lower() in ("1", "true", "si", "sí")
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        return raw
    except ValueError:
        raise ConfigError(
            f"variable de entorno VIGIA_{name.upper()}", None, name, f"«{raw}» no es un valor válido ({kind})"
        ) from None


def scrapy_settings(cfg: CrawlSettings) -> dict[str, Any]:
    """Translate Vigía's settings into Scrapy settings with the defaults that bite turned off."""
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
        "CLOSESPIDER_TIMEOUT": cfg.site_budget_seconds,
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
        "DOWNLOADER_MIDDLEWARES": {"crawler.ssrf.SsrfMiddleware": 50, "crawler.retry_after.RetryAfterMiddleware": 560},
        # Only http(s) is ever fetched (file:, ftp:, s3: and data: handlers are switched off).
        "DOWNLOAD_HANDLERS": dict(NO_HANDLERS),
        "VIGIA_ALLOW_PRIVATE_NETWORKS": cfg.allow_private_networks,
        "VIGIA_RETRY_AFTER_MAX": cfg.retry_after_max,
    }


def playwright_settings(cfg: CrawlSettings, schemes: frozenset[str] = frozenset({"http", "https"})) -> dict[str, Any]:
    """scrapy-playwright for the IPOMEX spider: system Chromium, at most two pages at once, no images or fonts."""
    from crawler.browser import launch_options

    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    return {
        # Each scheme's handler starts its own Playwright driver (a ~120 MB node process): only the schemes used.
        "DOWNLOAD_HANDLERS": {**NO_HANDLERS, **dict.fromkeys(sorted(schemes), handler)},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch_options(cfg.browser_executable, cfg.browser_timeout),
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": cfg.browser_max_pages,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": cfg.ipomex_timeout * 1000,
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.browser.should_abort",
        "CONCURRENT_REQUESTS": cfg.browser_max_pages * 2,
        "CONCURRENT_REQUESTS_PER_DOMAIN": cfg.browser_max_pages,
        "RETRY_TIMES": min(cfg.retries, 1),
    }
