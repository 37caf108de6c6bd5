"""Documents (PDF) as evidence: the real URL behind a viewer, and the title and first pages of a PDF's bytes.

Pure functions without I/O; the spider downloads, the engine (checks.doclinks) turns the text into evidence.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

from lxml.etree import _Element as Element

from checks.text import collapse
from core.text import fold

# pypdf warns about every repaired cross-reference table; a municipal PDF is allowed to be sloppy.
logging.getLogger("pypdf").setLevel(logging.ERROR)

UNREADABLE = {
    "not_pdf": "la dirección no entrega un PDF (p. ej. una página de error HTML)",
    "encrypted": "el PDF está cifrado o protegido con contraseña",
    "corrupt": "el PDF está dañado o incompleto y no se pudo leer",
    "too_large": "el documento excede el tamaño máximo de descarga",
    "no_text": "el PDF no tiene texto legible (probablemente páginas escaneadas como imagen)",
}
# The PDF header may follow a little garbage; readers (Adobe's too) look for it in the first kilobyte.
_HEADER_WINDOW = 1024
# Text kept per page: the topic is named on the first lines, and a hostile page must not grow without bound.
MAX_PAGE_CHARS = 20_000
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_GOOGLE_VIEWERS = frozenset({"gview", "viewer", "viewerng"})
_DRIVE_FILE = re.compile(r"^/file/d/([\w-]{10,})(?:/|$)")
_PERIOD = re.compile(r"\b((?:19[89]|20\d)\d)\s?[-–—/]\s?((?:19[89]|20\d)\d)\b")
_YEAR = re.compile(r"\b(?:19[89]\d|20\d\d)\b")
_FILE_NAME = re.compile(r"\.(?:docx?|pdf|xlsx?|odt|pptx?)$|^microsoft (?:word|excel)|^untitled|^sin titulo", re.I)


@dataclass(frozen=True)
class DocumentText:
    """What a PDF says about itself: its title, the text of its first pages (page number, text), and the year and
    administration period it states, if any."""

    title: str
    pages: tuple[tuple[int, str], ...]
    page_count: int
    year: str | None = None
    period: str | None = None


@dataclass(frozen=True)
class Unreadable:
    """A document that could not be read: a machine reason (not_pdf, encrypted, corrupt, too_large, no_text or a
    download failure such as http_error) and the Spanish detail."""

    reason: str
    detail: str

    @classmethod
    def of(cls, reason: str, detail: str | None = None) -> Unreadable:
        """The failure with its standard detail unless one is given."""
        return cls(reason, detail or UNREADABLE.get(reason, "no se pudo leer el documento"))


def unwrap_viewer(url: str) -> str:
    """The document URL behind an online viewer (Google Docs viewer, Google Drive, pdf.js); url itself otherwise."""
    try:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    target: str | None = None
    if host == "drive.google.com":
        match = _DRIVE_FILE.match(parts.path)
        ident = match.group(1) if match else next(iter(query.get("id", [])), None)
        if ident and (match or parts.path in ("/open", "/uc")):
            return f"https://drive.google.com/uc?export=download&id={ident}"
    last = parts.path.rstrip("/").rsplit("/", 1)[-1].lower()
    if last in _GOOGLE_VIEWERS and query.get("url"):
        target = query["url"][0]
    elif last.endswith("viewer.html") and query.get("file"):
        target = query["file"][0]
    if target is None:
        return url
    try:
        resolved = urljoin(url, target.strip())
    except ValueError:
        return url
    return resolved.split("#", 1)[0] if resolved.startswith(("http://", "https://")) else url


def is_viewer(url: str) -> bool:
    """Whether url is an online viewer wrapping a document."""
    return unwrap_viewer(url) != url


def looks_like_document_link(url: str) -> bool:
    """Whether a link leads to a PDF by its extension, or to a viewer that wraps a document."""
    path = url.split("#", 1)[0].split("?", 1)[0].lower()
    if path.endswith(".pdf"):
        return True
    # Cheap test first: this runs for every link of every page.
    return ("url=" in url or "file=" in url or "drive.google.com" in url) and is_viewer(url)


def document_context(anchor: Element) -> str:
    """Folded text around a document link: its list item, table row or parent, then the nearest heading above."""
    holder = next(anchor.iterancestors("li", "tr", "dd"), None)
    if holder is None or holder.getparent() is None:
        holder = anchor.getparent()
    around = _text(holder) if holder is not None else ""
    return fold(collapse(f"{around[:400]} {_heading_above(anchor)}"))[:500]


def _heading_above(anchor: Element) -> str:
    """Text of the closest heading before anchor in document order (a bounded walk back through siblings)."""
    budget = 60
    for node in (anchor, *anchor.iterancestors()):
        if node is not anchor and node.tag in _HEADINGS:
            return _text(node)
        for sibling in node.itersiblings(preceding=True):
            budget -= 1
            if budget < 0:
                return ""
            if sibling.tag in _HEADINGS:
                return _text(sibling)
            inner = list(sibling.iter(*_HEADINGS)) if isinstance(sibling.tag, str) else []
            if inner:
                return _text(inner[-1])
    return ""


def _text(element: Element) -> str:
    return " ".join(element.itertext())


def read_pdf(body: bytes, max_pages: int, max_bytes: int | None = None) -> DocumentText | Unreadable:
    """Read the title and the text of the first max_pages pages of a PDF; never raises on hostile bytes."""
    if max_bytes is not None and len(body) > max_bytes:
        return Unreadable.of("too_large")
    if b"%PDF-" not in body[:_HEADER_WINDOW]:
        return Unreadable.of("not_pdf")
    try:
        return _read(body, max_pages)
    except RecursionError:
        return Unreadable.of("corrupt")
    except Exception as exc:  # pypdf raises many types on malformed files; all mean the same to a reader
        return Unreadable.of("corrupt", f"{UNREADABLE['corrupt']} ({type(exc).__name__})")


def _read(body: bytes, max_pages: int) -> DocumentText | Unreadable:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted and not _decrypt_blank(reader):
        return Unreadable.of("encrypted")
    count = len(reader.pages)
    pages = tuple(
        (number, text)
        for number, text in ((n + 1, _page_text(reader, n)) for n in range(min(count, max_pages)))
        if text
    )
    if not pages:
        return Unreadable.of("no_text" if count else "corrupt")
    title = _title(reader, pages[0][1])
    head = f"{title}\n{pages[0][1][:3000]}"
    period = _period(head)
    year_match = _YEAR.search(title) or _YEAR.search(head)
    return DocumentText(title, pages, count, year_match.group(0) if year_match else None, period)


def _decrypt_blank(reader: object) -> bool:
    """Many published PDFs are encrypted only against editing: an empty user password opens them."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # an unsupported cipher is as closed to us as a password
        return False


def _page_text(reader: object, index: int) -> str:
    """Text of one page, lines kept, whitespace within each line collapsed; '' when the page has none."""
    raw = reader.pages[index].extract_text() or ""  # type: ignore[attr-defined]
    lines = (collapse(line) for line in raw[:MAX_PAGE_CHARS].splitlines())
    return "\n".join(line for line in lines if line)


def _title(reader: object, first_page: str) -> str:
    """The metadata title when it is a real title (not a file name), else the first line of the first page."""
    try:
        meta = reader.metadata  # type: ignore[attr-defined]
        stated = collapse(str(meta.title or "")) if meta is not None else ""
    except Exception:
        stated = ""
    if sum(c.isalpha() for c in stated) >= 3 and not _FILE_NAME.search(stated):
        return stated[:300]
    return first_page.split("\n", 1)[0][:300]


def _period(text: str) -> str | None:
    """An administration period such as 2025-2027 (consecutive years up to six apart)."""
    for match in _PERIOD.finditer(text):
        start, end = int(match.group(1)), int(match.group(2))
        if 0 < end - start <= 6:
            return f"{start}-{end}"
    return None
