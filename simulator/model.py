"""Data types of the farm: HTML blocks with the evidence they carry, page drafts, served responses and sites."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date

from simulator.ipomex_model import IpomexSite

# How a site is served; every value but "normal", "slow" and "cp1252" makes the crawl unable to score content.
NORMAL, SLOW, CP1252 = "normal", "slow", "cp1252"
DOWN, HTTP_503, PARKED = "down", "http_503", "parked"
MAINTENANCE, ROBOTS_DISALLOW, REDIRECT_LOOP = "maintenance", "robots_disallow", "redirect_loop"
# js_only: every page is an empty shell whose content a script builds from JSON; judged as the browser renders it.
JS_ONLY = "js_only"
SPECIAL_BEHAVIOURS: tuple[str, ...] = (
    DOWN,
    PARKED,
    MAINTENANCE,
    ROBOTS_DISALLOW,
    REDIRECT_LOOP,
    HTTP_503,
    CP1252,
    SLOW,
    JS_ONLY,
    JS_ONLY,
)
EVALUATED = frozenset({NORMAL, SLOW, CP1252, JS_ONLY})
SLOW_DELAY = 1.5


def esc(text: str) -> str:
    """Escape text for an HTML attribute or element body."""
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class Block:
    """An HTML fragment, the check ids it is evidence for, and the publication dates it shows."""

    html: str
    tags: frozenset[str] = frozenset()
    dates: tuple[date, ...] = ()


def block(fragment: str, *tags: str, dates: tuple[date, ...] = ()) -> Block:
    """Build a Block from a fragment and the check ids it proves."""
    return Block(fragment, frozenset(tags), dates)


@dataclass(frozen=True)
class NavItem:
    """A menu entry; href '#' is a dropdown toggle or a dead link and proves nothing."""

    key: str
    label: str
    href: str
    tags: frozenset[str] = frozenset()
    children: tuple[NavItem, ...] = ()


@dataclass
class PageDraft:
    """A page being assembled: its path (with query for Joomla-like URLs), title, intended depth and blocks."""

    path: str
    title: str
    depth: int
    blocks: list[Block] = field(default_factory=list)

    def add(self, fragment: str, *tags: str, dates: tuple[date, ...] = ()) -> None:
        """Append a fragment carrying the given evidence."""
        self.blocks.append(block(fragment, *tags, dates=dates))


@dataclass(frozen=True)
class Resource:
    """One served response: status, Content-Type (None = header absent), body and redirect target."""

    status: int
    content_type: str | None
    body: bytes
    location: str | None = None


@dataclass(frozen=True)
class PageEvidence:
    """What a page proves: check ids and the dates it shows."""

    tags: frozenset[str]
    dates: tuple[date, ...]


@dataclass(frozen=True)
class SimSite:
    """One simulated municipal site: how it is served and every resource it has."""

    cve_inegi: str
    nombre: str
    template: str
    behaviour: str
    home_path: str
    resources: dict[str, Resource]
    evidence: dict[str, PageEvidence]
    robots: Resource | None
    delay: float = 0.0
    # Answered for any path the site does not have (parked, maintenance, 503); None means a real 404.
    catch_all: Resource | None = None
    # The HTML of each page a script changes (js_only shells, script-written menus) as a browser shows it after.
    rendered: dict[str, bytes] = field(default_factory=dict)
    # Real-world forms this site writes (simulator.variants): (class, option), sorted.
    variants: tuple[tuple[str, str], ...] = ()
    # Mail domains its addresses use and whether each receives mail (the farm's DNS for the probes).
    mail_domains: tuple[tuple[str, bool], ...] = ()
    # The social account URLs its home links, and what its YouTube channel answers (simulator.platforms).
    social: tuple[str, ...] = ()
    channel: str = "vivo"  # simulator.platforms.LIVE (that module builds on this one)
    # How the municipality appears on the simulated IPOMEX (set by build_world).
    ipomex: IpomexSite | None = None

    def dom(self, path: str) -> bytes:
        """The page as a browser sees it: the DOM after the page's script ran, else the served bytes."""
        return self.rendered.get(path, self.resources[path].body)

    @property
    def pages(self) -> dict[str, Resource]:
        """Alias of resources: every path (with query) this site answers."""
        return self.resources

    @property
    def html_pages(self) -> int:
        """Number of HTML pages the site has."""
        return sum(1 for r in self.resources.values() if (r.content_type or "").startswith("text/html"))
