"""The simulated IPOMEX: assignment, registry, both generations served as the truth says, captcha and gaps."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, timedelta
from urllib.parse import urljoin

import httpx
import lxml.html

from core.text import fold
from simulator import FarmServer, World
from simulator.ipomex_model import COLUMNS, HEADERS, IpomexSite
from tests.simulator.conftest import RUN_DATE
from tests.simulator.ipomex_client import DUE_END, fetch_all, fraction_id, judge_ipomex3, judge_ipomex4, label_id

# Fixed by seed 2026 (documented in simulator/README.md).
EXPECTED = {
    ("none", "none"): {"15030", "15071", "15074"},
    ("ipomex3", "captcha"): {"15039", "15063"},
    ("ipomex3", "timeout"): {"15087"},
    ("ipomex3", "missing_fractions"): {"15006", "15064"},
    ("ipomex4", "captcha"): {"15011", "15053", "15090"},
    ("ipomex4", "timeout"): {"15094", "15109"},
    ("ipomex4", "missing_fractions"): {"15038", "15066", "15115"},
}
READABLE = ("normal", "missing_fractions")
DMY = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def portals(world: World, generation: str, *behaviours: str) -> list[tuple[str, IpomexSite]]:
    """(clave, portal) of the municipalities on one generation with one of the behaviours."""
    return [
        (s.cve_inegi, p)
        for s in world.sites
        if (p := world.ipomex(s.cve_inegi)).generation == generation and p.behaviour in behaviours
    ]


def test_generations_and_behaviours_are_fixed(world: World) -> None:
    found: dict[tuple[str, str], set[str]] = {}
    for cve, key in world.ipomex_behaviours().items():
        found.setdefault(key, set()).add(cve)
    assert {k: v for k, v in found.items() if k[1] != "normal"} == EXPECTED
    assert len(found[("ipomex3", "normal")]) == 15 and len(found[("ipomex4", "normal")]) == 90
    assert found[("ipomex_legado", "normal")] == {"15021", "15070", "15104", "15121"}


def test_registry_points_at_the_simulated_ipomex(world: World, farm: FarmServer) -> None:
    assert farm.ipomex_base.startswith("http://127.0.0.1:") and farm.ipomex4_url == farm.ipomex_base + "/ipomex/"
    rows = {m.cve_inegi: m for m in farm.registry()}
    for cve, portal in ((s.cve_inegi, world.ipomex(s.cve_inegi)) for s in world.sites):
        row = rows[cve]
        if portal.generation == "ipomex3":
            assert row.ipomex_url == f"{farm.ipomex_base}/ipo3/lgt/indice/{portal.ipo3_id}.web"
            assert row.ipomex4_id is None
        elif portal.generation == "ipomex_legado":
            assert row.ipomex_url == f"{farm.ipomex_base}/ipo/lgt/indice/{portal.legacy_id}.web"
            assert row.ipomex4_id is None
        elif portal.generation == "ipomex4":
            assert row.ipomex_url is None and row.ipomex4_id == portal.ipo4_id
        else:
            assert row.ipomex_url is None and row.ipomex4_id is None
    ids = [m.ipomex4_id for m in rows.values() if m.ipomex4_id is not None]
    assert len(ids) == len(set(ids)) == 98
    assert {p.ipo3_id for _, p in portals(world, "ipomex3", *READABLE, "captcha", "timeout")} >= {
        "ELORO",
        "APAXCO",
        "SanAntonioLaIsla",
    }


def test_unreadable_municipalities_are_indeterminate(world: World) -> None:
    fractions = world.ipomex_fraction_ids()
    for (_, behaviour), claves in EXPECTED.items():
        for cve in claves:
            statuses = {world.ground_truth[cve][f] for f in fractions}
            if behaviour == "missing_fractions":
                missing = [f.id for f in world.ipomex(cve).fractions if not f.listed]
                assert 2 <= len(missing) <= 5
                assert {world.ground_truth[cve][f] for f in missing} == {"indeterminado"}
            else:
                assert statuses == {"indeterminado"}


def test_truth_distribution_and_dates_far_from_the_boundaries(world: World) -> None:
    states: Counter[str] = Counter()
    for site in world.sites:
        portal = world.ipomex(site.cve_inegi)
        if portal.behaviour not in READABLE:
            continue
        for f in portal.fractions:
            states[f.state] += 1
            newest = f.newest_update
            if f.state == "complete":
                assert newest is not None and DUE_END + timedelta(days=5) <= newest <= DUE_END + timedelta(days=20)
                assert any(r.termino == DUE_END for r in f.records)
            elif f.state == "stale":
                assert newest is not None and newest <= RUN_DATE - timedelta(days=200)
            else:
                assert f.records == ()
    total = sum(states.values())
    assert 0.05 <= states["no_aplica"] / total <= 0.10
    assert 20 <= states["error"] <= 0.03 * total
    assert states["complete"] > states["stale"] > states["empty"] > states["error"]
    overall = Counter(world.ground_truth[c][f] for c in world.ground_truth for f in world.ipomex_fraction_ids())
    assert set(overall) == {"cumple", "no_cumple", "no_aplica", "indeterminado"}


def read_index(url: str) -> tuple[lxml.html.HtmlElement, dict[str, str]]:
    """The index page and fraction id → absolute shell URL, mapped by the roman numeral in the link text."""
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content)
    links: dict[str, str] = {}
    for anchor in tree.xpath("//ul[@class='fracciones']//a"):
        fid = fraction_id(anchor.text_content())
        assert fid is not None and fid not in links, anchor.text_content()
        links[fid] = urljoin(url, anchor.get("href"))
    return tree, links


def shell_source(url: str, body: bytes) -> str:
    """Check a fraction shell carries no records, and return the absolute URL of its data."""
    tree = lxml.html.fromstring(body)
    assert not tree.xpath("//table") and not DMY.search(tree.text_content())
    holder = tree.xpath("//div[@id='registros']")[0]
    assert [c.get("class") for c in holder] == ["cargando"]
    script = tree.xpath("//script[@src='/ipo3/static/fraccion.js']")[0]
    return urljoin(url, script.get("data-fuente") or holder.get("data-fuente"))


def test_ipomex3_index_shells_and_data_match_the_truth(world: World, farm: FarmServer) -> None:
    rows = {m.cve_inegi: m for m in farm.registry()}
    hrefs, labels, orders = Counter[str](), set[str](), set[tuple[str, ...]]()
    for cve, portal in portals(world, "ipomex3", *READABLE):
        tree, links = read_index(rows[cve].ipomex_url or "")
        assert tree.findtext(".//h1") == portal.nombre and portal.nombre in (tree.findtext(".//title") or "")
        assert set(links) == {f.id for f in portal.fractions if f.listed}
        assert all(url.startswith(farm.ipomex_base + "/ipo3/lgt/indice/") for url in links.values())
        hrefs.update(str(a.get("href"))[:4] for a in tree.xpath("//ul[@class='fracciones']//a"))
        labels.update(fold(a.text_content()).split(".")[0] for a in tree.xpath("//ul[@class='fracciones']//a"))
        shells = fetch_all(links.values())
        sources = {fid: shell_source(url, shells[url][1]) for fid, url in links.items()}
        assert {status for status, _ in shells.values()} == {200}
        data = fetch_all(sources.values())
        for fid, source in sources.items():
            status, body = data[source]
            document = json.loads(body) if status == 200 else None
            assert judge_ipomex3(status, document) == world.ground_truth[cve][fid], (cve, fid)
            if document is not None:
                orders.add(tuple(document["columnas"]))
                assert sorted(document["columnas"]) == sorted(COLUMNS)
    assert {"http", "/ipo", *(h for h in hrefs if not h.startswith(("http", "/")))} <= set(hrefs)
    assert {"fraccion ii a", "fraccion ii-a"} <= labels and len(orders) >= 3 and COLUMNS in orders


def test_ipomex3_irregular_slugs_and_case_of_ids(world: World, farm: FarmServer) -> None:
    slugs = {f.slug for _, p in portals(world, "ipomex3", *READABLE) for f in p.fractions if f.listed}
    assert {"organigramas.web", "art_92_ix_v.web", "art_92_xlv_a.web", "art_92_l.web"} <= slugs
    tree = lxml.html.fromstring(httpx.get(f"{farm.ipomex_base}/ipo3/lgt/indice/apaxco.web", timeout=10).content)
    assert tree.findtext(".//h1") == "H. Ayuntamiento de Apaxco"  # ids are matched case-insensitively


def test_ipomex4_api_matches_the_truth(world: World, farm: FarmServer) -> None:
    api = f"{farm.ipomex_base}/ipomex/api/v1/sujetos"
    chosen = portals(world, "ipomex4", *READABLE)
    listing = json.loads(httpx.get(api, timeout=10).content)["sujetos"]
    assert len(listing) == 98 and all(set(s) == {"id", "nombre"} for s in listing)
    lists = fetch_all(f"{api}/{p.ipo4_id}/obligaciones" for _, p in chosen)
    records: dict[str, tuple[str, str, bool]] = {}
    for cve, portal in chosen:
        status, body = lists[f"{api}/{portal.ipo4_id}/obligaciones"]
        document = json.loads(body)
        assert status == 200 and document["sujeto"] == {"id": portal.ipo4_id, "nombre": portal.nombre}
        ids = {label_id(o["fraccion"]): o for o in document["obligaciones"]}
        assert set(ids) == {f.id for f in portal.fractions if f.listed}
        for fid, o in ids.items():
            assert o["articulo"] == "92" and o["aplica"] == (o["justificacion"] is None)
            # The simulated list's assumption: each entry dates its newest record (null: no records).
            newest = portal.fraction(fid).newest_update
            assert o["fecha_actualizacion"] == (newest.isoformat() if newest else None)
            records[f"{api}/{portal.ipo4_id}/obligaciones/{o['id']}/registros"] = (cve, fid, o["aplica"])
    fetched = fetch_all(records)
    for url, (cve, fid, aplica) in records.items():
        status, body = fetched[url]
        document = json.loads(body) if status == 200 else None
        assert judge_ipomex4(status, aplica, document) == world.ground_truth[cve][fid], (cve, fid)


def test_ipomex4_spa_shell_has_no_data(farm: FarmServer) -> None:
    shell = httpx.get(farm.ipomex4_url, timeout=10)
    assert shell.status_code == 200 and '<div id="app"></div>' in shell.text
    assert '<script src="/ipomex/app.js">' in shell.text and "Ayuntamiento" not in shell.text
    script = httpx.get(farm.ipomex_base + "/ipomex/app.js", timeout=10)
    assert script.headers["content-type"].startswith("application/javascript") and "#/obligaciones/" in script.text
    assert httpx.get(farm.ipomex_base + "/ipomex", timeout=10).headers["location"] == "/ipomex/"


def test_captcha_gates(world: World, farm: FarmServer) -> None:
    rows = {m.cve_inegi: m for m in farm.registry()}
    for cve in EXPECTED[("ipomex3", "captcha")]:
        page = httpx.get(rows[cve].ipomex_url or "", timeout=10)
        assert page.status_code == 200 and 'class="g-recaptcha" data-sitekey="6Lc' in page.text
        assert "Verifique que no es un robot" in page.text and "fracciones" not in page.text
        data = f"{farm.ipomex_base}/ipo3/lgt/datos/{world.ipomex(cve).ipo3_id}/art_92_i.json"
        assert httpx.get(data, timeout=10).status_code == 403
    api = f"{farm.ipomex_base}/ipomex/api/v1/sujetos"
    for cve in EXPECTED[("ipomex4", "captcha")]:
        portal = world.ipomex(cve)
        assert httpx.get(f"{api}/{portal.ipo4_id}", timeout=10).json()["nombre"] == portal.nombre
        gated = httpx.get(f"{api}/{portal.ipo4_id}/obligaciones", timeout=10)
        assert gated.status_code == 403 and gated.json()["error"] == "captcha"
        records = f"{api}/{portal.ipo4_id}/obligaciones/{portal.fractions[0].obl_id}/registros"
        assert httpx.get(records, timeout=10).status_code == 403


def test_unlisted_fractions_are_not_served(world: World, farm: FarmServer) -> None:
    api = f"{farm.ipomex_base}/ipomex/api/v1/sujetos"
    for generation in ("ipomex3", "ipomex4"):
        for _, portal in portals(world, generation, "missing_fractions"):
            for f in (f for f in portal.fractions if not f.listed):
                url = (
                    f"{farm.ipomex_base}/ipo3/lgt/indice/{portal.ipo3_id}/{f.slug}"
                    if generation == "ipomex3"
                    else f"{api}/{portal.ipo4_id}/obligaciones/{f.obl_id}/registros"
                )
                assert httpx.get(url, timeout=10).status_code == 404


def test_documents_are_served(world: World, farm: FarmServer) -> None:
    path = next(
        d.path
        for _, p in portals(world, "ipomex4", "normal")
        for f in p.fractions
        for r in f.records
        for d in r.documentos
    )
    assert re.fullmatch(r"/recursos/ipo/files_ipo/\d{4}/\d+/\d+/[0-9a-f]{32}\.pdf", path)
    response = httpx.get(farm.ipomex_base + path, timeout=10)
    assert response.headers["content-type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_headers_cover_every_column() -> None:
    assert list(HEADERS) == list(COLUMNS) and HEADERS["fecha_actualizacion"] == "Fecha de actualización"
    assert date(2026, 9, 30) == DUE_END
