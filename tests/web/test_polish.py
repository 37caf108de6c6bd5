"""Dashboard polish: every page speaks Spanish to people, charts are readable, filters and formats behave."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from checks.catalogue import load_catalogue
from checks.model import Unread
from checks.obligations import load_obligations
from storage.db import open_database
from storage.page_rows import IpomexResponse
from storage.repository import finish_run, record_site, start_run
from tests.conftest import NewDbUrl
from tests.storage.factories import municipality, report
from web.app import create_app
from web.charts import line_chart
from web.views import fraction_heads, grades_in_order, is_loopback

DENIED = ("complete", "partial", "failed", "status", "true", "false", "None", "Traceback", "no_cumple")
DENIED_CODES = ("crawl_incomplete", "running", "crawl")
PAGES = (
    "/",
    "/?orden=nombre",
    "/municipio/15001",
    "/municipio/15002",
    "/municipio/15003",
    "/verificacion/sitio.disponible",
    "/verificacion/sitio.https",
    "/ipomex",
    "/corridas",
    "/confiabilidad",
    "/no-existe",
    "/?formato=pdf",
)


class _Visible(HTMLParser):
    """Collects the text a person sees: no tags, no attributes, no style or script bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The visible text of an HTML page."""
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def _seed(url: str) -> None:
    """Three municipalities without región (one on a loopback simulator site) and a partial run with unread."""
    towns = [
        dataclasses.replace(municipality("15001", "Acambay", 60_000), region=None, conapo_gm_2020="Muy alto"),
        dataclasses.replace(municipality("15002", "Acolman", 150_000), region=None, sitio_web="http://127.0.0.1:9/"),
        dataclasses.replace(municipality("15003", "Aculco", 50_000), region=None, conapo_gm_2020="Medio"),
    ]
    db = open_database(url)
    for status in ("complete", "partial"):
        run = start_run(db, "crawl", towns, {})
        record_site(db, run, report("15001", {"sitio.disponible": "cumple", "sitio.https": "indeterminado"}))
        record_site(db, run, report("15002", {"sitio.disponible": "no_cumple", "sitio.https": "no_aplica"}))
        unread = [Unread("15003", "Aculco", "sitio", "crawl_incomplete", "se acabó el tiempo de la corrida")]
        finish_run(db, run, status, catalogue=load_catalogue(), unread=unread if status == "partial" else ())
    failed = start_run(db, "demo", towns, {})
    finish_run(db, failed, "failed", "sin conexión", catalogue=load_catalogue())
    db.dispose()


@pytest.fixture
def plain(new_db_url: NewDbUrl) -> Iterator[TestClient]:
    url = new_db_url()
    _seed(url)
    with TestClient(create_app(url, require_login=False)) as test_client:
        yield test_client


@pytest.mark.parametrize("path", PAGES)
def test_pages_show_no_english_or_codes(plain: TestClient, path: str) -> None:
    text = visible_text(plain.get(path).text)
    for word in (*DENIED, *DENIED_CODES):
        assert not re.search(rf"\b{word}\b", text, re.IGNORECASE), f"{path} shows «{word}»"


@pytest.mark.parametrize("path", ["/", "/municipio/15001", "/municipio/15002", "/verificacion/sitio.https"])
def test_pages_of_the_shared_fixture_show_no_english(client: TestClient, path: str) -> None:
    text = visible_text(client.get(path).text)
    assert not [w for w in DENIED if re.search(rf"\b{w}\b", text, re.IGNORECASE)]


def test_the_deny_list_catches_a_code_in_visible_text() -> None:
    page = '<p title="complete">Estado: <b>no_cumple</b></p><style>.status{}</style>'
    assert visible_text(page).split() == ["Estado:", "no_cumple"]


def test_runs_page_says_complete_partial_failed_in_spanish(plain: TestClient) -> None:
    text = visible_text(plain.get("/corridas").text)
    assert {"completa", "parcial", "fallida", "rastreo", "demostración"} <= set(text.split())
    assert "se acabó el tiempo de la corrida" in text
    assert plain.get("/api/corridas").json()["corridas"][0]["estado"] == "failed"


def test_unknown_format_is_400_in_spanish(plain: TestClient) -> None:
    for path in ("/?formato=pdf", "/ipomex?formato=html", "/corridas?formato=json"):
        response = plain.get(path)
        assert response.status_code == 400
        assert "Formatos válidos: csv, xlsx" in response.text
    assert plain.get("/?formato=csv").status_code == 200


def test_region_filter_hidden_without_regions_and_grades_in_degree_order(plain: TestClient) -> None:
    page = plain.get("/").text
    assert 'name="region"' not in page
    assert page.index(">Medio<") < page.index(">Muy alto<")
    assert grades_in_order(["Muy alto", "Bajo", None, "Medio", "Muy bajo", "Alto"]) == [
        "Muy bajo",
        "Bajo",
        "Medio",
        "Alto",
        "Muy alto",
    ]


def test_region_filter_shown_when_regions_exist(client: TestClient) -> None:
    assert 'name="region"' in client.get("/").text


def test_simulated_site_is_text_not_a_link(plain: TestClient) -> None:
    page = plain.get("/municipio/15002").text
    assert "(portal simulado)" in page and 'href="http://127.0.0.1:9/"' not in page
    assert 'href="https://15001.example.gob.mx/"' in plain.get("/municipio/15001").text
    assert [is_loopback(u) for u in ("http://localhost:8000/", "http://[::1]/", "https://toluca.gob.mx/")] == [
        True,
        True,
        False,
    ]


def test_check_chart_colours_statuses_by_class_with_whole_ticks(plain: TestClient) -> None:
    page = plain.get("/verificacion/sitio.disponible").text
    for status in ("cumple", "no_cumple", "indeterminado"):
        assert f'class="serie-{status}"' in page
    ticks = re.findall(r'text-anchor="end" font-size="\d+">([^<]+)<', page)
    assert ticks and all(float(t).is_integer() for t in ticks)
    css = plain.get("/static/vigia.css").text
    assert ".serie-indeterminado { color: var(--indeterminado); }" in css
    assert "--indeterminado: #6e7781" in css


def test_counts_never_get_half_ticks() -> None:
    svg = str(line_chart({"n": [1.0, 3.0]}, ["a", "b"], "t", integer=True))
    assert re.findall(r'text-anchor="end" font-size="\d+">([^<]+)<', svg) == ["0", "2", "4"]


def test_chart_text_is_readable_at_the_narrowest_width() -> None:
    svg = str(line_chart({"n": [1.0, 2.0]}, ["2026-01-01", "2026-02-01"], "t"))
    width = float(re.search(r'viewBox="0 0 (\d+)', svg).group(1))  # type: ignore[union-attr]
    sizes = {float(s) for s in re.findall(r'font-size="(\d+)"', svg)}
    # The CSS never draws a chart narrower than 340 px: text then renders at size × 340 / width pixels.
    assert min(sizes) * 340 / width >= 11


def test_empty_chart_says_sin_datos() -> None:
    svg = str(line_chart({"Total": [None, None]}, ["a", "b"], "t"))
    assert "Sin datos" in svg and "<circle" not in svg


def test_favicon_is_served_and_linked(plain: TestClient) -> None:
    assert plain.get("/static/favicon.svg").headers["content-type"].startswith("image/svg+xml")
    assert 'rel="icon" href="/static/favicon.svg"' in plain.get("/").text


def test_ipomex_heads_cite_fractions_with_their_title() -> None:
    obligations = load_obligations()
    first = obligations.obligations[0]
    page = IpomexResponse(fraction_ids=(first.id, "ipomex.fuera_del_catalogo"), rows=())
    heads = fraction_heads(page, obligations)
    assert heads[first.id] == (first.fraccion, f"Artículo {first.articulo}, fracción {first.fraccion}: {first.titulo}")
    assert "ipomex.fuera_del_catalogo" not in heads


def test_exports_put_the_status_words_beside_each_code(plain: TestClient) -> None:
    import csv
    import io

    for path, code, words in (
        ("/municipio/15002?formato=csv", "no_cumple", "No cumple"),
        ("/verificacion/sitio.disponible?formato=csv", "no_cumple", "No cumple"),
        ("/corridas?formato=csv", "failed", "fallida"),
    ):
        rows = list(csv.DictReader(io.StringIO(plain.get(path).content.decode("utf-8-sig"))))
        assert (code, words) in {(r["Estado"], r["Estado (en palabras)"]) for r in rows}, path
