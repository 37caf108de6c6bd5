"""Which linked documents to read, and how a read document becomes pages the keyword checks can observe."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

from checks.documents import DocumentText, looks_like_document_link, unwrap_viewer
from checks.page import DocumentRef, Link, Page, url_words
from checks.text import Matcher, clip
from core.text import fold

# Lines of one document page offered to the checks as if they were headings (titles and article captions).
MAX_LINES = 80
MAX_LINE_CHARS = 240
QUOTED_CHARS = 90


class Vocabulary(NamedTuple):
    """The words of one check that accepts documents: its patterns and what excludes a match."""

    check_id: str
    patterns: tuple[Matcher, ...]
    exclude: Matcher | None


@dataclass(frozen=True)
class DocumentLink:
    """A linked document worth reading: the real document URL (viewers unwrapped), the link as written, its text,
    the page that links it and the checks whose words it matched."""

    url: str
    link_url: str
    text: str
    linked_from: str
    checks: tuple[str, ...]


def matching_checks(texts: Sequence[str], vocabulary: Sequence[Vocabulary]) -> tuple[str, ...]:
    """Ids of the checks whose patterns match one of the folded texts (and whose exclusions do not)."""
    found: list[str] = []
    for entry in vocabulary:
        for text in texts:
            if any(p.search(text) for p in entry.patterns):
                if entry.exclude is None or not entry.exclude.search(text):
                    found.append(entry.check_id)
                break
    return tuple(found)


def link_texts(link: Link) -> list[str]:
    """The folded texts that tell what a link leads to: its text, the words of its URLs and its surroundings."""
    real = unwrap_viewer(link.url)
    urls = [link.url] if real == link.url else [link.url, real]
    return [link.folded, *url_words(urls), link.context]


def candidate_links(page: Page, vocabulary: Sequence[Vocabulary]) -> Iterator[tuple[Link, bool, tuple[str, ...]]]:
    """Links of page whose texts match the vocabulary: (link, whether it names a document, the checks matched).

    A link to a PDF or a viewer is judged by its text, URL words and surroundings; any other link only by its own
    text (its answer may still turn out to be a PDF).
    """
    if not vocabulary:
        return
    links = [(link, looks_like_document_link(link.url)) for link in page.links if link.host]
    # Plain links are judged by their text alone: one scan of the joined texts per pattern, not a search per link.
    named = _matches_by_text([link.folded for link, document in links if not document], vocabulary)
    plain = 0
    for link, document in links:
        if document:
            checks = matching_checks(link_texts(link), vocabulary)
        else:
            checks, plain = named.get(plain, ()), plain + 1
        if checks:
            yield link, document, checks


def _matches_by_text(texts: list[str], vocabulary: Sequence[Vocabulary]) -> dict[int, tuple[str, ...]]:
    """matching_checks of each single folded text (by index), computed over the newline-joined texts."""
    blob = "\n".join(texts)
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0)) if texts else []
    found: dict[int, list[str]] = {}
    for entry in vocabulary:
        hits = {bisect_right(starts, m.start()) - 1 for p in entry.patterns for m in p.finditer(blob)}
        for index in sorted(hits):
            if entry.exclude is None or not entry.exclude.search(texts[index]):
                found.setdefault(index, []).append(entry.check_id)
    return {index: tuple(checks) for index, checks in found.items()}


def to_document_link(link: Link, checks: tuple[str, ...], linked_from: str) -> DocumentLink:
    """The DocumentLink of a matching link."""
    return DocumentLink(unwrap_viewer(link.url), link.url, link.text, linked_from, checks)


def document_pages(url: str, document: DocumentText, linked_from: str, link_text: str) -> list[Page]:
    """One Page per read page of the document: its lines as headings, the document title on the first page."""
    pages: list[Page] = []
    for number, text in document.pages:
        lines = tuple(line[:MAX_LINE_CHARS] for line in text.split("\n")[:MAX_LINES])
        ref = DocumentRef(number, linked_from, link_text, document.year, document.period)
        title = document.title if number == document.pages[0][0] else ""
        plain = " ".join(lines)
        page = Page(url=url, title=title, text=plain, folded=fold(plain), headings=lines, source="documento")
        page.document = ref
        pages.append(page)
    return pages


def document_snippet(page: Page, text: str) -> str:
    """Evidence text of a match in a document: page number, the words matched, the year or period it states, the
    document URL and the page that links it (the URL goes first when the whole does not fit)."""
    ref = page.document
    if ref is None:
        return text
    quoted = f"Documento (p. {ref.page_number}) «{clip(text, QUOTED_CHARS)}»"
    stated = ""
    if ref.period and ref.period not in text:
        stated = f", periodo {ref.period}"
    elif ref.year and ref.year not in text and not ref.period:
        stated = f", año {ref.year}"
    whole = f"{quoted}{stated} → {page.url}, enlazado desde {ref.linked_from}"
    return whole if len(whole) <= 200 else clip(f"{quoted}{stated}, enlazado desde {ref.linked_from}")
