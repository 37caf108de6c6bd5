"""One score per run: the dashboard, the report and the API show the scores checks.scoring gave the stored results."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from checks.catalogue import Catalogue, load_catalogue
from checks.model import Status
from checks.obligations import load_obligations
from checks.scoring import SCORE_KEYS, all_scores
from storage.dashboard import municipality_page, ranking
from storage.db import Database
from storage.models import ScoredRunRow
from storage.repository import finish_run, record_site, run_results, start_run
from storage.work import unit_of_work
from tests.storage.factories import report as site_report
from tests.storage.test_dashboard import REGISTRY, crawl
from vigia.cli import app
from web.app import create_app

SITE_STATUSES: tuple[Status, ...] = ("cumple", "no_cumple", "indeterminado")
FRACTION_STATUSES: tuple[Status, ...] = ("cumple", "no_cumple", "indeterminado", "no_aplica")


def _night(db: Database, day: int, rng: random.Random, status: str = "complete") -> int:
    """A run where every municipality gets a random status for every site check and a few fractions."""
    site_ids = [spec.id for spec in load_catalogue().site_checks()]
    fractions = [o.id for o in load_obligations().obligations][:12]
    sites = {m.cve_inegi: {i: rng.choice(SITE_STATUSES) for i in site_ids} for m in REGISTRY}
    found = {m.cve_inegi: {i: rng.choice(FRACTION_STATUSES) for i in fractions} for m in REGISTRY}
    return crawl(db, day, sites, status, fractions=found)


@pytest.fixture
def history(db: Database) -> list[int]:
    rng = random.Random(11)
    return [_night(db, day, rng, status) for day, status in ((0, "complete"), (10, "partial"), (40, "complete"))]


def _report(db: Database) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["report", "--db", str(db.engine.url), "--format", "json"])
    assert result.exit_code == 0, result.output
    return {row["cve_inegi"]: row for row in json.loads(result.stdout)}


def _api(db: Database, path: str) -> Any:
    client = TestClient(create_app(str(db.engine.url), require_login=False))
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


def _formula(db: Database, run_id: int, catalogue: Catalogue) -> dict[str, dict[str, float | None]]:
    """checks.scoring applied to the results stored for the run, per municipality."""
    return {
        m.cve_inegi: {k: s.score for k, s in all_scores(m.results, catalogue).items()} for m in run_results(db, run_id)
    }


def _difference(now: float | None, before: float | None) -> float | None:
    return round(now - before, 1) if now is not None and before is not None else None


def test_dashboard_report_and_api_agree_with_the_formula_on_every_score(db: Database, history: list[int]) -> None:
    catalogue = load_catalogue()
    first, _, last = history
    expected = {run_id: _formula(db, run_id, catalogue) for run_id in (first, last)}
    report, api = _report(db), {row["cve_inegi"]: row for row in _api(db, "/api/ranking")["municipios"]}
    for row in ranking(db):
        cve = row.cve_inegi
        assert row.run_id == last and row.month_ago_run_id == first
        assert row.scores == expected[last][cve] == report[cve]["scores"] == api[cve]["puntajes"]
        change = {k: _difference(expected[last][cve][k], expected[first][cve][k]) for k in SCORE_KEYS}
        assert row.change_since_month == change == api[cve]["cambio"]
        counts = (row.cumple, row.no_cumple, row.indeterminado)
        assert counts == tuple(report[cve][k] for k in ("cumple", "no_cumple", "indeterminado"))
        assert counts == tuple(api[cve][k] for k in ("cumple", "no_cumple", "indeterminado"))
        page = municipality_page(db, cve, load_catalogue(), load_obligations())
        assert page is not None
        series = [(p.run_id, p.scores) for p in page.series]
        assert series == [(run_id, expected[run_id][cve]) for run_id in (first, last)]
        served = _api(db, f"/api/municipio/{cve}")["serie"]
        assert [(p["corrida"], p["puntajes"]) for p in served] == series


def _close_with(db: Database, sites: dict[str, dict[str, Status]], catalogue: Catalogue) -> int:
    run_id = start_run(db, "crawl", REGISTRY, {})
    for cve, statuses in sites.items():
        record_site(db, run_id, site_report(cve, statuses))
    finish_run(db, run_id, "complete", catalogue=catalogue)
    return run_id


def test_a_weight_change_applies_from_the_next_run_and_history_keeps_its_scores(db: Database) -> None:
    catalogue = load_catalogue()
    rng = random.Random(3)
    sites = {m.cve_inegi: {s.id: rng.choice(SITE_STATUSES) for s in catalogue.site_checks()} for m in REGISTRY}
    first = _close_with(db, sites, catalogue)
    heavier = replace(
        catalogue,
        checks=[replace(s, weight=5.0) if s.seed == "P3" else s for s in catalogue.checks],
        version="pesos-de-prueba",
    )
    second = _close_with(db, sites, heavier)
    for cve in sites:
        page = municipality_page(db, cve, load_catalogue(), load_obligations())
        assert page is not None
        assert [p.scores for p in page.series] == [
            _formula(db, first, catalogue)[cve],
            _formula(db, second, heavier)[cve],
        ]
    assert _formula(db, second, heavier) != _formula(db, second, catalogue)
    with unit_of_work(db, "leer las versiones", read_only=True) as session:
        versions = dict(session.execute(select(ScoredRunRow.run_id, ScoredRunRow.catalogue_version)).all())
    assert versions == {first: catalogue.version, second: "pesos-de-prueba"}
