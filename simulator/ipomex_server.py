"""Routing of the simulated IPOMEX (every generation on one port) and the hang of timing-out municipalities."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from aiohttp import web

from simulator import ipomex3, ipomex4, ipomex_legado
from simulator.ipomex_model import CAPTCHA, IPOMEX3, IPOMEX4, LEGACY, TIMEOUT, IpomexSite
from simulator.model import Resource
from simulator.special import html, redirect, tiny_pdf

INDEX = re.compile(r"^/ipo3/lgt/indice/([^/]+)\.web$")
SHELL = re.compile(r"^/ipo3/lgt/indice/([^/]+)/([^/]+)$")
DATA = re.compile(r"^/ipo3/lgt/datos/([^/]+)/([^/]+)\.json$")
LEGACY_INDEX = re.compile(r"^/ipo/lgt/indice/([^/]+)\.web$")
LEGACY_PAGE = re.compile(r"^/ipo/lgt/indice/([^/]+)/([^/]+)$")
EXCEL = re.compile(r"^/ipo/lgt/infoExcel/([^/]+)/([^/]+)/\d+/\d+\.web$")
SUJETO = re.compile(r"^/ipomex/api/v1/sujetos/(\d+)(/obligaciones(?:/([^/]+)/registros)?)?$")
CSS = Resource(
    200,
    "text/css; charset=utf-8",
    b"body{font-family:Arial,sans-serif;margin:0 2em}"
    b"table.registros{border-collapse:collapse}td,th{border:1px solid #999}",
)
HOME = html(
    200,
    "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>IPOMEX</title></head><body>"
    "<h1>Información Pública de Oficio Mexiquense</h1><p><a href='/ipomex/'>IPOMEX 4.0</a></p>"
    "</body></html>",
)
GATEWAY_TIMEOUT = html(
    504, "<html><head><title>504 Gateway Time-out</title></head><body><h1>504 Gateway Time-out</h1></body></html>"
)


@dataclass(frozen=True)
class Hang:
    """The answer of a timing-out municipality: nothing until the hang ends."""


HANG = Hang()
Answer = Resource | Hang


def portal_key(site: IpomexSite) -> tuple[str | None, int | None]:
    """What tells one municipality's portal from another's on the shared host."""
    return (site.slug.lower() if site.slug else None, site.ipo4_id)


class IpomexPortal:
    """Answers every IPOMEX path for the municipalities of a world (pure: no I/O, no waiting)."""

    def __init__(self, sites: Iterable[IpomexSite]) -> None:
        chosen = list(sites)
        self.ipo3 = {s.ipo3_id.lower(): s for s in chosen if s.generation == IPOMEX3 and s.ipo3_id}
        self.ipo4 = {s.ipo4_id: s for s in chosen if s.generation == IPOMEX4 and s.ipo4_id is not None}
        self.legacy = {s.legacy_id.lower(): s for s in chosen if s.generation == LEGACY and s.legacy_id}

    def answer(self, path: str, base: str) -> Answer:
        """The response for a path; base is "http://host:port" as the client addressed the portal."""
        if path == "/":
            return HOME
        if path.startswith("/ipo3/"):
            return self.answer_ipo3(path, base)
        if path.startswith("/ipo/"):
            return self.answer_legacy(path, base)
        if path == "/ipomex" or path.startswith("/ipomex/"):
            return self.answer_ipo4(path, base)
        if path.startswith("/recursos/ipo/files_ipo/") and path.endswith(".pdf"):
            return Resource(200, "application/pdf", tiny_pdf("Formato IPOMEX"))
        return ipomex3.not_found_page()

    def site_of(self, path: str) -> IpomexSite | None:
        """The municipality a request is about (None for the portal's shared pages and scripts)."""
        for pattern in (INDEX, SHELL, DATA):
            match = pattern.match(path)
            if match:
                return self.ipo3.get(match.group(1).lower())
        for pattern in (LEGACY_INDEX, LEGACY_PAGE, EXCEL):
            match = pattern.match(path)
            if match:
                return self.legacy.get(match.group(1).lower())
        match = SUJETO.match(path)
        return self.ipo4.get(int(match.group(1))) if match else None

    def answer_ipo3(self, path: str, base: str) -> Answer:
        """Index, fraction shells, data JSON and static files of IPOMEX 3."""
        if path == ipomex3.SCRIPT_PATH:
            return ipomex3.script("fraccion.js")
        if path == "/ipo3/static/ipomex.css":
            return CSS
        for pattern, kind in ((INDEX, "index"), (SHELL, "shell"), (DATA, "data")):
            match = pattern.match(path)
            site = self.ipo3.get(match.group(1).lower()) if match else None
            if match and site:
                return self.ipo3_page(site, kind, match.group(2) if kind != "index" else "", base)
        return ipomex3.not_found_page()

    def ipo3_page(self, site: IpomexSite, kind: str, name: str, base: str) -> Answer:
        """One IPOMEX 3 page of a known sujeto obligado, after its captcha or hang if it has one."""
        if site.behaviour == TIMEOUT:
            return HANG
        if site.behaviour == CAPTCHA:
            return ipomex3.forbidden_json() if kind == "data" else ipomex3.captcha_page(site)
        if kind == "index":
            return ipomex3.index_page(site, base)
        slug = name if kind == "shell" else f"{name}.web"
        fraction = next((f for f in site.fractions if f.listed and f.slug == slug), None)
        if fraction is None:
            return ipomex3.not_found_page()
        return ipomex3.shell_page(site, fraction) if kind == "shell" else ipomex3.data_json(site, fraction)

    def answer_legacy(self, path: str, base: str) -> Answer:
        """Index, fraction pages, Excel exports and attached files of the legacy generation."""
        if path.startswith(ipomex_legado.ATTACH_PREFIX) and path.endswith(".web"):
            return Resource(200, "application/pdf", tiny_pdf("Formato IPOMEX"))
        site = self.site_of(path)
        if site is None:
            return ipomex3.not_found_page()
        if site.behaviour == TIMEOUT:
            return HANG
        if LEGACY_INDEX.match(path):
            return ipomex_legado.index_page(site)
        if match := EXCEL.match(path):
            fraction = ipomex_legado.fraction_by_formato(site, match.group(2))
            return ipomex3.not_found_page() if fraction is None else ipomex_legado.export(site, fraction, base)
        name = path.rsplit("/", 1)[1]
        fraction = next((f for f in site.fractions if f.listed and f.slug == name), None)
        return ipomex3.not_found_page() if fraction is None else ipomex_legado.fraction_page(site, fraction, base)

    def answer_ipo4(self, path: str, base: str) -> Answer:
        """SPA shell, its script and the JSON API of IPOMEX 4."""
        if path == "/ipomex":
            return redirect("/ipomex/", 301)
        if path in ("/ipomex/", "/ipomex/index.html"):
            return ipomex4.spa_shell()
        if path == "/ipomex/app.js":
            return ipomex3.script("ipomex4.js")
        if path == "/ipomex/app.css":
            return CSS
        if path.rstrip("/") == ipomex4.API_PREFIX:
            return ipomex4.sujetos(self.ipo4.values())
        match = SUJETO.match(path)
        site = self.ipo4.get(int(match.group(1))) if match else None
        if match is None or site is None:
            return ipomex4.not_found() if path.startswith("/ipomex/api/") else ipomex3.not_found_page()
        if site.behaviour == TIMEOUT:
            return HANG
        if match.group(2) is None:
            return ipomex4.api(200, ipomex4.sujeto(site))
        if site.behaviour == CAPTCHA:
            return ipomex4.captcha(site)
        obl_id = match.group(3)
        return ipomex4.obligaciones(site) if obl_id is None else ipomex4.registros(site, obl_id, base)


class IpomexServer:
    """aiohttp side of the portal: serves answers, holding hung requests until hang_seconds or shutdown.

    A held portal (hold) answers nothing until it is let go (let_go), then answers normally: a portal that hangs for
    one night and is back the next. requests counts the requests each municipality's portal received."""

    def __init__(self, sites: Iterable[IpomexSite], hang_seconds: float) -> None:
        self.portal = IpomexPortal(sites)
        self.hang_seconds = hang_seconds
        self.closing = asyncio.Event()
        self.hanging = 0  # requests being held right now
        self.held: frozenset[tuple[str | None, int | None]] = frozenset()
        self.freed = asyncio.Event()
        self.requests: Counter[tuple[str | None, int | None]] = Counter()

    def release(self) -> None:
        """End every hang now (call in the server's loop, e.g. through call_soon_threadsafe)."""
        self.closing.set()
        self.freed.set()

    def hold(self, sites: Iterable[IpomexSite]) -> None:
        """Hold these municipalities' portals until let_go (call in the server's loop)."""
        self.held = frozenset(portal_key(site) for site in sites)
        self.freed.clear()

    def let_go(self) -> None:
        """Answer the held portals again, the requests waiting included (call in the server's loop)."""
        self.held = frozenset()
        self.freed.set()

    async def _held(self, site: IpomexSite | None) -> None:
        if site is None:
            return
        self.requests[portal_key(site)] += 1
        if portal_key(site) in self.held:
            self.hanging += 1
            try:
                await self.freed.wait()
            finally:
                self.hanging -= 1

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve one request; a hang ends with 504 after hang_seconds, or at shutdown."""
        await self._held(self.portal.site_of(request.path))
        answer = self.portal.answer(request.path, f"http://{request.host}")
        if isinstance(answer, Hang):
            self.hanging += 1
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.closing.wait(), self.hang_seconds)
            finally:
                self.hanging -= 1
            answer = GATEWAY_TIMEOUT
        server = "Apache-Coyote/1.1" if request.path.startswith("/ipo3/") else "nginx"
        headers = {"Server": server, "Content-Type": answer.content_type or "application/octet-stream"}
        if answer.location is not None:
            headers["Location"] = answer.location
        return web.Response(status=answer.status, body=answer.body, headers=headers)
