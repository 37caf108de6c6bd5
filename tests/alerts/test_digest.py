"""The digest e-mail: Spanish counting subject, labels, local dates, grouping, and inert scraped text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alerts.digest import check_label, clean, local_date, render_digest, safe_link, summary
from alerts.model import AlertEvent, Digest
from checks.catalogue import load_catalogue
from checks.obligations import load_obligations


def event(**changes: Any) -> AlertEvent:
    values: dict[str, Any] = dict(
        run_id=42,
        cve_inegi="15106",
        municipio="Toluca",
        check_id="sitio.aviso_privacidad",
        kind="regresion",
        evidence_url="https://www.toluca.gob.mx/aviso",
        evidence_text="Aviso de privacidad",
        last_cumple_at=datetime(2025, 3, 2, 3, 0, tzinfo=UTC),
    )
    values.update(changes)
    return AlertEvent(**values)


def digest(*events: AlertEvent) -> Digest:
    return Digest(42, "a@example.org", "Auditores", list(events))


def test_subject_counts_kinds_in_spanish() -> None:
    events = [
        event(),
        event(check_id="sitio.buscador"),
        event(cve_inegi="15001", municipio="Acambay"),
        event(kind="recuperacion", check_id="sitio.https"),
    ]
    mail = render_digest(digest(*events))
    assert mail.subject == "Vigía: 3 regresiones y 1 recuperación en portales municipales (corrida 42)"
    assert (
        summary([event(kind="sitio_caido"), event(kind="sitio_caido"), event(kind="sitio_recuperado"), event()])
        == "1 regresión, 2 sitios caídos y 1 sitio recuperado"
    )
    assert summary([]) == "sin cambios"


def test_labels_come_from_the_catalogue_and_the_obligations() -> None:
    assert check_label("sitio.aviso_privacidad") == load_catalogue().get("sitio.aviso_privacidad").label
    obligation = load_obligations().get("ipomex.92.i")
    assert obligation.titulo in check_label("ipomex.92.i")
    assert check_label("no.existe") == "no.existe"


def test_last_compliance_date_is_local_day_month_year() -> None:
    # 03:00 UTC on 2 March is still 1 March in Mexico City (UTC-6, no daylight saving since 2022).
    assert local_date(datetime(2025, 3, 2, 3, 0, tzinfo=UTC)) == "01/03/2025"
    assert local_date(datetime(2025, 7, 2, 3, 0)) == "01/07/2025"
    assert local_date(None) == "sin registro"
    mail = render_digest(digest(event()))
    assert "Cumplió por última vez: 01/03/2025" in mail.text
    assert mail.html is not None and "01/03/2025" in mail.html


def test_grouped_by_municipality_with_kind_label_and_evidence() -> None:
    events = [
        event(),
        event(
            cve_inegi="15001",
            municipio="Acambay",
            kind="sitio_caido",
            check_id="sitio.disponible",
            evidence_url="http://acambay.gob.mx/",
            evidence_text=None,
            last_cumple_at=None,
        ),
        event(check_id="ipomex.92.i", kind="recuperacion"),
    ]
    mail = render_digest(digest(*events))
    text = mail.text
    assert text.index("Acambay (15001)") < text.index("Toluca (15106)")
    assert "- Sitio caído: Sitio oficial disponible" in text
    assert "- Regresión: Aviso de privacidad publicado" in text
    assert "- Recuperación: IPOMEX" in text
    assert text.index("- Regresión") < text.index("- Recuperación")
    assert "Evidencia: http://acambay.gob.mx/" in text
    assert mail.html is not None
    assert '<a href="https://www.toluca.gob.mx/aviso">' in mail.html
    assert text.startswith("Hola Auditores:")


def test_scraped_values_are_escaped_and_links_only_http() -> None:
    hostile = event(
        evidence_url='https://x.gob.mx/"><script>alert(1)</script>',
        evidence_text='<img src=x onerror=alert(1)> {{7*7}} =HYPERLINK("http://mal")',
        municipio="<i>Toluca</i>",
        detail="javascript:alert(1)",
    )
    data = event(evidence_url="javascript:alert(document.cookie)", check_id="sitio.buscador")
    mail = render_digest(digest(hostile, data))
    html = mail.html or ""
    assert "<script" not in html and "<img" not in html and "<i>" not in html
    assert 'href="javascript:' not in html.lower()
    assert "javascript:alert(document.cookie)" in html  # shown as text, not as a link
    assert "{{7*7}}" in html and "{{7*7}}" in mail.text
    assert "&lt;img src=x" in html


def test_html_is_self_contained() -> None:
    html = render_digest(digest(event())).html or ""
    for external in ("<img", "<link", "<script", "src=", "@import", "url("):
        assert external not in html
    assert html.startswith("<!DOCTYPE html>") and 'lang="es"' in html


def test_safe_link_and_clean() -> None:
    assert safe_link("https://a.gob.mx/x?y=1") == "https://a.gob.mx/x?y=1"
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,hi",
        "file:///etc/passwd",
        "https:///sin-host",
        "http://a.gob.mx/\nx",
        "http://a b",
        None,
        "",
    ):
        assert safe_link(bad) is None
    assert clean("línea\nnueva\u202etexto") == "línea nueva texto"
    assert len(clean("x" * 1000)) == 300
