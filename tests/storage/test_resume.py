"""Completing a partial run in a new one: what is stored, carried, linked, scored and refused (storage.resume)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from checks.catalogue import load_catalogue
from checks.model import CheckResult, Status, Unread
from storage.dashboard import runs
from storage.db import Database
from storage.history import changes_since
from storage.models import CarriedStageRow, PageLogRow, ScoredRunRow
from storage.repository import (
    finish_run,
    get_run,
    record_ipomex,
    record_site,
    run_results,
    start_resumed_run,
    start_run,
)
from storage.resume import ResumeError, pending_unread, resumable_run, run_unread
from tests.storage.factories import capture, municipality, report

TOWNS = [municipality("15001", "Acambay"), municipality("15002", "Acolman"), municipality("15003", "Aculco")]
STAGES = {"sitio": {"sitio"}, "ipomex": {"ipomex", "ipomex3", "ipomex4"}}
PARAMS: dict[str, object] = {"run_date": "2026-11-24"}
FRACTION = "ipomex.92.i"


def portal(db: Database, run_id: int, cve: str, status: Status = "cumple", failure: str | None = None) -> None:
    result = CheckResult(FRACTION, status, reason=failure, source="ipomex4")
    record_ipomex(db, run_id, capture(cve, "ipomex4", failure), [result])


def unread(cve: str, stage: str, reason: str) -> Unread:
    return Unread(cve, next(m.nombre for m in TOWNS if m.cve_inegi == cve), stage, reason, f"sin leer: {reason}")


def baseline(db: Database, fraction: Status = "cumple") -> int:
    run_id = start_run(db, "crawl", TOWNS, PARAMS)
    for town in TOWNS:
        record_site(db, run_id, report(town.cve_inegi, {"sitio.https": "cumple"}))
        portal(db, run_id, town.cve_inegi, fraction)
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    return run_id


def partial_night(db: Database) -> int:
    """Acambay read whole (its fraction now fails); Acolman's IPOMEX and Aculco's site out of time."""
    run_id = start_run(db, "crawl", TOWNS, PARAMS)
    record_site(db, run_id, report("15001", {"sitio.https": "cumple"}, pages=3))
    portal(db, run_id, "15001", "no_cumple")
    record_site(db, run_id, report("15002", {"sitio.https": "cumple"}, pages=4))
    portal(db, run_id, "15002", "indeterminado", "ipomex_sin_tiempo")
    record_site(db, run_id, report("15003", {"sitio.https": "indeterminado"}, failure="sitio_sin_tiempo"))
    portal(db, run_id, "15003")
    missed = [unread("15002", "ipomex", "ipomex_sin_tiempo"), unread("15003", "sitio", "sitio_sin_tiempo")]
    finish_run(db, run_id, "partial", "Corrida parcial: …", catalogue=load_catalogue(), unread=missed)
    return run_id


def resume(db: Database, run_id: int | None = None) -> tuple[int, dict[str, int]]:
    plan = resumable_run(db, run_id)
    return start_resumed_run(db, plan, TOWNS, {**PARAMS, "reanuda": plan.run_id}, STAGES)


def count(db: Database, table: type, **where: object) -> int:
    with db.engine.connect() as conn:
        query = select(func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(getattr(table, column) == value)
        return int(conn.scalar(query) or 0)


def test_a_partial_run_stores_what_it_did_not_read(db: Database) -> None:
    run_id = partial_night(db)
    assert [(u.cve_inegi, u.nombre, u.stage, u.reason) for u in run_unread(db, run_id)] == [
        ("15002", "Acolman", "ipomex", "ipomex_sin_tiempo"),
        ("15003", "Aculco", "sitio", "sitio_sin_tiempo"),
    ]
    assert pending_unread(db) == (run_id, run_unread(db, run_id))


def test_the_plan_names_the_newest_partial_run_and_its_missed_pairs(db: Database) -> None:
    baseline(db)
    run_id = partial_night(db)
    plan = resumable_run(db)
    assert (plan.run_id, plan.kind, plan.run_date and plan.run_date.isoformat()) == (run_id, "crawl", "2026-11-24")
    assert plan.cves == ("15001", "15002", "15003")
    assert [(u.cve_inegi, u.stage) for u in plan.missed] == [("15002", "ipomex"), ("15003", "sitio")]


def test_resuming_carries_what_was_read_and_completes_the_night(db: Database) -> None:
    first = baseline(db)
    partial = partial_night(db)
    resumed, carried = resume(db)
    assert carried == {"sitio": 2, "ipomex": 2}
    # The night's missing pairs, read now.
    portal(db, resumed, "15002")
    record_site(db, resumed, report("15003", {"sitio.https": "cumple"}, pages=5))
    finish_run(db, resumed, "complete", catalogue=load_catalogue())

    run = get_run(db, resumed)
    assert run is not None and run.resumes_run_id == partial and run.status == "complete"
    assert (run.sites_done, run.pages_ok) == (3, 3 + 4 + 5)
    items = {item.cve_inegi: item for item in run_results(db, resumed)}
    assert {cve: [(r.check_id, r.status) for r in item.results] for cve, item in items.items()} == {
        "15001": [("sitio.https", "cumple"), (FRACTION, "no_cumple")],
        "15002": [("sitio.https", "cumple"), (FRACTION, "cumple")],
        "15003": [("sitio.https", "cumple"), (FRACTION, "cumple")],
    }
    assert items["15002"].pages_ok == 4 and items["15003"].pages_ok == 5
    assert count(db, PageLogRow, run_id=resumed) == 3
    # Scored once, when it closed; the change read in the partial night is the resumed night's, against the baseline.
    assert count(db, ScoredRunRow, run_id=resumed) == 1 and all(
        item.scores["ipomex"] is not None for item in items.values()
    )
    changes = [(c.cve_inegi, c.check_id, c.previous_run_id, c.run_id) for c in changes_since(db, date(2000, 1, 1))]
    assert changes == [("15001", FRACTION, first, resumed)]
    # The partial run stays as it was.
    assert [item.cve_inegi for item in run_results(db, partial)] == ["15001", "15002", "15003"]
    assert pending_unread(db) is None


def test_the_runs_page_links_a_partial_run_and_the_run_that_resumed_it(db: Database) -> None:
    partial = partial_night(db)
    resumed, _ = resume(db)
    shown = {item.id: item for item in runs(db)}
    assert shown[partial].resumed_by == resumed and shown[partial].resumes_run_id is None
    assert [(u.cve_inegi, u.stage, u.reason, u.stage_label) for u in shown[partial].unread] == [
        ("15002", "ipomex", "ipomex_sin_tiempo", "IPOMEX"),
        ("15003", "sitio", "sitio_sin_tiempo", "sitio"),
    ]
    assert (shown[resumed].resumes_run_id, shown[resumed].carried, shown[resumed].unread) == (partial, 4, ())
    dumped = shown[partial].model_dump()
    assert dumped["reanudada_por"] == resumed and dumped["sin_leer"][0]["motivo"] == "ipomex_sin_tiempo"


def test_a_resumed_run_resumed_again_names_the_run_that_read_each_pair(db: Database) -> None:
    partial = partial_night(db)
    second, _ = resume(db)
    record_site(db, second, report("15003", {"sitio.https": "cumple"}))
    still = [unread("15002", "ipomex", "ipomex_sin_tiempo")]
    portal(db, second, "15002", "indeterminado", "ipomex_sin_tiempo")
    finish_run(db, second, "partial", catalogue=load_catalogue(), unread=still)
    third, carried = resume(db)
    assert carried == {"sitio": 3, "ipomex": 2}
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(CarriedStageRow.cve_inegi, CarriedStageRow.stage, CarriedStageRow.from_run_id).where(
                CarriedStageRow.run_id == third
            )
        ).all()
    assert sorted(rows) == [
        ("15001", "ipomex", partial),
        ("15001", "sitio", partial),
        ("15002", "sitio", partial),
        ("15003", "ipomex", partial),
        ("15003", "sitio", second),
    ]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("resumed", "ya fue reanudada por la corrida"),
        ("complete", "terminó completa"),
        ("superseded", "ya no es la más reciente"),
        ("no_list", "no guardó la lista"),
        ("missing", "No existe la corrida 999"),
        ("none", "No hay ninguna corrida parcial"),
    ],
)
def test_what_cannot_be_resumed_says_why(db: Database, setup: str, message: str) -> None:
    target: int | None = None
    if setup == "resumed":
        target = partial_night(db)
        resume(db)
    elif setup == "complete":
        target = baseline(db)
    elif setup == "superseded":
        target = partial_night(db)
        baseline(db)
    elif setup == "no_list":
        target = start_run(db, "crawl", TOWNS, PARAMS)
        finish_run(db, target, "partial", "sólo 2 de 3 sitios terminaron", catalogue=load_catalogue())
    elif setup == "missing":
        target = 999
    with pytest.raises(ResumeError, match=message):
        resumable_run(db, target)


def test_a_second_resume_of_the_same_run_is_refused_even_with_a_stale_plan(db: Database) -> None:
    partial_night(db)
    plan = resumable_run(db)
    start_resumed_run(db, plan, TOWNS, PARAMS, STAGES)
    with pytest.raises(ResumeError, match="ya fue reanudada"):
        start_resumed_run(db, plan, TOWNS, PARAMS, STAGES)
    assert len([run for run in runs(db) if run.resumes_run_id is not None]) == 1
