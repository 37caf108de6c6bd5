"""Auditor reviews on the dashboard: only a logged-in auditor with the CSRF token writes, also on loopback; the
reviewed status shows on the pages, the CSV and the API with the machine's beside it."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from starlette.routing import BaseRoute, Mount, Route

from tests.web.conftest import _record
from web.app import SAFE_METHODS, SESSION_PATHS, create_app
from web.auth import hash_password, load_accounts

PASSWORD = "clave-secreta-1"
USERS = {"auditora": hash_password(PASSWORD), "consulta": hash_password(PASSWORD)}
ROLES = {"auditora": "auditor", "consulta": "lectura"}
FORM = {"verificacion": "sitio.disponible", "accion": "corregir", "estado": "cumple", "motivo": "sí abre"}


def _app(db_url: str, require_login: bool) -> FastAPI:
    return create_app(db_url, require_login=require_login, users=USERS, roles=ROLES, secret_key="k" * 32)


def _token(client: TestClient, path: str = "/entrar") -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def _login(client: TestClient, user: str) -> str:
    response = client.post(
        "/entrar", data={"usuario": user, "contrasena": PASSWORD, "csrf": _token(client)}, follow_redirects=False
    )
    assert response.status_code == 303
    return _token(client, "/corridas")


def _routes(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """(path, methods) of every route, walking into included routers; only /static may be a mount."""
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI ≥ 0.120 wraps each included router
        if inner is not None:
            yield from _routes(inner.routes, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
        elif isinstance(route, Route):
            yield prefix + route.path, set(route.methods or ())
        else:
            assert isinstance(route, Mount) and route.path == "/static", route


def _write_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) of the app that writes, with a sample path for its parameters."""
    found = []
    for path, methods in _routes(app.routes):
        if path not in SESSION_PATHS:
            for method in sorted(methods - SAFE_METHODS):
                found.append((method, path.replace("{cve}", "15002").replace("{check_id}", "sitio.https")))
    return found


def _unguarded(app: FastAPI) -> list[str]:
    """Each write route that does not refuse an anonymous client, a «lectura» user, or an auditor without a valid
    CSRF token (and nothing was written); empty when every write is guarded."""
    anonymous, reader, auditor = TestClient(app), TestClient(app), TestClient(app)
    reader_token = _login(reader, "consulta")
    _login(auditor, "auditora")
    failures = []
    for method, path in _write_routes(app):
        attempts = {
            "anónimo": (anonymous.request(method, path, data={**FORM, "csrf": "x"}), 401),
            "lectura": (reader.request(method, path, data={**FORM, "csrf": reader_token}), 403),
            "sin csrf": (auditor.request(method, path, data=FORM), 403),
            "csrf falso": (auditor.request(method, path, data={**FORM, "csrf": "falso"}), 403),
        }
        failures += [f"{method} {path} {who}" for who, (got, want) in attempts.items() if got.status_code != want]
    if any(v["revision"] for v in auditor.get("/api/municipio/15002").json()["verificaciones"]):
        failures.append("se registró una revisión")
    return failures


@pytest.mark.parametrize("require_login", [False, True], ids=["loopback", "con_sesion"])
def test_every_write_route_refuses_anonymous_readers_and_missing_csrf(db_url: str, require_login: bool) -> None:
    app = _app(db_url, require_login)
    assert ("POST", "/municipio/15002/revisar") in _write_routes(app)
    assert _unguarded(app) == []


def test_the_route_walk_catches_a_write_route_without_csrf(db_url: str) -> None:
    app = _app(db_url, require_login=False)

    @app.post("/municipio/{cve}/olvidada")
    def forgotten(cve: str) -> dict[str, str]:
        return {"ok": cve}

    assert _unguarded(app) == ["POST /municipio/15002/olvidada sin csrf", "POST /municipio/15002/olvidada csrf falso"]


def test_override_shows_on_page_csv_api_and_ranking(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    client = TestClient(_app(db_url, require_login=False))
    token = _login(client, "auditora")
    with caplog.at_level(logging.INFO, logger="vigia.web"):
        response = client.post("/municipio/15002/revisar", data={**FORM, "csrf": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert any("auditora" in r.getMessage() and "no_cumple→cumple" in r.getMessage() for r in caplog.records)
    api = client.get("/api/municipio/15002").json()
    item = next(v for v in api["verificaciones"] if v["verificacion"] == "sitio.disponible")
    assert (item["estado"], item["estado_revisado"]) == ("no_cumple", "cumple")
    assert item["revision"]["auditor"] == "auditora" and item["revision"]["situacion"] == "vigente"
    page = client.get("/municipio/15002").text
    assert "✎ revisado" in page and "máquina: No cumple" in page
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and "<" not in title.group(1)
    rows = list(csv.DictReader(io.StringIO(client.get("/municipio/15002?formato=csv").content.decode("utf-8-sig"))))
    line = next(r for r in rows if r["Verificación"] == "sitio.disponible")
    assert (line["Estado"], line["Estado revisado"], line["Revisado por"]) == ("no_cumple", "cumple", "auditora")
    ranking = {r["cve_inegi"]: r for r in client.get("/api/ranking").json()["municipios"]}
    assert ranking["15002"]["revisiones_vigentes"] == 1 and ranking["15001"]["revisiones_vigentes"] == 0
    assert ranking["15002"]["puntajes_revisados"]["total"] != ranking["15002"]["puntajes"]["total"]
    check = client.get("/api/verificacion/sitio.disponible").json()
    assert next(m for m in check["municipios"] if m["cve_inegi"] == "15002")["estado_revisado"] == "cumple"
    trail = client.get("/api/revisiones?municipio=15002").json()["revisiones"]
    assert [(t["verificacion"], t["estado_antes"], t["estado_despues"], t["situacion"]) for t in trail] == [
        ("sitio.disponible", "no_cumple", "cumple", "vigente")
    ]
    assert "corrigió" in page and "Motivo: sí abre" in page
    book = load_workbook(io.BytesIO(client.get("/municipio/15002?formato=xlsx").content))
    header = [c.value for c in next(book.active.iter_rows(max_row=1))]  # type: ignore[union-attr]
    assert header.index("Estado revisado") == header.index("Estado (en palabras)") + 1
    ranking_page = client.get("/").text
    assert ranking_page.count('class="revisado"') >= 1 and "✎" in ranking_page
    exported = client.get("/?formato=csv").content.decode("utf-8-sig")
    assert "Total revisado" in exported and "Revisiones vigentes" in exported


def test_new_evidence_sends_the_dashboard_verdict_back_to_review(db_url: str) -> None:
    client = TestClient(_app(db_url, require_login=False))
    token = _login(client, "auditora")
    client.post("/municipio/15002/revisar", data={**FORM, "estado": "indeterminado", "csrf": token})
    _record(db_url, {"15001": {"sitio.disponible": "cumple"}, "15002": {"sitio.disponible": "cumple"}}, False)
    item = client.get("/api/municipio/15002").json()["verificaciones"][0]
    assert (item["estado"], item["estado_revisado"], item["revision"]["situacion"]) == (
        "cumple",
        "cumple",
        "vuelve_a_revision",
    )
    assert "vuelve a revisión" in client.get("/municipio/15002").text
    assert client.get("/api/ranking").json()["municipios"][0]["revisiones_vigentes"] == 0


def test_review_form_only_for_auditors(db_url: str) -> None:
    app = _app(db_url, require_login=False)
    assert 'action="/municipio/15002/revisar"' not in TestClient(app).get("/municipio/15002").text
    reader = TestClient(app)
    _login(reader, "consulta")
    assert 'action="/municipio/15002/revisar"' not in reader.get("/municipio/15002").text
    auditor = TestClient(app)
    _login(auditor, "auditora")
    assert 'action="/municipio/15002/revisar"' in auditor.get("/municipio/15002").text


def test_review_without_reason_is_refused_in_spanish(db_url: str) -> None:
    client = TestClient(_app(db_url, require_login=False))
    token = _login(client, "auditora")
    response = client.post("/municipio/15002/revisar", data={**FORM, "motivo": " ", "csrf": token})
    assert response.status_code == 400 and "Falta el motivo" in response.text


def test_users_file_roles_and_old_format(tmp_path: Path) -> None:
    path = tmp_path / "usuarios.yaml"
    digest = hash_password("x")
    path.write_text(
        f'usuarios:\n  ana:\n    hash: "{digest}"\n    rol: auditor\n  luis: "{digest}"\n', encoding="utf-8"
    )
    accounts = load_accounts(path)
    assert (accounts["ana"].role, accounts["luis"].role) == ("auditor", "lectura")
