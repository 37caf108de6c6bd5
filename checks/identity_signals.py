"""What a page's text says about whose site it is: names, state, ayuntamiento, period, IPOMEX, hijack signs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from checks.identity_context import IdentityContext, ReadPage
from checks.identity_text import Hit, Zone, clip, quote
from config.registry import Municipality

# How the auditor is told where on the page something was seen.
ZONE_NAMES = {
    "title": "El título",
    "site_name": "El nombre del sitio (og:site_name)",
    "h1": "El encabezado principal (h1)",
    "header": "El encabezado o logo",
    "body": "El cuerpo de la página",
}
# Zones that say what the page itself is (a header may also carry an address or a menu, so it counts less).
SELF_ZONES = ("title", "site_name", "h1")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_GAP = 3  # words allowed between "Ayuntamiento" and the name ("H. Ayuntamiento Constitucional de Toluca")


@dataclass(frozen=True)
class Finding:
    """One evidence before weighting: its code, the Spanish sentence and the alarm it raises, if any."""

    code: str
    texto: str
    alarm: str | None = None


def munis(hit: Hit) -> tuple[tuple[str, str], ...]:
    """(clave, kind of name) of every municipality label on a hit."""
    return hit.munis


def has(hit: Hit, kind: str) -> bool:
    """Whether a hit carries a label of this kind."""
    return kind in hit.kinds


def value_of(hit: Hit, kind: str) -> str:
    """The value of the first label of this kind on a hit."""
    return next(value for label_kind, value in hit.labels if label_kind == kind)


class Scan:
    """The page's zones matched against the index, with what they say about m."""

    def __init__(self, read: ReadPage, context: IdentityContext, m: Municipality, today: date) -> None:
        self.read, self.page, self.context, self.m, self.today = read, read.page, context, m, today
        self.zones = read.zones
        self.about = self._about()
        self.about_one = next(iter(self.about)) if len(self.about) == 1 else None
        self.fuzzy = self._fuzzy() if not self.about else None
        self.names_m = self.fuzzy is not None or any(self.m_hits(hits) for _, hits in self.zones)

    def _about(self) -> set[str]:
        """The municipalities the page is about: those its title, site name or h1 name, else its header or logo."""
        named: dict[bool, set[str]] = {True: set(), False: set()}
        for zone, hits in self.strong():
            named[zone.kind in SELF_ZONES].update(cve for hit in hits for cve, _ in munis(hit))
        return named[True] or named[False]

    def strong(self) -> Iterator[tuple[Zone, list[Hit]]]:
        """The title, site-name, h1 and header zones with their hits."""
        return ((zone, hits) for zone, hits in self.zones if zone.kind != "body")

    def body(self) -> tuple[Zone, list[Hit]]:
        """The body zone with its hits."""
        return self.zones[-1]

    def m_hits(self, hits: list[Hit]) -> list[Hit]:
        """The hits that name m."""
        cve = self.m.cve_inegi
        return [hit for hit in hits if hit.munis and any(c == cve for c, _ in hit.munis)]

    def said(self, zone: Zone, hit: Hit) -> str:
        """How the page spells a hit (accents kept)."""
        return quote(zone, zone.tokens[hit.start : hit.end])

    def first(self, kind: str) -> tuple[Zone, Hit] | None:
        """The first hit of a label kind, strong zones first."""
        return next(((z, h) for z, hits in self.zones for h in hits if has(h, kind)), None)

    def _fuzzy(self) -> tuple[Zone, str] | None:
        """A strong zone naming m with a spelling variant (only when no zone names any municipality exactly)."""
        rules = self.context.rules
        names = [" ".join(w) for w in self.context.names_of.get(self.m.cve_inegi, ())]
        names = [name for name in names if len(name.replace(" ", "")) >= rules.fuzzy_min_length]
        for zone, _ in self.strong():
            text = " ".join(zone.tokens)
            for name in names:
                if fuzz.partial_ratio(name, text) >= rules.fuzzy_score:
                    return zone, name
        return None


def _names(scan: Scan) -> list[Finding]:
    """Where the page names m: title/header, a spelling variant there, or only the body; and its cabecera."""
    found: list[Finding] = []
    strong = next(((z, h) for z, hits in scan.strong() for h in scan.m_hits(hits)), None)
    if strong is not None:
        zone, hit = strong
        found.append(
            Finding(
                "names_municipality", f"{ZONE_NAMES[zone.kind]} nombra «{scan.said(zone, hit)}»: «{clip(zone.text)}»."
            )
        )
    elif scan.fuzzy is not None:
        zone, name = scan.fuzzy
        found.append(
            Finding(
                "names_municipality_fuzzy", f"{ZONE_NAMES[zone.kind]} dice «{clip(zone.text)}», parecido a «{name}»."
            )
        )
    else:
        zone, hits = scan.body()
        body = scan.m_hits(hits)
        if body:
            found.append(
                Finding("names_municipality_body", f"Sólo el cuerpo de la página nombra «{scan.said(zone, body[0])}».")
            )
    own_cabecera = (scan.m.cve_inegi, "cabecera")
    cabecera = next(((z, h) for z, hits in scan.zones for h in hits if own_cabecera in munis(h)), None)
    if cabecera is not None:
        found.append(Finding("names_cabecera", f"La página nombra la cabecera municipal «{scan.said(*cabecera)}»."))
    own = scan.first("own")
    if own is not None and scan.names_m:
        found.append(Finding("names_state", f"{ZONE_NAMES[own[0].kind]} nombra el estado: «{scan.said(*own)}»."))
    return found


def _ayuntamiento(scan: Scan) -> list[Finding]:
    """The page calls itself ayuntamiento or gobierno municipal, and says of which municipality."""
    first = scan.first("ayto")
    if first is None:
        return []
    found = [Finding("calls_itself_ayuntamiento", f"{ZONE_NAMES[first[0].kind]} dice «{scan.said(*first)}».")]
    for zone, hits in scan.zones:
        for index, hit in enumerate(hits[:-1]):
            following = hits[index + 1]
            gap = zone.tokens[hit.end : following.start]
            if has(hit, "ayto") and len(gap) <= _GAP and "," not in gap and scan.m_hits([following]):
                words = zone.tokens[hit.start : following.end]
                return [
                    *found,
                    Finding("ayuntamiento_of_municipality", f"{ZONE_NAMES[zone.kind]} dice «{quote(zone, words)}»."),
                ]
    return found


def _page_periods(scan: Scan) -> tuple[dict[int, str], frozenset[int]]:
    """Every administration period the page shows (first year → as written) and every year it mentions."""
    memo = scan.read.memo
    if "periods" not in memo:
        connectors = "|".join(re.escape(c) for c in scan.context.rules.period_connectors)
        pattern = re.compile(rf"\b((?:19|20)\d\d) (?:(?:{connectors}) )?((?:19|20)\d\d)\b")
        seen: dict[int, str] = {}
        years: set[int] = set()
        for zone, _ in scan.zones:
            joined = " ".join(zone.tokens)
            years.update(int(y) for y in _YEAR.findall(joined))
            for match in pattern.finditer(joined):
                if int(match.group(2)) == int(match.group(1)) + 2:
                    seen.setdefault(int(match.group(1)), quote(zone, match.group(0).split()))
        memo["periods"] = (seen, frozenset(years))
    periods: tuple[dict[int, str], frozenset[int]] = memo["periods"]
    return periods


def _periods(scan: Scan) -> list[Finding]:
    """The current administration's period, or only a past one with no recent year anywhere."""
    rules, year = scan.context.rules, scan.today.year
    start = rules.first_term_year + 3 * ((year - rules.first_term_year) // 3)
    past = {start - 3 * k for k in range(1, rules.past_terms + 1)}
    seen, years = _page_periods(scan)
    if start in seen:
        return [Finding("current_administration", f"La página muestra el periodo actual «{seen[start]}».")]
    old = sorted(seen.keys() & past)
    if old and not {year - 1, year} & years:
        texto = f"Sólo muestra una administración pasada («{seen[old[-1]]}») y ninguna fecha de {year - 1} o {year}."
        return [Finding("old_administration", texto)]
    return []


def _ipomex(scan: Scan) -> list[Finding]:
    """Links to IPOMEX whose slug or id is this municipality's, resembles its name, or is another's."""
    context, cve = scan.context, scan.m.cve_inegi
    found: list[Finding] = []
    for link in context.ipomex_links(scan.page.links):
        owner, code = link.cve, "ipomex_own"
        if owner is None:
            owner, code = context.slug_names.get(link.key.replace("-", "").replace("_", "")), "ipomex_resembles"
        if owner == cve:
            found.append(
                Finding(code, f"Enlaza a IPOMEX con el identificador «{link.key}» de este municipio: {clip(link.url)}.")
            )
        elif owner is not None:
            other = context.by_cve[owner].nombre
            found.append(
                Finding(
                    "ipomex_other",
                    f"Enlaza a IPOMEX con el identificador «{link.key}», que es de {other}: {clip(link.url)}.",
                )
            )
    # One link is enough evidence either way; this municipality's own link wins over another's.
    found.sort(key=lambda finding: finding.code == "ipomex_other")
    return found[:1]


def identity_findings(scan: Scan) -> list[Finding]:
    """The evidence in favour: names, state, ayuntamiento, period and IPOMEX links (or an old period)."""
    return [*_names(scan), *_ayuntamiento(scan), *_periods(scan), *_ipomex(scan)]


def muni_counts(scan: Scan) -> Counter[str]:
    """How often the body names each municipality."""
    _, hits = scan.body()
    return Counter(cve for hit in hits for cve, _ in munis(hit))
