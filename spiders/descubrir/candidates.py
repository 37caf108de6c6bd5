"""Candidate official sites of a municipality: hosts built from its name, and links that name it on official pages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from config.discovery import DiscoveryRules
from config.registry import Municipality
from core.text import fold

# An IPOMEX 3 or legacy index address, on the real host or a simulated one.
IPOMEX_INDEX = re.compile(r"/(ipo3?)/lgt/indice/([A-Za-z0-9_-]+)(?:\.web|/)", re.IGNORECASE)
_NON_LETTERS = re.compile(r"[^a-z0-9 ]+")


@dataclass(frozen=True)
class Candidate:
    """A URL that may be a municipality's official presence, and where the idea came from."""

    cve_inegi: str
    url: str
    origen: str  # patron | referencia | enlace | cruce
    detalle: str  # Spanish: which pattern, file row or page suggested it


def name_words(nombre: str) -> list[str]:
    """The name folded to lower-case ASCII words ("Atizapán de Zaragoza" → [atizapan, de, zaragoza])."""
    return _NON_LETTERS.sub(" ", fold(nombre).replace("-", " ")).split()


def name_variants(nombre: str, rules: DiscoveryRules) -> list[str]:
    """Host labels a municipality commonly uses: full, without connectors, short form; most specific first."""
    words = name_words(nombre)
    content = [w for w in words if w not in rules.conectores]
    variants = ["".join(words)]
    if len("".join(content)) >= rules.largo_minimo:
        variants.append("".join(content))
    before_de = words[: words.index("de")] if "de" in words else []
    for short in (before_de, content[:1], content[:2] if len(content) > 2 else []):
        label = "".join(short)
        if len(label) >= rules.largo_minimo and not (len(short) == 1 and short[0] in rules.genericas):
            variants.append(label)
    return list(dict.fromkeys(v for v in variants if v))


def pattern_hosts(m: Municipality, rules: DiscoveryRules) -> list[tuple[str, str]]:
    """(host, Spanish detail) for every template × name variant, without repetitions."""
    hosts: dict[str, str] = {}
    for variant in name_variants(m.nombre, rules):
        for template in rules.plantillas:
            hosts.setdefault(template.replace("{n}", variant), f"patrón {template} con «{variant}»")
    return list(hosts.items())


def host_of(url: str) -> str:
    """The lower-case host of a URL without a leading 'www.', '' when it has none."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def on_domain(host: str, domains: Iterable[str]) -> bool:
    """Whether host is one of the domains or a subdomain of one."""
    return any(host == d or host.endswith(f".{d}") for d in domains)


def listed_host(host: str, patterns: Iterable[str]) -> bool:
    """Whether host matches one of the patterns (exact host, or "*.domain" for its subdomains)."""
    return any(fnmatchcase(host, pattern) for pattern in patterns)


class NameFinder:
    """Which municipality a short text names, longest name first (so "Valle de Chalco" is not "Chalco")."""

    def __init__(self, municipalities: Sequence[Municipality]) -> None:
        keyed = [(" ".join(name_words(m.nombre)), m.cve_inegi) for m in municipalities]
        self.names = sorted(keyed, key=lambda item: -len(item[0]))

    def find(self, text: str) -> str | None:
        """The clave of the longest municipality name text contains as whole words, else None."""
        padded = f" {' '.join(name_words(text))} "
        for name, cve in self.names:
            if f" {name} " in padded:
                return cve
        return None
