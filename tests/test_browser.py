"""The shared browser pool renders JavaScript shells with the system Chromium (skipped where none exists)."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.browser import BrowserPool, browser_available, find_browser, launch_options, should_abort

SHELL = """<!doctype html><html><head><title>Cargando</title></head><body><div id="root"></div>
<noscript>Habilite JavaScript</noscript><script>
document.getElementById('root').innerHTML = '<h1>H. Ayuntamiento de Prueba</h1><p>Teléfono: (722) 275 13 00</p>';
</script></body></html>"""

needs_browser = pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def shell_site(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "index.html").write_text(SHELL, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_launch_options_use_the_configured_executable_and_quiet_flags() -> None:
    options = launch_options("/opt/chrome/chrome", 10)
    assert options["executable_path"] == "/opt/chrome/chrome" and options["timeout"] == 10000
    assert "--disable-background-networking" in options["args"] and "--no-sandbox" in options["args"]
    assert find_browser("/x/y") == "/x/y"


@pytest.mark.parametrize(
    ("kind", "aborted"),
    [("image", True), ("font", True), ("media", True), ("script", False), ("document", False), ("xhr", False)],
)
def test_heavy_resources_are_aborted(kind: str, aborted: bool) -> None:
    class FakeRequest:
        resource_type = kind

    assert should_abort(FakeRequest()) is aborted


@needs_browser
def test_pool_renders_a_javascript_shell(shell_site: str) -> None:
    async def render() -> tuple[str | None, int]:
        pool = BrowserPool(find_browser(None), max_pages=2, timeout=20)
        try:
            return await pool.render(shell_site), pool.stats.pages
        finally:
            await pool.close()

    html, pages = asyncio.run(render())
    assert html is not None and "(722) 275 13 00" in html and pages == 1


@needs_browser
def test_pool_reports_failure_as_none_never_as_content() -> None:
    async def render() -> str | None:
        pool = BrowserPool(find_browser(None), max_pages=1, timeout=5)
        try:
            return await pool.render("http://127.0.0.1:9/")
        finally:
            await pool.close()

    assert asyncio.run(render()) is None
