"""Legacy IPOMEX: the simulated generation, its adapter's parsing (index, fraction pages, Excel exports) and the
freshness that comes from the rows' own fecha de actualización; a polite farm crawl that matches the truth."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import xlrd
import xlwt
from scrapy.http import HtmlResponse

from checks.ipomex_eval import evaluate_capture
from checks.ipomex_model import FractionPage, IpomexCapture
from checks.obligations import load_obligations
from config.latency import IPOMEX_HOST, REAL, LatencyModel
from config.registry import Municipality
from crawler.browser import browser_available
from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from crawler.ssrf import SsrfPolicy
from simulator import FarmServer, World, build_world
from simulator.ipomex_legado import XLS
from simulator.ipomex_model import COMPLETE, EMPTY, ERROR, LEGACY, NO_APLICA, STALE, IpomexSite
from simulator.ipomex_server import IpomexPortal
from simulator.model import Resource
from spiders.ipomex.base import Budget, IpomexTarget, targets_for
from spiders.ipomex.excel import read_export
from spiders.ipomex.ipomex3 import index_links, known_links
from spiders.ipomex.legado import IpomexLegadoAdapter, read_page
from spiders.ipomex.polite import Answer
from tests.test_pipeline import FakeStore

RUN_DATE = date(2026, 11, 24)
BASE = "http://ipomex.test"
HEADER = ("Ejercicio", "Fecha de inicio del periodo que se informa", "Fecha de término del periodo que se informa")
DOCUMENTS = "Hipervínculo al documento"
TRAILING = ("Fecha de actualización", "Fecha de validación", "Área o unidad administrativa responsable", "Nota")


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=2026, run_date=RUN_DATE)


def legacy(world: World) -> dict[str, IpomexSite]:
    return {cve: p for cve in sorted(world.ground_truth) if (p := world.ipomex(cve)).generation == LEGACY}


def served(portal: IpomexPortal, url: str) -> Resource:
    answer = portal.answer(url.removeprefix(BASE), BASE)
    assert isinstance(answer, Resource)
    return answer


def test_the_legacy_generation_has_the_slugs_seen_in_the_wild(world: World) -> None:
    sites = legacy(world)
    assert {sites["15070"].legacy_id, sites["15104"].legacy_id} == {"lapaz", "tlalnepantla"}
    assert 3 <= len(sites) <= 5 and all(p.behaviour == "normal" for p in sites.values())
    assert any(p.excel_date_cells for p in sites.values()) and not all(p.excel_date_cells for p in sites.values())
    farm = FarmServer(world)
    farm.ipomex_port = 1  # only to build addresses; nothing is served
    assert farm.ipomex_url_for("15070") == "http://127.0.0.1:1/ipo/lgt/indice/lapaz.web"


def _municipality(cve: str, url: str | None) -> Municipality:
    return Municipality(cve, "X", "X", 1, None, "Bajo", None, None, "desconocido", url, None)


def test_the_generation_is_told_by_the_address_path_never_by_the_name() -> None:
    items = targets_for(
        [
            _municipality("15070", "https://www.ipomex.org.mx/ipo/lgt/indice/lapaz.web"),
            _municipality("15118", "https://www.ipomex.org.mx/ipo3/lgt/indice/zinacantepec.web"),
        ],
        "https://infoem2.ipomex.org.mx/ipomex/",
    )
    assert [item.source for item in items if isinstance(item, IpomexTarget)] == ["ipomex_legado", "ipomex3"]


def test_legacy_index_rows_label_their_consultar_links(world: World) -> None:
    site = legacy(world)["15104"]
    portal = IpomexPortal([site])
    url = f"{BASE}/ipo/lgt/indice/{site.legacy_id}.web"
    response = HtmlResponse(url, body=served(portal, url).body, encoding="utf-8")
    links = list(known_links(load_obligations(), index_links(response)))
    assert len(links) == sum(f.listed for f in site.fractions) == 87
    assert links[0] == ("I", f"{BASE}/ipo/lgt/indice/tlalnepantla/art_92_i.web")


def test_fraction_pages_give_justification_notice_or_their_export(world: World) -> None:
    for site in legacy(world).values():
        portal = IpomexPortal([site])
        for f in site.fractions:
            url = f"{BASE}/ipo/lgt/indice/{site.legacy_id}/{f.slug}"
            found = read_page(served(portal, url).body.decode(), url, "92", f.fraccion)
            if f.state == NO_APLICA:
                assert isinstance(found, FractionPage) and found.state == "no_aplica"
                assert found.justification == f.justificacion
            elif f.state == EMPTY:
                assert isinstance(found, FractionPage) and found.state == "empty"
            else:
                assert isinstance(found, str) and "/ipo/lgt/infoExcel/" in found, (f.id, found)
                assert served(portal, found).content_type == XLS


def test_exports_are_read_by_their_headers_and_carry_each_row_dates(world: World) -> None:
    checked = 0
    for site in legacy(world).values():
        portal = IpomexPortal([site])
        for f in site.fractions:
            if f.state not in (COMPLETE, STALE):
                continue
            page_url = f"{BASE}/ipo/lgt/indice/{site.legacy_id}/{f.slug}"
            export = read_page(served(portal, page_url).body.decode(), page_url, "92", f.fraccion)
            assert isinstance(export, str)
            page = read_export(served(portal, export).body, "92", f.fraccion, page_url)
            assert page.state == "records" and page.rows_from == "excel"
            assert [r.fecha_actualizacion for r in page.records] == [r.actualizacion for r in f.records]
            assert [r.fecha_validacion for r in page.records] == [r.validacion for r in f.records]
            assert [r.documentos for r in page.records] == [len(r.documentos) for r in f.records]
            checked += 1
    assert checked > 50


def test_a_failing_fraction_export_is_unreadable_with_its_reason(world: World) -> None:
    broken = [(s, f) for s in legacy(world).values() for f in s.fractions if f.state == ERROR]
    assert broken, "seed 2026 has failing legacy fractions"
    for site, f in broken:
        portal = IpomexPortal([site])
        page_url = f"{BASE}/ipo/lgt/indice/{site.legacy_id}/{f.slug}"
        export = read_page(served(portal, page_url).body.decode(), page_url, "92", f.fraccion)
        assert isinstance(export, str)
        page = read_export(served(portal, export).body, "92", f.fraccion, page_url)
        assert page.state == "error" and "no es un libro .xls legible" in (page.error or "")


def workbook(
    rows: Sequence[tuple[object, ...]], header: tuple[str, ...] = (*HEADER, DOCUMENTS, *TRAILING), title: bool = False
) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Datos")
    start = 2 if title else 0
    if title:
        sheet.write(0, 0, "Formato 1 LGT_Art_92_Fr_I")
    for column, name in enumerate(header):
        sheet.write(start, column, name)
    stamp = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for row, values in enumerate(rows, start=start + 1):
        for column, value in enumerate(values):
            if isinstance(value, datetime):
                sheet.write(row, column, value, stamp)
            else:
                sheet.write(row, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "no es un libro .xls legible"),
        (b"<html><body>Error 500</body></html>", "no es un libro .xls legible"),
        (workbook([])[:600], "no es un libro .xls legible"),
        (workbook([]), "no trae filas"),
        (workbook([("2026", "", "", "", "", "")], header=HEADER), "no tiene la columna «Fecha de actualización»"),
    ],
)
def test_a_malformed_or_empty_workbook_is_an_error_with_its_reason(content: bytes, reason: str) -> None:
    page = read_export(content, "92", "I", "http://x/f")
    assert page.state == "error" and reason in (page.error or "")
    [result] = evaluate_capture(capture_of(page), load_obligations(), RUN_DATE)[:1]
    assert result.status == "indeterminado" and result.reason == "page_error" and reason in (result.detail or "")
    assert (result.detail or "").startswith("No se pudo leer su exportación a Excel")


def capture_of(*pages: FractionPage) -> IpomexCapture:
    capture = IpomexCapture("15070", "ipomex_legado", "http://x/i.web", datetime.now(UTC))
    capture.fractions.extend(pages)
    return capture


INCONSISTENT = [
    # a date cell, a text date with time, a validation dated before its update, an unreadable and a blank update
    ("2026", "01/07/2026", "30/09/2026", "", datetime(2026, 10, 12, 9, 30), datetime(2026, 10, 13, 10, 0), "A", ""),
    ("2026", "01/04/2026", "30/06/2026", "", "2026-07-15 10:44:17", "2026-07-01 16:44:22", "A", ""),
    ("2025", "01/01/2025", "31/03/2025", "", "s/f", "2025-04-20 08:00:00", "A", "Sin fecha"),
    ("2025", "01/10/2025", "31/12/2025", "", "", "", "A", ""),
    ("", "", "", "", "", "", "", ""),  # an empty row is no row
]


def test_rows_with_inconsistent_dates_keep_what_is_readable_and_freshness_is_the_newest_row() -> None:
    page = read_export(workbook(INCONSISTENT, title=True), "92", "I", "http://x/f")
    assert page.state == "records" and len(page.records) == 4
    assert [r.fecha_actualizacion for r in page.records] == [date(2026, 10, 12), date(2026, 7, 15), None, None]
    assert page.records[1].fecha_validacion == date(2026, 7, 1)
    result = evaluate_capture(capture_of(page), load_obligations(), RUN_DATE)[0]
    assert result.status == "cumple" and result.last_update == date(2026, 10, 12)
    assert (
        "Según las fechas de actualización de sus filas (4 filas, la más reciente del 12/10/2026; 2 sin fecha de "
        "actualización legible), en su exportación a Excel." in (result.detail or "")
    )


def test_freshness_from_rows_is_stale_when_the_newest_row_is_old() -> None:
    rows = [("2025", "01/01/2025", "31/03/2025", "", "2025-04-10 09:00:00", "2025-04-11 09:00:00", "A", "")]
    result = evaluate_capture(capture_of(read_export(workbook(rows), "92", "I", "u")), load_obligations(), RUN_DATE)[0]
    assert (result.status, result.reason) == ("no_cumple", "stale")
    assert "(1 fila, la más reciente del 10/04/2025), en su exportación a Excel" in (result.detail or "")


def test_rows_read_on_a_page_say_so() -> None:
    html = (
        "<table><tr><th>Ejercicio</th><th>Fecha de actualización</th></tr><tr><td>2026</td><td>15/10/2026</td>"
        "</tr></table>"
    )
    page = read_page(html, "http://x/f", "92", "I")
    assert isinstance(page, FractionPage) and page.rows_from == "pagina"
    result = evaluate_capture(capture_of(page), load_obligations(), RUN_DATE)[0]
    assert result.status == "cumple" and "en la página de la fracción" in (result.detail or "")


def test_the_xls_is_a_real_biff_workbook_with_sheet_datos(world: World) -> None:
    site = legacy(world)["15104"]
    f = next(f for f in site.fractions if f.state == COMPLETE)
    portal = IpomexPortal([site])
    page_url = f"{BASE}/ipo/lgt/indice/{site.legacy_id}/{f.slug}"
    export = read_page(served(portal, page_url).body.decode(), page_url, "92", f.fraccion)
    assert isinstance(export, str)
    body = served(portal, export).body
    assert body[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # OLE2 compound file, as BIFF8 .xls are
    sheet = xlrd.open_workbook(file_contents=body).sheet_by_name("Datos")
    assert tuple(sheet.row_values(0)[-4:]) == TRAILING and sheet.nrows == len(f.records) + 1


class FakeHost:
    """Answers the adapter's gets from a table of url → (status, body), recording what was asked."""

    def __init__(self, answers: dict[str, tuple[int, bytes]]) -> None:
        self.answers, self.asked = answers, list[str]()

    async def get(self, page: object, url: str, budget: Budget) -> Answer:
        self.asked.append(url)
        status, body = self.answers.get(url, (404, b""))
        return Answer(url, "fetch", status, body)


def adapter(host: FakeHost) -> IpomexLegadoAdapter:
    guard = SsrfPolicy.for_urls(["http://127.0.0.1:8000/"]).allows_async
    return IpomexLegadoAdapter(load_obligations(), 4000, host, guard)  # type: ignore[arg-type]


def test_an_export_on_a_private_address_is_never_fetched() -> None:
    page_url = "http://127.0.0.1:8000/ipo/lgt/indice/x/art_92_i.web"
    html = b'<p><a href="http://10.0.0.7/ipo/lgt/infoExcel/x/marcoJuridico/0/1.web">Exportar a Excel</a></p>'
    host = FakeHost({page_url: (200, html)})
    page = asyncio.run(adapter(host).fraction(None, "I", page_url, Budget(60)))
    assert page.state == "error" and "bloqueado" in (page.error or "") and host.asked == [page_url]


def test_an_export_the_server_refuses_is_an_error_and_a_page_is_fetched_once() -> None:
    page_url = "http://127.0.0.1:8000/ipo/lgt/indice/x/art_92_i.web"
    export = "http://127.0.0.1:8000/ipo/lgt/infoExcel/x/marcoJuridico/0/1.web"
    host = FakeHost({page_url: (200, f'<a href="{export}">Excel</a>'.encode()), export: (500, b"")})
    page = asyncio.run(adapter(host).fraction(None, "I", page_url, Budget(60)))
    assert (page.state, page.error, page.rows_from) == ("error", "el servidor respondió con código 500", "excel")
    assert host.asked == [page_url, export]


@pytest.mark.slow
@pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina")
def test_a_legacy_municipality_is_crawled_politely_and_matches_the_truth(world: World) -> None:
    wanted = {"15070", "15021"}  # a text-dated and a date-cell export; 15021 also has the irregular page names
    store = FakeStore(remember=True)
    cfg = CrawlSettings(timeout=4, retries=0, compression=50.0)
    with FarmServer(world, latency_model=LatencyModel(REAL, 50.0, 2026)) as farm:
        chosen = [m for m in farm.registry() if m.cve_inegi in wanted]
        summary = run_and_store(
            store, chosen, replace(cfg, ipomex4_base=farm.ipomex4_url), RUN_DATE, sources=("spiders.ipomex",)
        )
        requests = {cve: farm.ipomex_requests(cve) for cve in wanted}
        stats = farm.gate.stats[IPOMEX_HOST]
    assert summary.status == "complete"
    assert 1 <= stats.peak_in_flight <= cfg.ipomex_concurrency
    got = {(c.cve_inegi, r.check_id): (r.status, r.source, r.detail) for c, rs in store.portals for r in rs}
    for cve in wanted:
        site = world.ipomex(cve)
        for fid, expected in world.ground_truth[cve].items():
            if fid.startswith("ipomex."):
                assert got[(cve, fid)][:2] == (expected, "ipomex_legado"), (cve, fid)
        # The index, each fraction page, and one export for each page that links one: no pager, nothing twice.
        exports = sum(1 for f in site.fractions if f.listed and f.state in (COMPLETE, STALE, ERROR))
        assert requests[cve] == 1 + sum(f.listed for f in site.fractions) + exports
        fresh = [d for (c, _), (s, _, d) in got.items() if c == cve and s == "cumple"]
        assert fresh and all("en su exportación a Excel" in (d or "") for d in fresh)
