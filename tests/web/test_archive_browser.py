"""A hostile page's archived copy, opened through the dashboard in headless Chromium, runs no script and sends no
request to any origin but the dashboard's (a local recording server stands for the outside world)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from crawler.browser import browser_available, find_browser, launch_options
from storage.db import open_database
from tests.conftest import NewDbUrl
from tests.web.archive_seed import CVE, archive_page, complete_run
from web.app import create_app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina"),
]
playwright_api = pytest.importorskip("playwright.sync_api")

# Every way a page can run code or reach out: inline, external and event-handler scripts, document.write, fetch,
# beacons, an auto-submitting form, frames, objects, images (also CSS and SVG ones), stylesheets, prefetch,
# preload, a <base> that rebinds relative URLs, and an immediate meta refresh to the outside.
HOSTILE = """<!doctype html><html><head><title>Original</title>
<base href="{out}/base/">
<meta http-equiv="refresh" content="0;url={out}/refresh">
<link rel="prefetch" href="{out}/prefetch">
<link rel="preload" href="{out}/preload.js" as="script">
<link rel="dns-prefetch" href="{out}/">
<link rel="stylesheet" href="{out}/estilo.css">
<link rel="icon" href="{out}/favicon.ico">
<script src="{out}/externo.js"></script>
<script>document.title = "EJECUTADO"; document.write('<p id="escrito">script</p>');
fetch("{out}/fetch"); new Image().src = "{out}/beacon"; navigator.sendBeacon("{out}/sendbeacon");</script>
<style>@import url({out}/import.css); body {{ background: url({out}/fondo.png); }}</style>
</head>
<body onload="document.body.setAttribute('data-onload', 'si')">
<h1 id="marca">Copia hostil</h1>
<img src="{out}/imagen.png"><img src="relativa.png"><img src="x" onerror="document.title = 'ONERROR'">
<iframe src="{out}/marco"></iframe>
<object data="{out}/objeto"></object><embed src="{out}/embed">
<video src="{out}/video.mp4" autoplay muted></video>
<svg><image href="{out}/svg.png" width="10" height="10"/></svg>
<form id="f" action="{out}/enviar" method="post"><input name="a" value="b"></form>
<script>document.getElementById("f").submit();</script>
</body></html>"""


class Recorder(BaseHTTPRequestHandler):
    """The outside world: records every request and answers each with a script that would rename the page."""

    seen: list[str]

    def _answer(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        body = b"document.title = 'EXTERNO';"
        self.send_response(200)
        self.send_header("Content-Type", "application/javascript")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def outside() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Recording", (Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def dashboard(new_db_url: NewDbUrl, tmp_path: Path, outside: tuple[str, list[str]]) -> Iterator[str]:
    out = outside[0]
    url, folder = new_db_url(), tmp_path / "evidencia"
    db = open_database(url)
    original = f"{out}/hostil.html"
    archive_page(db, folder, complete_run(db, original), original, HOSTILE.format(out=out).encode())
    db.dispose()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    app = create_app(url, require_login=False, archive_dir=folder)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def test_archived_hostile_page_runs_nothing_and_reaches_nobody(dashboard: str, outside: tuple[str, list[str]]) -> None:
    seen = outside[1]
    routed: list[str] = []
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options(find_browser(None), 30))
        context = browser.new_context()

        def record(route: Any) -> None:
            routed.append(route.request.url)
            route.continue_()

        context.route("**/*", record)
        page = context.new_page()
        requested: list[str] = []
        failed: dict[str, str | None] = {}
        page.on("request", lambda request: requested.append(request.url))
        page.on("requestfailed", lambda request: failed.setdefault(request.url, request.failure))
        page.goto(f"{dashboard}/municipio/{CVE}")
        page.click('a:text-is("copia archivada")')
        page.wait_for_url("**/archivo/*")
        frame = page.frame_locator("iframe.archivo-copia")
        assert frame.locator("#marca").inner_text() == "Copia hostil"  # the copy is shown...
        page.wait_for_timeout(1500)  # ...and given time for its refresh, timers and loads to fire
        copy = page.frames[1]
        assert copy.url.endswith("/contenido") and copy.title() == "Original"
        assert frame.locator("#escrito").count() == 0
        assert frame.locator("body").get_attribute("data-onload") is None
        # The content address opened on its own (a copied link) is just as inert.
        direct = context.new_page()
        direct.on("request", lambda request: requested.append(request.url))
        direct.on("requestfailed", lambda request: failed.setdefault(request.url, request.failure))
        direct.goto(copy.url)
        direct.wait_for_timeout(1500)
        assert direct.title() == "Original" and direct.locator("#escrito").count() == 0
        browser.close()
    assert seen == []
    assert routed and all(url.startswith(dashboard + "/") for url in routed), routed
    # Chromium announces the requests the copy's policy then refuses before any byte leaves: each one outside the
    # dashboard must have been refused, and the routing layer, which sees what reaches the network, saw none.
    outside_requests = [url for url in requested if not url.startswith(dashboard + "/")]
    assert outside_requests and {failed.get(url) for url in outside_requests} == {"csp"}


def test_the_same_page_served_live_is_hostile(outside: tuple[str, list[str]]) -> None:
    """Control: opened from its own origin, the page does run its scripts and calls the outside world, so the test
    above proves the archive's policy, not a harmless page."""
    out, seen = outside
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options(find_browser(None), 30))
        page = browser.new_page()
        with page.expect_request(f"{out}/enviar"):  # the script submits the form
            page.set_content(HOSTILE.format(out=out).replace('<meta http-equiv="refresh"', "<meta"))
        browser.close()
    assert "GET /externo.js" in seen and "POST /enviar" in seen and "GET /imagen.png" in seen
