"""Politeness toward IPOMEX, one server for the whole state: at most N requests in flight, static files fetched once.

Every request of an IPOMEX browser page (the document, its scripts and style sheets, the API calls its scripts make
and ours) goes through `PoliteHost.handle`, a Playwright route handler that holds one of N slots for the whole
exchange: `route.fetch()` returns only once the body has arrived, and the browser gets it with `route.fulfill()`.
So the server never sees more than N requests of ours at once, whatever the pages do. Routing turns the browser's
HTTP cache off, so the handler keeps the portal's scripts and style sheets itself, once per pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from crawler.browser import should_abort
from spiders.ipomex.base import Budget

STATIC = frozenset({"script", "stylesheet"})
MAX_STATIC_BYTES = 2_000_000
MAX_REDIRECTS = 10
MAX_STATIC_FILES = 64
# Headers of a stored file that describe the bytes on the wire, not the decoded body we replay.
WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
# The requests whose failure tells that the page's own scripts will not go on (a failed style sheet does not).
WATCHED = frozenset({"document", "script", "fetch", "xhr"})


@dataclass(frozen=True)
class Answer:
    """What the server answered one request of a page (status 0: the request failed)."""

    url: str
    resource_type: str
    status: int
    body: bytes = b""

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def failed(self) -> bool:
        """A request the page's scripts needed that failed or was refused (≥ 400)."""
        return self.resource_type in WATCHED and (self.status == 0 or self.status >= 400)


@dataclass
class Tap:
    """The answers a page received, for an adapter that reuses what the portal's own scripts already fetched; only
    the bodies of URLs that bodies matches are kept (None: every body)."""

    bodies: re.Pattern[str] | None = None
    answers: list[Answer] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, answer: Answer) -> None:
        """Keep an answer and wake whoever waits for one."""
        self.answers.append(answer)
        self._arrived.set()

    async def first(self, wanted: Callable[[Answer], bool]) -> Answer:
        """The first answer (already received or still to come) that wanted accepts."""
        seen = 0
        while True:
            for answer in self.answers[seen:]:
                if wanted(answer):
                    return answer
            seen = len(self.answers)
            self._arrived.clear()
            await self._arrived.wait()


@dataclass(frozen=True)
class Stored:
    """A static file kept for the pass."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class PoliteHost:
    """The IPOMEX pass's single gate to the portal: N slots, a static-file store and the counts that prove it."""

    limit: int
    timeout_ms: float
    requests: int = 0
    in_flight: int = 0
    peak: int = 0
    reused: int = 0
    static: dict[str, Stored] = field(default_factory=dict)
    _slots: asyncio.Semaphore | None = field(default=None, repr=False)
    # Static files being fetched right now: another page wanting one waits for it instead of asking again.
    _loading: dict[str, asyncio.Event] = field(default_factory=dict, repr=False)

    @property
    def slots(self) -> asyncio.Semaphore:
        """The N slots, created in the running event loop."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        return self._slots

    async def attach(self, page: Any, budget: Budget, tap: Tap | None = None) -> None:
        """Route every request of the page through the gate, each capped by the portal's budget."""

        async def handler(route: Any) -> None:
            await self.handle(route, budget, tap)

        await page.route("**/*", handler)

    async def handle(self, route: Any, budget: Budget, tap: Tap | None = None) -> None:
        """Answer one request of a page: abort media, replay a stored static file, or fetch it within a slot."""
        request = route.request
        if should_abort(request):
            await _quietly(route.abort())
            return
        if request.resource_type in STATIC and await self._replayed(route):
            return
        loading = self._loading.setdefault(request.url, asyncio.Event()) if request.resource_type in STATIC else None
        wanted = tap is not None and (tap.bodies is None or tap.bodies.search(request.url) is not None)
        try:
            answer = await self._fetch(route, budget, wanted)
        finally:
            if loading is not None:
                loading.set()
                self._loading.pop(request.url, None)
        if tap is not None:
            tap.record(answer)

    async def _replayed(self, route: Any) -> bool:
        """Answer a static file from the store (waiting for another page's fetch of it); False when not stored."""
        url = route.request.url
        if url in self._loading:
            await self._loading[url].wait()
        stored = self.static.get(url)
        if stored is None:
            return False
        self.reused += 1
        await _quietly(route.fulfill(status=stored.status, headers=stored.headers, body=stored.body))
        return True

    async def _fetch(self, route: Any, budget: Budget, body_wanted: bool) -> Answer:
        """Fetch within a slot and hand the response to the browser; a failed fetch aborts the browser's request."""
        request = route.request
        async with self.slots:
            self.requests += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            try:
                # Redirects are followed here, inside the slot: the browser does not route the request that follows
                # a redirect it was handed. The context already sends Vigía's user agent (playwright_settings).
                response = await route.fetch(max_redirects=MAX_REDIRECTS, timeout=budget.cap_ms(self.timeout_ms))
            except PlaywrightError as exc:
                await _quietly(route.abort("timedout" if isinstance(exc, PlaywrightTimeout) else "failed"))
                return Answer(request.url, request.resource_type, 0)
            finally:
                self.in_flight -= 1
        body = b""
        try:
            if body_wanted or request.resource_type in STATIC:
                body = await response.body()
                self._keep(request, response.status, response.headers, body)
            await _quietly(route.fulfill(response=response))
        except PlaywrightError:
            pass  # the page closed meanwhile (its budget ran out): nobody waits for this answer
        finally:
            await _quietly(response.dispose())
        return Answer(request.url, request.resource_type, response.status, body)

    async def get(self, page: Any, url: str, budget: Budget, max_bytes: int = 20_000_000) -> Answer:
        """GET url with the page's session (cookies, user agent) within a slot: for pages and files an adapter reads
        without rendering them (server-rendered pages, Excel exports). Status 0: the request failed."""
        async with self.slots:
            self.requests += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            try:
                timeout = budget.cap_ms(self.timeout_ms)
                response = await page.context.request.get(url, timeout=timeout, max_redirects=MAX_REDIRECTS)
                try:
                    body = await response.body()
                finally:
                    await _quietly(response.dispose())
            except PlaywrightError:
                return Answer(url, "fetch", 0)
            finally:
                self.in_flight -= 1
        if len(body) > max_bytes:
            return Answer(url, "fetch", 0)
        return Answer(url, "fetch", response.status, body)

    def _keep(self, request: Any, status: int, headers: dict[str, str], body: bytes) -> None:
        """Store a successful script or style sheet for the rest of the pass (bounded)."""
        if request.resource_type not in STATIC or status != 200 or len(body) > MAX_STATIC_BYTES:
            return
        if len(self.static) < MAX_STATIC_FILES:
            kept = {name: value for name, value in headers.items() if name.lower() not in WIRE_HEADERS}
            self.static[request.url] = Stored(status, kept, body)


async def _quietly(action: Any) -> None:
    """Await a route or response action whose page may already be closed (then there is nothing left to do)."""
    with contextlib.suppress(PlaywrightError):
        await action
