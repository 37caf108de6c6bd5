"""Dashboard queries: ranking with month-ago changes, municipality page, check page, IPOMEX matrix, runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from checks.catalogue import Catalogue, load_catalogue
from checks.model import CheckResult, Status
from checks.obligations import ObligationCatalogue, load_obligations
from storage.dashboard import check_page, ipomex_matrix, municipality_page, ranking, runs
from storage.db import Database
from storage.models import AlertEventRow, RunRow
from storage.repository import finish_run, record_ipomex, record_site, start_run
from storage.work import unit_of_work
from tests.storage.factories import capture, municipality, report

REGISTRY = [municipality("15001", "Acambay"), municipality("15002", "Acolman"), municipality("15003", "Aculco")]
DAY0 = datetime(2026, 1, 1, 8, tzinfo=UTC)
P2, P3, P4 = "participacion.copaci", "sitio.https", "sitio.aviso_privacidad"


@dataclass(frozen=True)
class World:
    """Run ids of the recorded history."""

    first: int
    failed: int
    second: int
    third: int


def crawl(
    db: Database,
    day: int,
    sites: dict[str, dict[str, Status]],
    status: str = "complete",
    fractions: dict[str, dict[str, Status]] | None = None,
) -> int:
    run_id = start_run(db, "crawl", REGISTRY, {})
    for cve, statuses in sites.items():
        record_site(db, run_id, report(cve, statuses))
    for cve, found in (fractions or {}).items():
        results = [
            CheckResult(i, s, source="ipomex3", last_update=date(2026, 1, 2), reason="r" if s != "cumple" else None)
            for i, s in found.items()
        ]
        record_ipomex(db, run_id, capture(cve), results)
    finish_run(db, run_id, status, catalogue=load_catalogue())
    started = DAY0 + timedelta(days=day)
    with unit_of_work(db, "fechar la corrida") as session:
        session.execute(
            update(RunRow)
            .where(RunRow.id == run_id)
            .values(started_at=started, finished_at=started + timedelta(hours=1))
        )
    return run_id


@pytest.fixture
def world(db: Database) -> World:
    first = crawl(
        db,
        0,
        {
            "15001": {P2: "no_cumple", P3: "cumple", P4: "no_cumple"},
            "15002": {P2: "cumple", P3: "cumple", P4: "cumple"},
        },
        fractions={"15001": {"ipomex.92.i": "no_cumple", "ipomex.92.ii_a": "cumple"}},
    )
    failed = crawl(db, 20, {"15001": {P2: "cumple", P3: "no_cumple", P4: "cumple"}}, status="failed")
    second = crawl(
        db,
        35,
        {
            "15001": {P2: "cumple", P3: "cumple", P4: "no_cumple"},
            "15002": {P2: "cumple", P3: "no_cumple", P4: "cumple"},
        },
    )
    third = crawl(
        db,
        40,
        {
            "15001": {P2: "cumple", P3: "cumple", P4: "cumple"},
            "15002": {P2: "no_cumple", P3: "indeterminado", P4: "cumple"},
        },
        fractions={"15001": {"ipomex.92.i": "cumple", "ipomex.92.ii_a": "no_cumple"}},
    )
    with unit_of_work(db, "registrar alertas") as session:
        session.add(
            AlertEventRow(
                run_id=third,
                cve_inegi="15001",
                check_id=P4,
                kind="recuperacion",
                evidence_url="https://15001.example.gob.mx/",
                created_at=DAY0 + timedelta(days=40),
            )
        )
    return World(first, failed, second, third)


@pytest.fixture
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def obligations() -> ObligationCatalogue:
    return load_obligations()


def test_ranking_scores_latest_complete_run_and_month_change(
    db: Database, world: World, catalogue: Catalogue, obligations: ObligationCatalogue
) -> None:
    rows = ranking(db)
    assert [r.cve_inegi for r in rows] == ["15001", "15002", "15003"]
    acambay, acolman, aculco = rows
    assert acambay.run_id == world.third and acambay.month_ago_run_id == world.first
    assert acambay.scores == {"P2": 100.0, "P3": 100.0, "P4": 100.0, "total": 100.0, "ipomex": 50.0, "losi": 100.0}
    change = {"P2": 100.0, "P3": 0.0, "P4": 100.0, "total": 66.7, "ipomex": 0.0, "losi": 50.0}
    assert acambay.change_since_month == change
    assert (acambay.cumple, acambay.no_cumple, acambay.indeterminado) == (3, 0, 0)
    assert acolman.scores["total"] == 50.0 and acolman.scores["P3"] is None and acolman.scores["ipomex"] is None
    assert acolman.change_since_month["total"] == -50.0 and acolman.change_since_month["ipomex"] is None
    assert (acolman.poblacion_2020, acolman.conapo_gm_2020, acolman.region) == (1000, "Bajo", "Toluca")
    assert aculco.run_id is None and aculco.month_ago_run_id is None
    assert set(aculco.scores.values()) == {None} and set(aculco.change_since_month.values()) == {None}


def test_no_month_change_without_a_run_thirty_days_older(
    db: Database, catalogue: Catalogue, obligations: ObligationCatalogue
) -> None:
    crawl(db, 0, {"15001": {P2: "cumple"}})
    crawl(db, 29, {"15001": {P2: "no_cumple"}})
    (acambay, *_) = ranking(db)
    assert acambay.month_ago_run_id is None and set(acambay.change_since_month.values()) == {None}


def test_municipality_page(db: Database, world: World, catalogue: Catalogue, obligations: ObligationCatalogue) -> None:
    page = municipality_page(db, "15001", catalogue, obligations)
    assert page is not None and page.run_id == world.third and page.nombre == "Acambay"
    seen = {item.check_id: item.first_seen for item in page.checklist}
    assert seen == {
        P2: DAY0 + timedelta(days=35, hours=1),
        P3: DAY0 + timedelta(hours=1),
        P4: DAY0 + timedelta(days=40, hours=1),
    }
    assert [item.status for item in page.checklist] == ["cumple", "cumple", "cumple"]
    assert page.checklist[0].evidence_url == "https://15001.example.gob.mx/"
    assert [p.run_id for p in page.series] == [world.first, world.second, world.third]
    # LOSI: HTTPS met (sitio.https), privacy policy not (sitio.aviso_privacidad); COPACI names no LOSI indicator.
    assert page.series[0].scores == {"P2": 0.0, "P3": 100.0, "P4": 0.0, "total": 33.3, "ipomex": 50.0, "losi": 50.0}
    latest_scores = next(r for r in ranking(db) if r.cve_inegi == "15001").scores
    assert page.series[-1].scores == latest_scores
    assert [(f.check_id, f.fraccion, f.titulo, f.status, f.last_update, f.reason) for f in page.fractions] == [
        ("ipomex.92.i", "92 I", "Normatividad aplicable", "cumple", date(2026, 1, 2), None),
        ("ipomex.92.ii_a", "92 II A", "Estructura orgánica", "no_cumple", date(2026, 1, 2), "r"),
    ]
    # The JSON says why a fraction is not cumple (the dashboard showed Indeterminado with no reason at all).
    shown = page.fractions[1].model_dump(mode="json")
    assert list(shown) == [
        *("obligacion", "fraccion", "titulo", "estado", "ultima_actualizacion", "motivo", "detalle"),
        *("estado_revisado", "revision"),  # added by the auditors' review, after the published keys
    ]
    assert shown["motivo"] == "r"
    assert [(a.kind, a.check_id, a.run_id) for a in page.alerts] == [("recuperacion", P4, world.third)]


def test_municipality_page_without_runs_or_unknown(
    db: Database, world: World, catalogue: Catalogue, obligations: ObligationCatalogue
) -> None:
    page = municipality_page(db, "15003", catalogue, obligations)
    assert page is not None and page.run_id is None
    assert page.checklist == () and page.series == () and page.fractions == () and page.alerts == ()
    assert municipality_page(db, "99999", catalogue, obligations) is None


def test_check_page_series_and_latest(
    db: Database, world: World, catalogue: Catalogue, obligations: ObligationCatalogue
) -> None:
    page = check_page(db, P3, catalogue, obligations)
    assert page is not None
    assert [(c.run_id, c.cumple, c.no_cumple, c.indeterminado) for c in page.series] == [
        (world.first, 2, 0, 0),
        (world.second, 1, 1, 0),
        (world.third, 1, 0, 1),
    ]
    assert [(s.cve_inegi, s.nombre, s.run_id, s.status) for s in page.latest] == [
        ("15001", "Acambay", world.third, "cumple"),
        ("15002", "Acolman", world.third, "indeterminado"),
    ]
    assert page.latest[1].reason is None and check_page(db, "no.existe", catalogue, obligations) is None


def test_ipomex_matrix_shape(db: Database, world: World, obligations: ObligationCatalogue) -> None:
    matrix = ipomex_matrix(db, obligations)
    assert len(matrix.fraction_ids) == len(obligations.obligations) == len(matrix.fraction_labels)
    assert [r.cve_inegi for r in matrix.rows] == ["15001", "15002", "15003"]
    assert all(list(r.statuses) == list(matrix.fraction_ids) for r in matrix.rows)
    acambay = matrix.rows[0].statuses
    assert acambay["ipomex.92.i"] == "cumple" and acambay["ipomex.92.ii_a"] == "no_cumple"
    assert acambay["ipomex.92.ii_b"] == "sin_dato"
    assert matrix.rows[1].run_id == world.third and set(matrix.rows[1].statuses.values()) == {"sin_dato"}
    assert matrix.rows[2].run_id is None


def test_runs_lists_every_status_newest_first(db: Database, world: World) -> None:
    listed = runs(db)
    assert [(r.id, r.status) for r in listed] == [
        (world.third, "complete"),
        (world.second, "complete"),
        (world.failed, "failed"),
        (world.first, "complete"),
    ]
    assert listed[0].duration_seconds == 3600.0 and listed[0].sites_done == 2 and listed[0].pages_ok == 4
    assert [r.id for r in runs(db, limit=1)] == [world.third]


def test_same_start_prefers_newer_run_and_best_ipomex_verdict_across_sources(
    db: Database, catalogue: Catalogue, obligations: ObligationCatalogue
) -> None:
    crawl(db, 0, {"15001": {P2: "no_cumple", P3: "no_cumple"}})
    run_id = start_run(db, "crawl", REGISTRY, {})
    record_site(db, run_id, report("15001", {P2: "cumple", P3: "no_cumple"}))
    record_ipomex(
        db,
        run_id,
        capture("15001"),
        [
            CheckResult("ipomex.92.i", "no_cumple", source="ipomex3"),
            CheckResult("ipomex.92.ii_a", "indeterminado", source="ipomex3"),
        ],
    )
    record_ipomex(
        db,
        run_id,
        capture("15001", source="ipomex4"),
        [
            CheckResult("ipomex.92.i", "cumple", source="ipomex4"),
            CheckResult("ipomex.92.ii_a", "no_cumple", source="ipomex4"),
        ],
    )
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    with unit_of_work(db, "fechar la corrida") as session:  # same start as the first run: the newer id wins
        session.execute(
            update(RunRow).where(RunRow.id == run_id).values(started_at=DAY0, finished_at=DAY0 + timedelta(hours=1))
        )
    (acambay, *_) = ranking(db)
    assert acambay.run_id == run_id and acambay.scores["ipomex"] == 50.0 and acambay.scores["total"] == 50.0
    page = municipality_page(db, "15001", catalogue, obligations)
    assert page is not None and page.run_id == run_id
    assert page.series[-1].run_id == run_id and page.series[-1].scores == acambay.scores
    seen = {item.check_id: item.first_seen for item in page.checklist}
    assert seen == {P2: DAY0 + timedelta(hours=1), P3: DAY0 + timedelta(hours=1)}
