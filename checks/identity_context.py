"""The registry-wide part of the identity proof: every municipality's names as phrases, with containment resolved."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.identity_rules import IdentityRules, load_rules
from checks.identity_text import Hit, PageText, PhraseIndex, Zone, page_text, phrase
from config.registry import Municipality

# Which claim on a shared phrase wins: a municipality's own name, then a cabecera, then a short form.
_PRIORITY = {"nombre": 0, "cabecera": 1, "corto": 2}
_IPOMEX_SLUG = re.compile(r"ipomex\.org\.mx/ipo\d?/lgt/(?:indice|infoexcel)/([a-z0-9_-]+)", re.I)
# The registry's own IPOMEX addresses are the operator's data: their slug counts on any host (the real portal, or the
# simulated one on 127.0.0.1), while links found on pages must point at the real portal.
_REGISTRY_SLUG = re.compile(r"/ipo\d?/lgt/(?:indice|infoexcel)/([a-z0-9_-]+)", re.I)
_IPOMEX4_ID = re.compile(r"ipomex\.org\.mx/.*#/obligaciones/(\d+)", re.I)


def _variants(words: tuple[str, ...], rules: IdentityRules) -> set[tuple[str, ...]]:
    """A name as written, without its linking words (Tlalnepantla Baz) and without a leading article."""
    found = {words}
    bare = tuple(w for w in words if w not in rules.connectors)
    if len(bare) >= 2:
        found.add(bare)
    if len(words) >= 2 and words[0] in rules.articles and len("".join(words[1:])) >= rules.min_rest:
        found |= _variants(words[1:], rules)
    return found


def _short_forms(
    words: tuple[str, ...], others: Sequence[tuple[str, ...]], rules: IdentityRules
) -> set[tuple[str, ...]]:
    """Ecatepec for Ecatepec de Morelos; Valle de Chalco for Valle de Chalco Solidaridad (ends at a contained name)."""
    found: set[tuple[str, ...]] = set()
    if len(words) >= 3 and words[1] in rules.connectors and len(words[0]) >= rules.min_rest:
        found.add(words[:1])
    for other in others:
        for start in range(1, len(words) - len(other)):
            if words[start : start + len(other)] == other:
                found.add(words[: start + len(other)])
    return found


def _claims(registry: Sequence[Municipality], rules: IdentityRules) -> dict[tuple[str, ...], dict[str, str]]:
    """Every phrase each municipality may be named by, with the kind of each claim."""
    names = [phrase(m.nombre) for m in registry]
    claims: dict[tuple[str, ...], dict[str, str]] = {}

    def claim(words: tuple[str, ...], cve: str, kind: str) -> None:
        """Record that cve may be named by words, keeping its strongest kind of claim."""
        current = claims.setdefault(words, {})
        if cve not in current or _PRIORITY[kind] < _PRIORITY[current[cve]]:
            current[cve] = kind

    for m, name in zip(registry, names, strict=True):
        for variant in _variants(name, rules):
            claim(variant, m.cve_inegi, "nombre")
        for variant in _variants(phrase(m.cabecera), rules):
            claim(variant, m.cve_inegi, "cabecera")
        others = [other for other in names if other != name]
        for short in _short_forms(name, others, rules):
            for variant in _variants(short, rules):
                claim(variant, m.cve_inegi, "corto")
    return claims


def _resolve(claims: Mapping[tuple[str, ...], Mapping[str, str]]) -> dict[tuple[str, ...], tuple[str, str]]:
    """Keep a phrase only for the one municipality with the strongest claim; drop it when that is a tie."""
    resolved: dict[tuple[str, ...], tuple[str, str]] = {}
    for words, by_cve in claims.items():
        best = min(_PRIORITY[kind] for kind in by_cve.values())
        winners = [(cve, kind) for cve, kind in by_cve.items() if _PRIORITY[kind] == best]
        if len(winners) == 1:
            resolved[words] = winners[0]
    return resolved


@dataclass(frozen=True)
class ReadPage:
    """A parsed page and the phrase hits of each zone (strong zones first, the body last); never mutated."""

    page: PageText
    zones: tuple[tuple[Zone, list[Hit]], ...]
    # Facts that do not depend on the municipality, computed once per page (e.g. the periods it shows).
    memo: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class IpomexLink:
    """An IPOMEX link on the page and the municipality its slug or id belongs to (None when unknown)."""

    url: str
    key: str
    cve: str | None


class IdentityContext:
    """The whole registry (names, cabeceras) plus known IPOMEX slugs/ids per clave and the loaded rules."""

    def __init__(
        self,
        registry: Sequence[Municipality],
        ipomex_keys: Mapping[str, str],
        rules: IdentityRules,
    ) -> None:
        self.rules = rules
        self.by_cve = {m.cve_inegi: m for m in registry}
        claims = _claims(registry, rules)
        self.aliases = _resolve(claims)
        self.index = PhraseIndex()
        self._add_vocabulary()
        # Domains are compared with every claim (atizapan.gob.mx may be either Atizapán), longest first.
        compact = {("".join(words), cve) for words, by_cve in claims.items() for cve in by_cve}
        self.domain_names = sorted((c for c in compact if len(c[0]) >= 4), key=lambda item: -len(item[0]))
        self.names_of: dict[str, list[tuple[str, ...]]] = {}
        for words, (cve, _) in self.aliases.items():
            self.names_of.setdefault(cve, []).append(words)
        self.slug_names = {"".join(words): cve for words, (cve, _) in self.aliases.items()}
        self.ipomex_keys = dict(ipomex_keys)
        self.host_owners: dict[str, frozenset[str]] = {}
        self._read = functools.lru_cache(maxsize=16)(self._read_uncached)

    def _read_uncached(self, html: str) -> ReadPage | None:
        """Parse a page and scan each zone with the index."""
        page = page_text(html)
        if page is None:
            return None
        return ReadPage(page, tuple((zone, self.index.scan(zone.tokens)) for zone in [*page.strong, page.body]))

    @classmethod
    def load(
        cls,
        registry: Sequence[Municipality],
        ipomex_slugs: Mapping[str, str] | None = None,
        rules: IdentityRules | None = None,
    ) -> IdentityContext:
        """Build the context from the registry, its IPOMEX addresses, extra slugs or IPOMEX 4 ids (→ clave) and the
        rules (config/identidad.yaml unless given)."""
        keys: dict[str, str] = {}
        for m in registry:
            found = _REGISTRY_SLUG.search(m.ipomex_url or "")
            if found:
                keys[found.group(1).lower()] = m.cve_inegi
            if m.ipomex4_id is not None:
                keys[str(m.ipomex4_id)] = m.cve_inegi
        keys.update({slug.strip().lower(): cve for slug, cve in (ipomex_slugs or {}).items()})
        return cls(registry, keys, rules or load_rules())

    def _add_vocabulary(self) -> None:
        """Put names and every word list of the rules into one index, so the longest phrase wins across kinds."""
        r, add = self.rules, self.index.add
        for words, (cve, kind) in self.aliases.items():
            add(words, ("muni", f"{cve}:{kind}"))
        for state, names in r.state_names.items():
            for name in names:
                add(phrase(name), ("state", state))
                for lead in ("estado de", "estado libre y soberano de", "gobierno del estado de"):
                    add(phrase(f"{lead} {name}"), ("state_explicit", state))
            for abbreviation in r.state_abbreviations[state]:
                add((",", *phrase(abbreviation)), ("state_explicit", state))
        for text in r.own_state:
            add(phrase(text), ("own", text))
        add((",", "mex"), ("own", "Méx."))
        for kind, vocabulary in (
            ("ayto", r.ayuntamiento),
            ("parked", r.parked),
            ("person", r.people),
            ("agency", r.agencies),
        ):
            for text in vocabulary:
                add(phrase(text), (kind, text))
        for kind, vocabulary in (("gamble", r.gambling), ("spam", r.unrelated)):
            for text in vocabulary:
                add(phrase(text), (kind, text))

    def read(self, html: str) -> ReadPage | None:
        """The page's zones with their phrase hits (None when it is not readable HTML); the last pages are cached,
        since discovery and the tests prove one page for several municipalities."""
        return self._read(html)

    def ipomex_links(self, links: Sequence[str]) -> list[IpomexLink]:
        """The page's links to IPOMEX with the municipality each slug or id belongs to."""
        found: list[IpomexLink] = []
        for url in links:
            match = _IPOMEX_SLUG.search(url) or _IPOMEX4_ID.search(url)
            if match is None:
                continue
            key = match.group(1).lower()
            found.append(IpomexLink(url, key, self.ipomex_keys.get(key)))
        return found
