"""What each fault site answers (see simulator.faults); every site also answers 404 to /robots.txt unless noted."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from aiohttp import web

from simulator import fault_pages as pages

Handler = Callable[[web.Request, str], Awaitable[web.StreamResponse]]
HTML = "text/html; charset=utf-8"


class FaultFarm(Protocol):
    """What a handler may ask of the farm that serves it (simulator.faults.FaultFarm)."""

    def url(self, name: str) -> str: ...
    def _count(self, name: str, path: str) -> int: ...
    async def _hang(self) -> None: ...


def _html(
    body: str | bytes, status: int = 200, content_type: str | None = HTML, headers: Mapping[str, str] | None = None
) -> web.Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    extra = dict(headers or {})
    if content_type is not None:
        extra["Content-Type"] = content_type
    return web.Response(status=status, body=data, headers=extra)


def _redirect(location: str) -> web.Response:
    return web.Response(status=302, headers={"Location": location})


BIG_BYTES = 50 * pages.MIB
CHUNK = 64 * 1024


def _ordinary(path: str) -> web.Response:
    return _html(pages.home() if path == "/" else pages.inner(path))


def handlers(farm: FaultFarm) -> dict[str, Handler]:
    """Every fault site's handler by name."""
    table: dict[str, Handler] = {}
    table.update(_network(farm))
    table.update(_content(farm))
    table.update(_traps(farm))
    return table


def _network(farm: FaultFarm) -> dict[str, Handler]:
    async def ordinary(request: web.Request, path: str) -> web.StreamResponse:
        return _ordinary(path)

    async def hang_body(request: web.Request, path: str) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": HTML, "Content-Length": "20000"})
        await response.prepare(request)
        await response.write(pages.home().encode()[:300])
        await farm._hang()
        return response

    def flaky(status: int) -> Handler:
        async def handler(request: web.Request, path: str) -> web.StreamResponse:
            if path == "/" and farm._count(f"flaky_{status}", "/") == 1:
                return _html(f"<h1>Error {status}</h1>", status)
            return _ordinary(path)

        return handler

    async def retry_after(request: web.Request, path: str) -> web.StreamResponse:
        if path == "/" and farm._count("retry_after", "/") == 1:
            return _html("<h1>Demasiadas peticiones</h1>", 429, headers={"Retry-After": "1"})
        return _ordinary(path)

    async def retry_after_long(request: web.Request, path: str) -> web.StreamResponse:
        return _html("<h1>Demasiadas peticiones</h1>", 429, headers={"Retry-After": "3600"})

    async def redirect_loop(request: web.Request, path: str) -> web.StreamResponse:
        return _redirect("/b" if path == "/a" else "/a")

    async def redirect_chain(request: web.Request, path: str) -> web.StreamResponse:
        step = int(path.rsplit("/", 1)[-1]) if path.startswith("/r/") else 0
        return _redirect(f"/r/{step + 1}") if step < 30 else _ordinary("/")

    async def ssrf_home(request: web.Request, path: str) -> web.StreamResponse:
        return _redirect(farm.url("canary") + "secreto")

    async def ssrf_link(request: web.Request, path: str) -> web.StreamResponse:
        if path == "/salir":
            return _redirect(farm.url("canary") + "interno")
        links = (
            *pages.HOME_LINKS,
            ("/salir", "Salir"),
            (farm.url("canary") + "enlace", "Intranet"),
            ("http://169.254.169.254/latest/meta-data/", "Metadatos"),
            ("http://100.64.0.1/", "CGNAT"),
            ("file:///etc/passwd", "Archivo"),
            ("http:\\\\127.0.0.1\\admin", "Barra invertida"),
        )
        return _html(pages.home(links=links)) if path == "/" else _ordinary(path)

    names = ("tls_expired", "tls_selfsigned", "tls_wronghost", "tls_valid", "http_only", "canary")
    return {
        **dict.fromkeys(names, ordinary),
        "hang_body": hang_body,
        "flaky_500": flaky(500),
        "flaky_502": flaky(502),
        "flaky_503": flaky(503),
        "retry_after": retry_after,
        "retry_after_long": retry_after_long,
        "redirect_loop": redirect_loop,
        "redirect_chain": redirect_chain,
        "ssrf_home": ssrf_home,
        "ssrf_link": ssrf_link,
    }


def _content(farm: FaultFarm) -> dict[str, Handler]:
    def fixed(
        body: str | bytes, status: int = 200, content_type: str | None = HTML, headers: dict[str, str] | None = None
    ) -> Handler:
        async def handler(request: web.Request, path: str) -> web.StreamResponse:
            return _html(body, status, content_type, headers)

        return handler

    async def soft404_home(request: web.Request, path: str) -> web.StreamResponse:
        return _html(pages.soft404_home())

    async def soft404_page(request: web.Request, path: str) -> web.StreamResponse:
        if path == "/":
            return _html(pages.soft404_home())
        return _html(pages.not_found_200(path))

    async def cp1252(request: web.Request, path: str) -> web.StreamResponse:
        return _html(pages.legacy_encoded("cp1252", False), content_type="text/html")

    async def latin1(request: web.Request, path: str) -> web.StreamResponse:
        return _html(pages.legacy_encoded("iso-8859-1", True), content_type="text/html; charset=ISO-8859-1")

    return {
        "maintenance": fixed(pages.maintenance()),
        "soft404_home": soft404_home,
        "soft404_page": soft404_page,
        "parked": fixed(pages.parked()),
        "casino": fixed(pages.casino()),
        "cp1252": cp1252,
        "latin1": latin1,
        "mojibake": fixed(pages.mojibake()),
        "malformed": fixed(pages.malformed()),
        "js_shell": fixed(pages.js_shell()),
        "challenge_403": fixed(pages.challenge(), 403, headers={"cf-mitigated": "challenge"}),
        "challenge_503": fixed(pages.challenge(), 503),
    }


def _traps(farm: FaultFarm) -> dict[str, Handler]:
    async def big_page(request: web.Request, path: str) -> web.StreamResponse:
        if path == "/":
            return _html(pages.home(links=(*pages.HOME_LINKS, ("/grande", "Informe"), ("/bomba", "Anexo"))))
        if path == "/grande":
            return await _stream_big(request, declare=True)
        if path == "/bomba":
            return _bomb()
        return _ordinary(path)

    async def big_home(request: web.Request, path: str) -> web.StreamResponse:
        return await _stream_big(request, declare=False)

    async def gzip_bomb(request: web.Request, path: str) -> web.StreamResponse:
        return _bomb()

    async def calendar(request: web.Request, path: str) -> web.StreamResponse:
        if path.startswith("/calendario"):
            return _html(pages.calendar(int(request.query.get("mes", "0") or 0)))
        if path == "/":
            return _html(pages.home(links=(*pages.HOME_LINKS, ("/calendario?mes=1", "Agenda"))))
        return _ordinary(path)

    async def session(request: web.Request, path: str) -> web.StreamResponse:
        def fresh(href: str) -> str:
            return f"{href};jsessionid={secrets.token_hex(8)}?sid={secrets.token_hex(8)}"

        links = tuple((fresh(href), text) for href, text in (("/", "Inicio"), *pages.HOME_LINKS))
        title = request.path.split(";")[0].strip("/") or "Inicio"
        return _html(pages.municipal_page(title.capitalize(), links, pages.HOME_EVIDENCE + pages.SITE_EVIDENCE))

    async def robots_disallow(request: web.Request, path: str) -> web.StreamResponse:
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nDisallow: /\n", content_type="text/plain")
        return _ordinary(path)

    async def robots_hang(request: web.Request, path: str) -> web.StreamResponse:
        if path == "/robots.txt":
            await farm._hang()
        return _ordinary(path)

    return {
        "big_page": big_page,
        "big_home": big_home,
        "gzip_bomb": gzip_bomb,
        "calendar": calendar,
        "session": session,
        "robots_disallow": robots_disallow,
        "robots_hang": robots_hang,
    }


async def _stream_big(request: web.Request, declare: bool) -> web.StreamResponse:
    """50 MB of HTML, with or without Content-Length; stops as soon as the client hangs up."""
    headers = {"Content-Type": HTML, **({"Content-Length": str(BIG_BYTES)} if declare else {})}
    response = web.StreamResponse(headers=headers)
    await response.prepare(request)
    filler = (b"<p>" + b"relleno " * (CHUNK // 8 - 1) + b"</p>")[:CHUNK]
    try:
        for _ in range(BIG_BYTES // CHUNK):
            await response.write(filler)
    except (ConnectionError, RuntimeError):
        pass
    return response


def _bomb() -> web.Response:
    return web.Response(body=pages.gzip_bomb(), headers={"Content-Type": HTML, "Content-Encoding": "gzip"})
