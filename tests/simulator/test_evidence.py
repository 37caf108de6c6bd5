"""Independent audit: every page the crawl can reach agrees with the ground truth, check by check."""

from __future__ import annotations

import pytest

from simulator import World, build_world
from simulator.catalogue import HOME_CHECKS
from simulator.model import EVALUATED, SimSite
from simulator.truth import crawl_depths, recency, resolve
from tests.simulator.conftest import RUN_DATE
from tests.simulator.evidence_audit import DETECTORS, View, dates_in, frame_sources, merged, read


def page_view(site: SimSite, path: str) -> View:
    """A page as a browser shows it, with the same-site documents of its iframes."""
    body = site.dom(path)
    # A viewer's frame holds a PDF (read by the crawl's document reader, not as a page).
    sources = [src for src in frame_sources(body) if src in site.resources]
    frames = [
        read(site.resources[s].body) for s in sources if (site.resources[s].content_type or "").startswith("text/html")
    ]
    return merged(read(body), frames)


def reachable_views(site: SimSite) -> tuple[str, dict[str, View]]:
    """(home path, views of every HTML page within the crawl's depth, as a browser renders js_only pages)."""
    depths = crawl_depths(site)
    views = {p: page_view(site, p) for p in depths if (site.resources[p].content_type or "").startswith("text/html")}
    return resolve(site, "/") or "/", views


def disagreements(world: World) -> list[str]:
    """Every (site, check) where the auditor's reading contradicts the ground truth."""
    problems = []
    for site in world.sites:
        if site.behaviour not in EVALUATED:
            continue
        truth = world.ground_truth[site.cve_inegi]
        home, views = reachable_views(site)
        for check, detect in DETECTORS.items():
            pages = {home: views[home]} if check in HOME_CHECKS else views
            hits = sorted(p for p, v in pages.items() if detect(v))
            if bool(hits) != (truth[check] == "cumple"):
                problems.append(f"{site.cve_inegi} {check}: verdad {truth[check]}, lectura {hits[:3]}")
        seen = sorted(set().union(*(dates_in(v) for v in views.values())))
        if recency(seen, RUN_DATE) != truth["sitio.actualizacion_reciente"]:
            problems.append(f"{site.cve_inegi} sitio.actualizacion_reciente: fechas leídas {seen[:5]}")
    return problems


def test_pages_agree_with_ground_truth(world: World) -> None:
    assert disagreements(world) == []


@pytest.mark.parametrize("seed", [1, 99])
def test_other_seeds_agree_too(seed: int) -> None:
    assert disagreements(build_world(seed=seed, run_date=RUN_DATE)) == []


def test_dates_seen_are_the_dates_declared(world: World) -> None:
    for site in world.sites:
        if site.behaviour not in EVALUATED:
            continue
        _, views = reachable_views(site)
        declared = {d for p in views for d in site.evidence[p].dates}
        assert set().union(*(dates_in(v) for v in views.values())) == declared, site.cve_inegi


def test_traps_are_present_somewhere(world: World) -> None:
    """Near misses the crawler must reject appear on several sites each."""
    texts = [v for s in world.sites if s.behaviour in EVALUATED for v in reachable_views(s)[1].values()]
    bodies = [r.body for s in world.sites if s.behaviour in EVALUATED for r in s.resources.values()]
    assert sum(b'href="#">Pagos' in b or b'href="#">PAGOS' in b for b in bodies) >= 2
    assert sum(b"sharer.php" in b for b in bodies) >= 5
    assert sum("plan estatal de desarrollo" in v.text or "plan de desarrollo del estado" in v.text for v in texts) >= 2
    assert sum("integrantes del h. ayuntamiento" in v.text for v in texts) >= 5
    assert sum("acude a las cajas" in v.text for v in texts) >= 2
    assert sum(b'name="password"' in b for b in bodies) >= 2
