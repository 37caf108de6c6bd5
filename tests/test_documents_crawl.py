"""A crawl reads the PDFs behind generic links: a Bando behind «Descargar» is found, a broken PDF decides nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bench.precision import serve_directory
from checks.model import SiteReport
from crawler.settings import CrawlSettings
from simulator.pdf import make_pdf
from spiders.sitio import crawl_sites
from spiders.sitio.target import SiteTarget

RUN_DATE = date(2026, 3, 31)
CFG = CrawlSettings(ipomex=False, render_js=False, crawl_processes=1, timeout=5, retries=0, max_document_bytes=100_000)
HOME = (
    "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>H. Ayuntamiento de Ejemplo</title></head>"
    "<body><h1>H. Ayuntamiento de Ejemplo</h1><p>Gobierno Municipal de Ejemplo, Estado de México.</p>"
    "<a href='/normatividad.html'>Normatividad</a></body></html>"
)
NORMS = (
    "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>Normatividad | Ejemplo</title></head>"
    "<body><h1>H. Ayuntamiento de Ejemplo</h1><h2>Normatividad</h2>"
    "<table><tr><td>Bando de Policía y Gobierno vigente</td><td><a href='/docs/d7f3.pdf'>Descargar</a></td></tr>"
    "<tr><td>Plan de Desarrollo Municipal</td><td><a href='/docs/p9.pdf'>Descargar</a></td></tr></table>"
    "<ul><li>Gaceta Municipal, enero — <a href='/visor/viewer.html?file=/docs/g1.pdf'>Ver documento</a></li>"
    "<li>Estados financieros, primer trimestre — <a href='/docs/ef1.pdf'>Descargar</a></li></ul>"
    "</body></html>"
)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "index.html").write_text(HOME, encoding="utf-8")
    (tmp_path / "normatividad.html").write_text(NORMS, encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "d7f3.pdf").write_bytes(make_pdf(None, ["BANDO MUNICIPAL DE EJEMPLO 2026\nTítulo primero"]))
    (docs / "g1.pdf").write_bytes(make_pdf("Gaceta Municipal No. 1", ["GACETA MUNICIPAL\nEnero de 2026"]))
    # A "PDF" cut short, and one over the byte cap (the download is cut).
    (docs / "ef1.pdf").write_bytes(make_pdf("Estados financieros", ["ESTADOS FINANCIEROS"]) + b"%" * 300_000)
    (docs / "p9.pdf").write_bytes(make_pdf("Plan de Desarrollo Municipal", ["PLAN DE DESARROLLO MUNICIPAL"])[:300])
    with serve_directory(tmp_path) as url:
        yield url


def crawl(url: str, cfg: CrawlSettings) -> SiteReport:
    (report,) = crawl_sites([SiteTarget("15999", "Ejemplo", url)], cfg, RUN_DATE)
    return report


def test_documents_behind_generic_links_become_evidence_and_broken_ones_decide_nothing(site: str) -> None:
    without = crawl(site, replace(CFG, max_documents=0))
    read = crawl(site, CFG)
    before = {r.check_id: r for r in without.results}
    after = {r.check_id: r for r in read.results}
    bando, gaceta = after["normatividad.bando_municipal"], after["normatividad.gaceta_municipal"]
    assert before["normatividad.bando_municipal"].status == "no_cumple"
    assert bando.status == "cumple" and bando.evidence is not None
    assert bando.evidence.url == f"{site}docs/d7f3.pdf"
    assert "Documento (p. 1) «BANDO MUNICIPAL DE EJEMPLO 2026»" in bando.evidence.text
    assert f"enlazado desde {site}normatividad.html" in bando.evidence.text
    # The viewer was unwrapped: the document itself is the evidence.
    assert gaceta.status == "cumple" and gaceta.evidence is not None
    assert gaceta.evidence.url == f"{site}docs/g1.pdf"
    # The broken and the oversized PDF accuse nobody: their topics, named by the links, need a human look
    # (indeterminado revisar, the link as evidence); neither the page counts nor the completeness changed.
    changed = {k for k in after if after[k].status != before[k].status}
    unread = {"normatividad.plan_desarrollo", "transparencia.conac"}
    assert changed == {"normatividad.bando_municipal", "normatividad.gaceta_municipal"} | unread
    for check_id in unread:
        assert (before[check_id].status, after[check_id].status) == ("no_cumple", "indeterminado")
        evidence = after[check_id].evidence
        assert after[check_id].reason == "revisar" and evidence is not None and "no se pudo leer" in evidence.text
    assert (read.outcome.pages_ok, read.outcome.pages_failed, read.outcome.truncated) == (2, 0, False)
    assert len(read.pages) == len(without.pages) == 2
    # What was read and what was missed is told, for a later review of the near misses.
    assert sorted(read.documents_read) == [f"{site}docs/d7f3.pdf", f"{site}docs/g1.pdf"]
    misses = {m.url.rsplit("/", 1)[1]: (m.reason, m.checks) for m in read.document_misses}
    assert misses == {
        "p9.pdf": ("corrupt", ("normatividad.plan_desarrollo",)),
        "ef1.pdf": ("too_large", ("transparencia.conac",)),
    }
    assert read.document_cost["read"] == 2 and read.document_cost["failed"] == 2
    assert without.documents_read == [] and without.document_misses == []
