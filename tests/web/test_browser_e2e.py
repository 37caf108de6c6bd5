"""The real dashboard pages driven in headless Chromium: ranking → región filter → municipality → evidence → CSV."""

from __future__ import annotations

import csv
import functools
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn

from checks.catalogue import load_catalogue
from checks.model import CheckResult, Evidence
from checks.scoring import area_scores
from crawler.browser import browser_available, find_browser, launch_options
from storage.db import open_database
from storage.repository import finish_run, latest_results, record_site, start_run
from tests.conftest import NewDbUrl
from tests.storage.factories import municipality, report
from web.app import create_app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina"),
]
playwright_api = pytest.importorskip("playwright.sync_api")

TOWNS = [
    replace(municipality("15001", "Acambay", 60_000), region="Norte"),
    replace(municipality("15106", "Toluca", 900_000), region="Toluca"),
    replace(municipality("15054", "Metepec", 240_000), region="Toluca"),
]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def evidence_site(tmp_path: Path) -> Iterator[str]:
    """A local page standing for the municipality's contact page."""
    root = tmp_path / "sitio"
    root.mkdir()
    (root / "contacto.html").write_text(
        "<h1>Contacto</h1><p>Teléfono de atención: (722) 276 19 00</p>", encoding="utf-8"
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/contacto.html"
    server.shutdown()
    server.server_close()


@pytest.fixture
def db_url(new_db_url: NewDbUrl, evidence_site: str) -> str:
    url = new_db_url("tablero")
    db = open_database(url)
    run = start_run(db, "crawl", TOWNS, {})
    for town, phone in zip(TOWNS, ("no_cumple", "cumple", "cumple"), strict=True):
        site = report(town.cve_inegi, {"canal.correo": "cumple", "canal.chat": "no_cumple"})
        evidence = Evidence(evidence_site, "Teléfono de atención: (722) 276 19 00") if phone == "cumple" else None
        site.results.append(CheckResult("canal.telefono", phone, evidence=evidence))  # type: ignore[arg-type]
        record_site(db, run, site)
    finish_run(db, run, "complete", catalogue=load_catalogue())
    db.dispose()
    return url


@pytest.fixture
def base(db_url: str) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # bound before the server starts: the browser's first request just waits in the backlog
    server = uvicorn.Server(uvicorn.Config(create_app(db_url, require_login=False), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def test_auditor_journey_in_a_real_browser(base: str, db_url: str, evidence_site: str, tmp_path: Path) -> None:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options(find_browser(None), 30))
        page = browser.new_page(accept_downloads=True)
        page.goto(base + "/")
        assert page.locator("table tbody tr").count() == 3
        page.select_option("select[name=region]", "Toluca")
        page.click("form.filtros button[type=submit]")
        page.wait_for_url("**region=Toluca**")
        names = page.locator("table tbody tr td:nth-child(2)").all_inner_texts()
        assert sorted(names) == ["Metepec", "Toluca"]
        page.click("text=Toluca >> nth=-1")
        page.wait_for_url("**/municipio/15106")
        assert "Toluca" in page.inner_text("h1")
        with page.context.expect_page() as opened:
            page.click(f"a[href='{evidence_site}']")
        evidence = opened.value
        evidence.wait_for_load_state()
        assert "(722) 276 19 00" in evidence.inner_text("body")
        page.goto(base + "/?region=Toluca")
        with page.expect_download() as download:
            page.click("p.exportar a:has-text('CSV')")
        path = tmp_path / "ranking.csv"
        download.value.save_as(path)
        browser.close()
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert len(rows) == 2
    db = open_database(db_url)
    stored = {item.cve_inegi: item for item in latest_results(db)}
    db.dispose()
    catalogue = load_catalogue()
    for row in rows:
        item = stored[row["Clave INEGI"]]
        assert row["Municipio"] == item.nombre and row["Región"] == "Toluca"
        total = area_scores(item.results, catalogue)["total"].score
        assert total is not None and abs(float(row["Total"]) - total) < 0.05
        assert (int(row["Cumple"]), int(row["No cumple"])) == (2, 1)
