"""IPOMEX adapters: label and date parsing, index links, rendered tables and API data, without a browser."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from scrapy.http import HtmlResponse

from checks.ipomex_model import IpomexCapture
from config.registry import Municipality
from spiders.ipomex import ipomex3, ipomex4
from spiders.ipomex.base import Budget, IpomexTarget, fraction_label, parse_date, targets_for


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Fracción I. Normatividad aplicable", "I"),
        ("FRACCIÓN II A Estructura", "II A"),
        ("Fraccion II-A", "II A"),
        ("Art. 92 Fracción XLVIII b.", "XLVIII B"),
        ("fraccion ix_v", "IX V"),
        ("Fracción L Actas", "L"),
        ("Inicio", None),
        ("Fraccionamiento Las Flores", None),
    ],
)
def test_fraction_labels(text: str, label: str | None) -> None:
    assert fraction_label(text) == label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/10/2026", date(2026, 10, 15)),
        ("2026-10-15", date(2026, 10, 15)),
        ("31/02/2026", None),
        ("", None),
        (None, None),
        ("s/f", None),
    ],
)
def test_dates(text: str | None, expected: date | None) -> None:
    assert parse_date(text) == expected


def _municipality(cve: str, url: str | None, ipomex4: int | None) -> Municipality:
    return Municipality(cve, "X", "X", 1, None, "Bajo", None, None, "desconocido", url, ipomex4)


def test_targets_prefer_ipomex4_and_never_guess() -> None:
    items = targets_for(
        [
            _municipality("15054", "https://www.ipomex.org.mx/ipo3/lgt/indice/METEPEC.web", 146),
            _municipality("15013", "https://www.ipomex.org.mx/ipo3/lgt/indice/x.web", None),
            _municipality("15001", None, None),
        ],
        "https://infoem2.ipomex.org.mx/ipomex/",
    )
    assert items[0] == IpomexTarget("15054", "X", "ipomex4", "https://infoem2.ipomex.org.mx/ipomex/#/obligaciones/146")
    assert isinstance(items[1], IpomexTarget) and items[1].source == "ipomex3"
    assert isinstance(items[2], Municipality)


def test_index_links_follow_link_text_not_slugs() -> None:
    html = b"""<ul><li><a href="/ipo3/lgt/indice/X/organigramas.web">Fracci\xc3\xb3n II A. Estructura</a></li>
    <li><a href="art_92_i.web">FRACCI\xc3\x93N I. Normatividad</a></li><li><a href="#">Fracci\xc3\xb3n III</a></li>
    <li><a href="/ayuda.web">Ayuda</a></li></ul>"""
    response = HtmlResponse("http://ipomex.test/ipo3/lgt/indice/X.web", body=html, encoding="utf-8")
    assert list(ipomex3.index_links(response)) == [
        ("II A", "http://ipomex.test/ipo3/lgt/indice/X/organigramas.web"),
        ("I", "http://ipomex.test/ipo3/lgt/indice/art_92_i.web"),
    ]


def test_captcha_gate_is_recognised() -> None:
    assert ipomex3.is_captcha('<div class="g-recaptcha" data-sitekey="x"></div>Verifique que no es un robot')
    assert not ipomex3.is_captcha("<a href='x'>Fracción I</a>")


TABLE = """<div id="registros"><table class="registros"><thead><tr><th>Fecha de actualización</th>
<th>Ejercicio</th><th>Fecha de inicio del periodo que se informa</th>
<th>Fecha de término del periodo que se informa</th>
<th>Fecha de validación</th><th>Área(s) responsable(s)</th><th>Nota</th><th>Documentos</th></tr></thead><tbody>
<tr><td>15/10/2026</td><td>2026</td><td>01/07/2026</td><td>30/09/2026</td><td>16/10/2026</td><td>Tesorería</td>
<td></td><td><a href="/a.pdf">a</a><a href="/b.pdf">b</a></td></tr></tbody></table></div>"""


def test_rendered_records_table_is_read_by_header_names() -> None:
    page = ipomex3.read_fraction(TABLE, "http://x/f", "92", "I")
    assert page.state == "records" and len(page.records) == 1
    record = page.records[0]
    assert (record.fecha_actualizacion, record.periodo_fin, record.documentos) == (
        date(2026, 10, 15),
        date(2026, 9, 30),
        2,
    )
    assert record.area == "Tesorería" and record.ejercicio == "2026"


@pytest.mark.parametrize(
    ("html", "state"),
    [
        ('<div class="sin-registros">No se ha registrado información.</div>', "empty"),
        ('<div class="no-aplica"><strong>No aplica</strong> <p>No genera esa información.</p></div>', "no_aplica"),
        ('<div class="error">Ocurrió un error</div>', "error"),
        ('<p class="cargando">Cargando…</p>', "error"),
    ],
)
def test_rendered_states(html: str, state: str) -> None:
    page = ipomex3.read_fraction(html, "http://x/f", "92", "I")
    assert page.state == state
    if state == "no_aplica":
        assert page.justification == "No genera esa información."


def test_ipomex4_api_data_becomes_fraction_pages() -> None:
    from datetime import datetime

    capture = IpomexCapture("15054", "ipomex4", "u", datetime.now(UTC))
    base = "http://x/ipomex/api/v1/sujetos/146/obligaciones"
    listing = {
        "obligaciones": [
            {"id": "a1", "articulo": "92", "fraccion": "I", "aplica": True},
            {"id": "a2", "articulo": "92", "fraccion": "II A", "aplica": False, "justificacion": "No aplica porque…"},
            {"id": "a3", "articulo": "92", "fraccion": "II B", "aplica": True},
            {"id": "a4", "articulo": "92", "fraccion": "III", "aplica": True},
        ]
    }
    records = {
        f"{base}/a1/registros": {
            "status": 200,
            "body": {"registros": [{"ejercicio": 2026, "fecha_actualizacion": "2026-10-15", "documentos": [{}]}]},
        },
        f"{base}/a3/registros": {"status": 200, "body": {"registros": []}},
        f"{base}/a4/registros": {"status": 500, "body": None},
    }
    ipomex4.fill_capture(capture, {"list_url": base, "listing": listing, "records": records}, "http://x/#/o/146")
    states = {(p.fraccion, p.state) for p in capture.fractions}
    assert states == {("I", "records"), ("II A", "no_aplica"), ("II B", "empty"), ("III", "error")}
    assert capture.fractions[0].records[0].fecha_actualizacion == date(2026, 10, 15)


def test_ipomex4_captcha_is_a_failure_not_an_absence() -> None:
    from datetime import datetime

    capture = IpomexCapture("15054", "ipomex4", "u", datetime.now(UTC))
    ipomex4.fill_capture(capture, {"captcha": True}, "u")
    assert capture.failure == "captcha" and capture.fractions == []


def test_ipomex4_out_of_budget_is_its_own_reason_in_spanish() -> None:
    from datetime import datetime

    capture = IpomexCapture("15054", "ipomex4", "u", datetime.now(UTC))
    ipomex4.fill_capture(capture, {"sin_tiempo": True}, "u")
    assert capture.failure == "ipomex_sin_tiempo" and capture.fractions == []
    assert capture.failure_detail is not None and "agotó el tiempo" in capture.failure_detail


def test_a_portal_budget_counts_from_its_first_use_and_caps_browser_waits() -> None:
    now = [100.0]
    budget = Budget(10.0, clock=lambda: now[0])
    now[0] = 150.0  # waiting for a free browser page does not count
    assert budget.remaining() == 10.0 and budget.cap_ms(30_000) == 10_000
    now[0] = 158.0
    assert budget.cap_ms(30_000) == pytest.approx(2_000) and not budget.spent()
    now[0] = 161.0
    assert budget.remaining() == 0.0 and budget.spent() and budget.cap_ms(30_000) == 1.0
