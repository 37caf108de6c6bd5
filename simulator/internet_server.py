"""One aiohttp server on 127.0.0.1 answering for every host of the simulated internet, from a background thread.

A request names the host it stands for with X-Simnet-Host, X-Simnet-Scheme and X-Simnet-Port (crawler/simnet.py
sets them); the answer is what that host would send, or an X-Simnet-Error marker meaning "no such host" or
"connection refused".
"""

from __future__ import annotations

import asyncio
import socket
import threading
from types import TracebackType

from aiohttp import web

from core.net import SIMNET_ERROR, SIMNET_HOST, SIMNET_NXDOMAIN, SIMNET_PORT, SIMNET_REFUSED, SIMNET_SCHEME
from simulator.internet import Internet
from simulator.web_answer import to_web

HOST = "127.0.0.1"
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
# Not a status any real host sends: a client without the seam never mistakes the marker for a page.
MARKER_STATUS = 599


def marker(error: str) -> web.Response:
    """The answer standing for a failure below HTTP (no such host, connection refused)."""
    return web.Response(status=MARKER_STATUS, text=error, headers={SIMNET_ERROR: error})


def answer_request(internet: Internet, request: web.Request) -> web.Response:
    """What the simulated host named by the request's headers answers."""
    host = request.headers.get(SIMNET_HOST, "").lower().rstrip(".")
    scheme = request.headers.get(SIMNET_SCHEME, "http").lower()
    try:
        port = int(request.headers.get(SIMNET_PORT) or (443 if scheme == "https" else 80))
    except ValueError:
        return web.Response(status=400, text="X-Simnet-Port no es un número")
    if not internet.resolves(host):
        return marker(SIMNET_NXDOMAIN)
    resource = internet.answer(host, scheme, port, request.path, request.rel_url.raw_query_string)
    return marker(SIMNET_REFUSED) if resource is None else to_web(resource)


class InternetServer:
    """Context manager serving an Internet: `with InternetServer(internet) as server: server.base_url`."""

    def __init__(self, internet: Internet, port: int = 0, host: str = HOST) -> None:
        self.internet, self.port, self.host = internet, port, host
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def __enter__(self) -> InternetServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The value of VIGIA_INTERNET_SIMULADO for this server, e.g. http://127.0.0.1:41234."""
        return f"http://{self.host}:{self.port}"

    def move_site(self, cve: str, new_host: str, old: str = "redirect") -> None:
        """Internet.move_site on the running server (the next request already sees it)."""
        self.internet.move_site(cve, new_host, old)

    def hijack(self, cve: str, kind: str) -> None:
        """Internet.hijack on the running server."""
        self.internet.hijack(cve, kind)

    def start(self) -> None:
        """Bind the port and serve from a background thread; raises if the port cannot be bound."""
        self._thread = threading.Thread(target=self._run, name="vigia-internet", daemon=True)
        self._thread.start()
        if not self._ready.wait(STARTUP_TIMEOUT):
            raise RuntimeError("el internet simulado no arrancó a tiempo")
        if self._error is not None:
            self._thread.join(STOP_TIMEOUT)
            raise self._error

    def stop(self) -> None:
        """Stop serving, close the socket and join the thread."""
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            loop.call_soon_threadsafe(loop.stop)
            thread.join(STOP_TIMEOUT)
        self._thread = None

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._start())
        except BaseException as exc:  # reported to the caller of start(), which re-raises it
            self._error = exc
        self._ready.set()
        try:
            if self._error is None:
                loop.run_forever()
        finally:
            if self._runner is not None:
                loop.run_until_complete(self._runner.cleanup())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
            await web.SockSite(self._runner, sock).start()
        except BaseException:
            sock.close()
            raise
        self.port = int(sock.getsockname()[1])

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        return answer_request(self.internet, request)
