"""Text side of the identity proof: word tokens, a phrase index matched longest-first, and a page's zones."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import lxml.etree

from core.text import fold

# A label says what a phrase is: ("muni", "15054:nombre"), ("state", "Sonora"), ("own", ""), ("parked", …)…
Label = tuple[str, str]
_NOT_WORD = re.compile(r"[^a-z0-9,]+")
# Where an element's class or id says it holds the site's name or logo (Bootstrap, WordPress and CMS templates).
_BRAND = re.compile(r"logo|brand|site-title|site-name|sitename|encabezado|cabecera|masthead")
_HEADER_XPATH = "//header[not(ancestor::article) and not(ancestor::main)]"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DROPPED = ("script", "style", "noscript", "template", "svg")
_PARSER = lxml.etree.HTMLParser(remove_comments=True)


def words(text: str) -> list[str]:
    """Lower-case, accent-free word tokens of text; commas are kept as their own token."""
    return _split(fold(text))


def _split(folded: str) -> list[str]:
    """Word tokens of folded text (a substitution and str.split are twice as fast as findall on 50 KB)."""
    return _NOT_WORD.sub(" ", folded).replace(",", " , ").split()


def phrase(text: str) -> tuple[str, ...]:
    """The words of a vocabulary phrase (commas dropped), as the index stores it."""
    return tuple(word for word in words(text) if word != ",")


class Hit(NamedTuple):
    """One phrase found in a token list: tokens[start:end], with every label that phrase carries."""

    start: int
    end: int
    labels: tuple[Label, ...]
    kinds: frozenset[str]  # the label kinds, precomputed per phrase
    munis: tuple[tuple[str, str], ...]  # (clave, kind of name) of its municipality labels, precomputed per phrase


_Entry = tuple[tuple[str, ...], tuple[Label, ...], frozenset[str], tuple[tuple[str, str], ...]]


class PhraseIndex:
    """Phrases keyed by their first word; scanning takes the longest phrase at each position, then moves past it."""

    def __init__(self) -> None:
        self._by_first: dict[str, dict[tuple[str, ...], list[Label]]] = {}
        self._sorted: dict[str, tuple[dict[str, list[_Entry]], _Entry | None]] = {}

    def add(self, words_: tuple[str, ...], label: Label) -> None:
        """Register a phrase with a label (a phrase may carry several labels)."""
        if not words_:
            return
        labels = self._by_first.setdefault(words_[0], {}).setdefault(words_, [])
        if label not in labels:
            labels.append(label)
        self._sorted.pop(words_[0], None)

    def _candidates(self, first: str) -> tuple[dict[str, list[_Entry]], _Entry | None]:
        """Phrases starting with a word, keyed by their second word (longest first), and the one-word phrase."""
        cached = self._sorted.get(first)
        if cached is None:
            by_second: dict[str, list[_Entry]] = {}
            single: _Entry | None = None
            for words_, labels in sorted(self._by_first[first].items(), key=lambda item: -len(item[0])):
                munis = tuple((v.split(":", 1)[0], v.split(":", 1)[1]) for k, v in labels if k == "muni")
                entry = (words_, tuple(labels), frozenset(k for k, _ in labels), munis)
                if len(words_) == 1:
                    single = entry
                else:
                    by_second.setdefault(words_[1], []).append(entry)
            cached = (by_second, single)
            self._sorted[first] = cached
        return cached

    def scan(self, tokens: list[str]) -> list[Hit]:
        """Every non-overlapping phrase in tokens, longest first at each position."""
        by_first = self._by_first
        hits: list[Hit] = []
        consumed = 0
        total = len(tokens)
        # Only positions whose word starts some phrase are tried (most words start none).
        for index in [i for i, token in enumerate(tokens) if token in by_first]:
            if index < consumed:
                continue
            by_second, single = self._candidates(tokens[index])
            found = single
            if index + 1 < total:
                for entry in by_second.get(tokens[index + 1], ()):
                    end = index + len(entry[0])
                    if end <= total and tuple(tokens[index:end]) == entry[0]:
                        found = entry
                        break
            if found is not None:
                consumed = index + len(found[0])
                hits.append(Hit(index, consumed, found[1], found[2], found[3]))
        return hits


def quote(zone: Zone, words_: Iterable[str], limit: int = 120) -> str:
    """The original spelling of a phrase inside a zone's text (accents kept), else the phrase itself."""
    wanted = [w for w in words_ if w != ","]
    original, folded = zone.text, zone.folded
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
    folded: str = ""
    tokens: list[str] = field(default_factory=list)


@dataclass
class PageText:
    """The zones and links of one HTML page."""

    strong: list[Zone]
    body: Zone
    links: list[str]


def _text(element: lxml.etree._Element) -> str:
    """An element's text with a space between the texts of its children (so list items stay separate words)."""
    # Image alternative texts first: a logo's alt names the site, and long zones are clipped at the end.
    alts = [alt for alt in element.xpath(".//img/@alt") if isinstance(alt, str)]
    return " ".join(alts + list(element.itertext()))


def _headers(doc: lxml.etree._Element) -> list[lxml.etree._Element]:
    """<header> elements and elements whose class or id names a logo or brand, outside articles."""
    # A Python filter over elements with a class or id is ~10x faster than the same test as an XPath predicate.
    found = list(doc.xpath(_HEADER_XPATH))
    for element in doc.xpath("//*[@class or @id]"):
        if element.tag in ("html", "body") or not _BRAND.search(f"{element.get('class', '')} {element.get('id', '')}"):
            continue
        if next(element.iterancestors("article"), None) is None:
            found.append(element)
    return found


def _strong_zones(doc: lxml.etree._Element) -> list[Zone]:
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
    for h1 in doc.xpath("//h1[not(ancestor::article)]")[:3]:
        zones.append(Zone("h1", clip(_text(h1), 300)))
    for element in _headers(doc)[:6]:
        zones.append(Zone("header", clip(_text(element), 400)))
    return [zone for zone in zones if zone.text]


def page_text(html: str) -> PageText | None:
    """Split an HTML page into zones; None when it cannot be parsed or has no text."""
    try:
        # lxml refuses a str that still carries an XML encoding declaration (XHTML pages): drop it. The plain
        # etree parser, not lxml.html's: its per-element class lookup doubled the time of a whole proof.
        doc = lxml.etree.fromstring(_XML_DECLARATION.sub("", html, count=1), _PARSER)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return None
    if doc is None:
        return None
    lxml.etree.strip_elements(doc, *_DROPPED, with_tail=False)
    strong = _strong_zones(doc)
    body = doc.find("body")
    body_text = _text(body) if body is not None else ""
    links = [href.strip() for href in doc.xpath("//a/@href") if isinstance(href, str)]
    zones = PageText(strong, Zone("body", body_text), links)
    for zone in [*zones.strong, zones.body]:
        zone.folded = fold(zone.text)
        zone.tokens = _split(zone.folded)
    return zones
