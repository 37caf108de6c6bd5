"""Text side of the identity proof: word tokens, a phrase index matched longest-first, and a page's zones."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import lxml.etree
import lxml.html

from core.text import fold

# A label says what a phrase is: ("muni", "15054:nombre"), ("state", "Sonora"), ("own", ""), ("parked", …)…
Label = tuple[str, str]
_WORDS = re.compile(r"[a-z0-9]+|,")
# Where an element's class or id says it holds the site's name or logo (Bootstrap, WordPress and CMS templates).
_BRAND = re.compile(r"logo|brand|site-title|site-name|sitename|encabezado|cabecera|masthead", re.I)
_STRONG_XPATH = "//header[not(ancestor::article) and not(ancestor::main)] | //*[@class or @id][not(ancestor::article)]"
_DROP_XPATH = "//script | //style | //noscript | //template | //svg"


def words(text: str) -> list[str]:
    """Lower-case, accent-free word tokens of text; commas are kept as their own token."""
    return _WORDS.findall(fold(text))


def phrase(text: str) -> tuple[str, ...]:
    """The words of a vocabulary phrase (commas dropped), as the index stores it."""
    return tuple(word for word in words(text) if word != ",")


@dataclass(frozen=True)
class Hit:
    """One phrase found in a token list: tokens[start:end], with every label that phrase carries."""

    start: int
    end: int
    labels: tuple[Label, ...]


class PhraseIndex:
    """Phrases keyed by their first word; scanning takes the longest phrase at each position, then moves past it."""

    def __init__(self) -> None:
        self._by_first: dict[str, dict[tuple[str, ...], list[Label]]] = {}
        self._sorted: dict[str, list[tuple[tuple[str, ...], tuple[Label, ...]]]] = {}

    def add(self, words_: tuple[str, ...], label: Label) -> None:
        """Register a phrase with a label (a phrase may carry several labels)."""
        if not words_:
            return
        labels = self._by_first.setdefault(words_[0], {}).setdefault(words_, [])
        if label not in labels:
            labels.append(label)
        self._sorted.pop(words_[0], None)

    def _candidates(self, first: str) -> list[tuple[tuple[str, ...], tuple[Label, ...]]]:
        cached = self._sorted.get(first)
        if cached is None:
            phrases = self._by_first.get(first, {})
            cached = sorted(((p, tuple(ls)) for p, ls in phrases.items()), key=lambda item: -len(item[0]))
            self._sorted[first] = cached
        return cached

    def scan(self, tokens: list[str]) -> list[Hit]:
        """Every non-overlapping phrase in tokens, longest first at each position."""
        hits: list[Hit] = []
        index, total = 0, len(tokens)
        by_first = self._by_first
        while index < total:
            token = tokens[index]
            if token in by_first:
                for words_, labels in self._candidates(token):
                    end = index + len(words_)
                    if end <= total and tuple(tokens[index:end]) == words_:
                        hits.append(Hit(index, end, labels))
                        index = end
                        break
                else:
                    index += 1
            else:
                index += 1
        return hits


def quote(original: str, words_: Iterable[str], limit: int = 120) -> str:
    """The original spelling of a phrase inside original text (accents kept), else the phrase itself."""
    wanted = [w for w in words_ if w != ","]
    folded = fold(original)
    pattern = r"(?<![a-z0-9])" + r"[^a-z0-9]+".join(map(re.escape, wanted)) + r"(?![a-z0-9])"
    found = re.search(pattern, folded) if wanted else None
    if found is None or len(folded) != len(original):
        return " ".join(wanted)[:limit]
    return original[found.start() : found.end()][:limit]


def clip(text: str, limit: int = 120) -> str:
    """Collapse whitespace and shorten text for an auditor's sentence."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass
class Zone:
    """A place on the page where names count more or less: title, site name, h1, header/logo, or body."""

    kind: str
    text: str
    tokens: list[str] = field(default_factory=list)


@dataclass
class PageText:
    """The zones and links of one HTML page."""

    strong: list[Zone]
    body: Zone
    links: list[str]

    @property
    def title(self) -> str:
        """The page's <title> text, '' when it has none."""
        return next((zone.text for zone in self.strong if zone.kind == "title"), "")


def _text(element: lxml.html.HtmlElement) -> str:
    """An element's text with a space between the texts of its children (so list items stay separate words)."""
    parts = [part for part in element.itertext() if part and not part.isspace()]
    alts = [alt for alt in element.xpath(".//img/@alt") if isinstance(alt, str)]
    return " ".join(parts + alts)


def _strong_zones(doc: lxml.html.HtmlElement) -> list[Zone]:
    """Title, og:site_name/og:title, h1, and header or logo elements outside articles."""
    zones: list[Zone] = []
    title = doc.findtext(".//title")
    if title and title.strip():
        zones.append(Zone("title", clip(title, 300)))
    for content in doc.xpath(
        "//meta[@property='og:site_name' or @property='og:title' or @name='application-name']/@content"
    ):
        if isinstance(content, str) and content.strip():
            zones.append(Zone("site_name", clip(content, 300)))
    for h1 in doc.xpath("//h1")[:3]:
        zones.append(Zone("h1", clip(_text(h1), 300)))
    seen = 0
    for element in doc.xpath(_STRONG_XPATH):
        if element.tag in ("html", "body"):
            continue
        if element.tag != "header" and not _BRAND.search(f"{element.get('class', '')} {element.get('id', '')}"):
            continue
        zones.append(Zone("header", clip(_text(element), 400)))
        seen += 1
        if seen >= 6:
            break
    return [zone for zone in zones if zone.text]


def page_text(html: str) -> PageText | None:
    """Split an HTML page into zones; None when it cannot be parsed or has no text."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None
    for element in doc.xpath(_DROP_XPATH):
        element.drop_tree()
    strong = _strong_zones(doc)
    body = doc.find("body")
    body_text = _text(body) if body is not None else ""
    links = [href.strip() for href in doc.xpath("//a/@href") if isinstance(href, str)]
    zones = PageText(strong, Zone("body", body_text), links)
    for zone in [*zones.strong, zones.body]:
        zone.tokens = words(zone.text)
    return zones
