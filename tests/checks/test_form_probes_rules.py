"""Where a form sends (checks.probes.form_target), how a probe's answer reads, and the accessibility basics."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from checks.a11y import read_accessibility
from checks.catalogue import load_catalogue
from checks.engine import SiteEvaluator
from checks.model import CrawlOutcome
from checks.page import parse_page
from checks.probes import SAFE_METHODS, ProbeAnswer, form_target

PAGE = "https://ejemplo.gob.mx/contacto/"


def _target(form_html: str) -> tuple[str, str]:
    (form,) = parse_page(PAGE, f"<html><body>{form_html}</body></html>").forms
    target = form_target(form, PAGE)
    return target.kind, target.url


@pytest.mark.parametrize(
    ("form_html", "expected"),
    [
        ("<form action='enviar.php' method='post'><textarea></textarea></form>", ("endpoint", PAGE + "enviar.php")),
        ("<form method='post'><textarea></textarea></form>", ("endpoint", PAGE)),
        ("<form action='#'><textarea></textarea></form>", ("nowhere", "")),
        ("<form action='javascript:void(0)'><textarea></textarea></form>", ("nowhere", "")),
        ("<form action='mailto:contacto@ejemplo.gob.mx'><textarea></textarea></form>", ("nowhere", "")),
        (
            "<form action='/enviar' onsubmit=\"alert('Gracias'); return false;\"><textarea></textarea></form>",
            ("nowhere", ""),
        ),
        (
            "<form action='#'><textarea></textarea><button onclick=\"window.alert('Enviado')\">Enviar</button></form>",
            ("nowhere", ""),
        ),
        ("<form action='#' onsubmit='return enviar(this)'><textarea></textarea></form>", ("script", "")),
        ("<form action='#' onsubmit='$.post(\"/api\", datos)'><textarea></textarea></form>", ("script", "")),
    ],
)
def test_where_a_form_sends(form_html: str, expected: tuple[str, str]) -> None:
    assert _target(form_html) == expected


def test_probe_answers_read_as_exists_missing_or_neither() -> None:
    assert SAFE_METHODS == ("HEAD", "OPTIONS", "GET") and "POST" not in SAFE_METHODS
    assert ProbeAnswer(200).exists and ProbeAnswer(302).exists and ProbeAnswer(405).exists
    assert ProbeAnswer(404).missing and ProbeAnswer(410).missing and not ProbeAnswer(404).exists
    for unknown in (ProbeAnswer(500), ProbeAnswer(403), ProbeAnswer(None, "timeout")):
        assert not unknown.exists and not unknown.missing


def _basics(html: str):  # type: ignore[no-untyped-def]
    return read_accessibility(etree.fromstring(html, etree.HTMLParser()))


def test_accessibility_basics_follow_axe_rules_from_html() -> None:
    basics = _basics(
        "<html lang='es-MX'><body><h2>Avisos</h2><img src='a.png' alt=''><img src='b.png'>"
        "<img src='c.png' role='presentation'><img src='d.png' aria-hidden='true'><img alt='sin fuente'>"
        "<label for='q'>Buscar</label><input id='q'><label>Nombre <input name='n'></label>"
        "<input name='c' placeholder='Correo'><input name='t'><input type='hidden' name='h'>"
        "<input type='submit'><select name='s'></select></body></html>"
    )
    # alt="" is a decorative image's alt; presentation and aria-hidden need none; no src is no image.
    assert (basics.lang, basics.images, basics.images_with_alt, basics.headings) == ("es-MX", 2, 1, 1)
    # label for=, a wrapping label and a placeholder name a field; a bare field and a bare select do not.
    assert (basics.controls, basics.controls_labelled) == (5, 3)
    assert _basics("<html lang=''><body><p>x</p></body></html>").lang == ""
    assert _basics("<html lang='español'><body></body></html>").lang == ""


def _form_result(answer: ProbeAnswer | None) -> tuple[str, str | None]:
    """canal.formulario_funcional for a site whose one contact form posts to /enviar.php, probed with answer."""
    evaluator = SiteEvaluator(load_catalogue(), date(2026, 3, 31))
    body = (
        "<h1>H. Ayuntamiento de Ejemplo</h1><form action='/enviar.php'><input name='nombre'>"
        "<input type='email' name='correo'><textarea name='m'></textarea></form>"
    )
    home = "https://ejemplo.gob.mx/"
    evaluator.add_page(home, f"<html lang='es'><head><title>Ayuntamiento de Ejemplo</title></head><body>{body}", 0)
    assert evaluator.probe_urls() == [home + "enviar.php"]
    if answer is not None:
        evaluator.probed(home + "enviar.php", answer)
    (result,) = [
        r
        for r in evaluator.finish(CrawlOutcome(start_url=home, home_url=home, pages_ok=1))
        if r.check_id == "canal.formulario_funcional"
    ]
    return result.status, result.reason


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (ProbeAnswer(200, None, "HEAD"), ("cumple", None)),
        (ProbeAnswer(405, None, "HEAD"), ("cumple", None)),
        (ProbeAnswer(404, None, "GET"), ("no_cumple", None)),
        (ProbeAnswer(503, None, "GET"), ("indeterminado", "http_error")),
        (ProbeAnswer(None, "timeout", "HEAD"), ("indeterminado", "timeout")),
        (ProbeAnswer(None, "sitio_sin_tiempo"), ("indeterminado", "sitio_sin_tiempo")),
        (None, ("indeterminado", "crawl_incomplete")),
    ],
)
def test_a_form_endpoint_verdict_follows_its_probe(
    answer: ProbeAnswer | None, expected: tuple[str, str | None]
) -> None:
    assert _form_result(answer) == expected
