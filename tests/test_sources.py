"""A source is one module behind one protocol: a test-only source runs through the real workers and the pipeline."""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from checks.model import PriorRead, SourceReport, Unread
from config.registry import Municipality, load_registry
from core.errors import CrawlError
from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from crawler.source import SOURCES, load_sources

RUN_DATE = date(2026, 11, 24)
ROOT = Path(__file__).resolve().parent.parent
CFG = CrawlSettings(ipomex=False, render_js=False, crawl_processes=2, timeout=5, retries=0)


class FakeStore:
    """Keeps every recorded report and how the run closed."""

    def __init__(self) -> None:
        self.reports: list[SourceReport] = []
        self.finished: tuple[str, str | None] | None = None

    def start(self, kind: str, municipalities: Sequence[Municipality], params: dict[str, object]) -> int:
        return 1

    def record(self, run_id: int, report: SourceReport) -> None:
        self.reports.append(report)

    def finish(self, run_id: int, status: str, error: str | None = None, unread: Sequence[Unread] = ()) -> None:
        self.finished = (status, error)

    def last_read(self, names: frozenset[str], cves: Sequence[str]) -> dict[str, PriorRead]:
        return {}


class Pages(BaseHTTPRequestHandler):
    """/con has a title, /sin has none."""

    def do_GET(self) -> None:
        body = b"<html><head><title>Inicio</title></head></html>" if self.path == "/con" else b"<html></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_registry_loads_the_site_and_ipomex_by_name() -> None:
    assert SOURCES == ("spiders.sitio", "spiders.ipomex")
    names = {module: source.names for module, source in load_sources().items()}
    assert names == {"spiders.sitio": {"sitio"}, "spiders.ipomex": {"ipomex", "ipomex3", "ipomex4", "ipomex_legado"}}


def test_the_crawler_never_imports_spiders() -> None:
    imported = set()
    for path in (ROOT / "crawler").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert not {name for name in imported if name.split(".")[0] == "spiders"}


@pytest.mark.slow
def test_a_new_source_is_one_module_and_one_registry_line(server: str) -> None:
    chosen = [m.with_site(f"{server}/{path}") for m, path in zip(load_registry()[:2], ("con", "sin"), strict=True)]
    store = FakeStore()
    summary = run_and_store(store, chosen, CFG, RUN_DATE, sources=("tests.toysources.pagina",))
    got = {r.cve_inegi: [(x.check_id, x.status, x.source) for x in r.results] for r in store.reports}
    assert got == {
        chosen[0].cve_inegi: [("pagina.titulo", "cumple", "pagina")],
        chosen[1].cve_inegi: [("pagina.titulo", "no_cumple", "pagina")],
    }
    assert summary.status == "complete" and store.finished == ("complete", None)


@pytest.mark.slow
def test_a_source_that_dies_in_its_worker_fails_the_run() -> None:
    store = FakeStore()
    with pytest.raises(CrawlError):
        run_and_store(store, load_registry()[:2], CFG, RUN_DATE, sources=("tests.toysources.dying",))
    assert store.finished is not None and store.finished[0] == "failed"


def test_two_sources_may_not_claim_the_same_report_name() -> None:
    with pytest.raises(ValueError, match="same name"):
        load_sources(("spiders.sitio", "spiders.sitio"))
