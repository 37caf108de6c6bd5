"""The site under construction: pages, menu, shared chrome (header, sidebar, footer, scripts) and documents."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from config.registry import Municipality
from simulator.model import Block, NavItem, PageDraft, block, esc
from simulator.phrasing import Phone, compact, new_phone, postal_address, slugify
from simulator.plan import DateSource, Plan
from simulator.platforms import Profiles
from simulator.quality import Quality
from simulator.variants import Variants
from simulator.variants_probes import mail_domain

MAX_DEPTH = 2
# Menu order real portals follow; unknown keys go last in insertion order.
NAV_ORDER = (
    "inicio",
    "gobierno",
    "conoce",
    "tramites",
    "pagos",
    "transparencia",
    "conac",
    "participacion",
    "contraloria",
    "atencion",
    "noticias",
    "normatividad",
    "contacto",
)


@dataclass(frozen=True)
class Doc:
    """A linked document: served as a tiny file, or missing (404) as linked files often are."""

    path: str
    title: str
    ext: str
    served: bool


class Paths:
    """URL conventions of a template (WordPress permalinks, .html files, PHP, Joomla query strings)."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.counter = 40

    def page(self, slug: str) -> str:
        """Path of a section or page."""
        return {
            "wordpress": f"/{slug}/",
            "bootstrap5": f"/{slug}.html",
            "bootstrap4": f"/paginas/{slug}.php",
            "table": f"/{slug}.htm",
            "joomla": f"/index.php/{slug}",
        }[self.template]

    def article(self, slug: str, day: date | None) -> str:
        """Path of a news item; WordPress puts the date in it only when the site shows dates."""
        self.counter += 1
        n = self.counter
        if self.template == "wordpress":
            return f"/{day.year}/{day.month:02d}/{day.day:02d}/{slug}/" if day else f"/?p={n}"
        return {
            "bootstrap5": f"/noticias/{slug}.html",
            "bootstrap4": f"/noticias/nota.php?id={n}",
            "table": f"/nota{n}.htm",
            "joomla": f"/index.php?option=com_content&view=article&id={n}&catid=8&Itemid=110",
        }[self.template]

    def doc(self, name: str, ext: str, when: date) -> str:
        """Path of an uploaded document."""
        return {
            "wordpress": f"/wp-content/uploads/{when.year}/{when.month:02d}/{name}.{ext}",
            "bootstrap5": f"/docs/{name}.{ext}",
            "bootstrap4": f"/archivos/{name}.{ext}",
            "table": f"/pdf/{name}.{ext}",
            "joomla": f"/images/documentos/{name}.{ext}",
        }[self.template]


def site_domain(municipality: Municipality, rng: random.Random) -> str:
    """The domain its e-mail addresses use: the real one when the registry knows it."""
    if municipality.sitio_web:
        host = urlsplit(municipality.sitio_web).hostname or ""
        return host.removeprefix("www.")
    slug = compact(municipality.nombre)
    return rng.choice((f"{slug}.gob.mx", f"{slug}.gob.mx", f"{slug}.gob.mx", f"{slug}.com.mx", "gmail.com"))


class SiteDraft:
    """Mutable builder of one site; content modules add pages and blocks, the renderer turns it into HTML."""

    def __init__(
        self,
        municipality: Municipality,
        plan: Plan,
        rng: random.Random,
        run_date: date,
        variants: Variants | None = None,
    ) -> None:
        self.m, self.plan, self.rng, self.run_date = municipality, plan, rng, run_date
        self.variants = variants or Variants(None)
        # Working and broken channels and site quality (simulator.quality); the usual site until content_site sets it.
        self.quality = Quality()
        # What the site's social accounts answer (simulator.platforms), and the account URLs its home links.
        self.profiles = Profiles()
        self.social: tuple[str, ...] = ()
        # Same-site documents shown inside pages through <iframe src>: path → (title, fragment).
        self.embeds: dict[str, tuple[str, str]] = {}
        self.paths = Paths(plan.template)
        self.pages: dict[str, PageDraft] = {}
        self.sections: dict[str, PageDraft] = {}
        self.nav: list[NavItem] = []
        self.header: list[Block] = []
        self.sidebar: list[Block] = []
        self.footer: list[Block] = []
        self.head: list[Block] = []
        self.banners: list[Block] = []
        self.docs: dict[str, Doc] = {}
        self.dates = DateSource(rng, run_date, plan.freshness)
        self.domain = site_domain(municipality, rng)
        self.phone: Phone = new_phone(rng, plan.lada)
        self.address = postal_address(rng, municipality.cabecera)
        self.home = self.add_page(plan.home_redirect or "/", f"Inicio | {municipality.nombre}", 0)

    @property
    def nombre(self) -> str:
        """The municipality's name."""
        return self.m.nombre

    @property
    def year_ranges(self) -> bool:
        """Whether texts may show "2025-2027"-style spans: only where a real phone exists to outrank them, and
        never where a page names the Unidad de Transparencia without contact data (a span could pass for one)."""
        return self.plan.has("canal.telefono") and not self.plan.ut_trap

    def period(self, start: int = 2025, end: int = 2027) -> str:
        """' 2025-2027' style suffix, or nothing on sites that must not show digit spans."""
        return f" {start}-{end}" if self.year_ranges else ""

    @property
    def public_host(self) -> str:
        """The host the municipality's pages claim as theirs (share links, payment hosts)."""
        return f"{compact(self.nombre)}.gob.mx" if self.domain == "gmail.com" else self.domain

    def email(self, user: str) -> str:
        """An address of the municipality; on free-mail domains the user part carries the town's name."""
        if self.domain == "gmail.com":
            return f"{user.replace('.', '')}.{compact(self.nombre)[:14]}@gmail.com"
        return f"{user}@{mail_domain(self.variants, self.domain, self.nombre)}"

    def add_page(self, path: str, title: str, depth: int) -> PageDraft:
        """Register a new page (paths are unique)."""
        if path in self.pages:
            raise ValueError(f"duplicate simulated path {path}")
        page = PageDraft(path, title, depth)
        self.pages[path] = page
        return page

    def nav_item(self, key: str, label: str, href: str, *tags: str, children: tuple[NavItem, ...] = ()) -> None:
        """Add a menu entry (href '#' = toggle or dead link)."""
        self.nav.append(NavItem(key, label, href, frozenset(tags), children))

    def section(
        self, key: str, slug: str, title: str, label: str | None = None, *tags: str, via: PageDraft | None = None
    ) -> PageDraft:
        """The page of a site section, created once; linked from the menu or, with via, from another page."""
        if key in self.sections:
            return self.sections[key]
        if via is None:
            page = self.add_page(self.paths.page(slug), title, 1)
            self.nav_item(key, label or title, page.path, *tags)
        else:
            page = self.subpage(via, slug, title, label or title, *tags)
        self.sections[key] = page
        return page

    def subpage(self, parent: PageDraft, slug: str, title: str, label: str, *tags: str) -> PageDraft:
        """A page linked from parent; beyond depth 2 the content goes into parent itself instead."""
        if parent.depth >= MAX_DEPTH:
            return parent
        path = self.paths.page(slug)
        while path in self.pages:
            slug += "-2"
            path = self.paths.page(slug)
        page = self.add_page(path, title, parent.depth + 1)
        parent.add(f'<p class="enlace"><a href="{esc(path)}">{esc(label)}</a></p>', *tags)
        return page

    def deep_page(self, parent: PageDraft, slug: str, title: str, label: str) -> PageDraft:
        """A page one level deeper than parent even beyond the crawl's reach (behind a neutral link)."""
        page = self.add_page(self.paths.page(slug), title, parent.depth + 1)
        parent.add(f'<p><a href="{esc(page.path)}">{esc(label)}</a></p>')
        return page

    def add_framed(self, page: PageDraft, slug: str, title: str, fragment: str, *tags: str) -> None:
        """Add a fragment to page, or (iframe variant) serve it as its own document shown in an <iframe src>;
        the evidence stays on page, where a reader sees it."""
        if self.variants.pick("iframe") is None:
            page.add(fragment, *tags)
            return
        path = f"/embebidos/{slug}.html"
        self.embeds[path] = (title, fragment)
        page.add(
            f'<iframe src="{esc(path)}" title="{esc(title)}" width="100%" height="260" frameborder="0"></iframe>', *tags
        )

    def doc(self, name: str, title: str, ext: str = "pdf", when: date | None = None) -> str:
        """Register a linked document and return its path; some are left missing (404)."""
        path = self.paths.doc(slugify(name), ext, when or self.dates.newest)
        if path not in self.docs:
            self.docs[path] = Doc(path, title, ext, self.rng.random() < 0.7)
        return path

    def doc_link(self, name: str, title: str, ext: str = "pdf", when: date | None = None) -> str:
        """An <a> to a registered document, with the usual '(PDF)' hint on some sites."""
        path = self.doc(name, title, ext, when)
        hint = f" ({ext.upper()})" if self.rng.random() < 0.4 else ""
        return f'<a href="{esc(path)}" target="_blank">{esc(title)}{hint}</a>'

    def chrome(self, where: str, fragment: str, *tags: str) -> None:
        """Add a fragment shown on every page: header, sidebar, footer, head (scripts) or banners (home only)."""
        target = {
            "header": self.header,
            "sidebar": self.sidebar,
            "footer": self.footer,
            "head": self.head,
            "banners": self.banners,
        }[where]
        target.append(block(fragment, *tags))

    def ordered_nav(self) -> list[NavItem]:
        """Menu entries in the usual portal order."""

        def rank(item: NavItem) -> int:
            return NAV_ORDER.index(item.key) if item.key in NAV_ORDER else len(NAV_ORDER)

        return sorted(self.nav, key=rank)
