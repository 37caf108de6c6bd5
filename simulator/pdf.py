"""Real, multi-page PDF documents for the farm (and the tests), written with fpdf2."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from fpdf import FPDF

# The core PDF fonts only cover Latin-1: Spanish letters fit, typographic dashes and quotes are replaced.
_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
_PLAIN = str.maketrans({"—": "-", "–": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "..."})


def latin1(text: str) -> str:
    """text in the characters a core PDF font can draw."""
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def make_pdf(
    title: str | None,
    pages: Sequence[str],
    *,
    user_password: str | None = None,
    text: bool = True,
) -> bytes:
    """A PDF with one page per entry of pages (lines split on newlines) and title as its metadata title.

    With user_password the file is encrypted; with text=False the pages only carry a drawn grey box, as a scanned
    page without a text layer does.
    """
    pdf = FPDF(format="letter")
    pdf.set_compression(True)
    # A fixed creation date keeps the bytes identical from one build of the farm to the next.
    pdf.set_creation_date(_EPOCH)
    if title:
        pdf.set_title(latin1(title))
    pdf.set_creator("Vigía simulador")
    for content in pages or [""]:
        pdf.add_page()
        if not text:
            pdf.set_fill_color(200, 200, 200)
            pdf.rect(20, 20, 170, 230, style="F")
            continue
        pdf.set_font("Helvetica", size=12)
        for line in content.split("\n"):
            pdf.multi_cell(0, 7, latin1(line), new_x="LMARGIN", new_y="NEXT")
    if user_password is not None:
        pdf.set_encryption(owner_password="vigia-sim", user_password=user_password)
    return bytes(pdf.output())
