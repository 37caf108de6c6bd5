"""A crawl probes contact-form endpoints with safe methods only, and reads broken internal links from the crawl."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checks.model import CheckResult, SiteReport
from crawler.settings import CrawlSettings
from spiders.sitio import crawl_sites
from spiders.sitio.target import SiteTarget

RUN_DATE = date(2026, 3, 31)
CFG = CrawlSettings(ipomex=False, render_js=False, crawl_processes=1, timeout=5, retries=0, max_documents=0)
HEAD = "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>{title}</title></head><body>"
FORM = (
    "<form action='{action}' method='post'{extra}><input name='nombre' placeholder='Nombre'>"
    "<input type='email' name='correo' placeholder='Correo'><textarea name='mensaje' placeholder='Mensaje'>"
    "</textarea><button type='submit'>Enviar</button></form>"
)


def page(title: str, body: str) -> bytes:
    """A municipal page of the test site."""
    return (HEAD.format(title=title) + f"<h1>H. Ayuntamiento de Ejemplo</h1>{body}</body></html>").encode()


@dataclass
class Recorder:
    """A local site that serves fixed pages and records every method and path it is asked."""

    pages: dict[str, bytes]
    # Paths that exist only for POST (like a form handler): 405 to anything else.
    post_only: frozenset[str] = frozenset()
    seen: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                path = self.path.split("?", 1)[0]
                with recorder.lock:
                    recorder.seen.append((self.command, path))
                if path in recorder.post_only:
                    self.send_response(405)
                    self.send_header("Allow", "POST")
                    body = b""
                elif path in recorder.pages:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    body = recorder.pages[path]
                else:
                    self.send_response(404)
                    body = b"no encontrado"
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = do_OPTIONS = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, format: str, *args: object) -> None:
                return None

        return Handler


@pytest.fixture
def serve() -> Iterator[object]:
    servers: list[ThreadingHTTPServer] = []

    def start(recorder: Recorder) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), recorder.handler())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def crawl(url: str, cfg: CrawlSettings = CFG) -> SiteReport:
    (report,) = crawl_sites([SiteTarget("15999", "Ejemplo", url)], cfg, RUN_DATE)
    return report


def result(report: SiteReport, check_id: str) -> CheckResult:
    return next(r for r in report.results if r.check_id == check_id)


def links(*paths: str) -> str:
    return "".join(f"<a href='{p}'>Sección {n}</a> " for n, p in enumerate(paths))


def test_a_working_form_endpoint_is_probed_without_post_and_counts(serve) -> None:  # type: ignore[no-untyped-def]
    pages = {
        "/": page("Inicio", links("/contacto.html", "/a.html", "/b.html", "/c.html", "/d.html")),
        "/contacto.html": page("Contacto", FORM.format(action="/enviar.php", extra="")),
        **{f"/{n}.html": page(n, "<p>Texto</p>") for n in "abcd"},
    }
    recorder = Recorder(pages, post_only=frozenset({"/enviar.php"}))
    report = crawl(serve(recorder))
    working = result(report, "canal.formulario_funcional")
    assert working.status == "cumple", working
    assert (
        working.evidence is not None and "405" in working.evidence.text
    )  # the POST-only handler exists: 405 lists what it allows
    assert result(report, "sitio.enlaces_rotos").status == "cumple"
    methods = {method for method, _ in recorder.seen}
    assert "POST" not in methods and methods <= {"GET", "HEAD", "OPTIONS"}
    assert ("HEAD", "/enviar.php") in recorder.seen
    assert report.probe_cost["requests"] == 1


def test_a_dead_endpoint_and_a_form_to_nowhere_fail_and_broken_links_are_counted(serve) -> None:  # type: ignore[no-untyped-def]
    pages = {
        "/": page("Inicio", links("/contacto.html", "/quejas.html", "/a.html", "/roto1", "/roto2", "/b.html")),
        "/contacto.html": page("Contacto", FORM.format(action="/ya-no-existe.php", extra="")),
        "/quejas.html": page("Quejas", FORM.format(action="#", extra=" onsubmit=\"alert('Enviado'); return false;\"")),
        "/a.html": page("A", "<p>Texto</p>"),
        "/b.html": page("B", "<p>Texto</p>"),
    }
    recorder = Recorder(pages)
    report = crawl(serve(recorder))
    dead = result(report, "canal.formulario_funcional")
    assert dead.status == "no_cumple", dead
    assert dead.evidence is not None and "404" in dead.evidence.text
    broken = result(report, "sitio.enlaces_rotos")
    assert broken.status == "no_cumple" and broken.evidence is not None, broken
    assert "2 de 7" in broken.evidence.text
    # Every safe method was tried on the dead address before calling it missing; nothing was ever posted.
    tried = [method for method, path in recorder.seen if path == "/ya-no-existe.php"]
    assert tried == ["HEAD", "OPTIONS", "GET"]
    assert all(method != "POST" for method, _ in recorder.seen)


def test_a_probe_without_budget_proves_nothing(serve) -> None:  # type: ignore[no-untyped-def]
    pages = {
        "/": page("Inicio", links("/contacto.html")),
        "/contacto.html": page("Contacto", FORM.format(action="/ya-no-existe.php", extra="")),
    }
    recorder = Recorder(pages)
    report = crawl(serve(recorder), replace(CFG, form_probe_requests=0))
    unprobed = result(report, "canal.formulario_funcional")
    assert unprobed.status == "indeterminado" and unprobed.reason == "sitio_sin_tiempo"
    assert not any(path == "/ya-no-existe.php" for _, path in recorder.seen)
    assert result(report, "sitio.enlaces_rotos").reason == "muestra_pequena"
