"""With Chromium: the IPOMEX 3 table, the IPOMEX 4 list and a JavaScript-only site render as specified."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from simulator import FarmServer, World
from simulator.ipomex_model import HEADERS

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    """One Chromium page, or a clean skip when no browser is available."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium no está instalado en /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        except Exception as exc:  # a browser that cannot start is an environment problem, not a failure
            pytest.skip(f"Chromium no arrancó: {exc}")
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_ipomex3_fraction_renders_its_table(world: World, farm: FarmServer, page: Any) -> None:
    cve, portal = next(
        (s.cve_inegi, p)
        for s in world.sites
        if (p := world.ipomex(s.cve_inegi)).generation == "ipomex3"
        and p.behaviour == "normal"
        and p.columns != tuple(HEADERS)
    )
    rows = {m.cve_inegi: m for m in farm.registry()}
    page.goto(rows[cve].ipomex_url)
    fraction = next(f for f in portal.fractions if f.state == "complete")
    page.click(f"ul.fracciones a:has-text('{fraction.titulo}')")
    page.wait_for_selector("#registros[data-estado='listo'] table.registros")
    headers = page.locator("table.registros thead th").all_inner_texts()
    assert headers == [HEADERS[c] for c in portal.columns]
    assert page.locator("table.registros tbody tr").count() == len(fraction.records)
    empty = next(f for f in portal.fractions if f.state in ("empty", "no_aplica", "error"))
    page.goto(f"{farm.ipomex_base}/ipo3/lgt/indice/{portal.ipo3_id}/{empty.slug}")
    selector = {"empty": "div.sin-registros", "no_aplica": "div.no-aplica", "error": "div.error"}[empty.state]
    page.wait_for_selector(f"#registros[data-estado] {selector}")


def test_ipomex4_lists_obligations_and_records(world: World, farm: FarmServer, page: Any) -> None:
    portal = next(
        p for s in world.sites if (p := world.ipomex(s.cve_inegi)).generation == "ipomex4" and p.behaviour == "normal"
    )
    page.goto(f"{farm.ipomex4_url}#/obligaciones/{portal.ipo4_id}")
    page.wait_for_selector("#app[data-estado='listo'] ul.obligaciones")
    assert page.inner_text("h1.sujeto") == portal.nombre
    assert page.locator("li.obligacion").count() == 87
    fraction = next(f for f in portal.fractions if f.state == "complete")
    page.click(f"li.obligacion[data-id='{fraction.obl_id}'] a")
    page.wait_for_selector("#app[data-estado='listo'] table.registros")
    assert page.locator("table.registros tbody tr").count() == len(fraction.records)
    gated = next(
        p for s in world.sites if (p := world.ipomex(s.cve_inegi)).behaviour == "captcha" and p.generation == "ipomex4"
    )
    page.goto(f"{farm.ipomex4_url}#/obligaciones/{gated.ipo4_id}")
    page.wait_for_selector("#app[data-estado='captcha'] .g-recaptcha", state="attached")


def test_js_only_site_renders_its_content(world: World, farm: FarmServer, page: Any) -> None:
    site = next(s for s in world.sites if s.behaviour == "js_only")
    page.goto(farm.url_for(site.cve_inegi))
    page.wait_for_selector("#root[data-estado='listo']")
    assert page.locator("#root a").count() > 5


@pytest.mark.parametrize("option", ["document_write", "arreglo"])
def test_script_written_menu_renders_the_declared_dom(world: World, farm: FarmServer, page: Any, option: str) -> None:
    """The DOM the truth reads for a script-written menu is the one Chromium builds."""
    site = next(s for s in world.sites if dict(s.variants).get("menu.javascript") == option)
    page.goto(farm.url_for(site.cve_inegi))
    page.wait_for_load_state("load")
    shown = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    declared = lxml.html.fromstring(site.dom(site.home_path)).xpath("//a/@href")
    assert sorted(shown) == sorted(str(h) for h in declared)
