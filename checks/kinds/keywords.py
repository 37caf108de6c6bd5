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
from checks.forms import describe, is_contact
from checks.kinds.base import EvidenceCheck, SiteState, absent
from checks.model import CheckResult, Evidence
from checks.page import Page, host_of, url_words
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
        "service_words",
        "service_urls",
        "form_words",
        "host_patterns",
        "documents",
    }
)
_YEAR = re.compile(r"\b(?:19[89]\d|20\d\d)\b")
# A street counts as an address only with its number (or s/n) close by: «la calle Morelos» in a list of public
# works is a place, not where to find the office.
_ADDRESS = re.compile(
    r"\b(?:(?:calle|av\.|avenida)\s[^;:|]{0,40}?(?:\d|s/n)|col\.|colonia|c\.\s?p\.\s?\d{5}|codigo postal|"
    r"domicilio|palacio municipal|planta (?:alta|baja)|edificio|s/n|esquina|esq\.)"
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
    service_words: Matcher | None = None
    service_urls: re.Pattern[str] | None = None
    form_words: Matcher | None = None
    host_patterns: re.Pattern[str] | None = None
    documents: bool = False


# The page announces the topic as not published yet: an announcement, not a publication.
_UNPUBLISHED = re.compile(
    r"en proceso de (?:digitalizacion|publicacion|actualizacion|integracion|carga|elaboracion)|proximamente|"
    r"en construccion|(?:aun|todavia) no (?:se ha|se han|hay|esta|estan)|"
    r"sin informacion (?:disponible|por el momento)|no (?:hay|existe) informacion (?:disponible|publicada)"
)
_FOLLOWING = 160


@dataclass(frozen=True)
class Hit:
    """One candidate piece of evidence: snippet, the folded region around it, the year stated there and the text
    that follows it on the page (to tell an announcement of what is not published yet)."""

    snippet: str
    region: str
    year: str | None
    after: str = ""


class KeywordCheck(EvidenceCheck[KeywordConfig]):
    """Evidence is a link, heading, title or (for text_patterns) page text matching the configured patterns."""

    kind = "keyword"

    def __init__(self, spec: CheckSpec, config: KeywordConfig, run_date: datetime.date) -> None:
        super().__init__(spec, config, run_date)
        self.has_year = False
        # Near misses: the site names the topic where a crawler cannot read it (dead menu items, targets not read).
        self.near: Evidence | None = None
        self.pending: dict[str, Evidence] = {}

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> KeywordConfig:
        p = Params(params, _KEYS)
        config = KeywordConfig(
            patterns=p.pattern("patterns"),
            text_patterns=p.pattern("text_patterns"),
            exclude=p.pattern("exclude"),
            hosts=frozenset(p.lower_strings("hosts")),
            exclude_urls=p.url_pattern("exclude_urls"),
            extensions=frozenset(e.lstrip(".") for e in p.lower_strings("extensions")),
            match_urls=p.flag("match_urls"),
            links_only=p.flag("links_only"),
            require_contact=p.flag("require_contact"),
            record_year=p.flag("record_year"),
            service_words=p.pattern("service_words"),
            service_urls=p.url_pattern("service_urls"),
            form_words=p.pattern("form_words"),
            host_patterns=p.url_pattern("host_patterns"),
            documents=p.flag("documents"),
        )
        if config.service_urls is not None and config.service_words is None:
            raise ParamError("service_urls", "sólo se aplica a service_words, que falta")
        if not (config.patterns or config.text_patterns or config.hosts or config.host_patterns or config.extensions):
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
        if self.evidence is None:
            self._note_near_misses(page)

    def conclude(self, site: SiteState) -> CheckResult:
        if self.evidence is not None:
            return self.result("cumple", self.evidence)
        unread = next((e for url, e in self.pending.items() if not site.was_read(url)), None)
        return absent(self, site, near=self.near or unread)

    def names_topic(self, folded: str) -> bool:
        """Whether a (folded) label names this check's topic: a hint, never evidence by itself."""
        config = self.config
        return any(m is not None and m.search(folded) for m in (config.patterns, config.text_patterns))

    def near_miss(self, evidence: Evidence) -> None:
        """Record something that names the topic but could not be read (e.g. an unreadable document)."""
        self.near = self.near or evidence

    def _note_near_misses(self, page: Page) -> None:
        """Dead menu items that name the topic; with require_contact, links whose page must still be read."""
        if self.near is None:
            blob, starts, _ = _blob(page, "dead_nav")
            for pattern in (self.config.patterns, self.config.text_patterns):
                match = pattern.search(blob) if pattern is not None else None
                if match is not None:
                    text = page.dead_nav[bisect_right(starts, match.start()) - 1]
                    self.near = Evidence(page.url, clip(f"Menú o enlace sin destino que se pueda leer: {text}"))
                    break
        if self.config.require_contact and self.config.text_patterns is not None:
            blob, starts, _ = _blob(page, "links")
            for match in self.config.text_patterns.finditer(blob):
                link = page.links[bisect_right(starts, match.start()) - 1]
                if link.host and len(self.pending) < 20:
                    note = f"Enlace a una página no leída: {link.text} → {link.url}"
                    self.pending.setdefault(link.url, Evidence(page.url, clip(note)))

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
            if _UNPUBLISHED.search(hit.after):
                self.near_miss(Evidence(page.url, clip(f"Anunciado como no publicado todavía: {hit.snippet}")))
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
        yield from self._service_hits(page)
        yield from self._form_hits(page)
        if config.patterns is not None and not config.links_only:
            blob, starts, parts = _blob(page, "headings")
            for index in sorted({bisect_right(starts, m.start()) - 1 for m in config.patterns.finditer(blob)}):
                hit = _labelled(page, "Encabezado", page.headings[index], parts[index])
                yield Hit(hit.snippet, hit.region, hit.year, _after(page, parts[index]))
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
        if config.host_patterns is not None:
            found.update(i for i, link in enumerate(page.links) if link.host and config.host_patterns.search(link.host))
        return iter(sorted(found))

    def _service_hits(self, page: Page) -> Iterator[Hit]:
        """Links to another host whose text (or, for a bare "aquí"-like link, its surroundings) names the service."""
        words, urls = self.config.service_words, self.config.service_urls
        if words is None:
            return
        own = host_of(page.url).removeprefix("www.")
        for link in page.links:
            if not link.host or link.host.removeprefix("www.") == own:
                continue
            if urls is not None and not urls.search(link.url):
                continue
            if words.search(link.folded) or (len(link.folded.split()) <= 3 and words.search(link.context)):
                note = f"Servicio en otro dominio, enlazado desde el sitio: {link.text or '(enlace sin texto)'}"
                yield Hit(f"{note} → {link.url}", f"{link.folded} {link.context}", None)

    def _form_hits(self, page: Page) -> Iterator[Hit]:
        """Contact forms whose text or container names what they are for (quejas, peticiones, reportes...)."""
        words = self.config.form_words
        if words is None:
            return
        for form in page.forms:
            if not is_contact(form):
                continue
            match = words.search(form.text) or words.search(form.context)
            if match is not None:
                yield Hit(f"{describe(form)} — para «{match.group(0)}»", f"{form.text} {form.context}", None)

    def _text_hits(self, page: Page, pattern: Matcher) -> Iterator[Hit]:
        """Matches in the visible text (with require_contact, only those with a contact datum nearby)."""
        folded = page.folded
        for match in pattern.finditer(folded):
            end = match.end() + 300
            if match.start() < page.footer_start:  # the footer's general contact is not this topic's
                end = min(end, page.footer_start)
            region = folded[max(0, match.start() - 150) : end]
            if self.config.require_contact and not _has_contact(region):
                continue
            near = folded[max(0, match.start() - 40) : match.end() + 80]
            after = folded[match.end() : match.end() + _FOLLOWING]
            yield Hit(window(page.text, folded, match.start(), match.end()), near, _year(near), after)


def _after(page: Page, heading: str) -> str:
    """The folded page text that follows a (folded) heading's first occurrence."""
    position = page.folded.find(heading)
    return page.folded[position + len(heading) : position + len(heading) + _FOLLOWING] if position >= 0 else ""


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
        elif name == "dead_nav":
            parts = fold("\n".join(page.dead_nav)).split("\n") if page.dead_nav else []
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
