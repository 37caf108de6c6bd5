"""Fault matrix, content rows: 200 answers that prove nothing, hostile bodies and crawler traps."""

from __future__ import annotations

from datetime import date

import pytest

from checks.engine import evaluate_pages
from crawler.scope import strip_session
from simulator import fault_pages as pages
from tests.faults.conftest import FaultRun, only_indeterminate, statuses
from tests.faults.test_network import _cumple_but_https

slow = pytest.mark.slow
ALLOWED_NO_CUMPLE = {
    # Rows 1 and 2 (refused, NXDOMAIN), row 12 (parked, hijacked): the accusations the contract allows.
    "sitio.disponible": frozenset({"refused", "dns_nxdomain", "parked", "casino"}),
}


@slow
def test_maintenance_page(fault_run: FaultRun) -> None:
    only_indeterminate(fault_run, "maintenance", "maintenance")


@slow
@pytest.mark.parametrize("name", ["soft404_home", "soft404_page"])
def test_soft_404_pages_are_not_evidence(fault_run: FaultRun, name: str) -> None:
    kinds = [p.kind for p in fault_run.reports[name].pages if p.depth > 0]
    assert kinds and set(kinds) == {"soft_404"}
    home = fault_run.farm.url(name)
    for result in fault_run.results(name).values():
        # Only the real home is evidence (its footer phone and e-mail); absence cannot be asserted.
        assert result.status != "no_cumple" or result.check_id == "sitio.https", result
        assert result.evidence is None or result.evidence.url == home, result
    # The "no encontrado" wording names COPACI and the participatory budget: never credited.
    results = fault_run.results(name)
    assert results["participacion.copaci"].status == "indeterminado"
    assert results["participacion.presupuesto_participativo"].status == "indeterminado"


@slow
@pytest.mark.parametrize("name", ["parked", "casino"])
def test_parked_or_hijacked_domain(fault_run: FaultRun, name: str) -> None:
    available = fault_run.results(name)["sitio.disponible"]
    assert available.status == "no_cumple" and available.reason == "identity_lost"
    assert "estacionada, en venta o ajena" in (available.detail or "")
    only_indeterminate(fault_run, name, "identity_lost", allowed=frozenset({"sitio.disponible"}))


@slow
@pytest.mark.parametrize("name", ["cp1252", "latin1", "mojibake", "malformed"])
def test_encodings_and_malformed_html(fault_run: FaultRun, name: str) -> None:
    _cumple_but_https(fault_run, name)


def test_mojibake_matches_the_accented_word() -> None:
    broken = pages.mojibake().decode("utf-8")
    assert "InformaciÃ³n" in broken
    results = evaluate_pages([("http://127.0.0.1:1/", broken, 0)], date(2026, 11, 24), municipality=pages.NOMBRE)
    assert {r.check_id: r.status for r in results}["sitio.aviso_privacidad"] == "cumple"
    evidence = {r.check_id: r.evidence for r in results}["transparencia.unidad_transparencia"]
    assert evidence is not None and "Unidad de Transparencia" in evidence.text


@slow
def test_fifty_megabyte_page_and_gzip_bomb(fault_run: FaultRun) -> None:
    errors = {p.url.rsplit("/", 1)[-1]: p.error for p in fault_run.reports["big_page"].pages if p.error}
    assert errors == {"grande": "too_large", "bomba": "too_large"}
    for name in ("big_home", "gzip_bomb"):
        only_indeterminate(fault_run, name, "too_large")
        assert fault_run.reports[name].seconds < 10
    # DOWNLOAD_MAXSIZE bounds decompression too: 1 GiB never lands in a worker's memory.
    assert fault_run.workers and all(w.max_rss_bytes < 700 * (1 << 20) for w in fault_run.workers)


@slow
def test_calendar_trap_is_bounded_by_depth(fault_run: FaultRun) -> None:
    months = [p for _, p in fault_run.farm.hits("calendar") if p.startswith("/calendario")]
    assert 0 < len(months) <= fault_run.cfg.max_depth
    _cumple_but_https(fault_run, "calendar")


@slow
def test_session_id_trap_is_canonicalised(fault_run: FaultRun) -> None:
    # Pages are read with GET (the contact form's endpoint is also asked, with HEAD, once the pages are read).
    paths = [p for _, p in fault_run.farm.hits("session", "GET") if p != "/robots.txt"]
    assert paths and len(paths) == len(set(paths)) < fault_run.cfg.max_pages
    assert not any("jsessionid" in p or "sid=" in p for p in paths)
    _cumple_but_https(fault_run, "session")


def test_strip_session() -> None:
    assert strip_session("http://a.mx/contacto;jsessionid=AB12?sid=9&x=1") == "http://a.mx/contacto?x=1"
    assert strip_session("http://a.mx/?PHPSESSID=1") == "http://a.mx/"
    assert strip_session("http://a.mx/noticias?page=2") == "http://a.mx/noticias?page=2"


@slow
def test_javascript_shell_without_browser(fault_run: FaultRun) -> None:
    only_indeterminate(fault_run, "js_shell", "needs_js")


@slow
@pytest.mark.parametrize("name", ["challenge_403", "challenge_503"])
def test_challenge_page(fault_run: FaultRun, name: str) -> None:
    only_indeterminate(fault_run, name, "blocked_waf")


@slow
def test_robots_disallow_all(fault_run: FaultRun) -> None:
    only_indeterminate(fault_run, "robots_disallow", "robots_disallowed")
    assert [p for _, p in fault_run.farm.hits("robots_disallow")] == ["/robots.txt"]


@slow
def test_robots_timeout_is_unavailable(fault_run: FaultRun) -> None:
    only_indeterminate(fault_run, "robots_hang", "robots_unavailable")
    detail = fault_run.results("robots_hang")["canal.correo"].detail or ""
    assert "RFC 9309" in detail
    cfg = fault_run.cfg
    assert fault_run.reports["robots_hang"].seconds < cfg.timeout * (cfg.retries + 1) + 3


@slow
def test_no_false_no_cumple_over_the_whole_fault_set(fault_run: FaultRun) -> None:
    assert len(fault_run.reports) >= 35
    for name, report in fault_run.reports.items():
        for result in report.results:
            if result.status != "no_cumple" or result.check_id == "sitio.https":
                continue
            assert name in ALLOWED_NO_CUMPLE.get(result.check_id, ()), (name, result)
    # sitio.https is an accusation only where the site really lacks valid HTTPS.
    assert statuses(fault_run, "tls_valid")["sitio.https"] == "cumple"
