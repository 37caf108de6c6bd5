"""Revision 0006 scores the runs already closed with the current catalogue, and reverts by dropping the scores."""

from __future__ import annotations

from checks.catalogue import load_catalogue
from checks.scoring import all_scores
from storage.db import downgrade_database, open_database, upgrade_database
from storage.repository import run_results
from storage.scores import stored_scores
from tests.conftest import NewDbUrl
from tests.storage.test_migration_0004 import MUNICIPALITIES, OUTCOMES, RESULTS, RUNS
from tests.storage.test_migrations import _execute, _revision, _schema_lines, _tables

FAILED_RUN = (
    "INSERT INTO runs (id, kind, started_at, finished_at, status, sites_planned, sites_done, pages_ok, pages_failed, "
    "params) VALUES (4, 'crawl', '2026-01-04 08:00:00.000000', '2026-01-04 09:00:00.000000', 'failed', 2, 0, 0, 0, "
    "'{}')"
)
SCORES = "SELECT run_id, cve_inegi, area, score, cumple, no_cumple, indeterminado, no_aplica FROM run_scores"


def test_0006_scores_closed_runs_with_the_current_catalogue_and_reverts(db_url: str, new_db_url: NewDbUrl) -> None:
    fresh = new_db_url("fresh_0005")
    upgrade_database(fresh, "0005")
    upgrade_database(db_url, "0003")
    _execute(db_url, *MUNICIPALITIES, *RUNS, *OUTCOMES, *RESULTS, FAILED_RUN)
    upgrade_database(db_url, "0006")
    assert _revision(db_url) == "0006"

    catalogue = load_catalogue()
    assert _execute(db_url, "SELECT run_id, catalogue_version FROM scored_runs ORDER BY run_id") == [
        (run_id, catalogue.version) for run_id in (1, 2, 3)
    ]
    rows = {(r[0], r[1], r[2]): r[3:] for r in _execute(db_url, SCORES)}
    assert rows[(1, "15001", "P3")] == (100.0, 1, 0, 0, 0)
    # Two sources of one fraction: the most favourable verdict stands.
    assert rows[(1, "15001", "ipomex")] == (100.0, 1, 0, 0, 0)
    assert rows[(1, "15002", "total")] == (None, 0, 0, 1, 0)
    assert rows[(2, "15001", "P3")] == (0.0, 0, 1, 0, 0)
    assert {run_id for run_id, _, _ in rows} == {1, 2, 3}
    database = open_database(db_url)
    try:
        for run_id in (1, 2, 3):
            items = run_results(database, run_id)
            with database.engine.connect() as conn:
                stored = stored_scores(conn, [(run_id, m.cve_inegi) for m in items])
            assert all(stored[(run_id, m.cve_inegi)] == all_scores(m.results, catalogue) for m in items)
    finally:
        database.dispose()

    downgrade_database(db_url, "0005")
    assert "run_scores" not in _tables(db_url) and "scored_runs" not in _tables(db_url)
    assert _schema_lines(db_url) == _schema_lines(fresh)
