"""What the last run that read a municipality's portal recorded: the previous state a run may carry forward."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import update

from checks.catalogue import load_catalogue
from checks.ipomex_model import IpomexCapture
from checks.model import CheckResult
from storage.db import Database
from storage.models import RunRow
from storage.repository import finish_run, record_ipomex, record_site, start_run
from storage.results import last_reads
from storage.runstore import DatabaseRunStore
from tests.storage.factories import municipality, report

A, B, C = "15001", "15002", "15003"
NOTE = " Sin cambios desde la corrida 1 (leída el 20/11/2026): no se volvió a pedir."


def result(status: str, day: date | None, source: str = "ipomex4", detail: str = "Cubre.") -> CheckResult:
    return CheckResult("ipomex.92.i", status, None, None, detail, source, "LTAIPEMyM:2016", day)  # type: ignore[arg-type]


def _run(db: Database, status: str, run_date: str | None, portals: dict[str, tuple[str | None, CheckResult]]) -> int:
    params: dict[str, object] = {"run_date": run_date} if run_date else {}
    run_id = start_run(db, "crawl", [municipality(cve) for cve in portals], params)
    for cve, (failure, outcome) in portals.items():
        record_site(db, run_id, report(cve, {"sitio.https": "cumple"}))
        capture = IpomexCapture(cve, outcome.source, "http://ipomex/", datetime.now(UTC), failure)
        record_ipomex(db, run_id, capture, [outcome])
    if status != "running":
        finish_run(db, run_id, status, catalogue=load_catalogue())
    return run_id


def test_the_newest_closed_run_that_read_the_portal_and_its_results(db: Database) -> None:
    first = _run(
        db,
        "complete",
        "2026-11-20",
        {A: (None, result("cumple", date(2026, 10, 1))), B: (None, result("cumple", None))},
    )
    second = _run(
        db,
        "partial",
        "2026-11-21",
        {
            A: (None, result("no_cumple", date(2026, 10, 2), detail="Cubre." + NOTE)),
            B: ("captcha", result("indeterminado", None)),
        },
    )
    _run(db, "failed", "2026-11-22", {A: (None, result("cumple", date(2026, 10, 3)))})
    _run(db, "running", "2026-11-23", {A: (None, result("cumple", date(2026, 10, 4)))})
    found = last_reads(db, frozenset({"ipomex4"}), [A, B, C])
    assert set(found) == {A, B}
    assert (found[A].run_id, found[A].run_date) == (second, date(2026, 11, 21))
    kept = found[A].result("ipomex.92.i")
    assert kept is not None and (kept.status, kept.last_update, kept.detail) == (
        "no_cumple",
        date(2026, 10, 2),
        "Cubre." + NOTE,
    )
    assert found[A].result("sitio.https") is None  # only the asked sources' results
    assert found[B].run_id == first  # its portal failed in run 2: run 1 is the last that read it


def test_other_sources_and_empty_questions_find_nothing(db: Database) -> None:
    _run(db, "complete", "2026-11-20", {A: (None, result("cumple", date(2026, 10, 1), source="ipomex3"))})
    store = DatabaseRunStore(db)
    assert store.last_read(frozenset({"ipomex4"}), [A]) == {}
    assert store.last_read(frozenset({"ipomex3"}), []) == {}
    assert set(store.last_read(frozenset({"ipomex3"}), [A])) == {A}


def test_a_run_without_a_run_date_is_dated_by_its_start_in_mexico_city(db: Database) -> None:
    run_id = _run(db, "complete", None, {A: (None, result("cumple", date(2026, 10, 1)))})
    with db.Session.begin() as session:  # 03:00 UTC is still the evening before in Mexico City
        session.execute(
            update(RunRow).where(RunRow.id == run_id).values(started_at=datetime(2026, 11, 21, 3, tzinfo=UTC))
        )
    assert last_reads(db, frozenset({"ipomex4"}), [A])[A].run_date == date(2026, 11, 20)
