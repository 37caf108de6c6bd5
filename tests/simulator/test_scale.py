"""Scale support: synthetic registries beyond the 125, padded sites with unchanged truth, big farms."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import httpx
import pytest

from config.registry import Municipality, load_registry
from core.text import fold
from simulator import FarmServer, World, build_world
from simulator.ipomex_model import IPOMEX4, NO_IPOMEX
from simulator.ipomex_model import NORMAL as IPOMEX_NORMAL
from simulator.jsonly import data_path
from simulator.model import EVALUATED, NORMAL, SimSite
from simulator.scale import FIRST_SYNTHETIC_CVE, synthetic_registry
from simulator.truth import MAX_PAGES, crawl_depths, resolve
from tests.simulator.conftest import RUN_DATE
from tests.simulator.test_evidence import disagreements

PAGES = 40
# Every special behaviour of seed 2026 (js_only, cp1252, slow, robots...), ordinary sites and synthetic clones.
SAMPLE = (
    "15001",
    "15017",
    "15050",
    "15063",
    "15070",
    "15083",
    "15084",
    "15089",
    "15106",
    "15115",
    "15123",
    "15033",
    "15058",
    "15104",
    "15121",
)


def sample_registry(synthetic: int = 6) -> list[Municipality]:
    """The sample's real rows plus the first few synthetic ones."""
    rows = synthetic_registry(125 + synthetic)
    return [m for m in rows if m.cve_inegi in SAMPLE] + rows[125:]


def html_reachable(site: SimSite) -> int:
    """HTML pages an ideal crawl (depth ≤ 2 from the home) reaches."""
    return sum(1 for p in crawl_depths(site) if (site.resources[p].content_type or "").startswith("text/html"))


@pytest.fixture(scope="module")
def worlds() -> tuple[World, World]:
    """The sample built without and with padding."""
    rows = sample_registry()
    return build_world(2026, RUN_DATE, rows), build_world(2026, RUN_DATE, rows, pages_per_site=PAGES)


def test_registry_keeps_the_real_rows_first() -> None:
    real = load_registry()
    assert synthetic_registry(125) == real
    assert synthetic_registry(10) == real[:10]
    rows = synthetic_registry(500)
    assert rows[:125] == real and len(rows) == 500


def test_synthetic_rows_are_distinct_clones() -> None:
    real = load_registry()
    rows = synthetic_registry(2469)
    assert [m.cve_inegi for m in rows[125:128]] == ["20001", "20002", "20003"]
    assert len({m.cve_inegi for m in rows}) == len({fold(m.nombre) for m in rows}) == 2469
    # IPOMEX 3 ids are the name without spaces or accents: they must stay distinct too.
    assert len({re.sub(r"[^a-z0-9]", "", fold(m.nombre)) for m in rows}) == 2469
    for n, m in enumerate(rows[125:]):
        source = real[n % 125]
        assert int(m.cve_inegi) == FIRST_SYNTHETIC_CVE + n and m.nombre.startswith(source.nombre)
        assert not any(c.isdigit() for c in m.nombre)
        assert (m.poblacion_2020, m.conapo_im_2020, m.conapo_gm_2020) == (
            source.poblacion_2020,
            source.conapo_im_2020,
            source.conapo_gm_2020,
        )
        assert m.sitio_web is None and m.sitio_estado == "desconocido"


def test_too_many_or_negative_is_refused() -> None:
    with pytest.raises(ValueError):
        synthetic_registry(-1)
    with pytest.raises(ValueError):
        synthetic_registry(10_000)


def test_synthetic_sites_behave_normally_on_a_sensible_ipomex(worlds: tuple[World, World]) -> None:
    plain, _ = worlds
    synthetic = [s for s in plain.sites if int(s.cve_inegi) >= FIRST_SYNTHETIC_CVE]
    assert len(synthetic) == 6
    for site in synthetic:
        assert site.behaviour == NORMAL
        portal = plain.ipomex(site.cve_inegi)
        assert portal.behaviour in (IPOMEX_NORMAL, NO_IPOMEX)
        assert portal.generation != IPOMEX4 or portal.ipo4_id == int(site.cve_inegi)
        assert len(plain.ground_truth[site.cve_inegi]) == 31 + 87


def test_real_sites_are_the_same_in_any_registry(worlds: tuple[World, World]) -> None:
    plain, _ = worlds
    alone = build_world(2026, RUN_DATE, [m for m in load_registry() if m.cve_inegi in ("15017", "15115")])
    for site in alone.sites:
        assert plain.site(site.cve_inegi) == site
        assert plain.ground_truth[site.cve_inegi] == alone.ground_truth[site.cve_inegi]


def test_padding_keeps_the_ground_truth(worlds: tuple[World, World]) -> None:
    plain, padded = worlds
    assert padded.ground_truth == plain.ground_truth
    assert padded.to_json() == plain.to_json()


def test_padded_sites_reach_about_the_page_target(worlds: tuple[World, World]) -> None:
    _, padded = worlds
    for site in padded.sites:
        if site.behaviour in EVALUATED:
            assert PAGES - 2 <= html_reachable(site) <= PAGES + 2, site.cve_inegi


def test_padding_only_adds_pages_and_one_home_link(worlds: tuple[World, World]) -> None:
    plain, padded = worlds
    for before, after in zip(plain.sites, padded.sites, strict=True):
        assert set(before.resources) <= set(after.resources)
        home = resolve(before, "/")
        changed = {p for p, r in before.resources.items() if after.resources[p] != r}
        if before.behaviour == "js_only":  # the served shell stays empty: only its content JSON changes
            assert home is not None and changed == {data_path(home)}
            assert {p for p, b in before.rendered.items() if after.rendered[p] != b} == {home}
        elif before.evidence:  # a content site, even one robots.txt closes
            assert changed == {home}
        else:
            assert after == before


def test_padded_pages_prove_nothing_to_an_independent_reader(worlds: tuple[World, World]) -> None:
    _, padded = worlds
    assert disagreements(padded) == []


def test_page_target_is_bounded_by_the_crawl_budget() -> None:
    rows = load_registry()[:1]
    with pytest.raises(ValueError):
        build_world(2026, RUN_DATE, rows, pages_per_site=MAX_PAGES + 1)
    small = build_world(2026, RUN_DATE, rows, pages_per_site=5)  # already larger: left as it is
    assert small.site(rows[0].cve_inegi) == build_world(2026, RUN_DATE, rows).site(rows[0].cve_inegi)


def test_site_lookup_follows_replaced_sites(worlds: tuple[World, World]) -> None:
    plain, _ = worlds
    world = World(plain.seed, plain.run_date, plain.municipalities, list(plain.sites), plain.ground_truth)
    first = world.sites[0]
    assert world.site(first.cve_inegi) is first
    world.sites[0] = replace(first, behaviour="down")
    assert world.site(first.cve_inegi).behaviour == "down"
    with pytest.raises(KeyError):
        world.site("99999")


@pytest.mark.slow
def test_a_farm_of_2469_sites_serves_every_port() -> None:
    world = build_world(2026, RUN_DATE, synthetic_registry(2469), pages_per_site=PAGES)
    started = time.monotonic()
    with FarmServer(world, latency=0.15) as farm:
        assert time.monotonic() - started < 10
        assert len(set(farm.ports.values())) == 2469
        rows = farm.registry()
        with httpx.Client(timeout=10) as client:
            for m in [*rows[::97], rows[-1]]:
                if world.site(m.cve_inegi).behaviour == NORMAL:
                    assert client.get(m.sitio_web or "", follow_redirects=True).status_code == 200
