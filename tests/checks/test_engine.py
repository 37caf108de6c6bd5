"""Engine decisions: crawl failures, impostor home pages, crawl completeness, HTTPS and recency."""

from __future__ import annotations

import datetime

import pytest

from checks.engine import SiteEvaluator, evaluate_pages
from checks.model import CrawlOutcome

from .conftest import HOME, RUN_DATE, evaluate, html, outcome

GOOD_HOME = html(
    '<a href="/transparencia">Transparencia</a><p>Tel. (722) 123 45 67</p>',
    head='<meta name="viewport" content="width=device-width">',
)


def test_one_result_per_check_in_catalogue_order(catalogue):
    results = evaluate_pages([(HOME, GOOD_HOME, 0)], RUN_DATE, catalogue, None, outcome())
    assert [r.check_id for r in results] == [s.id for s in catalogue.site_checks()]
    assert all(r.status in ("cumple", "no_cumple", "indeterminado") for r in results)


@pytest.mark.parametrize("failure", ["dns", "connect", "timeout", "http_error"])
def test_unreachable_site_is_not_available_and_everything_else_unknown(catalogue, failure):
    evaluator = SiteEvaluator(catalogue, RUN_DATE)
    results = {r.check_id: r for r in evaluator.finish(outcome(failure=failure, home_url=None, pages_ok=0))}
    available = results.pop("sitio.disponible")
    assert (available.status, available.reason, available.evidence) == ("no_cumple", failure, None)
    assert "ningún intento" in available.detail
    assert {(r.status, r.reason) for r in results.values()} == {("indeterminado", failure)}


def test_network_suspect_keeps_availability_unknown(catalogue):
    crawl = outcome(failure="timeout", home_url=None, network_suspect=True)
    results = {r.check_id: r for r in SiteEvaluator(catalogue, RUN_DATE).finish(crawl)}
    assert (results["sitio.disponible"].status, results["sitio.disponible"].reason) == (
        "indeterminado",
        "network_suspect",
    )
    assert results["canal.telefono"].reason == "timeout"


@pytest.mark.parametrize("failure", ["robots_disallowed", "redirect_loop", "too_large", "not_html", "no_url", "error"])
def test_other_failures_are_all_unknown(catalogue, failure):
    results = SiteEvaluator(catalogue, RUN_DATE).finish(outcome(failure=failure, home_url=None))
    assert {(r.status, r.reason) for r in results} == {("indeterminado", failure)}
    assert all(r.detail for r in results)


def test_parked_home_loses_identity():
    parked = "<html><body><h1>Este dominio está a la venta</h1><a href='https://sedo.com'>Comprar</a></body></html>"
    results = evaluate(parked)
    available = results.pop("sitio.disponible")
    assert (available.status, available.reason) == ("no_cumple", "identity_lost")
    assert available.evidence.url == HOME and "venta" in available.evidence.text
    assert {(r.status, r.reason) for r in results.values()} == {("indeterminado", "identity_lost")}


@pytest.mark.parametrize(
    ("home", "reason"),
    [
        ("<html><body><h1>Sitio en mantenimiento</h1></body></html>", "maintenance"),
        ("<html><body><div id='root'></div><script src='/main.js'></script></body></html>", "needs_js"),
        ("<html><head><title>Just a moment...</title></head><body></body></html>", "blocked_waf"),
    ],
)
def test_unusable_home_makes_everything_unknown(home, reason):
    results = evaluate(home)
    assert {(r.status, r.reason) for r in results.values()} == {("indeterminado", reason)}


def test_foreign_home_is_unverified():
    blog = "<!DOCTYPE html><html><head><title>Recetas</title></head><body><p>Cocina fácil.</p></body></html>"
    results = evaluate(blog, municipality="Metepec")
    assert {(r.status, r.reason) for r in results.values()} == {("indeterminado", "identity_unverified")}
    assert evaluate(html("<p>Metepec</p>"), municipality="Metepec")["sitio.disponible"].status == "cumple"


def test_available_home_names_url_and_title():
    result = evaluate(GOOD_HOME)["sitio.disponible"]
    assert result.status == "cumple" and result.evidence.url == HOME and "Ayuntamiento" in result.evidence.text


def test_incomplete_crawl_turns_site_absence_into_unknown_but_not_home_absence():
    results = evaluate(GOOD_HOME, crawl=outcome(truncated=True))
    assert results["canal.correo"].status == "indeterminado" and results["canal.correo"].reason == "crawl_incomplete"
    assert results["canal.telefono"].status == "cumple"  # found evidence stands
    assert results["sitio.buscador"].status == "no_cumple"  # home scope: the home page suffices


def test_failed_page_share_limit():
    assert evaluate(GOOD_HOME, crawl=outcome(pages_ok=8, pages_failed=2))["canal.correo"].status == "no_cumple"
    unknown = evaluate(GOOD_HOME, crawl=outcome(pages_ok=7, pages_failed=3))["canal.correo"]
    assert unknown.status == "indeterminado" and "3 de 10" in unknown.detail


def test_unusable_subpages_count_as_failed():
    challenge = "<html><head><title>Just a moment...</title></head><body></body></html>"
    results = evaluate(GOOD_HOME, challenge, challenge, crawl=outcome(pages_ok=3))
    assert results["canal.correo"].reason == "crawl_incomplete"


@pytest.mark.parametrize(
    ("changes", "expected", "fragment"),
    [
        ({}, "cumple", ""),
        ({"start_url": "http://municipio.gob.mx/", "http_redirects_to_https": True}, "cumple", ""),
        ({"start_url": "http://municipio.gob.mx/", "http_redirects_to_https": False}, "no_cumple", "no redirige"),
        ({"https_valid": False, "https_error": "certificado expirado"}, "no_cumple", "certificado expirado"),
        ({"https_valid": None}, "indeterminado", "No se pudo verificar"),
        ({"home_url": "http://municipio.gob.mx/", "https_valid": None}, "no_cumple", "sin HTTPS"),
        ({"home_url": "http://municipio.gob.mx/", "https_valid": True}, "no_cumple", "no redirige"),
    ],
)
def test_https_rules(changes, expected, fragment):
    result = evaluate(GOOD_HOME, crawl=outcome(**changes))["sitio.https"]
    assert result.status == expected and fragment in (result.detail or "")


@pytest.mark.parametrize(
    ("body", "expected", "reason"),
    [
        ("<p>Publicado el 15 de marzo de 2026</p>", "cumple", None),
        ("<p>Boletín del 1 de enero de 2026</p>", "cumple", None),  # 89 days before the run: inclusive window
        ("<p>Boletín del 31 de diciembre de 2025</p>", "cumple", None),  # exactly 90 days: still recent
        ("<p>Boletín del 30 de diciembre de 2025</p>", "no_cumple", None),
        ("<p>Evento el 20 de abril de 2026; boletín del 2 de febrero de 2025</p>", "no_cumple", None),
        ("<p>© 2026 H. Ayuntamiento. Administración 2025-2027</p>", "indeterminado", "no_dates"),
    ],
)
def test_recent_content(body, expected, reason):
    result = evaluate(html(body))["sitio.actualizacion_reciente"]
    assert (result.status, result.reason) == (expected, reason)
    if expected == "no_cumple":
        assert result.evidence is not None and "2025" in result.evidence.text


def test_recent_content_reads_time_elements_and_meta():
    body = html('<time datetime="2026-03-30">ayer</time>')
    assert evaluate(body)["sitio.actualizacion_reciente"].status == "cumple"
    meta = html("", head='<meta property="article:published_time" content="2026-03-01T08:00:00-06:00">')
    assert evaluate(meta)["sitio.actualizacion_reciente"].status == "cumple"


def test_old_dates_on_an_incomplete_crawl_are_unknown():
    results = evaluate(html("<p>2 de febrero de 2025</p>"), crawl=outcome(truncated=True))
    result = results["sitio.actualizacion_reciente"]
    assert (result.status, result.reason) == ("indeterminado", "crawl_incomplete")


def test_evaluate_pages_defaults_and_missing_home(catalogue):
    results = evaluate_pages([(HOME, GOOD_HOME, 0)], RUN_DATE)
    assert {r.check_id: r for r in results}["sitio.disponible"].status == "cumple"
    assert {r.reason for r in evaluate_pages([], RUN_DATE)} == {"error"}
    no_home = SiteEvaluator(catalogue, RUN_DATE)
    no_home.add_page(HOME + "a", GOOD_HOME, 1)
    assert {r.reason for r in no_home.finish(outcome())} == {"error"}


def test_evaluator_keeps_no_page_content(catalogue):
    evaluator = SiteEvaluator(catalogue, datetime.date(2026, 3, 31))
    big = html("<p>" + "contenido " * 5000 + "</p>")
    evaluator.add_page(HOME, big, 0)
    assert not any(isinstance(v, str) and len(v) > 1000 for v in vars(evaluator).values())
    for check in evaluator.checks:
        assert not any(isinstance(v, str) and len(v) > 1000 for v in vars(check).values())


def test_crawl_outcome_defaults_are_a_complete_crawl():
    crawl = CrawlOutcome(start_url=HOME, home_url=HOME)
    assert evaluate(GOOD_HOME, crawl=crawl)["canal.correo"].status == "no_cumple"


def test_redirect_only_home_is_unknown_and_points_at_the_target(catalogue):
    evaluator = SiteEvaluator(catalogue, RUN_DATE)
    analysis = evaluator.add_page(HOME, "<html><frameset><frame src='/inicio.html'></frameset></html>", 0)
    assert analysis.kind == "redirect" and analysis.refresh == HOME + "inicio.html"
    assert analysis.links[0] == HOME + "inicio.html"
    assert {(r.status, r.reason) for r in evaluator.finish(outcome())} == {("indeterminado", "html_redirect")}


def test_a_redirecting_home_is_replaced_by_its_target() -> None:
    import datetime

    from checks import SiteEvaluator, load_catalogue
    from checks.model import CrawlOutcome

    evaluator = SiteEvaluator(load_catalogue(), datetime.date(2026, 11, 24), "Toluca")
    shell = evaluator.add_page("http://t.mx/", '<meta http-equiv="refresh" content="0; url=/inicio">', 0)
    assert shell.kind == "redirect" and shell.refresh == "http://t.mx/inicio"
    home = evaluator.add_page(
        "http://t.mx/inicio",
        "<html><head><title>H. Ayuntamiento de Toluca</title>"
        '<meta name="viewport" content="width=device-width"></head><body>Ayuntamiento de Toluca</body></html>',
        0,
    )
    assert home.kind == "ok"
    results = {r.check_id: r.status for r in evaluator.finish(CrawlOutcome("http://t.mx/", "http://t.mx/inicio"))}
    assert results["sitio.disponible"] == "cumple" and results["sitio.movil"] == "cumple"
