"""The archived copy behind a verdict: linked from the municipality page, shown under a banner, served inert, and
never shown as good when its file is missing or its payload no longer matches its SHA-256."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from archive.warc import sha256_hex
from core.clock import people_datetime
from storage.db import open_database
from tests.conftest import NewDbUrl
from tests.web.archive_seed import CAPTURED, CVE, HOME, PNG, Seeded, add_row, archive_page, complete_run, seed
from web.app import create_app

BODY = "<html><head><title>Ayuntamiento de Acambay</title></head><body><p>Teléfono 712 000</p></body></html>".encode()
STRICT = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
WARNING = "la copia no coincide con su huella"


@pytest.fixture
def seeded(new_db_url: NewDbUrl, tmp_path: Path) -> Iterator[tuple[str, Seeded]]:
    url = new_db_url()
    db = open_database(url)
    try:
        yield url, seed(db, tmp_path / "evidencia", BODY)
    finally:
        db.dispose()


@pytest.fixture
def client(seeded: tuple[str, Seeded]) -> Iterator[TestClient]:
    url, data = seeded
    with TestClient(create_app(url, require_login=False, archive_dir=data.folder)) as test_client:
        yield test_client


def test_municipality_page_links_each_verdict_to_its_copy_and_screenshot(
    client: TestClient, seeded: tuple[str, Seeded]
) -> None:
    data = seeded[1]
    page = client.get(f"/municipio/{CVE}").text
    # The newest run's row is the revisit: the link names it, and it resolves to the first night's payload.
    assert f'<a href="/archivo/{data.revisit_id}">copia archivada</a>' in page
    assert f'<a href="/archivo/{data.screenshot_id}">captura</a>' in page
    assert f'<a href="/archivo/{data.screenshot_id}">captura de la página de inicio</a>' in page
    api = client.get(f"/api/municipio/{CVE}").json()
    phone = next(v for v in api["verificaciones"] if v["verificacion"] == "canal.telefono")
    assert phone["copia_archivada"] == data.revisit_id and phone["captura"] == data.screenshot_id
    assert api["captura_inicio"] == data.screenshot_id


def test_archived_copy_page_has_the_banner_and_a_sandboxed_frame(
    client: TestClient, seeded: tuple[str, Seeded]
) -> None:
    data = seeded[1]
    page = client.get(f"/archivo/{data.revisit_id}")
    assert page.status_code == 200
    assert HOME in page.text and sha256_hex(BODY) in page.text
    assert people_datetime(CAPTURED) in page.text and f">{data.runs[1]}</a>" in page.text
    frames = re.findall(r"<iframe[^>]*>", page.text)
    assert len(frames) == 1 and f'src="/archivo/{data.revisit_id}/contenido"' in frames[0]
    # A bare sandbox: no allow-scripts, no allow-same-origin, no allow-forms, no allow-popups.
    assert " sandbox " in frames[0] and "allow-" not in frames[0]


def test_content_is_the_stored_payload_under_a_strict_policy(client: TestClient, seeded: tuple[str, Seeded]) -> None:
    response = client.get(f"/archivo/{seeded[1].revisit_id}/contenido")
    assert response.status_code == 200 and response.content == BODY
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert policy.startswith(STRICT) and "script-src" not in policy and "frame-ancestors 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_dashboard_pages_keep_their_own_policy(client: TestClient) -> None:
    headers = client.get(f"/municipio/{CVE}").headers
    assert "default-src 'self'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"


def test_screenshot_is_shown_as_an_image_and_served_inert(client: TestClient, seeded: tuple[str, Seeded]) -> None:
    shot = seeded[1].screenshot_id
    page = client.get(f"/archivo/{shot}").text
    assert "Captura de pantalla" in page and f'<img class="archivo-captura" src="/archivo/{shot}/contenido"' in page
    assert "<iframe" not in page
    content = client.get(f"/archivo/{shot}/contenido")
    assert content.content == PNG and content.headers["content-type"] == "image/png"
    assert content.headers["content-security-policy"].startswith(STRICT)


def test_api_twin_says_whether_the_copy_is_intact(client: TestClient, seeded: tuple[str, Seeded]) -> None:
    data = client.get(f"/api/archivo/{seeded[1].revisit_id}").json()
    assert data["integra"] is True and data["problema"] is None and data["registro_warc"] == "revisit"
    assert data["sha256"] == sha256_hex(BODY) and data["contenido"] == f"/archivo/{seeded[1].revisit_id}/contenido"
    assert data["capturado"].startswith("2026-11-03T02:15")  # Mexico City time, with its offset


def _assert_refused(client: TestClient, record_id: int, payload: bytes) -> None:
    page = client.get(f"/archivo/{record_id}").text
    assert WARNING in page.lower() and "<iframe" not in page and "<img class" not in page
    content = client.get(f"/archivo/{record_id}/contenido")
    assert content.status_code == 409 and payload not in content.content
    assert content.headers["content-security-policy"].startswith(STRICT)
    assert client.get(f"/api/archivo/{record_id}").json()["integra"] is False


def test_a_changed_byte_in_the_warc_file_is_never_served(client: TestClient, seeded: tuple[str, Seeded]) -> None:
    data = seeded[1]
    raw = bytearray(data.warc.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    data.warc.write_bytes(bytes(raw))
    _assert_refused(client, data.revisit_id, BODY)
    _assert_refused(client, data.response_id, BODY)


def test_a_payload_that_does_not_match_its_digest_is_never_served(
    client: TestClient, seeded: tuple[str, Seeded]
) -> None:
    url, data = seeded
    db = open_database(url)
    try:
        run = complete_run(db, "https://15001.example.gob.mx/contacto")
        forged = b"<p>Otro contenido</p>"
        record, warc = archive_page(db, data.folder, run, "https://15001.example.gob.mx/contacto", forged)
        # The row claims another payload's digest: what the file holds is not what was captured.
        wrong = add_row(
            db,
            run_id=run,
            record_type="response",
            url=HOME,
            sha256=sha256_hex(BODY),
            warc_file=str(warc.relative_to(data.folder)),
            offset=0,
            length=1,
        )
    finally:
        db.dispose()
    assert client.get(f"/api/archivo/{record}").json()["integra"] is True
    _assert_refused(client, wrong, forged)
    assert "no coincide con su huella" in client.get(f"/api/archivo/{wrong}").json()["problema"]


def test_a_missing_file_is_reported_in_spanish(client: TestClient, seeded: tuple[str, Seeded]) -> None:
    seeded[1].warc.unlink()
    _assert_refused(client, seeded[1].revisit_id, BODY)
    assert "falta el archivo" in client.get(f"/api/archivo/{seeded[1].revisit_id}").json()["problema"]


def test_an_unknown_record_is_a_spanish_404(client: TestClient) -> None:
    response = client.get("/archivo/999999")
    assert response.status_code == 404 and "No existe ese registro" in response.text
    assert client.get("/api/archivo/999999").json() == {"detalle": "No existe ese registro del archivo de evidencia."}
