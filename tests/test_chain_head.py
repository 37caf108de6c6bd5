"""The evidence chain's head leaves the database: the run's summary, the digest e-mail and the runs page show it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from alerts.detect import detect_changes
from alerts.digest import render_digest
from checks.catalogue import load_catalogue
from crawler.pipeline import RunSummary
from storage.db import Database
from storage.manifest import chain_head
from storage.models import OutboxRow
from storage.repository import finish_run, record_site, start_run
from tests.alerts.test_detect import config, crawl, up
from tests.storage.factories import municipality, report
from vigia.cli.progress import print_chain_head
from web.app import create_app


def summary(run_id: int, status: str = "complete") -> RunSummary:
    return RunSummary(run_id, status, 1, 1, 0, 3, 0, 1.0)


def test_the_summary_prints_the_head_and_says_when_a_run_was_not_chained(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    print_chain_head(summary(1), str(db.url))
    assert "Cadena de evidencia: vacía todavía" in capsys.readouterr().out
    towns = [municipality("15001")]
    complete = start_run(db, "crawl", towns, {})
    finish_run(db, complete, "complete", catalogue=load_catalogue())
    partial = start_run(db, "crawl", towns, {})
    finish_run(db, partial, "partial", catalogue=load_catalogue())
    head = chain_head(db)
    assert head is not None
    print_chain_head(summary(complete), str(db.url))
    print_chain_head(summary(partial, "partial"), str(db.url))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Cadena de evidencia: {head.manifest_hash} (corrida {complete})"
    assert lines[1] == (
        f"Cadena de evidencia: {head.manifest_hash} (corrida {complete}; esta corrida no terminó completa y no se "
        "encadenó)"
    )


@pytest.mark.parametrize("with_renderer", [False, True])
def test_the_digest_mail_carries_the_head(db: Database, with_renderer: bool) -> None:
    registry = [municipality("15001")]
    for status in ("cumple", "no_cumple"):
        crawl(db, registry, {"15001": up(status)}, config())
    run_id = start_run(db, "crawl", registry, {})
    record_site(db, run_id, report("15001", {"sitio.disponible": "cumple", "transparencia.aviso": "no_cumple"}))
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    detect_changes(db, run_id, config(), registry, render_digest if with_renderer else None)
    head = chain_head(db)
    assert head is not None and head.run_id == run_id
    with db.Session() as session:
        row = session.scalars(select(OutboxRow)).one()
    assert f"Cadena de evidencia: {head.manifest_hash} (corrida {run_id})" in row.body_text
    if with_renderer:
        assert row.body_html is not None and head.manifest_hash in row.body_html


def test_the_runs_page_shows_the_head(db_url: str, db: Database) -> None:
    run_id = start_run(db, "crawl", [municipality("15001")], {})
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    head = chain_head(db)
    assert head is not None
    with TestClient(create_app(db_url, require_login=False)) as client:
        page = client.get("/corridas").text
    assert f"<code>{head.manifest_hash}</code> (corrida {run_id})" in page
