"""One aiohttp process serving every simulated site on its own 127.0.0.1 port, from a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from types import TracebackType
from urllib.parse import parse_qsl

from aiohttp import web

from config.latency import IPOMEX_HOST, LatencyModel
from config.registry import Municipality
from core.net import SIMNET_ERROR, SIMNET_HOST, SIMNET_NXDOMAIN
from simulator.farm_dns import install_dns, restore_dns
from simulator.ipomex_model import IPOMEX3, IPOMEX4, LEGACY
from simulator.ipomex_server import IpomexServer, portal_key
from simulator.latency_gate import LatencyGate
from simulator.model import DOWN, Resource, SimSite
from simulator.platforms import PLATFORM_HOSTS, PLATFORM_SECONDS
from simulator.platforms import answer as platform_answer
from simulator.special import not_found, redirect
from simulator.web_answer import to_web
from simulator.world import World

HOST = "127.0.0.1"
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
IPOMEX_HANG_SECONDS = 60.0
SERVER_HEADERS = {
    "wordpress": "Apache/2.4.41 (Ubuntu)",
    "table": "Microsoft-IIS/7.5",
    "joomla": "Apache",
    "bootstrap4": "nginx/1.18.0 (Ubuntu)",
    "bootstrap5": "nginx",
}


def same_query(key: str, path: str, query: str) -> bool:
    """Whether a stored 'path?query' key is the request with its parameters in another order."""
    stored_path, _, stored_query = key.partition("?")
    return stored_path == path and sorted(parse_qsl(stored_query)) == sorted(parse_qsl(query))


def respond(site: SimSite, path: str, query: str = "") -> Resource:
    """The resource a site answers for a path: robots, a page, a trailing-slash redirect, its catch-all or 404."""
    if path == "/robots.txt" and site.robots is not None:
        return site.robots
    found = site.resources.get(f"{path}?{query}" if query else path)
    if found is None and query:
        found = next((r for k, r in site.resources.items() if "?" in k and same_query(k, path, query)), None)
    if found is None and not path.endswith("/") and f"{path}/" in site.resources:
        found = redirect(f"{path}/", 301)
    return found or site.catch_all or not_found(site.nombre)


def to_response(site: SimSite, resource: Resource) -> web.Response:
    """Turn a stored resource into an aiohttp response with exactly the stored Content-Type."""
    headers = {"Server": SERVER_HEADERS.get(site.template, "nginx")}
    if resource.content_type is not None:
        headers["Content-Type"] = resource.content_type
    if resource.location is not None:
        headers["Location"] = resource.location
    return web.Response(status=resource.status, body=resource.body, headers=headers)


def reserve_refusing_port(host: str, port: int) -> socket.socket:
    """A bound socket that never listens: its port is taken, and connecting to it is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, port))
    return sock


class FarmServer:
    """Context manager serving a World: `with FarmServer(world) as farm: farm.url_for("15106")`.

    Besides one port per site, one more port serves the simulated IPOMEX (every generation): `farm.ipomex_base`.
    One more port serves the simulated social platforms to the profile probes (`farm.platform_base`, the farm's
    VIGIA_INTERNET_SIMULADO). With port_base, sites take port_base … port_base+N-1, IPOMEX takes port_base+N and the
    platforms port_base+N+1. latency_model (default
    instant) makes every host take its drawn time per request, with its connection limit; latency adds a fixed delay.
    ipomex_hang_seconds is at true timescale: a real latency model divides it by its compression, like every wait.
    """

    def __init__(
        self,
        world: World,
        latency: float = 0.0,
        port_base: int | None = None,
        host: str = HOST,
        ipomex_hang_seconds: float = IPOMEX_HANG_SECONDS,
        latency_model: LatencyModel | None = None,
    ) -> None:
        self.world, self.latency, self.port_base, self.host = world, latency, port_base, host
        self.gate = LatencyGate(latency_model or LatencyModel())
        self.ipomex_hang_seconds = self.gate.model.scaled(ipomex_hang_seconds)
        self.ports: dict[str, int] = {}
        self.ipomex_port: int | None = None
        self._ipomex: IpomexServer | None = None
        self._by_port: dict[int, SimSite] = {}
        self._reserved: list[socket.socket] = []
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        # The environment's DNS table before this farm installed its own (simulator.farm_dns); None: not installed.
        self._dns_before: dict[str, str | None] | None = None
        # The simulated social platforms (simulator.platforms): their port, and every request they received.
        self.platform_port: int | None = None
        self.platform_requests: list[tuple[str, str, str]] = []
        self._channels = world.channels()

    def __enter__(self) -> FarmServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def url_for(self, cve_inegi: str) -> str:
        """Base URL of a municipality's simulated site, e.g. http://127.0.0.1:41234/."""
        return f"http://{self.host}:{self.ports[cve_inegi]}/"

    @property
    def ipomex_base(self) -> str:
        """Base URL of the simulated IPOMEX, e.g. http://127.0.0.1:41300 (no trailing slash)."""
        if self.ipomex_port is None:
            raise RuntimeError("la granja simulada no está en marcha")
        return f"http://{self.host}:{self.ipomex_port}"

    @property
    def platform_base(self) -> str:
        """Base URL of the simulated social platforms (the farm's VIGIA_INTERNET_SIMULADO), no trailing slash."""
        if self.platform_port is None:
            raise RuntimeError("la granja simulada no está en marcha")
        return f"http://{self.host}:{self.platform_port}"

    @property
    def ipomex4_url(self) -> str:
        """Base of the IPOMEX 4 single-page app: {ipomex_base}/ipomex/ (routes #/obligaciones/<id>)."""
        return f"{self.ipomex_base}/ipomex/"

    @property
    def ipomex_hanging(self) -> int:
        """How many IPOMEX requests of timing-out or held municipalities are being held right now."""
        return self._ipomex.hanging if self._ipomex is not None else 0

    def hold_ipomex(self, cves: Iterable[str]) -> None:
        """Make these municipalities' IPOMEX portals answer nothing until release_ipomex (a portal down tonight)."""
        sites = [self.world.ipomex(cve) for cve in cves]
        self._in_loop(lambda portal: portal.hold(sites))

    def release_ipomex(self) -> None:
        """The held IPOMEX portals answer again, the requests already waiting included."""
        self._in_loop(lambda portal: portal.let_go())

    def ipomex_requests(self, cve: str) -> int:
        """How many requests the simulated IPOMEX received about one municipality (its index, fractions, API)."""
        if self._ipomex is None:
            return 0
        return self._ipomex.requests[portal_key(self.world.ipomex(cve))]

    def _in_loop(self, action: Callable[[IpomexServer], None]) -> None:
        """Run an action on the IPOMEX server inside the farm's loop, and wait until it ran."""
        loop, portal = self._loop, self._ipomex
        if loop is None or portal is None:
            raise RuntimeError("la granja simulada no está en marcha")
        done = threading.Event()

        def run() -> None:
            action(portal)
            done.set()

        loop.call_soon_threadsafe(run)
        done.wait(STOP_TIMEOUT)

    def ipomex_url_for(self, cve_inegi: str) -> str | None:
        """Absolute index URL of a municipality published on IPOMEX 3 or on the legacy generation, else None."""
        site = self.world.ipomex(cve_inegi)
        if site.generation == LEGACY:
            return f"{self.ipomex_base}/ipo/lgt/indice/{site.legacy_id}.web"
        return f"{self.ipomex_base}/ipo3/lgt/indice/{site.ipo3_id}.web" if site.generation == IPOMEX3 else None

    def registry(self) -> list[Municipality]:
        """The world's registry rows pointing at the simulated sites and at the simulated IPOMEX: ipomex_url
        (IPOMEX 3 or legacy index) or ipomex4_id, or neither for municipalities without IPOMEX."""
        rows = []
        for m in self.world.municipalities:
            portal = self.world.ipomex(m.cve_inegi)
            ipomex4_id = portal.ipo4_id if portal.generation == IPOMEX4 else None
            rows.append(
                replace(
                    m.with_site(self.url_for(m.cve_inegi)),
                    ipomex_url=self.ipomex_url_for(m.cve_inegi),
                    ipomex4_id=ipomex4_id,
                )
            )
        return rows

    def start(self) -> None:
        """Bind every port and serve from a background thread; raises if any port cannot be bound."""
        self._thread = threading.Thread(target=self._run, name="vigia-simulator", daemon=True)
        self._thread.start()
        if not self._ready.wait(STARTUP_TIMEOUT):
            raise RuntimeError("la granja simulada no arrancó a tiempo")
        if self._error is not None:
            self._thread.join(STOP_TIMEOUT)
            self._close_reserved()
            raise self._error
        if self._dns_before is None:
            self._dns_before = install_dns(self.world, self.platform_base)

    def stop(self) -> None:
        """Stop serving, close every connection and socket, and join the thread."""
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            if self._ipomex is not None:
                loop.call_soon_threadsafe(self._ipomex.release)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(STOP_TIMEOUT)
        self._close_reserved()
        self._thread = None
        if self._dns_before is not None:
            restore_dns(self._dns_before)
            self._dns_before = None

    def _close_reserved(self) -> None:
        for sock in self._reserved:
            sock.close()
        self._reserved.clear()

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
            loop.run_until_complete(self._cleanup())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        for index, site in enumerate(self.world.sites):
            port = self.port_base + index if self.port_base is not None else 0
            if site.behaviour == DOWN:
                self._reserved.append(reserve_refusing_port(self.host, port))
                self.ports[site.cve_inegi] = self._reserved[-1].getsockname()[1]
                continue
            bound = await self._listen(port)
            self.ports[site.cve_inegi] = bound
            self._by_port[bound] = site
        await self._start_ipomex()
        # After IPOMEX: port_base+N stays IPOMEX's, as before the platforms existed.
        self.platform_port = await self._listen(
            self.port_base + len(self.world.sites) + 1 if self.port_base is not None else 0
        )

    async def _start_ipomex(self) -> None:
        assert self._runner is not None
        portals = [s.ipomex for s in self.world.sites if s.ipomex is not None]
        self._ipomex = IpomexServer(portals, self.ipomex_hang_seconds)
        port = self.port_base + len(self.world.sites) if self.port_base is not None else 0
        self.ipomex_port = await self._listen(port)

    async def _listen(self, port: int) -> int:
        """Serve the app on one more port (0: any free one) and return the port bound."""
        # Binding the socket here tells its port at once; runner.addresses lists every site's sockets, which made
        # starting N ports quadratic (≈4 s for 2,469 sites).
        assert self._runner is not None
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, port))
            await web.SockSite(self._runner, sock).start()
        except BaseException:
            sock.close()
            raise
        return int(sock.getsockname()[1])

    async def _cleanup(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        port = int(sockname[1]) if sockname else None
        if port is not None and port == self.ipomex_port and self._ipomex is not None:
            if self.latency > 0:
                await asyncio.sleep(self.latency)
            answer = await self._ipomex.handle(request)
            referer = request.headers.get("Referer", "")
            await self.gate.wait(IPOMEX_HOST, f"{request.method} {request.path_qs}", body_size(answer), referer)
            return answer
        if port is not None and port == self.platform_port:
            if self.gate.model.real:
                await asyncio.sleep(self.gate.model.scaled(PLATFORM_SECONDS))
            return self._platform(request)
        site = self._by_port.get(port) if port is not None else None
        if site is None:
            return web.Response(status=421, text="Misdirected Request")
        delay = self.latency + self.gate.model.scaled(site.delay)
        if delay > 0:
            await asyncio.sleep(delay)
        resource = respond(site, request.path, request.rel_url.raw_query_string)
        await self.gate.wait(site.cve_inegi, f"{request.method} {request.path_qs}", len(resource.body))
        return to_response(site, resource)

    def _platform(self, request: web.Request) -> web.Response:
        """What the simulated platform named by X-Simnet-Host answers; any other name does not exist here."""
        host = request.headers.get(SIMNET_HOST, "").lower().rstrip(".")
        self.platform_requests.append((request.method, host, request.path_qs))
        resource = platform_answer(host, request.path, self._channels) if request.method == "GET" else None
        if resource is None and host in PLATFORM_HOSTS:
            return web.Response(status=405, headers={"Allow": "GET"})
        if resource is None:
            return web.Response(status=599, text=SIMNET_NXDOMAIN, headers={SIMNET_ERROR: SIMNET_NXDOMAIN})
        return to_web(resource, "ESF")


def body_size(response: web.StreamResponse) -> int:
    """Bytes of a prepared in-memory response (0 for a streamed one)."""
    return len(response.body) if isinstance(response, web.Response) and isinstance(response.body, bytes) else 0
