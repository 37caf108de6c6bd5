"""The "noche real" benchmark: its lower bound and request arithmetic on fake journals, its Spanish rows, and one
small real run of two nights over the simulated farm at real latency."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bench.night import (
    MIN_WAIT_SECONDS,
    compressed,
    ipomex_owner,
    night_limits,
    run_nights,
)
from bench.night_report import (
    HostLoad,
    Limits,
    Night,
    Requests,
    count_requests,
    host_loads,
    night_bound,
    night_rows,
    nights_rows,
    spread,
)
from bench.suite import BENCHMARKS, NIGHT, selected
from config.latency import IPOMEX_HOST
from crawler.browser import browser_available
from crawler.completeness import Unread
from crawler.settings import CrawlSettings
from simulator import build_world
from simulator.agreement import BUCKETS, Agreement, Bucket
from simulator.ipomex_model import IPOMEX3, IPOMEX4, NORMAL
from simulator.latency_gate import Served

LIMITS = Limits(compression=10, window_hours=4, window_text="02:00–06:00", site_concurrency=2, ipomex_concurrency=2)


def served(host: str, seconds: float, request: str = "GET /", referer: str = "") -> Served:
    return Served(host, request, seconds, referer)


def test_a_hosts_bound_is_its_drawn_seconds_over_the_allowed_concurrency_at_true_timescale() -> None:
    journal = [served(IPOMEX_HOST, 0.1) for _ in range(4)] + [served("15001", s) for s in (0.05, 0.05, 0.3)]
    loads = {load.host: load for load in host_loads(journal, 10, LIMITS.allowed)}
    ipomex = loads[IPOMEX_HOST]
    assert (ipomex.requests, ipomex.seconds, ipomex.longest, ipomex.allowed) == (4, pytest.approx(4.0), 1.0, 2)
    assert ipomex.bound == pytest.approx(2.0)
    # 4 s of requests two at a time would be 2 s, but its 3 s request cannot be split.
    assert loads["15001"].bound == pytest.approx(3.0)
    assert night_bound(list(loads.values())) == loads["15001"]
    assert night_bound([]) is None


def test_requests_per_municipality_count_sites_ipomex_and_what_everyone_shares() -> None:
    journal = [
        served("15001", 0.1),
        served("15001", 0.1),
        served(IPOMEX_HOST, 0.1, "GET /a/15001"),
        served(IPOMEX_HOST, 0.1, "GET /a/15002"),
        served(IPOMEX_HOST, 0.1, "GET /a/15002"),
        served(IPOMEX_HOST, 0.1, "GET /app.js"),
    ]

    def owner(item: Served) -> str | None:
        return item.request.rsplit("/", 1)[-1] if "/a/" in item.request else None

    requests = count_requests(journal, ["15001", "15002", "15003"], ["15001", "15002"], owner)
    assert requests.sites == {"15001": 2, "15002": 0, "15003": 0}
    assert requests.ipomex == {"15001": 1, "15002": 2} and requests.shared == 1
    assert requests.per_municipality == pytest.approx(6 / 3)
    figures = spread(requests.ipomex, {"15002": "Acolman"})
    assert (figures.mean, figures.median, figures.largest, figures.who) == (1.5, 1.5, 2, "Acolman")
    assert spread({}, {}).text() == "mediana 0, máx 0 (—)"


def night(number: int, wall: float, requests: Requests, unread: list[Unread] | None = None) -> Night:
    agreement = Agreement()
    agreement.buckets = {BUCKETS[0]: Bucket(9, 10), BUCKETS[1]: Bucket(2, 2), BUCKETS[2]: Bucket(87, 87)}
    agreement.mismatches = [("15001", "sitio.https", "no_cumple", "cumple")]
    loads = [HostLoad(IPOMEX_HOST, 3000, 7200.0, 3.0, 2), HostLoad("15001", 40, 60.0, 2.0, 2)]
    return Night(
        number=number,
        wall=wall,
        sites_phase=12.0,
        worker_cpu=30.0,
        cpu=400.0,
        status="partial" if unread else "complete",
        unread=unread or [],
        requests=requests,
        loads=loads,
        peaks={IPOMEX_HOST: 6},
        agreement=agreement,
        names={"15001": "Acambay"},
    )


def test_a_nights_rows_compare_its_projection_with_the_bound_and_the_window() -> None:
    requests = Requests({"15001": 40, "15002": 20}, {"15001": 90}, 6)
    rows = {row.name: row for row in night_rows(night(1, 500.0, requests), LIMITS)}
    versus_bound = rows["noche 1: duración proyectada vs su cota inferior"]
    # 500 s × 10 = 1.389 h against 7,200 s ÷ 2 = 1 h of IPOMEX.
    assert (versus_bound.value, versus_bound.baseline, versus_bound.ratio) == (1.389, 1.0, 1.389)
    assert versus_bound.met is False and versus_bound.target == 1.3
    assert "IPOMEX, 3000 peticiones, 2.00 h de servidor ÷ 2 a la vez" in versus_bound.note
    assert "hasta 6" in versus_bound.note
    window = rows["noche 1: duración proyectada a escala real"]
    assert (window.value, window.target, window.met) == (1.389, 4, True) and "02:00–06:00" in window.note
    assert rows["noche 1: duración comprimida ×10"].value == 500.0
    assert rows["noche 1: etapas sin leer"].met and rows["noche 1: etapas sin leer"].note == "corrida completa"
    sites = rows["noche 1: peticiones por municipio a su sitio"]
    assert sites.value == 30.0 and sites.note == "mediana 30, máx 40 (Acambay); 60 en total"
    assert "90 en total más 6 comunes" in rows["noche 1: peticiones por municipio a IPOMEX"].note
    agreement = rows["noche 1: concordancia con la verdad simulada, sitios"]
    assert (agreement.value, agreement.met) == (91.667, False)
    assert (
        agreement.note == "11 de 12 verificaciones; difieren: Acambay sitio.https: obtuvo no_cumple, se esperaba cumple"
    )
    ipomex = rows["noche 1: concordancia con la verdad simulada, IPOMEX"]
    assert ipomex.met and ipomex.note == "87 de 87 fracciones"


def test_a_partial_night_names_what_it_did_not_read() -> None:
    missed = [Unread(f"150{n:02d}", f"Municipio {n}", "IPOMEX", "ipomex_sin_tiempo", "…") for n in range(7)]
    row = night_rows(night(2, 100.0, Requests({}, {}, 0), missed), LIMITS)[3]
    assert (row.name, row.value, row.met) == ("noche 2: etapas sin leer", 7, False)
    assert row.note.startswith("corrida parcial: Municipio 0 (IPOMEX: ipomex_sin_tiempo); ")
    assert row.note.endswith(" y 2 más")


def test_a_night_reports_the_time_its_probes_added() -> None:
    probed = replace(night(1, 100.0, Requests({}, {}, 0)), probe_requests=16, probe_seconds=27.4, probe_sites=12)
    rows = {row.name: row for row in night_rows(probed, LIMITS)}
    row = rows["noche 1: espera de los sondeos"]
    assert (row.value, row.unit) == (27.4, "s")
    assert (
        row.note.startswith("16 consultas (HEAD/OPTIONS/GET de formularios") and "nunca POST) en 12 sitios" in row.note
    )


def test_the_second_night_is_compared_with_the_first_per_municipality() -> None:
    first = night(1, 100.0, Requests({"a": 40, "b": 40}, {"a": 100}, 20))
    second = night(2, 50.0, Requests({"a": 10, "b": 10}, {"a": 10}, 0))
    (row,) = nights_rows(first, second)
    assert (row.value, row.baseline, row.ratio) == (15.0, 100.0, 0.15)
    assert row.note.startswith("sitio 40.0 → 10.0; IPOMEX 100.0 → 10.0")


def test_request_timeouts_are_compressed_but_never_below_the_cpu_floor() -> None:
    cfg = compressed(CrawlSettings(timeout=15, ipomex_timeout=60, ipomex_portal_budget_seconds=420), 3)
    assert (cfg.timeout, cfg.ipomex_timeout, cfg.ipomex_portal_budget_seconds) == (MIN_WAIT_SECONDS, 20.0, 420)
    assert compressed(CrawlSettings(ipomex_timeout=30), 100).ipomex_timeout == MIN_WAIT_SECONDS
    assert compressed(CrawlSettings(timeout=2), 100).timeout == 2


def test_ipomex_requests_belong_to_the_municipality_in_their_path_or_in_the_page_that_asked() -> None:
    world = build_world(run_date=date(2026, 11, 24))
    three = next(s for s in world.sites if s.ipomex and (s.ipomex.generation, s.ipomex.behaviour) == (IPOMEX3, NORMAL))
    four = next(s for s in world.sites if s.ipomex and (s.ipomex.generation, s.ipomex.behaviour) == (IPOMEX4, NORMAL))
    assert three.ipomex and four.ipomex
    owner = ipomex_owner(world)
    index = f"/ipo3/lgt/indice/{three.ipomex.ipo3_id}.web"
    assert owner(served(IPOMEX_HOST, 0, f"GET {index}")) == three.cve_inegi
    shell = f"http://127.0.0.1:9/ipo3/lgt/indice/{three.ipomex.ipo3_id}/art_92_i.web"
    assert owner(served(IPOMEX_HOST, 0, "GET /ipo3/static/fraccion.js", shell)) == three.cve_inegi
    api = f"GET /ipomex/api/v1/sujetos/{four.ipomex.ipo4_id}/obligaciones?x=1"
    assert owner(served(IPOMEX_HOST, 0, api)) == four.cve_inegi
    assert owner(served(IPOMEX_HOST, 0, "GET /ipomex/app.js", "http://127.0.0.1:9/ipomex/")) is None


def test_the_real_night_runs_only_when_named_or_with_full() -> None:
    assert NIGHT not in selected(None, full=False) and NIGHT in selected(None, full=True)
    assert selected(["noche"], full=False) == [NIGHT] and NIGHT not in BENCHMARKS


@pytest.mark.slow
@pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina")
def test_two_small_nights_run_over_the_farm_at_real_latency(tmp_path: Path) -> None:
    world = build_world(run_date=date(2026, 11, 24))
    # Two IPOMEX 4 portals: a whole real run (sites, browser, IPOMEX) twice in well under a minute at ×100.
    claves = [s.cve_inegi for s in world.sites if s.ipomex and s.ipomex.generation == IPOMEX4][:2]
    limits = night_limits(100)
    nights = run_nights(limits, claves, tmp_path)
    assert (tmp_path / "noche-real.db").exists() and [n.number for n in nights] == [1, 2]
    for each in nights:
        assert each.status == "complete" and not each.unread and each.agreement.perfect
        assert set(each.requests.sites) == set(claves) and all(each.requests.sites.values())
        assert set(each.requests.ipomex) == set(claves) and all(each.requests.ipomex.values())
        bound = night_bound(each.loads)
        # With two portals whose second night reads little, a site may bound the night instead of IPOMEX.
        assert bound is not None and bound.bound > 0 and any(load.host == IPOMEX_HOST for load in each.loads)
        assert each.wall > 0 and each.peaks[IPOMEX_HOST] >= 1
    rows = [row.name for row in night_rows(nights[1], limits)]
    assert "noche 2: duración proyectada vs su cota inferior" in rows
