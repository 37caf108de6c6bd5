"""The headless browser: which executable, how it is launched, and a small shared pool for JavaScript shells."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

log = logging.getLogger("vigia.browser")

SYSTEM_CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# Without the background-networking flags Chromium keeps calling Google's hosts, refused on closed networks.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Memory (a whole run within 1.5 GB, issue 6): no zygotes, GPU and network service inside the browser
    # process, at most two renderers, a smaller V8 heap, and no omnibox WebUI renderer (headless
    # Chromium 14x starts one per context; nobody sees it).
    "--no-zygote",
    "--in-process-gpu",
    "--renderer-process-limit=2",
    "--disable-extensions",
    "--js-flags=--max-old-space-size=128",
    "--enable-features=NetworkServiceInProcess2",
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,OmniboxAimPopup",
)
# Playwright's node driver grows to ~220 MB over an IPOMEX night with its default heap; 96 MB is ample for it.
DRIVER_NODE_OPTIONS = "--max-old-space-size=96"
BLOCKED_RESOURCES = frozenset({"image", "font", "media"})
# Redirect hops between simulated names the browser route follows for one request (VIGIA_INTERNET_SIMULADO).
MAX_SIMULATED_HOPS = 10
# The SSRF gate for the browser: tells whether a URL may be fetched.
Guard = Callable[[str], Awaitable[bool]]


def playwright_bundled_browser() -> bool:
    """Tell whether Playwright's own Chromium was installed (`playwright install chromium`)."""
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    return any(cache.glob("chromium*")) if cache.is_dir() else False


def find_browser(configured: str | None) -> str | None:
    """Return the Chromium executable to launch; None means Playwright's bundled browser (or none at all)."""
    if configured:
        return configured
    for candidate in SYSTEM_CHROMIUM:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def browser_available(configured: str | None) -> bool:
    """Tell whether some browser can be launched: a system Chromium or Playwright's own."""
    executable = find_browser(configured)
    return (executable is not None and Path(executable).exists()) or playwright_bundled_browser()


def launch_options(configured: str | None, timeout: float) -> dict[str, Any]:
    """Playwright launch options for Chromium: the system executable when there is one."""
    options: dict[str, Any] = {"headless": True, "args": list(CHROMIUM_ARGS), "timeout": timeout * 1000}
    executable = find_browser(configured)
    if executable:
        options["executable_path"] = executable
    return options


def should_abort(request: Any) -> bool:
    """scrapy-playwright hook: never download images, fonts or media, which no check reads."""
    return str(getattr(request, "resource_type", "")) in BLOCKED_RESOURCES


@dataclass
class RenderStats:
    """How much the browser was used in a run (pages and seconds)."""

    pages: int = 0
    seconds: float = 0.0
    failures: int = 0
    urls: list[str] = field(default_factory=list)


class BrowserPool:
    """One lazily launched Chromium shared by every site spider of a crawl process, at most N pages at once."""

    def __init__(self, executable: str | None, max_pages: int = 2, timeout: float = 20.0) -> None:
        self.executable, self.timeout = executable, timeout
        self.limit = asyncio.Semaphore(max_pages)
        self.lock = asyncio.Lock()
        self.stats = RenderStats()
        self._playwright: Any = None
        self._browser: Any = None

    async def _ensure(self) -> Any:
        async with self.lock:
            if self._browser is None:
                from playwright.async_api import async_playwright

                self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(**launch_options(self.executable, self.timeout))
            return self._browser

    async def render(self, url: str, guard: Guard | None = None) -> str | None:
        """Return the DOM of url after its scripts ran (network idle), or None when rendering failed.

        guard (the crawl's SSRF policy) aborts every request of the page to a forbidden target.
        """
        async with self.limit:
            started = time.monotonic()
            try:
                browser = await self._ensure()
                return await self._render(browser, url, guard)
            except Exception as exc:  # any browser failure leaves the page unread, never scored
                log.warning("render of %s failed: %s", url, exc)
                self.stats.failures += 1
                return None
            finally:
                self.stats.pages += 1
                self.stats.seconds += time.monotonic() - started
                self.stats.urls.append(url)

    async def _render(self, browser: Any, url: str, guard: Guard | None) -> str:
        if guard is not None and not await guard(url):
            raise PermissionError(f"destino bloqueado por seguridad: {url}")
        context = await browser.new_context(java_script_enabled=True, service_workers="block")
        try:
            page = await context.new_page()
            await page.route("**/*", lambda route: guarded_route(route, guard))
            await page.goto(url, wait_until="networkidle", timeout=self.timeout * 1000)
            return str(await page.content())
        finally:
            await context.close()

    async def close(self) -> None:
        """Close the browser and Playwright's driver if they were started."""
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()


async def guarded_route(route: Any, guard: Guard | None, blocked: frozenset[str] = BLOCKED_RESOURCES) -> None:
    """Abort the blocked resource types and, through the SSRF guard, any request to an internal or non-http target;
    answer simulated names from the simulated internet."""
    request = route.request
    if request.resource_type in blocked or (guard is not None and not await guard(request.url)):
        await route.abort()
    elif not await _simulated(route, guard):
        await route.continue_()


async def _simulated(route: Any, guard: Guard | None) -> bool:
    """With VIGIA_INTERNET_SIMULADO, answer a request to a simulated name from the simulated internet; False when
    the request is not for a simulated name.

    Chromium does not route the hops of a redirect it was fulfilled with, so redirects between simulated names are
    followed here (each hop through the SSRF guard) and the page gets the final answer.
    """
    from crawler.dns import load_overrides
    from crawler.simnet import simulated_base

    base = simulated_base()
    if base is None:
        return False
    table, url = load_overrides(), route.request.url
    for _ in range(MAX_SIMULATED_HOPS):
        verdict = await _simulated_hop(route, url, base, table)
        if not isinstance(verdict, str):
            return verdict
        if guard is not None and not await guard(verdict):
            break
        url = verdict
    await route.abort("blockedbyclient")
    return True


async def _simulated_hop(route: Any, url: str, base: str, table: Any) -> bool | str:
    """Answer url from the simulated internet: True when answered, False when it is no simulated name, or the next
    URL of a redirect."""
    from twisted.internet.error import DNSLookupError

    from crawler.simnet import failure_of, target_for

    try:
        target = target_for(url, base, table)
    except DNSLookupError:
        await route.abort("namenotresolved")
        return True
    if target is None:
        return False
    headers = {**route.request.headers, **target.headers}
    response = await route.fetch(url=target.url, headers=headers, max_redirects=0)
    failure = failure_of(response.headers.get("x-simnet-error", ""), url)
    location = response.headers.get("location")
    if failure is not None:
        await route.abort("namenotresolved" if isinstance(failure, DNSLookupError) else "connectionrefused")
    elif 300 <= response.status < 400 and location:
        return urljoin(url, str(location))
    else:
        await route.fulfill(response=response)
    return True
