"""Screenshots (PNG) of a run's pages, one page at a time in one headless browser, within a time budget.

The pass runs after the crawl's workers have exited, so the run still has one browser at a time. Every page goes
through the crawl's SSRF policy and, with VIGIA_INTERNET_SIMULADO, the simulated internet (crawler.browser). A page
not taken (out of time, failed) is returned with the reason in Spanish, never dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from crawler.browser import guarded_route, launch_options
from crawler.ssrf import SsrfPolicy

log = logging.getLogger("vigia.screenshots")

# A screenshot shows the page as people see it: images and fonts load (through the SSRF guard); media never.
SCREENSHOT_BLOCKED = frozenset({"media"})
VIEWPORT = {"width": 1280, "height": 900}
OUT_OF_TIME = "no alcanzó el tiempo de capturas (VIGIA_CAPTURAS_SEGUNDOS)"


class Camera(Protocol):
    """Takes a PNG of a URL within a timeout (seconds); raises when it cannot."""

    async def shoot(self, url: str, timeout: float) -> bytes: ...
    async def close(self) -> None: ...


@dataclass(frozen=True)
class Shot:
    """A screenshot taken: which target (index in the list given), the PNG and when."""

    index: int
    png: bytes
    taken_at: datetime


@dataclass
class ShotReport:
    """What the pass took, what it missed (index, Spanish reason) and the seconds it used of its budget."""

    taken: list[Shot] = field(default_factory=list)
    missed: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0
    budget: float = 0.0


async def shoot_all(
    urls: Sequence[str],
    camera: Camera,
    budget: float,
    timeout: float,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> ShotReport:
    """Screenshot the URLs in order until the budget (seconds) is spent; each page gets at most timeout seconds."""
    report, started = ShotReport(budget=budget), clock()
    try:
        for index, url in enumerate(urls):
            left = budget - (clock() - started)
            if left <= 0:
                report.missed += [(i, OUT_OF_TIME) for i in range(index, len(urls))]
                break
            await _one(camera, index, url, min(timeout, left), report, now)
    finally:
        await camera.close()
        report.seconds = round(clock() - started, 1)
    return report


async def _one(
    camera: Camera, index: int, url: str, timeout: float, report: ShotReport, now: Callable[[], datetime]
) -> None:
    try:
        # The whole page (load and screenshot) within its share, so that the pass never overruns the budget.
        png = await asyncio.wait_for(camera.shoot(url, timeout), timeout)
    except Exception as exc:  # any browser failure: the page is listed as missed, the pass goes on
        log.warning("screenshot of %s failed: %s", url, exc)
        report.missed.append((index, f"el navegador no pudo capturarla ({type(exc).__name__})"))
        return
    report.taken.append(Shot(index, png, now()))


class BrowserCamera:
    """One lazily launched Chromium (Playwright) that screenshots pages through the crawl's SSRF policy: like a
    site's crawl, a page may reach its own origin even when internal, and only public addresses besides."""

    def __init__(self, executable: str | None, allow_private: bool = False, launch_timeout: float = 30.0) -> None:
        self.executable, self.allow_private, self.launch_timeout = executable, allow_private, launch_timeout
        self._playwright: Any = None
        self._browser: Any = None

    async def _ensure(self) -> Any:
        if self._browser is None:
            from playwright.async_api import async_playwright

            self._playwright = await async_playwright().start()
            options = launch_options(self.executable, self.launch_timeout)
            self._browser = await self._playwright.chromium.launch(**options)
        return self._browser

    async def shoot(self, url: str, timeout: float) -> bytes:
        """A PNG of the page's first screenful (1280×900) once it loaded."""
        guard = None if self.allow_private else SsrfPolicy.for_urls([url]).allows_async
        if guard is not None and not await guard(url):
            raise PermissionError(f"destino bloqueado por seguridad: {url}")
        browser = await self._ensure()
        context = await browser.new_context(viewport=VIEWPORT, service_workers="block")
        try:
            page = await context.new_page()
            await page.route("**/*", lambda route: guarded_route(route, guard, SCREENSHOT_BLOCKED))
            await page.goto(url, wait_until="load", timeout=timeout * 1000)
            return bytes(await page.screenshot(type="png", timeout=timeout * 1000))
        finally:
            await context.close()

    async def close(self) -> None:
        """Close the browser and Playwright's driver if they were started."""
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
