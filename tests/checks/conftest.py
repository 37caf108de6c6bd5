"""Shared helpers for the check-engine tests: page builders and one-call evaluation."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from checks import load_catalogue
from checks.catalogue import Catalogue
from checks.engine import evaluate_pages
from checks.model import CheckResult, CrawlOutcome

RUN_DATE = datetime.date(2026, 3, 31)
HOME = "https://municipio.gob.mx/"
# The shared folder (spec and corpus) sits beside the repository root; tests that need it skip without it.
SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def html(body: str, title: str = "H. Ayuntamiento de Ejemplo", head: str = "") -> str:
    """A minimal municipal page around body."""
    return (
        f"<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><header><h1>H. Ayuntamiento de Ejemplo</h1></header>{body}"
        "<footer><p>Gobierno Municipal de Ejemplo, Estado de México.</p></footer></body></html>"
    )


def outcome(**changes: object) -> CrawlOutcome:
    """A complete, valid HTTPS crawl outcome, with changes applied."""
    values: dict[str, object] = {"start_url": HOME, "home_url": HOME, "pages_ok": 1, "https_valid": True}
    values.update(changes)
    return CrawlOutcome(**values)  # type: ignore[arg-type]


def evaluate(
    *bodies: str, crawl: CrawlOutcome | None = None, municipality: str | None = None, catalogue: Catalogue | None = None
) -> dict[str, CheckResult]:
    """Evaluate the first body as the home page and the others as depth-1 pages; results by check id."""
    pages = [
        (HOME if i == 0 else f"{HOME}p{i}.html", body if "<html" in body[:200] else html(body), 0 if i == 0 else 1)
        for i, body in enumerate(bodies)
    ]
    crawl = crawl or outcome(pages_ok=len(pages))
    results = evaluate_pages(pages, RUN_DATE, catalogue, municipality, crawl)
    return {r.check_id: r for r in results}


def status(check_id: str, *bodies: str, **kwargs: object) -> str:
    """The status of one check for the given pages."""
    return evaluate(*bodies, **kwargs)[check_id].status  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()
