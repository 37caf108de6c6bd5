"""History across complete runs: a municipality's timeline and the status changes since a date."""

from __future__ import annotations

from datetime import date, timedelta

from checks.catalogue import load_catalogue
from checks.model import Status
from storage.db import Database
from storage.history import changes_since, day_start, timeline
from storage.repository import finish_run, record_site, start_run
from tests.storage.factories import municipality, report

REGISTRY = [municipality("15001", "Acambay"), municipality("15002", "Acolman")]


def crawl(db: Database, statuses: dict[str, dict[str, Status]], status: str = "complete") -> int:
    run_id = start_run(db, "crawl", REGISTRY, {})
    for cve, found in statuses.items():
        record_site(db, run_id, report(cve, found))
    finish_run(db, run_id, status, catalogue=load_catalogue())
    return run_id


def test_timeline_lists_complete_runs_in_order(db: Database) -> None:
    first = crawl(db, {"15001": {"a": "cumple", "b": "no_cumple"}})
    crawl(db, {"15001": {"a": "no_cumple", "b": "no_cumple"}}, status="partial")
    third = crawl(db, {"15001": {"a": "indeterminado", "b": "cumple"}})
    entries = timeline(db, "15001")
    assert [(e.run_id, e.check_id, e.status) for e in entries] == [
        (first, "a", "cumple"),
        (first, "b", "no_cumple"),
        (third, "a", "indeterminado"),
        (third, "b", "cumple"),
    ]
    assert entries[0].evidence_url == "https://15001.example.gob.mx/" and entries[0].source == "sitio"
    assert entries[2].reason is None and entries[0].run_finished_at is not None
    assert [e.status for e in timeline(db, "15001", "b")] == ["no_cumple", "cumple"]
    assert timeline(db, "15002") == []


def test_timeline_dates_are_local_days(db: Database) -> None:
    crawl(db, {"15001": {"a": "cumple"}})
    (entry,) = timeline(db, "15001")
    assert entry.run_finished_at is not None
    local_day = entry.run_finished_at.astimezone(day_start(date(2026, 1, 1)).tzinfo).date()
    assert day_start(date(2026, 1, 1)).isoformat() == "2026-01-01T06:00:00+00:00"
    assert timeline(db, "15001", since=local_day + timedelta(days=1)) == []
    assert len(timeline(db, "15001", since=local_day - timedelta(days=1), until=local_day + timedelta(days=1))) == 1


def test_changes_since_compares_consecutive_complete_runs(db: Database) -> None:
    first = crawl(db, {"15001": {"a": "cumple", "b": "cumple"}, "15002": {"a": "cumple"}})
    second = crawl(db, {"15001": {"a": "no_cumple", "b": "cumple"}, "15002": {"a": "cumple"}})
    crawl(db, {"15001": {"a": "cumple"}}, status="failed")
    third = crawl(db, {"15001": {"a": "indeterminado", "b": "cumple"}, "15002": {"a": "no_cumple"}})
    changes = changes_since(db, date(2000, 1, 1))
    assert [
        (c.cve_inegi, c.nombre, c.check_id, c.previous_status, c.status, c.previous_run_id, c.run_id) for c in changes
    ] == [
        ("15001", "Acambay", "a", "cumple", "no_cumple", first, second),
        ("15001", "Acambay", "a", "no_cumple", "indeterminado", second, third),
        ("15002", "Acolman", "a", "cumple", "no_cumple", second, third),
    ]
    assert changes_since(db, date(2999, 1, 1)) == []
    assert changes_since(db, date(2000, 1, 1), until=date(2000, 1, 2)) == []
