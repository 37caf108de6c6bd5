"""Confirmed sites on the simulated internet: crawled with the farm's truth, a casino night accuses nobody and tells
the operator once, and a domain change keeps one history."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alerts.operator import run_notices
from checks.model import CheckResult
from config.operation import load_operation_config
from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from simulator.internet import build_internet
from simulator.internet_server import InternetServer
from storage import repository, sites
from storage.db import Database, open_database
from storage.history import timeline
from storage.runstore import DatabaseRunStore
from vigia.discovery_store import working_registry
from vigia.nightly import rediscover

pytestmark = pytest.mark.slow
RUN_DATE = date(2026, 11, 24)
CFG = CrawlSettings(timeout=5, retries=0, ipomex=False, render_js=False, crawl_processes=1)
NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, InternetServer]]:
    net = build_internet(run_date=RUN_DATE)
    with InternetServer(net) as server:
        monkeypatch.setenv("VIGIA_INTERNET_SIMULADO", server.base_url)
        monkeypatch.setenv("VIGIA_DNS_OVERRIDES", json.dumps(net.dns_table()))
        yield net, server


def plain(net: Any, count: int) -> list[str]:
    """Claves of ordinary municipalities with a readable official site."""
    truth = json.loads(net.truth_json())["municipios"]
    ordinary = [c for c, t in sorted(truth.items()) if t["comportamiento"] == "normal" and t["oficial"]]
    return [c for c in ordinary if not truth[c]["trampas"]][:count]


def confirm_all(database: Database, net: Any, cves: list[str]) -> None:
    truth = json.loads(net.truth_json())["municipios"]
    for cve in cves:
        sites.confirm(database, cve, truth[cve]["oficial"], "auditora", "prueba de identidad revisada", NOW)


def night(database: Database, db_url: str, cves: list[str], day: date) -> tuple[int, dict[str, list[CheckResult]]]:
    """Crawl the confirmed sites of cves as a night's run; return its id and each site's results."""
    registry = [m for m in working_registry(db_url) if m.cve_inegi in cves]
    assert all(m.sitio_estado == "confirmado" for m in registry)
    summary = run_and_store(DatabaseRunStore(database), registry, CFG, day, "crawl")
    read = repository.run_results(database, summary.run_id)
    return summary.run_id, {item.cve_inegi: [r for r in item.results if r.source == "sitio"] for item in read}


def operator_config(tmp_path: Path) -> Any:
    path = tmp_path / "operacion.yaml"
    path.write_text(
        'calendario: {cron: "0 2 * * *", zona: America/Mexico_City, gracia_minutos: 60, candado_minutos: 60}\n'
        'alertas:\n  confirmacion_corridas: 2\n  sitio_caido_corridas: 2\n  remitente: "Vigía <vigia@localhost>"\n'
        "  smtp: {host: 127.0.0.1, port: 25, seguridad: ninguna, timeout_segundos: 5, reintentos: 1}\n"
        "  destinatarios: []\n  unidades_transparencia: {}\n"
        "  operador: {correo: operacion@contraloria.test, sin_corrida_horas: 26, repetir_horas: 24}\n",
        encoding="utf-8",
    )
    return load_operation_config(path).alerts


def test_confirmed_sites_follow_the_farm_truth_and_a_casino_night_accuses_nobody(
    world: tuple[Any, InternetServer], db_url: str, tmp_path: Path
) -> None:
    net, server = world
    cves = plain(net, 3)
    database = open_database(db_url)
    try:
        confirm_all(database, net, cves)
        _, first = night(database, db_url, cves, RUN_DATE)
        for cve in cves:
            got = {r.check_id: r.status for r in first[cve]}
            assert got == {k: v for k, v in net.world.ground_truth[cve].items() if k in got}, cve
        server.hijack(cves[0], "casino")
        run_id, second = night(database, db_url, cves, RUN_DATE + timedelta(days=1))
        lost = second[cves[0]]
        assert {r.status for r in lost} == {"indeterminado"} and {r.reason for r in lost} == {"identidad"}
        assert "secuestro" in (lost[0].detail or "") and "apuestas" in (lost[0].detail or ""), lost[0].detail
        assert all(r.reason != "identidad" for cve in cves[1:] for r in second[cve])
        alerts = operator_config(tmp_path)
        assert run_notices(database, alerts, run_id, []) == ["identidad"]
        assert run_notices(database, alerts, run_id, []) == []  # one notice, however often it is asked
        registry = working_registry(db_url)
        assert rediscover(database, db_url, run_id, registry, CFG, RUN_DATE) == [cves[0]]
        assert sites.latest_candidates(database, cves[0])  # discovery looked for where the site went
    finally:
        database.dispose()


def test_a_domain_change_keeps_one_history(
    world: tuple[Any, InternetServer], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    net, server = world
    cve = plain(net, 1)[0]
    database = open_database(db_url)
    try:
        confirm_all(database, net, [cve])
        night(database, db_url, [cve], RUN_DATE)
        new_host = f"nuevo-{cve}.gob.mx"
        server.move_site(cve, new_host, old="gone")
        monkeypatch.setenv("VIGIA_DNS_OVERRIDES", json.dumps(net.dns_table()))
        sites.confirm(
            database, cve, f"https://{new_host}/", "auditora", "cambio de administración", NOW + timedelta(days=1)
        )
        run_id, after = night(database, db_url, [cve], RUN_DATE + timedelta(days=1))
        assert {r.check_id: r.status for r in after[cve]}["sitio.disponible"] == "cumple"
        periods = sites.site_history(database, cve)
        assert [p.valid_to is None for p in periods] == [False, True]
        entries = timeline(database, cve)
        assert entries and {e.run_id for e in entries} <= {run_id, run_id - 1}
        assert any(e.run_id == run_id - 1 for e in entries)
    finally:
        database.dispose()
