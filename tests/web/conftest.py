"""Fixtures for dashboard tests: a test database with two complete runs and a hostile evidence row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from checks.catalogue import load_catalogue
from checks.model import CheckResult, Evidence
from storage.db import open_database
from storage.models import AlertEventRow
from storage.repository import finish_run, record_site, start_run
from storage.work import unit_of_work
from tests.conftest import NewDbUrl
from tests.storage.factories import municipality, report
from web.app import create_app
from web.auth import hash_password

HOSTILE_TEXT = '<script>alert(1)</script> "><img src=x onerror=alert(1)> {{7*7}} '
HOSTILE_FORMULA = '=HYPERLINK("http://x","y")'
PASSWORD = "clave-secreta-1"


def _record(url: str, statuses: dict[str, dict[str, str]], hostile: bool) -> int:
    db = open_database(url)
    # Aculco is registered but never crawled: the ranking still lists it, without scores.
    towns = [
        municipality("15001", "Acambay", 60_000),
        municipality("15002", "Acolman", 150_000),
        municipality("15003", "Aculco", 50_000),
    ]
    run = start_run(db, "crawl", towns, {})
    for cve, checks in statuses.items():
        site = report(cve, checks)  # type: ignore[arg-type]
        if hostile and cve == "15001":
            evidence = Evidence("javascript:alert(1)", HOSTILE_TEXT)
            site.results.append(CheckResult("sitio.https", "cumple", evidence=evidence, detail=HOSTILE_FORMULA))
        record_site(db, run, site)
    finish_run(db, run, "complete", catalogue=load_catalogue())
    db.dispose()
    return run


def _alert(url: str, run: int, cve: str, check_id: str, kind: str) -> None:
    """Record an alerted change, as the alert detector does after a run."""
    db = open_database(url)
    with unit_of_work(db, "registrar alertas") as session:
        session.add(
            AlertEventRow(run_id=run, cve_inegi=cve, check_id=check_id, kind=kind, created_at=datetime.now(UTC))
        )
    db.dispose()


@pytest.fixture
def db_url(new_db_url: NewDbUrl) -> str:
    url = new_db_url()
    _record(url, {"15001": {"sitio.disponible": "cumple"}, "15002": {"sitio.disponible": "cumple"}}, False)
    run = _record(url, {"15001": {"sitio.disponible": "cumple"}, "15002": {"sitio.disponible": "no_cumple"}}, True)
    _alert(url, run, "15002", "sitio.disponible", "regresion")
    return url


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(db_url, require_login=False)) as test_client:
        yield test_client


@pytest.fixture
def secured(db_url: str) -> FastAPI:
    return create_app(db_url, require_login=True, users={"auditora": hash_password(PASSWORD)}, secret_key="k" * 32)
