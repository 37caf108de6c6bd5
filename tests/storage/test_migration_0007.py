"""Revision 0007 adds what runs did not read and the resume link, rebuilds the change log over results actually
read, and reverts to 0006 (schema and change log as they were)."""

from __future__ import annotations

from storage.db import downgrade_database, upgrade_database
from tests.conftest import NewDbUrl
from tests.storage.test_migration_0004 import MUNICIPALITIES, OUTCOMES, RESULT, RESULTS, RUNS
from tests.storage.test_migrations import _execute, _revision, _schema_lines, _tables

# A fourth night, and a phone check that was not read on the third (timeout) and is read again on the fourth.
RUN_4 = (
    "INSERT INTO runs (id, kind, started_at, finished_at, status, sites_planned, sites_done, pages_ok, pages_failed, "
    "params) VALUES (4, 'crawl', '2026-01-04 08:00:00.000000', '2026-01-04 09:00:00.000000', 'complete', 2, 2, 2, 0, "
    "'{}')"
)
PHONE = [
    RESULT.format("1, '15001', 'canal.telefono', 'cumple', NULL, NULL, 'https://a.mx/t', NULL", "'sitio', NULL, NULL"),
    RESULT.format(
        "3, '15001', 'canal.telefono', 'indeterminado', 'timeout', 'Sin respuesta', NULL, NULL", "'sitio', NULL, NULL"
    ),
    RESULT.format("4, '15001', 'canal.telefono', 'cumple', NULL, NULL, 'https://a.mx/t', NULL", "'sitio', NULL, NULL"),
]
CHANGES = (
    "SELECT ch.run_id, ch.cve_inegi, k.check_id, ch.previous_run_id, ch.previous_status, ch.status "
    "FROM result_changes ch JOIN check_keys k ON k.id = ch.check_key ORDER BY ch.run_id, k.check_id"
)
REAL = (3, "15001", "sitio.https", 1, "cumple", "no_cumple")
PHANTOMS = [
    (3, "15001", "canal.telefono", 1, "cumple", "indeterminado"),
    (4, "15001", "canal.telefono", 3, "indeterminado", "cumple"),
]


def test_0007_keeps_only_changes_that_were_read_and_reverts(db_url: str, new_db_url: NewDbUrl) -> None:
    fresh = new_db_url("fresh_0006")
    upgrade_database(fresh, "0006")
    upgrade_database(db_url, "0003")
    _execute(db_url, *MUNICIPALITIES, *RUNS, RUN_4, *OUTCOMES, *RESULTS, *PHONE)
    upgrade_database(db_url, "0006")
    assert sorted(_execute(db_url, CHANGES)) == sorted([REAL, *PHANTOMS])

    upgrade_database(db_url, "0007")
    assert _revision(db_url) == "0007" and {"unread_stages", "carried_stages"} <= _tables(db_url)
    # A night that did not read the phone check is no change, and the next reading compares with the first.
    assert _execute(db_url, CHANGES) == [REAL]
    _execute(
        db_url,
        "INSERT INTO unread_stages VALUES (2, '15002', 'ipomex', 'ipomex_sin_tiempo', 'Se agotó el tiempo')",
        "UPDATE runs SET resumes_run_id = 2 WHERE id = 3",
        "INSERT INTO carried_stages VALUES (3, '15001', 'sitio', 2)",
    )

    downgrade_database(db_url, "0006")
    assert _revision(db_url) == "0006"
    assert _schema_lines(db_url) == _schema_lines(fresh)
    assert sorted(_execute(db_url, CHANGES)) == sorted([REAL, *PHANTOMS])
    assert _execute(db_url, "SELECT id, status FROM runs ORDER BY id") == [
        (1, "complete"),
        (2, "partial"),
        (3, "complete"),
        (4, "complete"),
    ]
