"""JavaScript-only sites: served pages are empty shells; the content comes from JSON through the site's script."""

from __future__ import annotations

import json
from urllib.parse import urljoin

import httpx
import lxml.html

from simulator import FarmServer, World
from tests.simulator.evidence_audit import email, phone, read

JS_ONLY = ("15017", "15084")
NOSCRIPT = "Habilite JavaScript para ver este sitio"


def test_every_page_is_an_empty_shell(world: World) -> None:
    assert sorted(c for c, b in world.behaviours().items() if b == "js_only") == list(JS_ONLY)
    for cve in JS_ONLY:
        site = world.site(cve)
        pages = [
            p
            for p, r in site.resources.items()
            if r.location is None and (r.content_type or "").startswith("text/html")
        ]
        assert len(pages) == len(site.evidence) >= 10
        for path in pages:
            tree = lxml.html.fromstring(site.resources[path].body)
            body = tree.find("body")
            assert body is not None and not body.xpath(".//a") and not body.xpath(".//form")
            assert " ".join(body.text_content().split()) == NOSCRIPT
            assert tree.xpath("//div[@id='root']")[0].get("data-fuente", "").startswith("/_app/datos/")
            assert tree.xpath("//script/@src")[-1:] == ["/_app/sitio.js"]


def test_rendered_pages_have_the_content(world: World) -> None:
    for cve in JS_ONLY:
        site = world.site(cve)
        truth = world.ground_truth[cve]
        assert truth["sitio.disponible"] == "cumple" and "cumple" in {truth[c] for c in truth if c != "sitio.https"}
        home = site.dom(site.home_path)
        view = read(home)
        assert view.links and (phone(view) or email(view) or truth["canal.telefono"] == "no_cumple")
        assert not read(site.resources[site.home_path].body).links


def test_served_shell_script_and_data(world: World, farm: FarmServer) -> None:
    for cve in JS_ONLY:
        site = world.site(cve)
        home = httpx.get(farm.url_for(cve), timeout=10, follow_redirects=True)
        assert home.status_code == 200 and NOSCRIPT in home.text and "<a " not in home.text.split("<body", 1)[1]
        source = lxml.html.fromstring(home.content).xpath("//div[@id='root']/@data-fuente")[0]
        data = httpx.get(urljoin(str(home.url), source), timeout=10)
        content = json.loads(data.content)["contenido"]
        assert data.status_code == 200 and "<a " in content
        assert content in site.dom(site.home_path).decode("utf-8")
        script = httpx.get(farm.url_for(cve) + "_app/sitio.js", timeout=10)
        assert script.status_code == 200 and "innerHTML" in script.text
