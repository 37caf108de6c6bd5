"""One record entry point: a report's own facts go to their table, a source without facts needs no storage code."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from checks.catalogue import load_catalogue
from checks.ipomex_eval import evaluate_capture
from checks.model import CheckResult, SourceReport
from checks.obligations import load_obligations
from storage.db import Database
from storage.models import CheckResultRow, IpomexCaptureRow, PageLogRow, SiteOutcomeRow
from storage.repository import finish_run, latest_results, record_report, start_run
from storage.runstore import DatabaseRunStore
from tests.storage.factories import capture, municipality, report

A = "15001"
RUN_DATE = date(2026, 10, 31)


def _count(db: Database, model: type[object]) -> int:
    with db.Session() as session:
        return len(session.scalars(select(model)).all())


def test_each_report_kind_lands_in_its_own_tables_through_one_entry_point(db: Database) -> None:
    run_id = start_run(db, "crawl", [municipality(A)], {})
    site = report(A, {"sitio.https": "cumple"})
    taken = capture(A)
    portal = evaluate_capture(taken, load_obligations(), RUN_DATE)
    extra = [CheckResult("pagina.titulo", "cumple", source="pagina")]
    record_report(db, run_id, SourceReport("sitio", A, site.results, facts=site))
    record_report(db, run_id, SourceReport(taken.source, A, portal, facts=taken))
    DatabaseRunStore(db).record(run_id, SourceReport("pagina", A, extra))
    finish_run(db, run_id, "complete", catalogue=load_catalogue())

    counts = [_count(db, model) for model in (SiteOutcomeRow, PageLogRow, IpomexCaptureRow, CheckResultRow)]
    assert counts == [1, 1, 1, 1 + 87 + 1]
    (stored,) = latest_results(db)
    assert [r.source for r in stored.results] == ["sitio"] + ["ipomex3"] * 87 + ["pagina"]
    assert stored.results[-1] == extra[0]
