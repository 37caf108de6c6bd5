"""checks.documents: viewers unwrapped, PDFs read (or refused with a reason) without ever raising."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.documents import DocumentText, Unreadable, looks_like_document_link, read_pdf, unwrap_viewer
from simulator.pdf import make_pdf

BANDO = make_pdf(
    "Bando Municipal 2025",
    [
        "BANDO MUNICIPAL DE EJEMPLO 2025\nAdministración 2025-2027\nTítulo primero. Del municipio",
        "Artículo 2. El municipio de Ejemplo…",
        "Artículo 3.",
        "Artículo 4 (no se lee).",
    ],
)


@pytest.mark.parametrize(
    ("url", "real"),
    [
        ("https://docs.google.com/gview?url=https://x.gob.mx/bando.pdf&embedded=true", "https://x.gob.mx/bando.pdf"),
        ("https://docs.google.com/viewer?url=https%3A%2F%2Fx.gob.mx%2Fa%20b.pdf", "https://x.gob.mx/a b.pdf"),
        ("https://docs.google.com/viewerng/viewer?url=http://x.mx/p.pdf", "http://x.mx/p.pdf"),
        (
            "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing",
            "https://drive.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOp",
        ),
        (
            "https://drive.google.com/open?id=1AbCdEfGhIjKlMnOp",
            "https://drive.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOp",
        ),
        ("https://x.gob.mx/pdfjs/web/viewer.html?file=/docs/bando.pdf#page=2", "https://x.gob.mx/docs/bando.pdf"),
        ("https://x.gob.mx/visor/viewer.html?file=../docs/b.pdf", "https://x.gob.mx/docs/b.pdf"),
        ("http://x.gob.mx/gview?url=/docs/plan.pdf", "http://x.gob.mx/docs/plan.pdf"),
        # Not viewers, or viewers of something that is not a web address: unchanged.
        (
            "https://docs.google.com/viewer?url=javascript:alert(1)",
            "https://docs.google.com/viewer?url=javascript:alert(1)",
        ),
        ("https://x.gob.mx/normatividad.html?file=a.pdf", "https://x.gob.mx/normatividad.html?file=a.pdf"),
        (
            "https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp",
            "https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp",
        ),
        ("https://x.gob.mx/docs/bando.pdf", "https://x.gob.mx/docs/bando.pdf"),
        ("http://[::1", "http://[::1"),
    ],
)
def test_unwrap_viewer(url: str, real: str) -> None:
    assert unwrap_viewer(url) == real


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.gob.mx/docs/BANDO.PDF", True),
        ("https://x.gob.mx/docs/bando.pdf?v=2", True),
        ("https://docs.google.com/gview?url=https://x.gob.mx/bando.pdf", True),
        ("https://x.gob.mx/visor/viewer.html?file=/docs/b.pdf", True),
        ("https://x.gob.mx/descargar.php?id=7", False),
        ("https://x.gob.mx/docs/tabla.xlsx", False),
    ],
)
def test_document_links(url: str, expected: bool) -> None:
    assert looks_like_document_link(url) is expected


def test_a_good_pdf_gives_title_first_pages_year_and_period() -> None:
    document = read_pdf(BANDO, 3)
    assert isinstance(document, DocumentText)
    assert document.title == "Bando Municipal 2025"
    assert [n for n, _ in document.pages] == [1, 2, 3] and document.page_count == 4
    assert document.pages[0][1].splitlines()[1] == "Administración 2025-2027"
    assert (document.year, document.period) == ("2025", "2025-2027")


def test_without_metadata_title_the_first_line_is_the_title() -> None:
    document = read_pdf(make_pdf(None, ["PLAN DE DESARROLLO MUNICIPAL\nEje 1"]), 3)
    assert isinstance(document, DocumentText)
    assert (document.title, document.year, document.period) == ("PLAN DE DESARROLLO MUNICIPAL", None, None)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>", "not_pdf"),
        (b"", "not_pdf"),
        (BANDO[: len(BANDO) // 2], "corrupt"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 50, "corrupt"),
        (make_pdf("Secreto", ["texto"], user_password="clave"), "encrypted"),
        (make_pdf(None, ["", ""], text=False), "no_text"),
    ],
    ids=["html-error-page", "empty", "cut-in-half", "garbage", "encrypted", "scanned"],
)
def test_unreadable_documents_say_why(body: bytes, reason: str) -> None:
    result = read_pdf(body, 3)
    assert isinstance(result, Unreadable) and result.reason == reason
    assert len(result.detail.split()) >= 5  # a sentence for the user, not a code


def test_a_pdf_protected_only_against_editing_is_read() -> None:
    result = read_pdf(make_pdf("Bando Municipal 2025", ["Bando Municipal 2025"], user_password=""), 3)
    assert isinstance(result, DocumentText) and result.title == "Bando Municipal 2025"


def test_a_document_over_the_byte_cap_is_too_large() -> None:
    result = read_pdf(BANDO, 3, max_bytes=len(BANDO) - 1)
    assert isinstance(result, Unreadable) and result.reason == "too_large"


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(BANDO)), noise=st.binary(max_size=64), at=st.integers(0, 2000))
def test_hostile_bytes_never_raise(cut: int, noise: bytes, at: int) -> None:
    body = BANDO[:cut] + noise + BANDO[cut + len(noise) :]
    result = read_pdf(body[:at] + noise + body[at:], 2)
    assert isinstance(result, DocumentText | Unreadable)
