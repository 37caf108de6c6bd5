"""Login, CSRF, rate limiting and the password hashes of the dashboard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD
from web.auth import UsersFileError, hash_password, load_users, verify_password


def _csrf(client: TestClient) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get("/entrar").text)
    assert match
    return match.group(1)


def test_hashes_verify() -> None:
    stored = hash_password("hola")
    assert stored.startswith("scrypt$16384$8$1$")
    assert verify_password("hola", stored) and not verify_password("adios", stored)
    assert not verify_password("hola", "basura")


def test_users_file(tmp_path: Path) -> None:
    path = tmp_path / "usuarios.yaml"
    path.write_text(f'usuarios:\n  auditora: "{hash_password("x")}"\n', encoding="utf-8")
    assert list(load_users(path)) == ["auditora"]
    path.write_text("usuarios:\n  auditora: texto\n", encoding="utf-8")
    with pytest.raises(UsersFileError):
        load_users(path)


@pytest.mark.parametrize("path", ["/api/ranking", "/openapi.json", "/api/municipio/15001", "/?formato=csv"])
def test_api_and_exports_need_login(secured: FastAPI, path: str) -> None:
    client = TestClient(secured)
    response = client.get(path, follow_redirects=False)
    assert response.status_code in (401, 303)


def test_pages_redirect_to_login(secured: FastAPI) -> None:
    response = TestClient(secured).get("/corridas", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/entrar"


def test_login_then_logout(secured: FastAPI) -> None:
    client = TestClient(secured)
    token = _csrf(client)
    response = client.post(
        "/entrar", data={"usuario": "auditora", "contrasena": PASSWORD, "csrf": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert client.get("/api/ranking").status_code == 200
    assert client.post("/salir", data={}).status_code == 403
    fresh = re.search(r'name="csrf" value="([^"]+)"', client.get("/corridas").text)
    assert fresh and fresh.group(1) != token
    client.post("/salir", data={"csrf": fresh.group(1)}, follow_redirects=False)
    assert client.get("/api/ranking").status_code == 401


def test_post_without_csrf_is_403(secured: FastAPI) -> None:
    client = TestClient(secured)
    _csrf(client)
    response = client.post("/entrar", data={"usuario": "auditora", "contrasena": PASSWORD})
    assert response.status_code == 403


def test_five_wrong_passwords_are_429(secured: FastAPI) -> None:
    client = TestClient(secured)
    token = _csrf(client)
    codes = [
        client.post("/entrar", data={"usuario": "auditora", "contrasena": "mala", "csrf": token}).status_code
        for _ in range(5)
    ]
    assert codes == [401, 401, 401, 401, 429]
    again = client.post("/entrar", data={"usuario": "auditora", "contrasena": PASSWORD, "csrf": token})
    assert again.status_code == 429 and "Demasiados intentos" in again.text
