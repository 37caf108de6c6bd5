"""The compact history: change log, status on a date, timeline semantics, detail dedup, dialect neutrality."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.dialects import postgresql

from checks.catalogue import load_catalogue
from checks.model import Status
from checks.reasons import NOT_READ
from core.clock import LOCAL_TZ
from storage.compact import changes_statement, decode_pages, detail_digest, encode_pages, resolve_keys
from storage.db import Database
from storage.history import status_on, timeline
from storage.models import CheckKeyRow, ResultChangeRow, ResultDetailRow
from storage.repository import finish_run, get_run, record_site, start_run
from tests.storage.factories import municipality, report
from tests.storage.test_history import REGISTRY, crawl

# The same change log recomputed from scratch with a window over the results read in complete runs (what
# migration 0007 rebuilds): consecutive readings of a check, whatever runs did not read it in between.
WINDOW_CHANGES = (
    "SELECT run_id, cve_inegi, check_key, previous_run_id, previous_status, status, detail_id FROM ("
    "SELECT r.*, lag(r.run_id) OVER (PARTITION BY r.cve_inegi, r.check_key ORDER BY r.run_id) AS previous_run_id, "
    "lag(r.status) OVER (PARTITION BY r.cve_inegi, r.check_key ORDER BY r.run_id) AS previous_status "
    "FROM check_results r JOIN runs ON runs.id = r.run_id JOIN result_details d ON d.id = r.detail_id "
    "WHERE runs.status = 'complete' AND (r.status != 'indeterminado' OR d.reason IS NULL OR d.reason NOT IN ("
    + ", ".join(f"'{reason}'" for reason in sorted(NOT_READ))
    + "))) AS w WHERE previous_status != status ORDER BY run_id, cve_inegi, check_key"
)


def _changes(db: Database) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        stored = select(ResultChangeRow.__table__).order_by(
            ResultChangeRow.run_id, ResultChangeRow.cve_inegi, ResultChangeRow.check_key
        )
        return [tuple(row) for row in conn.execute(stored)]


def _window(db: Database) -> list[tuple[object, ...]]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(WINDOW_CHANGES))]


def _pairs(db: Database) -> list[tuple[str, str, str, str, int]]:
    with db.engine.connect() as conn:
        names = dict(conn.execute(select(CheckKeyRow.id, CheckKeyRow.check_id)).all())
    return [
        (str(cve), names[key], str(before), str(after), int(run_id))
        for run_id, cve, key, _, before, after, _ in _changes(db)
    ]


def test_first_run_has_no_changes(db: Database) -> None:
    crawl(db, {"15001": {"a": "cumple"}})
    assert _changes(db) == []


def test_changes_skip_partial_and_failed_runs_and_missing_municipalities(db: Database) -> None:
    first = crawl(db, {"15001": {"a": "cumple", "b": "cumple"}, "15002": {"a": "cumple"}})
    crawl(db, {"15001": {"a": "no_cumple"}}, status="partial")
    crawl(db, {"15002": {"a": "no_cumple"}}, status="failed")
    subset = crawl(db, {"15001": {"a": "no_cumple"}})  # 15002 is not in this run; 15001 lacks check b.
    last = crawl(db, {"15001": {"a": "no_cumple", "b": "indeterminado"}, "15002": {"a": "no_cumple"}})
    assert _pairs(db) == [
        ("15001", "a", "cumple", "no_cumple", subset),
        ("15001", "b", "cumple", "indeterminado", last),
        ("15002", "a", "cumple", "no_cumple", last),
    ]
    assert {row[3] for row in _changes(db)} == {first}
    assert _changes(db) == _window(db)


def test_a_run_left_running_gets_no_changes_until_it_completes(db: Database) -> None:
    crawl(db, {"15001": {"a": "cumple"}})
    run_id = start_run(db, "crawl", REGISTRY, {})
    record_site(db, run_id, report("15001", {"a": "no_cumple"}))
    assert _changes(db) == []
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    assert [row[0] for row in _changes(db)] == [run_id]


def test_identical_nights_add_no_detail_rows(db: Database) -> None:
    statuses: dict[str, dict[str, Status]] = {"15001": {"a": "cumple", "b": "indeterminado", "c": "no_cumple"}}
    crawl(db, statuses)
    with db.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(ResultDetailRow)).scalar_one()
    crawl(db, statuses)
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ResultDetailRow)).scalar_one() == before == 3


def test_status_on_reads_the_newest_complete_run_by_that_day(db: Database) -> None:
    first = crawl(db, {"15001": {"a": "cumple"}, "15002": {"a": "no_cumple"}})
    crawl(db, {"15001": {"a": "indeterminado"}}, status="failed")
    second = crawl(db, {"15001": {"a": "no_cumple"}})
    summary = get_run(db, second)
    assert summary is not None and summary.finished_at is not None
    today = summary.finished_at.astimezone(LOCAL_TZ).date()
    states = status_on(db, today)
    assert [(s.cve_inegi, s.check_id, s.status, s.run_id) for s in states] == [
        ("15001", "a", "no_cumple", second),
        ("15002", "a", "no_cumple", first),
    ]
    assert states[0].source == "sitio" and states[0].run_finished_at == summary.finished_at
    assert [s.status for s in status_on(db, today, "15002")] == ["no_cumple"]
    assert status_on(db, today - timedelta(days=1)) == []


def test_timeline_lists_first_observation_then_changes_only(db: Database) -> None:
    first = crawl(db, {"15001": {"a": "cumple", "b": "cumple"}})
    crawl(db, {"15001": {"a": "cumple", "b": "cumple"}})
    third = crawl(db, {"15001": {"a": "no_cumple", "b": "cumple", "c": "cumple"}})
    crawl(db, {"15001": {"a": "no_cumple", "b": "cumple", "c": "cumple"}})
    entries = timeline(db, "15001")
    assert [(e.run_id, e.check_id, e.status) for e in entries] == [
        (first, "a", "cumple"),
        (first, "b", "cumple"),
        (third, "a", "no_cumple"),
        (third, "c", "cumple"),
    ]
    assert [(e.run_id, e.status) for e in timeline(db, "15001", "a")] == [(first, "cumple"), (third, "no_cumple")]
    assert timeline(db, "15001", "zzz") == []
    assert timeline(db, "15001", since=date(2999, 1, 1)) == []


def test_page_logs_round_trip_and_shorten_hashes() -> None:
    from checks.model import PageRecord

    pages = [
        PageRecord("https://a.mx/", "https://a.mx/", 200, "f" * 64, 0, kind="html"),
        PageRecord("https://a.mx/x", None, None, None, 1, error="timeout"),
        PageRecord("https://a.mx/y", "https://a.mx/z", 301, "ab", 2, rendered=True),
    ]
    decoded = decode_pages(encode_pages(pages))
    assert decoded[0].content_hash == "f" * 16 and decoded[1:] == pages[1:]
    assert decoded[0].final_url == "https://a.mx/"


def test_keys_inserted_by_another_process_are_found(db: Database, db_url: str) -> None:
    from storage.db import open_database

    other = open_database(db_url)
    try:
        with other.engine.begin() as conn:
            assert resolve_keys(conn, [("x", "sitio")], {}) == {("x", "sitio"): 1}
        run_id = start_run(db, "crawl", [municipality("15001")], {})
        record_site(db, run_id, report("15001", {"y": "cumple", "x": "cumple"}))
        with db.engine.connect() as conn:
            keys = dict(conn.execute(select(CheckKeyRow.check_id, CheckKeyRow.id)).all())
        assert keys == {"x": 1, "y": 2}
    finally:
        other.dispose()


def test_sql_compiles_for_postgresql() -> None:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    sql = str(changes_statement(7).compile(dialect=dialect))
    assert "INSERT INTO result_changes" in sql and "LIMIT" in sql
    upsert = postgresql.insert(CheckKeyRow).on_conflict_do_nothing()
    assert "ON CONFLICT DO NOTHING" in str(upsert.compile(dialect=dialect))
    assert len(detail_digest((None, None, None, None, None, date(2026, 1, 1)))) == 32
    assert insert(ResultDetailRow).compile(dialect=dialect) is not None
