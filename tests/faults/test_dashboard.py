"""Fault matrix, dashboard and exports: hostile scraped text, CSV/XLSX injection, login beyond loopback, password
rate limiting, CSRF on every route and a read-only auditor (every route, every method, nothing changes)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, create_engine, select
from starlette.routing import Mount
from typer.testing import CliRunner

from alerts.digest import render_digest
from alerts.model import AlertEvent, Digest
from alerts.outbox_sender import send_pending
from alerts.smtp import FakeTransport
from checks.catalogue import load_catalogue
from checks.model import CheckResult, Evidence
from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from simulator import FarmServer, build_world
from storage import repository
from storage.db import open_database
from storage.models import OutboxRow
from storage.repository import finish_run, record_site, start_run
from storage.runstore import DatabaseRunStore
from tests.storage.factories import municipality, report
from tests.web.test_hostile_site import RUN_DATE, hostile
from vigia.cli import app as cli
from web.app import create_app
from web.auth import hash_password

PASSWORD = "clave-secreta-1"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)"]
INJECTIONS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0"]
HOSTILE_NAME = 'Acambay <script>alert(1)</script>"><img src=x onerror=alert(1)>'
CHECKS = ["sitio.https", "sitio.movil", "sitio.aviso_privacidad", "sitio.buscador"]
PARAMS = {"cve": "15001", "check_id": "sitio.https"}
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]


def seed(url: str) -> None:
    """One complete run: a hostile municipality name, evidence URLs with XSS and texts with spreadsheet formulas."""
    db = open_database(url)
    run = start_run(
        db, "crawl", [municipality("15001", HOSTILE_NAME, 60_000), municipality("15002", INJECTIONS[0])], {}
    )
    site = report("15001", {"sitio.disponible": "cumple"})
    urls = ["javascript:alert(1)", 'https://a.mx/"><script>alert(1)</script>', "https://a.mx/ok", XSS[1]]
    for check_id, link, text in zip(CHECKS, urls, INJECTIONS, strict=True):
        site.results.append(CheckResult(check_id, "cumple", Evidence(link, f"{text} {XSS[0]} {XSS[1]}"), detail=text))
    record_site(db, run, site)
    record_site(db, run, report("15002", {"sitio.disponible": "no_cumple"}))
    finish_run(db, run, "complete", catalogue=load_catalogue())
    db.dispose()


@pytest.fixture
def seeded(db_url: str) -> str:
    seed(db_url)
    return db_url


def routes(app: FastAPI) -> list[str]:
    """Every route of the application as a concrete path (path parameters filled in, static files included)."""
    found = []
    for route in app.routes:
        path = str(getattr(route, "path", ""))
        if isinstance(route, Mount):
            found.append(f"{path}/vigia.css")
            continue
        names = re.findall(r"{(\w+)}", path)
        assert set(names) <= set(PARAMS), f"ruta nueva sin valor de prueba: {path}"
        found.append(path.format(**PARAMS))
    return found


def exports(app: FastAPI) -> list[str]:
    """Every HTML page route in CSV and XLSX."""
    pages = [p for p in routes(app) if not p.startswith(("/api", "/static", "/openapi", "/entrar", "/salir"))]
    return [f"{page}?formato={fmt}" for page in pages for fmt in ("csv", "xlsx")]


def assert_inert_html(html: str) -> None:
    lowered = html.lower()
    # Escaped payload text (&lt;img … onerror=…&gt;) is harmless; a real tag or an event attribute is not.
    assert "<script" not in lowered and "<img" not in lowered and not re.search(r"<[^>]*\son\w+\s*=", lowered)
    assert 'href="javascript:' not in lowered and 'src="javascript:' not in lowered


def cells(response: Any) -> list[object]:
    """Every cell of a CSV or XLSX export; an XLSX must hold no formula."""
    if response.headers["content-type"].startswith("text/csv"):
        text = response.content.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"fórmula en {cell.coordinate}: {cell.value!r}"
                values.append(cell.value)
    return values


def assert_neutral(values: list[object]) -> None:
    texts = [v for v in values if isinstance(v, str)]
    assert not [t for t in texts if t.startswith(DANGEROUS)]


@pytest.mark.slow
def test_payloads_from_a_crawled_site_are_inert_in_pages_json_exports_and_mail(tmp_path: Path) -> None:
    world = build_world(seed=2026, run_date=RUN_DATE)
    evil = hostile(world)
    world = replace(world, sites=[evil if s.cve_inegi == evil.cve_inegi else s for s in world.sites])
    db_url = f"sqlite:///{tmp_path / 'hostil.db'}"
    with FarmServer(world) as farm:
        chosen = [m for m in farm.registry() if m.cve_inegi == evil.cve_inegi]
        database = open_database(db_url)
        run_and_store(DatabaseRunStore(database), chosen, CrawlSettings(ipomex=False, render_js=False), RUN_DATE)
        stored = repository.latest_results(database, [evil.cve_inegi])[0]
    found = [
        r
        for r in stored.results
        if r.evidence and re.search(r"<script|onerror|javascript:|HYPERLINK", f"{r.evidence.url} {r.evidence.text}")
    ]
    assert found, "las cargas no llegaron a la evidencia guardada"
    with TestClient(create_app(db_url, require_login=False)) as client:
        pages = [
            "/",
            f"/municipio/{evil.cve_inegi}",
            "/ipomex",
            "/corridas",
            *{f"/verificacion/{r.check_id}" for r in found},
        ]
        for page in pages:
            assert_inert_html(client.get(page).text)
            for fmt in ("csv", "xlsx"):
                assert_neutral(cells(client.get(f"{page}?formato={fmt}")))
        api = client.get(f"/api/municipio/{evil.cve_inegi}")
        assert api.headers["content-type"] == "application/json" and api.headers["x-content-type-options"] == "nosniff"
        assert "<script>alert(1)</script>" in str(api.json())  # Data, not markup: a browser never renders it.
    events = [
        AlertEvent(
            1,
            evil.cve_inegi,
            evil.nombre,
            r.check_id,
            "regresion",
            r.evidence.url if r.evidence else "",
            r.evidence.text if r.evidence else "",
            datetime.now(UTC),
        )
        for r in found
    ]  # type: ignore[union-attr]
    assert_inert_mail(database, events)
    database.dispose()


def assert_inert_mail(database: Any, events: list[AlertEvent]) -> None:
    """Queue the digest as detection does and send it: text part plain, HTML part escaped, no javascript: link."""
    mail = render_digest(Digest(events[0].run_id, "a@example.org", "Auditoría", events))
    run_id = repository.start_run(database, "crawl", [], {})
    with database.Session.begin() as session:
        session.add(
            OutboxRow(
                run_id=run_id,
                recipient="a@example.org",
                subject=mail.subject,
                body_text=mail.text,
                body_html=mail.html,
                idempotency_key=f"{run_id}:a",
                status="pending",
                attempts=0,
                created_at=datetime.now(UTC),
            )
        )
    fake = FakeTransport()
    assert send_pending(database, fake, "Vigía <vigia@localhost>", 0, lambda: datetime.now(UTC)).sent == 1
    [message] = fake.sent
    assert isinstance(message, EmailMessage)
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None and text.get_content_type() == "text/plain"
    assert_inert_html(html.get_content())
    assert "<script>alert(1)</script>" in text.get_content()  # Shown literally; a text part runs nothing.


def test_hostile_text_and_urls_are_inert_on_every_route(seeded: str) -> None:
    app = create_app(seeded, require_login=False)
    with TestClient(app) as client:
        for path in routes(app):
            response = client.get(path)
            assert response.status_code < 500, path
            if response.headers["content-type"].startswith("text/html"):
                assert_inert_html(response.text)
        for path in exports(app):
            assert_neutral(cells(client.get(path)))
        assert HOSTILE_NAME in str(client.get("/api/ranking").json())


def test_csv_and_xlsx_injection_is_neutralised(seeded: str) -> None:
    app = create_app(seeded, require_login=False)
    with TestClient(app) as client:
        for fmt in ("csv", "xlsx"):
            values = cells(client.get(f"/municipio/15001?formato={fmt}"))
            assert_neutral(values)
            texts = " ".join(str(v) for v in values)
            for payload in INJECTIONS:
                assert f"'{payload}" in texts, (fmt, payload)
            ranking = cells(client.get(f"/?formato={fmt}"))
            assert_neutral(ranking)
            assert f"'{INJECTIONS[0]}" in ranking


def test_login_is_required_when_not_bound_to_loopback(
    seeded: str, vigia_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = tmp_path / "usuarios.yaml"
    users.write_text(f'usuarios:\n  auditora: "{hash_password(PASSWORD)}"\n', encoding="utf-8")
    served: list[FastAPI] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **_kw: served.append(app))
    for host in ("0.0.0.0", "192.0.2.10", "127.0.0.1"):
        result = CliRunner().invoke(cli, ["serve", "--host", host, "--usuarios", str(users), "--db", seeded])
        assert result.exit_code == 0, result.output
    remote, documentation, local = (TestClient(app) for app in served)
    for client in (remote, documentation):
        assert client.get("/", follow_redirects=False).headers["location"] == "/entrar"
        for path in ("/api/ranking", "/openapi.json", "/?formato=csv", "/municipio/15001?formato=xlsx"):
            assert client.get(path, follow_redirects=False).status_code in (401, 303), path
    assert local.get("/api/ranking").status_code == 200


def csrf(client: TestClient, path: str = "/entrar") -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


@pytest.fixture
def secured(seeded: str) -> Iterator[FastAPI]:
    digest = hash_password(PASSWORD)
    app = create_app(seeded, require_login=True, users={"auditora": digest, "revisor": digest}, secret_key="k" * 32)
    yield app
    app.state.db.dispose()


def login(client: TestClient, user: str, password: str = PASSWORD) -> int:
    token = csrf(client)
    form = {"usuario": user, "contrasena": password, "csrf": token}
    return client.post("/entrar", data=form, follow_redirects=False).status_code


def test_wrong_password_is_rate_limited_per_user_and_client(secured: FastAPI) -> None:
    attacker = TestClient(secured, client=("198.51.100.7", 40000))
    assert [login(attacker, "auditora", "mala") for _ in range(5)] == [401, 401, 401, 401, 429]
    assert login(attacker, "AUDITORA") == 429  # Right password, same user (any case), same client: still blocked.
    assert login(attacker, "revisor") == 303  # Another user from the same client is not blocked.
    assert login(TestClient(secured, client=("198.51.100.8", 40000)), "auditora") == 303  # Same user elsewhere.


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonimo", "con_sesion"])
def test_no_route_writes_without_a_csrf_token(secured: FastAPI, seeded: str, logged_in: bool) -> None:
    local = create_app(seeded, require_login=False)
    apps = [(secured, TestClient(secured)), (local, TestClient(local))]
    for app, client in apps:
        if logged_in and app is secured:
            assert login(client, "auditora") == 303
        # A real token of another session (the local dashboard renders none: any well-formed one will do).
        forged = csrf(TestClient(app)) if app is secured else "x" * 43
        for path in routes(app):
            for method in WRITE_METHODS:
                for form in ({}, {"csrf": "falso"}, {"csrf": forged}):
                    code = client.request(method, path, data=form, follow_redirects=False).status_code
                    assert code in (401, 403, 405), (method, path, form, code)
    local.state.db.dispose()


def snapshot(url: str) -> dict[str, list[str]]:
    """Every row of every table, as sorted text: the database's whole content."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                name: sorted(repr(tuple(row)) for row in connection.execute(select(table)))
                for name, table in metadata.tables.items()
            }
    finally:
        engine.dispose()


def test_read_only_auditor_cannot_change_anything(secured: FastAPI, seeded: str) -> None:
    before = snapshot(seeded)
    client = TestClient(secured)
    assert login(client, "auditora") == 303
    paths = sorted(routes(secured) + exports(secured), key=lambda p: p == "/salir")  # Logging out comes last.
    for path in paths:
        for method in ["GET", "HEAD", *WRITE_METHODS]:
            form = {"csrf": csrf(client, "/corridas"), "usuario": "auditora", "contrasena": PASSWORD}
            code = client.request(method, path, data=form, follow_redirects=False).status_code
            # 303: a login or logout (session only); 401: after logging out.
            assert code < 500 and (method in ("GET", "HEAD") or code in (303, 401, 403, 405)), (method, path, code)
    after = snapshot(seeded)
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}
    assert after == before
