"""The generic keyword kind: patterns in link texts, headings and titles (optionally page text), link hosts,
document extensions and URL words. Most catalogue checks are this kind with different params."""

from __future__ import annotations

import datetime
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from checks.contacts import find_emails, find_phones
from checks.doclinks import document_snippet
from checks.kinds.base import EvidenceCheck
from checks.model import Evidence
from checks.page import Page, url_words
from checks.spec import CheckSpec, ParamError, Params
from checks.text import Matcher, clip, window
from core.text import fold

_KEYS = frozenset(
    {
        "patterns",
        "text_patterns",
        "exclude",
        "hosts",
        "exclude_urls",
        "extensions",
        "match_urls",
        "links_only",
        "require_contact",
        "record_year",
        "documents",
    }
)
_YEAR = re.compile(r"\b(?:19[89]\d|20\d\d)\b")
_ADDRESS = re.compile(
    r"\b(?:calle|av\.|avenida|col\.|colonia|c\.\s?p\.\s?\d{5}|codigo postal|domicilio|palacio municipal|"
    r"planta (?:alta|baja)|edificio|s/n|esquina|esq\.)"
)


@dataclass(frozen=True)
class KeywordConfig:
    """Compiled params of a keyword check (see config/checks.yaml for their meaning)."""

    patterns: Matcher | None
    text_patterns: Matcher | None
    exclude: Matcher | None
    hosts: frozenset[str]
    exclude_urls: re.Pattern[str] | None
    extensions: frozenset[str]
    match_urls: bool
    links_only: bool
    require_contact: bool
    record_year: bool
    documents: bool = False


@dataclass(frozen=True)
class Hit:
    """One candidate piece of evidence: snippet, the folded region around it and the year stated there."""

    snippet: str
    region: str
    year: str | None


def _compile_urls(params: Params) -> re.Pattern[str] | None:
    """exclude_urls: plain case-insensitive regular expressions over the link URL."""
    patterns = params.strings("exclude_urls")
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None
    except re.error as exc:
        raise ParamError("exclude_urls", f"expresión regular inválida ({exc})") from None


class KeywordCheck(EvidenceCheck[KeywordConfig]):
    """Evidence is a link, heading, title or (for text_patterns) page text matching the configured patterns."""

    kind = "keyword"

    def __init__(self, spec: CheckSpec, config: KeywordConfig, run_date: datetime.date) -> None:
        super().__init__(spec, config, run_date)
        self.has_year = False

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> KeywordConfig:
        p = Params(params, _KEYS)
        config = KeywordConfig(
            patterns=p.pattern("patterns"),
            text_patterns=p.pattern("text_patterns"),
            exclude=p.pattern("exclude"),
            hosts=frozenset(p.lower_strings("hosts")),
            exclude_urls=_compile_urls(p),
            extensions=frozenset(e.lstrip(".") for e in p.lower_strings("extensions")),
            match_urls=p.flag("match_urls"),
            links_only=p.flag("links_only"),
            require_contact=p.flag("require_contact"),
            record_year=p.flag("record_year"),
            documents=p.flag("documents"),
        )
        if not (config.patterns or config.text_patterns or config.hosts or config.extensions):
            raise ParamError("patterns", "hace falta al menos uno de patterns, text_patterns, hosts o extensions")
        if config.require_contact and config.text_patterns is None:
            raise ParamError("require_contact", "sólo se aplica a text_patterns, que falta")
        return config

    def settled(self) -> bool:
        return self.evidence is not None and (self.has_year or not self.config.record_year)

    def observe(self, page: Page) -> None:
        if self.settled():
            return
        best = self._best(page)
        # With record_year, evidence that states the year replaces earlier evidence that does not.
        if best is not None and (self.evidence is None or best[1]):
            self.evidence, self.has_year = best

    def find(self, page: Page) -> Evidence | None:
        """The page's best evidence (see _best)."""
        best = self._best(page)
        return best[0] if best else None

    def _best(self, page: Page) -> tuple[Evidence, bool] | None:
        """First non-excluded hit; with record_year, the first one stating a year wins. Returns (evidence, year?)."""
        fallback: tuple[Evidence, bool] | None = None
        for hit in self._hits(page):
            if self.config.exclude is not None and self.config.exclude.search(hit.region):
                continue
            if not self.config.record_year:
                return Evidence(page.url, clip(hit.snippet)), False
            if hit.year is not None:
                return Evidence(page.url, clip(f"Año {hit.year}: {hit.snippet}")), True
            fallback = fallback or (Evidence(page.url, clip(hit.snippet)), False)
        return fallback

    def _hits(self, page: Page) -> Iterator[Hit]:
        """Candidate evidence in order of strength: links, headings, title, then page text."""
        config = self.config
        if config.require_contact:  # only page text can show a contact datum next to the match
            if config.text_patterns is not None:
                yield from self._text_hits(page, config.text_patterns)
            return
        yield from self._link_hits(page)
        if config.patterns is not None and not config.links_only:
            blob, starts, parts = _blob(page, "headings")
            for index in sorted({bisect_right(starts, m.start()) - 1 for m in config.patterns.finditer(blob)}):
                yield _labelled(page, "Encabezado", page.headings[index], parts[index])
            title = fold(page.title)
            if config.patterns.search(title):
                yield _labelled(page, "Título", page.title, title)
        if config.text_patterns is not None:
            yield from self._text_hits(page, config.text_patterns)

    def _link_hits(self, page: Page) -> Iterator[Hit]:
        """Matching links (text, target or URL words), skipping excluded URLs."""
        config = self.config
        for index in self._link_indexes(page):
            link = page.links[index]
            if config.exclude_urls is not None and config.exclude_urls.search(link.url):
                continue
            region = f"{link.folded} {_blob(page, 'urls')[2][index]}" if link.host else link.folded
            yield Hit(f"{link.text or '(enlace sin texto)'} → {link.url}", region, _year(region))

    def _link_indexes(self, page: Page) -> Iterator[int]:
        """Indexes of links that match by text, host, extension or URL words, in document order."""
        config = self.config
        found: set[int] = set()
        for pattern in (config.patterns, config.text_patterns):
            if pattern is not None:
                blob, starts, _ = _blob(page, "links")
                found.update(bisect_right(starts, m.start()) - 1 for m in pattern.finditer(blob))
        if config.patterns is not None and config.match_urls:
            blob, starts, _ = _blob(page, "urls")
            found.update(bisect_right(starts, m.start()) - 1 for m in config.patterns.finditer(blob))
        if config.hosts or config.extensions:
            targets = _targets(page)
            for key in (*config.hosts, *(f".{e}" for e in config.extensions)):
                found.update(targets.get(key, ()))
        return iter(sorted(found))

    def _text_hits(self, page: Page, pattern: Matcher) -> Iterator[Hit]:
        """Matches in the visible text (with require_contact, only those with a contact datum nearby)."""
        folded = page.folded
        for match in pattern.finditer(folded):
            region = folded[max(0, match.start() - 150) : match.end() + 300]
            if self.config.require_contact and not _has_contact(region):
                continue
            near = folded[max(0, match.start() - 40) : match.end() + 80]
            yield Hit(window(page.text, folded, match.start(), match.end()), near, _year(near))


def _labelled(page: Page, label: str, text: str, region: str) -> Hit:
    """A heading or title hit; on a document's page (checks.doclinks) the evidence names the document instead."""
    if page.document is not None:
        return Hit(document_snippet(page, text), region, _year(region) or page.document.year)
    return Hit(f"{label}: {text}", region, _year(region))


def _year(region: str) -> str | None:
    """The first year (1980-2099) written in region."""
    match = _YEAR.search(region)
    return match.group(0) if match else None


def _has_contact(region: str) -> bool:
    """A phone, e-mail or street address close to a match (e.g. the Unidad de Transparencia's details)."""
    return (
        next(find_emails(region), None) is not None
        or next(find_phones(region), None) is not None
        or _ADDRESS.search(region) is not None
    )


def _targets(page: Page) -> dict[str, list[int]]:
    """Link indexes by domain (each host and its parent domains) and by ".extension" (cached per page)."""
    cached = page.cache.get("targets")
    if cached is None:
        targets: dict[str, list[int]] = {}
        domains: dict[str, list[str]] = {}
        for index, link in enumerate(page.links):
            if link.host not in domains:
                parts = link.host.split(".")
                domains[link.host] = [".".join(parts[i:]) for i in range(len(parts))] if link.host else []
            for domain in domains[link.host]:
                targets.setdefault(domain, []).append(index)
            name = link.url.split("?", 1)[0].rsplit("/", 1)[-1] if link.host else ""
            if "." in name:
                targets.setdefault("." + name.rsplit(".", 1)[1].lower(), []).append(index)
        page.cache["targets"] = cached = targets
    return cached  # type: ignore[return-value]


def _blob(page: Page, name: str) -> tuple[str, list[int], list[str]]:
    """Join folded link texts, URL words or headings with newlines (cached per page) for one regex scan."""
    cached = page.cache.get(name)
    if cached is None:
        if name == "links":
            parts = [link.folded for link in page.links]
        elif name == "urls":
            parts = url_words([link.url if link.host else "" for link in page.links])
        else:
            parts = [fold(h) for h in page.headings]
        starts, offset = [], 0
        for part in parts:
            starts.append(offset)
            offset += len(part) + 1
        cached = ("\n".join(parts), starts, parts)
        page.cache[name] = cached
    return cached  # type: ignore[return-value]
