"""IPOMEX captures and obligation results in the database, beside the site results of the same run."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from checks.catalogue import load_catalogue
from checks.ipomex_eval import evaluate_capture
from checks.ipomex_model import IpomexCapture
from checks.model import CheckResult, PageRecord
from checks.obligations import load_obligations
from core.errors import DatabaseError
from storage.db import Database
from storage.models import CheckResultRow, IpomexCaptureRow
from storage.repository import (
    finish_run,
    latest_results,
    record_ipomex,
    record_site,
    run_results,
    site_pages,
    start_run,
)
from tests.storage.factories import capture, municipality, report

A, B = "15001", "15002"
RUN_DATE = date(2026, 10, 31)
CATALOGUE = load_obligations()


def _ipomex(
    cve: str | None, source: str = "ipomex3", failure: str | None = None
) -> tuple[IpomexCapture, list[CheckResult]]:
    taken = capture(cve, source, failure)
    return taken, evaluate_capture(taken, CATALOGUE, RUN_DATE)


def _count(db: Database, model: type[object]) -> int:
    with db.Session() as session:
        return len(session.scalars(select(model)).all())


def test_record_ipomex_round_trip(db: Database) -> None:
    run_id = start_run(db, "crawl", [municipality(A), municipality(B)], {})
    taken, results = _ipomex(A)
    record_ipomex(db, run_id, taken, results)  # Before its site: the order of recording does not matter.
    record_site(db, run_id, report(A, {"sitio.https": "cumple"}))
    record_site(db, run_id, report(B, {"sitio.https": "no_cumple"}))
    failed, unread = _ipomex(B, failure="captcha")
    record_ipomex(db, run_id, failed, unread)
    finish_run(db, run_id, "complete", catalogue=load_catalogue())

    first, second = latest_results(db)
    assert [r.source for r in first.results] == ["sitio"] + ["ipomex3"] * 87
    assert first.results[1:] == results  # Rebuilt exactly: status, reason, detail, evidence, source, law, date.
    fraction_i = first.results[1]
    assert (fraction_i.check_id, fraction_i.status, fraction_i.law, fraction_i.last_update) == (
        "ipomex.92.i",
        "cumple",
        "LTAIPEMyM:2016",
        date(2026, 10, 15),
    )
    assert (first.ipomex_source, first.ipomex_failure, first.ipomex_failure_detail) == ("ipomex3", None, None)
    assert first.ipomex_captured_at == datetime(2026, 10, 31, 9, tzinfo=UTC)

    assert (second.ipomex_failure, second.ipomex_failure_detail) == ("captcha", "Se mostró un reCAPTCHA")
    assert {r.status for r in second.results if r.source != "sitio"} == {"indeterminado"}
    assert run_results(db, run_id)[0].results == first.results


def test_the_capture_row_says_what_was_read(db: Database) -> None:
    run_id = start_run(db, "crawl", [municipality(A)], {})
    record_ipomex(db, run_id, *_ipomex(A))
    with db.Session() as session:
        row = session.scalars(select(IpomexCaptureRow)).one()
    assert (row.run_id, row.cve_inegi, row.source, row.failure) == (run_id, A, "ipomex3", None)
    assert (row.fractions_read, row.browser_pages) == (2, 2)  # The page in error was not read.
    assert row.index_url == f"https://www.ipomex.org.mx/ipo3/lgt/indice/m{A}.web"


def test_a_capture_is_recorded_once_per_run_and_source_atomically(db: Database) -> None:
    run_id = start_run(db, "crawl", [municipality(A)], {})
    record_ipomex(db, run_id, *_ipomex(A))
    with pytest.raises(DatabaseError, match="ya tiene una captura de ipomex3"):
        record_ipomex(db, run_id, *_ipomex(A))
    assert (_count(db, IpomexCaptureRow), _count(db, CheckResultRow)) == (1, 87)
    record_ipomex(db, run_id, *_ipomex(A, "ipomex4"))
    assert (_count(db, IpomexCaptureRow), _count(db, CheckResultRow)) == (2, 174)


def test_with_two_sources_the_successful_capture_explains_the_results(db: Database) -> None:
    run_id = start_run(db, "crawl", [municipality(A)], {})
    record_site(db, run_id, report(A, {"sitio.https": "cumple"}))
    record_ipomex(db, run_id, *_ipomex(A, "ipomex4"))
    record_ipomex(db, run_id, *_ipomex(A, "ipomex3", failure="timeout"))
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    (item,) = latest_results(db)
    assert (item.ipomex_source, item.ipomex_failure) == ("ipomex4", None)
    assert {r.source for r in item.results} == {"sitio", "ipomex3", "ipomex4"}


def test_closed_runs_and_unknown_municipalities_are_refused(db: Database) -> None:
    run_id = start_run(db, "crawl", [municipality(A)], {})
    with pytest.raises(DatabaseError, match="no cumplen las reglas"):
        record_ipomex(db, run_id, *_ipomex("15124"))
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    with pytest.raises(DatabaseError, match="ya no está en curso"):
        record_ipomex(db, run_id, *_ipomex(A))
    with pytest.raises(DatabaseError, match="no existe"):
        record_ipomex(db, 999, *_ipomex(A))
    assert (_count(db, IpomexCaptureRow), _count(db, CheckResultRow)) == (0, 0)


def test_results_must_come_from_the_capture_source(db: Database) -> None:
    run_id = start_run(db, "crawl", [municipality(A)], {})
    taken, results = _ipomex(A)
    with pytest.raises(ValueError):
        record_ipomex(db, run_id, taken, [*results, CheckResult("sitio.https", "cumple")])


def test_ad_hoc_captures_without_clave_are_stored(db: Database) -> None:
    run_id = start_run(db, "audit", [], {})
    record_ipomex(db, run_id, *_ipomex(None))
    record_ipomex(db, run_id, *_ipomex(None))
    assert _count(db, IpomexCaptureRow) == 2


def test_ipomex_history_is_append_only(db: Database) -> None:
    first = start_run(db, "crawl", [municipality(A)], {})
    record_site(db, first, report(A, {"sitio.https": "cumple"}))
    record_ipomex(db, first, *_ipomex(A))
    finish_run(db, first, "complete", catalogue=load_catalogue())
    before = run_results(db, first)
    second = start_run(db, "crawl", [municipality(A)], {})
    record_site(db, second, report(A, {"sitio.https": "no_cumple"}))
    record_ipomex(db, second, *_ipomex(A, failure="connect"))
    finish_run(db, second, "complete", catalogue=load_catalogue())
    assert run_results(db, first) == before
    (latest,) = latest_results(db)
    assert (latest.run_id, latest.ipomex_failure) == (second, "connect")


def test_site_results_keep_their_new_fields_and_rendered_pages(db: Database) -> None:
    run_id = start_run(db, "crawl", [municipality(A)], {})
    site = report(A, {"sitio.https": "cumple"})
    url = f"https://{A}.example.gob.mx/"
    site.pages = [
        PageRecord(url, url, 200, "h0", 0, kind="html", rendered=True),
        PageRecord(f"{url}a", f"{url}b", 200, "h1", 1),
        PageRecord(f"{url}c", None, None, None, 1),
    ]
    site.rendered = [f"{url}b"]  # Listed by its final URL only.
    site.results = [replace(site.results[0], last_update=date(2026, 9, 1))]
    record_site(db, run_id, site)
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    rendered = [(page.url, page.rendered) for page in site_pages(db, run_id, A)]
    assert rendered == [(url, True), (f"{url}a", True), (f"{url}c", False)]
    (item,) = latest_results(db)
    assert item.results == site.results
    assert (item.ipomex_source, item.ipomex_failure, item.ipomex_captured_at) == (None, None, None)
