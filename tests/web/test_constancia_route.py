"""The dashboard serves the same constancia as `vigia constancia`, as a PDF download with a safe file name."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from tests.test_constancia import TOLUCA, Built, build, render
from web.app import create_app


@pytest.fixture
def built(new_db_url) -> Built:  # type: ignore[no-untyped-def]
    return build(new_db_url("constancia"))


@pytest.fixture
def client(built: Built) -> Iterator[TestClient]:
    with TestClient(create_app(built.url, require_login=False)) as test_client:
        yield test_client


def test_the_route_returns_the_cli_document_as_a_pdf_download(client: TestClient, built: Built) -> None:
    response = client.get(f"/municipio/{TOLUCA}/constancia", params={"fecha": "2026-10-31"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="constancia-15106-2026-10-31.pdf"'
    assert response.content == render(built, date(2026, 10, 31))


def test_the_municipality_page_offers_the_constancia_at_its_run_date(client: TestClient) -> None:
    page = client.get(f"/municipio/{TOLUCA}").text
    assert f'action="/municipio/{TOLUCA}/constancia"' in page and '<input type="date" name="fecha" required>' in page
    # The newest complete run finished at 22:00 on 01/11 in Mexico City (04:00 UTC on 02/11).
    assert "la más reciente terminó el 01/11/2026" in page


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (
            f"/municipio/{TOLUCA}/constancia?fecha=2020-01-01",
            404,
            "No hay corridas completas de Toluca hasta el 01/01/2020",
        ),
        (f"/municipio/{TOLUCA}/constancia?fecha=31-10-2026", 400, "No es una fecha válida"),
        (f"/municipio/{TOLUCA}/constancia", 400, "No es una fecha válida"),
        ("/municipio/15999/constancia?fecha=2026-10-31", 404, "No hay corridas completas de 15999"),
        ("/municipio/x%22y/constancia?fecha=2026-10-31", 404, "No hay resultados para ese municipio"),
    ],
)
def test_refusals_are_spanish_pages(client: TestClient, path: str, status: int, message: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert message in response.text and "application/pdf" not in response.headers["content-type"]


def test_behind_login_the_constancia_needs_a_session(built: Built) -> None:
    app = create_app(built.url, require_login=True, users={}, secret_key="k" * 32)
    with TestClient(app, follow_redirects=False) as anonymous:
        response = anonymous.get(f"/municipio/{TOLUCA}/constancia?fecha=2026-10-31")
    assert response.status_code == 303 and response.headers["location"] == "/entrar"
