"""The fault farm: small 127.0.0.1 sites, one port each, that misbehave in one precise way (issue 7's matrix).

`with FaultFarm(tls={...}) as farm: farm.url("hang_body")`; `farm.hits(name)` lists (monotonic time, path) of every
request a site received. HTTPS sites are served only when given an ssl.SSLContext (tests build them with trustme).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
import time
from collections.abc import Mapping
from types import TracebackType

from aiohttp import web

from simulator.fault_handlers import Handler, handlers
from simulator.server import reserve_refusing_port

HOST = "127.0.0.1"
TLS_SITES = ("tls_expired", "tls_selfsigned", "tls_wronghost", "tls_valid")


class FaultFarm:
    """Context manager serving every fault site from a background thread."""

    def __init__(self, tls: Mapping[str, ssl.SSLContext] | None = None, hang_seconds: float = 30.0) -> None:
        self.tls, self.hang_seconds = dict(tls or {}), hang_seconds
        self.ports: dict[str, int] = {}
        self._hits: dict[str, list[tuple[float, str, str]]] = {}
        self._by_port: dict[int, str] = {}
        self._handlers = self._table()
        self._reserved = [reserve_refusing_port(HOST, 0)]
        self._loop: asyncio.AbstractEventLoop | None = None
        self._release: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    def __enter__(self) -> FaultFarm:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def names(self) -> list[str]:
        """Every site served (TLS sites only when their context was given), plus the refusing one."""
        return ["refused", *self.ports]

    def url(self, name: str) -> str:
        """Start URL of a fault site."""
        if name == "refused":
            return f"http://{HOST}:{self._reserved[0].getsockname()[1]}/"
        scheme = "https" if name in self.tls else "http"
        return f"{scheme}://{HOST}:{self.ports[name]}/"

    def hits(self, name: str, method: str | None = None) -> list[tuple[float, str]]:
        """(monotonic time, path with query) of every request the site received so far (only method's, if given)."""
        return [(at, path) for at, path, m in self._hits.get(name, []) if method in (None, m)]

    def start(self) -> None:
        """Bind every port and serve from a background thread."""
        self._thread = threading.Thread(target=self._run, name="vigia-faults", daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("la granja de fallas no arrancó a tiempo")

    def stop(self) -> None:
        """Release hanging handlers, stop the loop and close the reserved socket."""
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            if self._release is not None:
                loop.call_soon_threadsafe(self._release.set)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(15)
        for sock in self._reserved:
            sock.close()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        loop.run_until_complete(self._start())
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            if self._runner is not None:
                loop.run_until_complete(self._runner.cleanup())
            loop.close()

    async def _start(self) -> None:
        self._release = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        for name in self._handlers:
            if name in TLS_SITES and name not in self.tls:
                continue
            site = web.TCPSite(self._runner, HOST, 0, ssl_context=self.tls.get(name))
            await site.start()
            port = int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
            self.ports[name], self._by_port[port] = port, name

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        name = self._by_port.get(int(sockname[1])) if sockname else None
        if name is None:
            return web.Response(status=421)
        path = request.path_qs
        self._hits.setdefault(name, []).append((time.monotonic(), path, request.method))
        if request.path == "/robots.txt" and name not in ("robots_disallow", "robots_hang"):
            return web.Response(status=404, text="no hay robots.txt")
        return await self._handlers[name](request, path)

    async def _hang(self) -> None:
        assert self._release is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._release.wait(), self.hang_seconds)

    def _count(self, name: str, path: str) -> int:
        return sum(1 for _, seen, _ in self._hits.get(name, []) if seen == path)

    def _table(self) -> dict[str, Handler]:
        return handlers(self)
