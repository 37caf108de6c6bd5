"""Revision 0004 converts a populated 0003 database without losing a row, and reverts to it."""

from __future__ import annotations

from datetime import date

from storage.db import downgrade_database, open_database, upgrade_database
from storage.history import changes_since
from storage.repository import latest_results, run_results, site_pages
from tests.conftest import NewDbUrl
from tests.storage.test_migrations import _execute, _revision, _schema_lines

MUNICIPALITIES = [
    f"INSERT INTO municipalities VALUES ('{cve}', 'M{cve}', 'C', 1000, 0.5, 'Bajo', NULL, NULL, 'confirmado', "
    "'2026-01-01 00:00:00.000000')"
    for cve in ("15001", "15002")
]
RUNS = [
    "INSERT INTO runs (id, kind, started_at, finished_at, status, sites_planned, sites_done, pages_ok, pages_failed, "
    f"params) VALUES ({run_id}, 'crawl', '2026-01-0{run_id} 08:00:00.000000', '2026-01-0{run_id} 09:00:00.000000', "
    f"'{status}', 2, 2, 2, 0, '{{}}')"
    for run_id, status in ((1, "complete"), (2, "partial"), (3, "complete"))
]
OUTCOMES = [
    "INSERT INTO site_outcomes (run_id, cve_inegi, start_url, home_url, pages_ok, pages_failed, truncated, seconds, "
    f"network_suspect, recorded_at) VALUES ({run_id}, '{cve}', 'https://a.mx/', 'https://a.mx/', 1, 0, false, 1.0, "
    "false, '2026-01-01 08:30:00.000000')"
    for run_id in (1, 2, 3)
    for cve in ("15001", "15002")
]
RESULT = (
    "INSERT INTO check_results (run_id, cve_inegi, check_id, status, reason, detail, evidence_url, "
    "evidence_text, created_at, source, law, last_update) VALUES ({}, '2026-01-01 08:30:00.000000', {})"
)
RESULTS = [
    RESULT.format(
        "1, '15001', 'sitio.https', 'cumple', NULL, NULL, 'https://a.mx/', 'https válido'", "'sitio', NULL, NULL"
    ),
    RESULT.format(
        "1, '15001', 'ipomex.92.i', 'cumple', NULL, NULL, 'https://i.mx/1', NULL",
        "'ipomex3', 'LTAIPEMyM:2016', '2026-10-15'",
    ),
    RESULT.format(
        "1, '15001', 'ipomex.92.i', 'no_cumple', 'outdated', 'Vieja', 'https://i.mx/2', NULL",
        "'ipomex4', 'LTAIPEMyM:2016', '2025-01-01'",
    ),
    RESULT.format(
        "1, '15002', 'sitio.https', 'indeterminado', 'timeout', 'No se pudo revisar', NULL, NULL", "'sitio', NULL, NULL"
    ),
    RESULT.format("2, '15001', 'sitio.https', 'no_cumple', NULL, NULL, NULL, NULL", "'sitio', NULL, NULL"),
    RESULT.format("3, '15001', 'sitio.https', 'no_cumple', NULL, NULL, NULL, NULL", "'sitio', NULL, NULL"),
    RESULT.format(
        "3, '15001', 'ipomex.92.i', 'cumple', NULL, NULL, 'https://i.mx/1', NULL",
        "'ipomex3', 'LTAIPEMyM:2016', '2026-10-15'",
    ),
    RESULT.format(
        "3, '15002', 'sitio.https', 'indeterminado', 'timeout', 'No se pudo revisar', NULL, NULL", "'sitio', NULL, NULL"
    ),
]
PAGES = [
    "INSERT INTO pages (run_id, cve_inegi, url, final_url, status, content_hash, depth, error, kind, rendered) VALUES "
    f"(1, '15001', 'https://a.mx/', 'https://a.mx/', 200, '{'a' * 40}', 0, NULL, 'html', true)",
    "INSERT INTO pages (run_id, cve_inegi, url, final_url, status, content_hash, depth, error, kind, rendered) VALUES "
    "(1, '15001', 'https://a.mx/x', NULL, NULL, NULL, 1, 'timeout', NULL, false)",
    "INSERT INTO pages (run_id, cve_inegi, url, final_url, status, content_hash, depth, error, kind, rendered) VALUES "
    "(1, NULL, 'https://b.mx/', 'https://b.mx/z', 301, 'h', 0, NULL, 'html', false)",
]
WIDE = (
    "SELECT run_id, cve_inegi, check_id, status, reason, detail, evidence_url, evidence_text, source, law, "
    "last_update FROM check_results ORDER BY run_id, cve_inegi, check_id, source"
)
PAGE_ROWS = "SELECT run_id, cve_inegi, url, final_url, status, content_hash, depth, error, kind, rendered FROM pages"


def test_0004_converts_every_row_and_reverts(db_url: str, new_db_url: NewDbUrl) -> None:
    fresh = new_db_url("fresh_0003")
    upgrade_database(fresh, "0003")
    upgrade_database(db_url, "0003")
    _execute(db_url, *MUNICIPALITIES, *RUNS, *OUTCOMES, *RESULTS, *PAGES)
    wide, pages = _execute(db_url, WIDE), _execute(db_url, PAGE_ROWS + " ORDER BY id")

    upgrade_database(db_url, "0004")
    assert _revision(db_url) == "0004"
    assert _execute(db_url, "SELECT count(*) FROM check_results") == [(len(RESULTS),)]
    assert _execute(db_url, "SELECT count(*) FROM check_keys") == [(3,)]
    database = open_database(db_url)
    try:
        by_run = {(m.run_id, m.cve_inegi): m.results for run_id in (1, 2, 3) for m in run_results(database, run_id)}
        acambay = by_run[(1, "15001")]
        assert [(r.check_id, r.status, r.source, r.law, str(r.last_update)) for r in acambay] == [
            ("sitio.https", "cumple", "sitio", None, "None"),
            ("ipomex.92.i", "cumple", "ipomex3", "LTAIPEMyM:2016", "2026-10-15"),
            ("ipomex.92.i", "no_cumple", "ipomex4", "LTAIPEMyM:2016", "2025-01-01"),
        ]
        assert acambay[0].evidence is not None and acambay[0].evidence.text == "https válido"
        assert (acambay[2].reason, acambay[2].detail) == ("outdated", "Vieja")
        assert by_run[(1, "15002")][0].reason == "timeout" and len(by_run[(2, "15001")]) == 1
        assert [m.run_id for m in latest_results(database)] == [3, 3]
        # The partial run 2 is skipped: run 3 is compared with run 1.
        assert [
            (c.cve_inegi, c.check_id, c.previous_status, c.status, c.previous_run_id, c.run_id)
            for c in changes_since(database, date(2000, 1, 1))
        ] == [("15001", "sitio.https", "cumple", "no_cumple", 1, 3)]
        site = site_pages(database, 1, "15001")
        assert [(p.url, p.final_url, p.content_hash, p.error, p.rendered) for p in site] == [
            ("https://a.mx/", "https://a.mx/", "a" * 40, None, True),
            ("https://a.mx/x", None, None, "timeout", False),
        ]
        assert [(p.url, p.final_url, p.status) for p in site_pages(database, 1, None)] == [
            ("https://b.mx/", "https://b.mx/z", 301)
        ]
    finally:
        database.dispose()

    downgrade_database(db_url, "0003")
    assert _schema_lines(db_url) == _schema_lines(fresh)
    assert _execute(db_url, WIDE) == wide
    assert sorted(_execute(db_url, PAGE_ROWS), key=repr) == sorted(pages, key=repr)
