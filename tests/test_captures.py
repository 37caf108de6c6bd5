"""The post-run screenshot pass: which pages (regressions first, then home pages), within its budget, archived as
WARC resource records with `captura` rows, every page missed listed in Spanish."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from archive.warc import read_record, sha256_hex
from checks.catalogue import load_catalogue
from checks.model import CheckResult, Evidence
from crawler.browser import browser_available
from crawler.screenshots import OUT_OF_TIME, shoot_all
from crawler.settings import CrawlSettings
from storage.capture_targets import HOME, REGRESSION, CaptureTarget, capture_targets
from storage.db import Database, open_database
from storage.evidence_models import ArchiveRecordRow
from storage.repository import finish_run, record_site, start_run
from storage.work import unit_of_work
from tests.conftest import NewDbUrl
from tests.storage.factories import municipality, report
from tests.web.archive_seed import PNG
from vigia.captures import capture_run
from web.app import create_app

CONTACT = "https://15001.example.gob.mx/contacto"


def _run(db: Database, phone: str, home: str | None = None) -> int:
    """A complete run of two towns; Acambay's «canal.telefono» has the given status (cumple rests on CONTACT)."""
    towns = [municipality("15001", "Acambay"), municipality("15002", "Acolman")]
    run = start_run(db, "crawl", towns, {})
    for town in towns:
        site = report(town.cve_inegi, {"sitio.disponible": "cumple"})
        if town.cve_inegi == "15001":
            evidence = Evidence(CONTACT, "Tel. 712 000") if phone == "cumple" else None
            site.results.append(CheckResult("canal.telefono", phone, evidence=evidence))  # type: ignore[arg-type]
            if home:
                site = replace(site, start_url=home, outcome=replace(site.outcome, start_url=home, home_url=home))
        record_site(db, run, site)
    finish_run(db, run, "complete", catalogue=load_catalogue())
    return run


@pytest.fixture
def database(new_db_url: NewDbUrl) -> Iterator[Database]:
    db = open_database(new_db_url())
    yield db
    db.dispose()


def test_targets_are_the_regressions_then_every_home_page(database: Database) -> None:
    _run(database, "cumple")
    run = _run(database, "no_cumple")
    _, targets = capture_targets(database, run)
    assert targets == [
        # The regression's no_cumple has no page: the page behind it is the one that used to satisfy the check.
        CaptureTarget("15001", CONTACT, REGRESSION, "canal.telefono"),
        CaptureTarget("15001", "https://15001.example.gob.mx/", HOME),
        CaptureTarget("15002", "https://15002.example.gob.mx/", HOME),
    ]


class FakeCamera:
    """Each picture takes `cost` seconds on a fake clock; URLs containing «roto» fail."""

    def __init__(self, cost: float) -> None:
        self.now, self.cost, self.closed = 0.0, cost, False
        self.shot: list[str] = []

    async def shoot(self, url: str, timeout: float) -> bytes:
        self.now += self.cost
        if "roto" in url:
            raise RuntimeError("net::ERR_CONNECTION_REFUSED")
        self.shot.append(url)
        return PNG

    async def close(self) -> None:
        self.closed = True


def test_the_pass_stops_at_its_budget_and_lists_the_rest() -> None:
    camera = FakeCamera(cost=4.0)
    urls = [f"https://{n}.example.gob.mx/" for n in ("a", "b", "roto", "c", "d")]
    report = asyncio.run(shoot_all(urls, camera, budget=10.0, timeout=20.0, clock=lambda: camera.now))
    # Started at 0, 4 and 8 s; at 12 s the budget is spent.
    assert camera.shot == urls[:2] and [s.index for s in report.taken] == [0, 1]
    assert report.missed[0] == (2, "el navegador no pudo capturarla (RuntimeError)")
    assert report.missed[1:] == [(3, OUT_OF_TIME), (4, OUT_OF_TIME)]
    assert report.seconds == 12.0 and report.budget == 10.0 and camera.closed


def test_screenshots_become_warc_resources_and_captura_rows(database: Database, tmp_path: Path) -> None:
    _run(database, "cumple")
    run = _run(database, "no_cumple", home="https://roto.example.gob.mx/")
    summary = capture_run(database, run, CrawlSettings(), budget=60.0, camera=FakeCamera(1.0), folder=tmp_path)
    assert summary.taken == 2 and summary.budget == 60.0
    lines = summary.lines()
    assert lines[0].startswith("Capturas: 2 de 3 páginas en ")
    assert lines[1] == (
        "  Sin captura: 15001 página de inicio https://roto.example.gob.mx/: el navegador no pudo capturarla "
        "(RuntimeError)"
    )
    with unit_of_work(database, "leer", read_only=True) as session:
        rows = list(session.scalars(select(ArchiveRecordRow).where(ArchiveRecordRow.run_id == run)))
        for row in rows:
            stored = read_record(tmp_path / row.warc_file, row.offset)
            assert (row.kind, row.record_type, row.content_type) == ("captura", "resource", "image/png")
            assert stored.record_type == "resource" and stored.payload == PNG and stored.url == row.url
            assert row.sha256 == sha256_hex(PNG) == stored.declared_sha256
    assert sorted(r.url for r in rows) == [CONTACT, "https://15002.example.gob.mx/"]
    assert {r.warc_file for r in rows} == {f"2026/{rows[0].warc_file.split('/')[1]}/vigia-{run:06d}-capturas.warc.gz"}


def test_no_budget_means_no_browser_and_one_line(database: Database, tmp_path: Path) -> None:
    run = _run(database, "cumple")
    camera = FakeCamera(1.0)
    folder = tmp_path / "evidencia"
    summary = capture_run(database, run, CrawlSettings(), budget=0.0, camera=camera, folder=folder)
    assert camera.shot == [] and summary.taken == 0 and len(summary.missed) == 2
    assert summary.lines() == ["Capturas apagadas (VIGIA_CAPTURAS_SEGUNDOS=0): 2 páginas sin captura."]
    assert not folder.exists()


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def local_site(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "sitio"
    root.mkdir()
    (root / "index.html").write_text(
        "<h1 style='font-size:80px;color:#b00'>H. Ayuntamiento de Acambay</h1>", encoding="utf-8"
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
@pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina")
def test_a_real_browser_screenshots_a_local_home_page(new_db_url: NewDbUrl, tmp_path: Path, local_site: str) -> None:
    url = new_db_url()
    db = open_database(url)
    run = _run(db, "cumple", home=local_site)
    summary = capture_run(db, run, CrawlSettings(), budget=60.0, folder=tmp_path / "evidencia")
    db.dispose()
    # Acolman's example.gob.mx does not exist: listed as missed, never silently skipped.
    assert summary.taken == 1 and [t.url for t, _ in summary.missed] == ["https://15002.example.gob.mx/"]
    with TestClient(create_app(url, require_login=False, archive_dir=tmp_path / "evidencia")) as client:
        page = client.get("/municipio/15001").text
        assert "captura de la página de inicio" in page
        record = client.get("/api/municipio/15001").json()["captura_inicio"]
        assert client.get(f"/api/archivo/{record}").json()["integra"] is True
        png = client.get(f"/archivo/{record}/contenido")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png.content) > 2000


def test_an_identical_screenshot_is_a_revisit_and_still_shown(new_db_url: NewDbUrl, tmp_path: Path) -> None:
    url, folder = new_db_url(), tmp_path / "evidencia"
    db = open_database(url)
    first, second = _run(db, "cumple"), _run(db, "cumple")
    capture_run(db, first, CrawlSettings(), budget=60.0, camera=FakeCamera(1.0), folder=folder)
    for cve in ("15001", "15002"):  # the home pages' HTML changed that night, the picture did not
        _archived_home(db, second, cve, f"https://{cve}.example.gob.mx/", "response")
    capture_run(db, second, CrawlSettings(), budget=60.0, camera=FakeCamera(1.0), folder=folder)
    with unit_of_work(db, "leer", read_only=True) as session:
        query = select(ArchiveRecordRow).where(ArchiveRecordRow.kind == "captura").order_by(ArchiveRecordRow.id)
        rows = list(session.scalars(query))
    db.dispose()
    assert [(r.run_id, r.record_type) for r in rows] == [(first, "resource")] * 2 + [(second, "revisit")] * 2
    assert [r.refers_to for r in rows[2:]] == [rows[0].id, rows[0].id]  # same PNG: the first copy holds it
    assert read_record(folder / rows[2].warc_file, rows[2].offset).payload == b""
    with TestClient(create_app(url, require_login=False, archive_dir=folder)) as client:
        shown = client.get(f"/archivo/{rows[3].id}/contenido")
    assert shown.status_code == 200 and shown.content == PNG


def _archived_home(db: Database, run: int, cve: str, url: str, record_type: str) -> None:
    """The run's archived copy of a home page: a new payload (response) or an unchanged one (revisit)."""
    row = ArchiveRecordRow(
        run_id=run,
        cve_inegi=cve,
        source="sitio",
        kind="pagina",
        record_type=record_type,
        url=url,
        sha256="0" * 64,
        warc_file="x.warc.gz",
        offset=0,
        length=1,
        captured_at=datetime.now(UTC),
    )
    with unit_of_work(db, "archivar") as session:
        session.add(row)


def test_an_unchanged_home_page_is_not_photographed_again_and_its_last_picture_is_shown(
    new_db_url: NewDbUrl, tmp_path: Path
) -> None:
    url, folder = new_db_url(), tmp_path / "evidencia"
    db = open_database(url)
    first = _run(db, "cumple")
    capture_run(db, first, CrawlSettings(), budget=60.0, camera=FakeCamera(1.0), folder=folder)
    second = _run(db, "cumple")
    _archived_home(db, second, "15001", "https://15001.example.gob.mx/", "revisit")
    _archived_home(db, second, "15002", "https://15002.example.gob.mx/", "response")
    _, targets = capture_targets(db, second)
    assert [t.cve_inegi for t in targets] == ["15002"]  # Acambay's home is a revisit: same page as before
    third = _run(db, "cumple")
    assert capture_targets(db, third)[1] == []  # no archived copy, photographed less than a week ago
    db.dispose()
    with TestClient(create_app(url, require_login=False, archive_dir=folder)) as client:
        page = client.get("/municipio/15001").text
    assert "captura de la página de inicio" in page
