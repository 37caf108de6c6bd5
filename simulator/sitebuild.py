"""Assemble one simulated site: content steps in a fixed order, rendering, encoding and evidence per page."""

from __future__ import annotations

import random
from datetime import date

from config.registry import Municipality
from simulator import content_civic as civic
from simulator.content_channels import build_chat, build_contact, build_form_traps, build_social, build_whatsapp
from simulator.content_common import build_filler, build_gobierno, build_home, build_news, build_search
from simulator.content_documents import publish_documents
from simulator.content_losi import build_losi
from simulator.content_norms import build_norms
from simulator.content_padding import pad_site
from simulator.content_services import build_pagos, build_reporte, build_tramites
from simulator.content_transparency import build_transparency
from simulator.draft import SiteDraft
from simulator.jsmenu import js_menu
from simulator.jsonly import shell_pages
from simulator.model import (
    DOWN,
    HTTP_503,
    JS_ONLY,
    MAINTENANCE,
    PARKED,
    REDIRECT_LOOP,
    ROBOTS_DISALLOW,
    SLOW,
    SLOW_DELAY,
    Block,
    NavItem,
    PageDraft,
    PageEvidence,
    Resource,
    SimSite,
)
from simulator.plan import Plan, make_plan
from simulator.platforms import Profiles
from simulator.quality import Quality, broken_links_html, gallery_html
from simulator.render import LATIN1_FIX, render
from simulator.special import (
    ALLOW_ALL,
    DISALLOW_ALL,
    document,
    maintenance,
    not_found,
    parked,
    redirect,
    robots_for,
    server_error,
)
from simulator.variant_forms import iframe_document
from simulator.variants import Variants
from simulator.variants_probes import mail_dns

PARTICIPATION = (
    ("participacion.copaci", civic.add_copaci),
    ("participacion.cocicovi", civic.add_cocicovi),
    ("participacion.presupuesto_participativo", civic.add_presupuesto),
)


def build_content(d: SiteDraft) -> None:
    """Run every content step; order matters because later steps link into earlier sections."""
    build_gobierno(d)
    build_contact(d)
    build_whatsapp(d)
    build_social(d)
    build_pagos(d, build_tramites(d))
    build_reporte(d)
    civic.build_contraloria(d)
    for check, add in PARTICIPATION:
        if d.plan.has(check):
            add(d)
    civic.build_cabildo(d)
    build_norms(d)
    build_transparency(d)
    news = build_news(d)
    build_search(d, d.sections.get("noticias"))
    build_form_traps(d)
    build_quality(d)
    build_chat(d)
    build_filler(d)
    build_home(d, news)


def build_quality(d: SiteDraft) -> None:
    """Links to pages that are gone and photos without alt text on the home, as the site's quality says."""
    quality = d.quality
    if quality.broken_links:
        d.home.add(broken_links_html(quality.broken_links))
    if quality.images_without_alt:
        d.home.add(gallery_html(quality.images_without_alt))


def nav_tags(items: list[NavItem]) -> set[str]:
    """Evidence carried by menu entries, sub-menus included."""
    tags: set[str] = set()
    for item in items:
        tags |= item.tags | nav_tags(list(item.children))
    return tags


def page_evidence(d: SiteDraft, page: PageDraft) -> PageEvidence:
    """Tags and dates of a page: its blocks plus the chrome every page shows (banners on the home only)."""
    blocks: list[Block] = [*page.blocks, *d.header, *d.sidebar, *d.footer, *d.head]
    if page is d.home:
        blocks += d.banners
    tags = nav_tags(d.nav).union(*(b.tags for b in blocks))
    if d.plan.viewport == "responsive":
        tags.add("sitio.movil")
    dates = sorted({day for b in blocks for day in b.dates}, reverse=True)
    return PageEvidence(frozenset(tags), tuple(dates))


def content_type(d: SiteDraft) -> tuple[str, str]:
    """(Python codec, Content-Type header) of the site's pages."""
    charset = d.plan.legacy_charset if d.plan.template == "table" else "utf-8"
    if charset == "cp1252":
        return "cp1252", "text/html"
    if charset == "iso-8859-1":
        return "latin-1", "text/html; charset=ISO-8859-1"
    return "utf-8", "text/html" if d.rng.random() < 0.2 else "text/html; charset=UTF-8"


def served_pages(d: SiteDraft) -> tuple[dict[str, Resource], dict[str, bytes]]:
    """Every page as served and, where a script writes the menu, the DOM after it ran; plus the iframe documents."""
    codec, header = content_type(d)
    menu = d.variants.pick("menu.javascript")
    resources: dict[str, Resource] = {}
    rendered: dict[str, bytes] = {}
    for path, page in d.pages.items():
        html = render(d, page)
        if menu is not None:
            html, dom = js_menu(d.plan.template, html, menu)
            rendered[path] = dom.encode(codec)
        resources[path] = Resource(200, header, html.encode(codec))
    charset = "utf-8" if codec == "utf-8" else ""
    for path, (title, fragment) in d.embeds.items():
        body = iframe_document(title, fragment, charset)
        body = body.translate(LATIN1_FIX) if codec == "latin-1" else body
        resources[path] = Resource(200, header, body.encode(codec))
    return resources, rendered


def resources_of(d: SiteDraft, js_only: bool = False) -> tuple[dict[str, Resource], dict[str, bytes]]:
    """Every served resource of a content site (pages, home redirect, documents) and the DOM of each page a
    script changes (js_only shells, script-written menus) after it ran."""
    resources, rendered = shell_pages(d) if js_only else served_pages(d)
    if d.plan.home_redirect:
        resources["/"] = redirect(d.plan.home_redirect, d.rng.choice((301, 302)))
    for path, doc in d.docs.items():
        body = document(doc.title, doc.ext) if doc.served else None
        if body is not None:
            resources[path] = body
    return resources, rendered


def content_site(
    m: Municipality,
    plan: Plan,
    rng: random.Random,
    run_date: date,
    behaviour: str,
    padding: tuple[int, random.Random] | None = None,
    variants: Variants | None = None,
    documents: random.Random | None = None,
    quality: Quality | None = None,
    losi: random.Random | None = None,
    profiles: Profiles | None = None,
) -> SimSite:
    """A full site with content, padded to (pages, generator) when given, writing the given real-world variants;
    with documents (their own generator), some absent topics are published as PDFs only. robots.txt may still forbid
    crawling it. With losi (its own generator), the site publishes some LOSI topics (simulator.content_losi)."""
    d = SiteDraft(m, plan, rng, run_date, variants)
    d.quality = quality or Quality()
    d.profiles = profiles or Profiles()
    build_content(d)
    if losi is not None:
        build_losi(d, losi)
    pdfs = publish_documents(d, documents) if documents is not None and behaviour != JS_ONLY else {}
    # A viewer page around a PDF is a page to an ideal crawl (it proves nothing: the listing linking it does).
    viewers = {p: PageEvidence(frozenset(), ()) for p, r in pdfs.items() if r.content_type != "application/pdf"}
    if padding is not None:
        # Links to gone pages are requests of the crawl's page budget too.
        pad_site(d, padding[0] - len(viewers) - d.quality.broken_links, padding[1])
    evidence = {path: page_evidence(d, page) for path, page in d.pages.items()} | viewers
    robots = DISALLOW_ALL if behaviour == ROBOTS_DISALLOW else robots_for(plan.template)
    resources, rendered = resources_of(d, behaviour == JS_ONLY)
    resources.update(pdfs)
    return SimSite(
        m.cve_inegi,
        m.nombre,
        plan.template,
        behaviour,
        d.home.path,
        resources,
        evidence,
        robots,
        SLOW_DELAY if behaviour == SLOW else 0.0,
        rendered=rendered,
        variants=d.variants.written(),
        mail_domains=mail_dns(d.variants, d.domain, d.nombre),
        social=d.social,
        channel=d.profiles.youtube,
    )


def empty_site(m: Municipality, template: str, behaviour: str, rng: random.Random) -> SimSite:
    """A site without content: down, erroring, parked, in maintenance or looping."""
    resources: dict[str, Resource] = {}
    catch_all: Resource | None = None
    robots: Resource | None = ALLOW_ALL
    if behaviour == PARKED:
        catch_all = parked(rng, m.nombre)
    elif behaviour == MAINTENANCE:
        catch_all, robots = maintenance(m.nombre), None
    elif behaviour == HTTP_503:
        # robots.txt itself answers 404 (allow): a 5xx there would mean "disallowed", not "down".
        catch_all, robots = server_error(), not_found(m.nombre)
    elif behaviour == REDIRECT_LOOP:
        resources = {"/": redirect("/inicio"), "/inicio": redirect("/")}
    return SimSite(m.cve_inegi, m.nombre, template, behaviour, "/", resources, {}, robots, 0.0, catch_all)


def build_site(
    m: Municipality,
    seed: int,
    run_date: date,
    behaviour: str,
    pages_per_site: int | None = None,
    variants: bool = True,
) -> SimSite:
    """One municipality's simulated site, fully determined by (seed, clave, run_date, behaviour, pages_per_site,
    variants); with pages_per_site, content sites are padded to about that many crawlable pages; with variants,
    a seeded share of sites writes real-world forms (simulator.variants) of the same evidence."""
    rng = random.Random(f"vigia-sim:{seed}:{m.cve_inegi}")
    plan = make_plan(rng, m, behaviour)
    if behaviour in (DOWN, HTTP_503, PARKED, MAINTENANCE, REDIRECT_LOOP):
        return empty_site(m, plan.template, behaviour, rng)
    padding = None
    if pages_per_site is not None:
        padding = (pages_per_site, random.Random(f"vigia-sim:{seed}:{m.cve_inegi}:padding"))
    # Script-built sites already hide everything from a static reader; they keep the usual forms.
    chosen = Variants.for_site(seed, m.cve_inegi, variants and behaviour != JS_ONLY)
    # Their own generator: the site's draws, and so everything else it serves, stay as they were.
    documents = random.Random(f"vigia-sim:{seed}:{m.cve_inegi}:documents")
    quality = Quality.for_site(seed, m.cve_inegi)
    losi = random.Random(f"vigia-sim:{seed}:{m.cve_inegi}:losi")
    profiles = Profiles.for_site(seed, m.cve_inegi)
    return content_site(m, plan, rng, run_date, behaviour, padding, chosen, documents, quality, losi, profiles)
