"""Streaming evaluation of one site crawl: pages go in as the spider reads them, one result per check comes out."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from checks.catalogue import Catalogue, load_catalogue
from checks.classify import JS_SHELL, OK, PARKED, REASONS, REDIRECT, SOFT_404, classify_detail
from checks.doclinks import DocumentLink, Vocabulary, candidate_links, document_pages, to_document_link
from checks.documents import UNREADABLE, DocumentText
from checks.kinds.base import Check, SiteState, url_key
from checks.kinds.keywords import KeywordCheck
from checks.model import CheckResult, CrawlOutcome, DocumentMiss, Evidence
from checks.page import Page, host_of, is_document, parse_page
from checks.probes import OFFLINE, ProbeAnswer, Prober
from checks.text import clip, repair_mojibake

LOG = logging.getLogger(__name__)
STATIC_COPY_DETAIL = (
    "Se revisó una copia estática del sitio: esta verificación depende de las respuestas del servidor real "
    "(destinos de formularios, páginas que faltan, DNS o perfiles) y no se prueba en una copia."
)

# Share of unreadable pages above which absence on the site can no longer be asserted.
MAX_FAILED_SHARE = 0.20
# Links remembered as document candidates per site (a catalogue of thousands of PDFs must not grow memory).
MAX_DOCUMENT_LINKS = 500
# Our own network was down (crawler.netprobe): nothing about the site itself is known.
SIN_RED = "sin_red"
# An auditor confirmed there is no official site: availability fails, the other checks have nothing to read.
NO_SITE = "sin_sitio"
UNREACHABLE = {
    "dns": "el dominio no se resolvió (DNS)",
    "connect": "no se pudo conectar con el servidor",
    "timeout": "el servidor no respondió a tiempo",
    "http_error": "el servidor respondió con un error HTTP",
}
FAILURES = {
    **UNREACHABLE,
    "no_url": "no hay URL registrada del sitio oficial",
    "sin_red": "Vigía estaba sin conexión a internet (falló la prueba de conectividad)",
    "robots_disallowed": "robots.txt no permite leer la página de inicio",
    "redirect_loop": "la página de inicio redirige en bucle",
    "too_many_redirects": "la página de inicio encadena demasiadas redirecciones",
    "rate_limited": "el servidor limitó las peticiones (429 / Retry-After)",
    "blocked_waf": "un cortafuegos anti-bots bloqueó la página de inicio",
    "ssrf_blocked": "la página de inicio lleva a una dirección interna o a un protocolo no permitido",
    "robots_unavailable": "robots.txt no pudo leerse y por norma no se rastrea",
    "data_loss": "la página de inicio llegó truncada",
    "tls": "falló la conexión segura (TLS)",
    "too_large": "la página de inicio excede el tamaño máximo",
    "not_html": "la página de inicio no es HTML",
    "sin_sitio": "un auditor confirmó que el municipio no tiene sitio oficial y el descubrimiento no halló ninguno",
    "identidad": "la página de inicio de la dirección confirmada ya no prueba ser el sitio del municipio",
    "error": "error al leer la página de inicio",
}
BLOCKED = {
    PARKED: "El dominio muestra una página estacionada, en venta o ajena (p. ej. casino); no se evalúa su contenido.",
    "maintenance": "La página de inicio es un aviso de mantenimiento o construcción; se evaluará en otra ejecución.",
    "js_shell": "La página de inicio sólo muestra contenido con JavaScript; hace falta el navegador para evaluarla.",
    "challenge": "Un cortafuegos presentó una verificación anti-bots (p. ej. Cloudflare) en lugar de la página.",
    "foreign": "La página de inicio no menciona al municipio ni a un ayuntamiento; no se confirma que sea el sitio "
    "oficial.",
    SOFT_404: "La página de inicio es una página de «no encontrado» servida como si existiera; no se evalúa.",
    "redirect": "La página de inicio sólo redirige a otra dirección (meta refresh, marcos o JavaScript) que no se "
    "evaluó como página de inicio.",
}


@dataclass(frozen=True)
class PageAnalysis:
    """What the spider needs back from one page: its kind and where to go next (never parse twice)."""

    url: str
    kind: str
    title: str
    links: tuple[str, ...]
    documents: tuple[str, ...]
    refresh: str | None = None
    # Linked documents (PDF, viewers) whose words match a check that accepts documents and still lacks evidence.
    candidates: tuple[DocumentLink, ...] = ()
    # Same-site pages shown inside this one (iframe, frame): part of the page, read whatever its depth.
    frames: tuple[str, ...] = ()


class SiteEvaluator:
    """Evaluates the catalogue's home/site checks over one crawl, keeping only small findings per check."""

    def __init__(
        self,
        catalogue: Catalogue,
        run_date: datetime.date,
        municipality: str | None = None,
        prober: Prober = OFFLINE,
        static_copy: bool = False,
    ) -> None:
        self.catalogue, self.run_date, self.municipality = catalogue, run_date, municipality
        self.prober, self.static_copy = prober, static_copy
        self.checks: list[Check[Any]] = [catalogue.instantiate(s, run_date) for s in catalogue.site_checks()]
        self.home_kind: str | None = None
        self.home_url = ""
        self.home_title = ""
        self.home_snippet = ""
        self.home_hash: int | None = None
        self.home_repeats = 0
        self.pages_used = 0
        self.pages_unusable = 0
        self.read_urls: set[str] = set()
        self.home_scripted_nav = False
        self.document_checks = [c for c in self.checks if isinstance(c, KeywordCheck) and c.config.documents]
        # Every link judged a document candidate (and other links whose answer may turn out to be a PDF), by URL.
        self.document_links: dict[str, DocumentLink] = {}
        # Candidate documents that could not be read: near misses the checks never saw (see document_unreadable).
        self.document_misses: list[DocumentMiss] = []
        self.documents_read: list[str] = []
        # The site's own pages that answered 404 / 410 (broken internal links), in the order the crawl met them.
        self.broken: list[str] = []

    def add_page(self, url: str, html: str, depth: int, defer_js: bool = False) -> PageAnalysis:
        """Parse one page (url is its final URL; depth 0 is the home page) and feed it to the checks.

        With defer_js, a JavaScript shell is only reported (kind js_shell) and not recorded, so that the caller
        can render it in a browser and add the rendered DOM instead.
        """
        # A home that only redirects (meta refresh...) is replaced by the page it leads to.
        is_home = depth == 0 and self.home_kind in (None, REDIRECT)
        page = parse_page(url, repair_mojibake(html), home=is_home)
        kind, snippet = classify_detail(page, self.municipality, home=is_home)
        repeat = not is_home and kind == OK and self._repeats_home(url, html)
        if repeat:
            kind = SOFT_404
            self.home_repeats += 1
        if defer_js and kind == OK and page.scripted_nav:
            kind = JS_SHELL  # the menu is written by a script: a browser shows where the site leads
        if defer_js and kind == JS_SHELL:
            return PageAnalysis(url, kind, page.title, (), (), None)
        if is_home:
            self.home_kind, self.home_url, self.home_title, self.home_snippet = kind, url, page.title, snippet
            self.home_hash = hash(html)
            self.home_scripted_nav = page.scripted_nav
        if kind == OK:
            self.pages_used += 1
            self.read_urls.add(url_key(url))
            self._observe(page, is_home)
        elif not is_home and not (repeat and self.home_repeats == 1):
            # One copy of the home elsewhere is normal (/index.html); several make a catch-all (soft-404).
            self.pages_unusable += 1
        links, documents = split_links(page, page.refresh if page.refresh != url else None)
        candidates = self._document_candidates(page) if kind == OK else ()
        own = host_of(url)
        frames = tuple(
            link.url for link in page.links if link.embedded and link.host == own and not is_document(link.url)
        )
        return PageAnalysis(url, kind, page.title, links, documents, page.refresh, candidates, frames)

    def _document_candidates(self, page: Page) -> tuple[DocumentLink, ...]:
        """New document links of page that may give evidence to a check still without it."""
        vocabulary = [_vocabulary(c) for c in self.document_checks if not c.settled()]
        found: list[DocumentLink] = []
        for link, document, checks in candidate_links(page, vocabulary):
            candidate = to_document_link(link, checks, page.url)
            if candidate.url in self.document_links or len(self.document_links) >= MAX_DOCUMENT_LINKS:
                continue
            self.document_links[candidate.url] = candidate
            if document:
                found.append(candidate)
        return tuple(found)

    def document_link(self, url: str) -> DocumentLink | None:
        """The candidate recorded for url, if a matching link led there (a page that answered with a PDF)."""
        return self.document_links.get(url)

    def add_document(self, doc_url: str, document: DocumentText, linked_from: str, link_text: str) -> list[str]:
        """Feed a read document, page by page, to the checks that accept documents; returns the ids of the checks
        that found their evidence in it."""
        self.documents_read.append(doc_url)
        before = {c.spec.id for c in self.document_checks if c.evidence is not None}
        for page in document_pages(doc_url, document, linked_from, link_text):
            for check in self.document_checks:
                if not check.settled():
                    check.observe(page)
        return [c.spec.id for c in self.document_checks if c.evidence is not None and c.spec.id not in before]

    def document_unreadable(
        self, doc_url: str, reason: str, linked_from: str, link_text: str, detail: str | None = None
    ) -> None:
        """Record a candidate document that could not be downloaded or read; no verdict changes because of it."""
        candidate = self.document_links.get(doc_url)
        checks = candidate.checks if candidate is not None else ()
        detail = detail or UNREADABLE.get(reason, "no se pudo leer el documento")
        self.document_misses.append(DocumentMiss(doc_url, reason, detail, linked_from, link_text, checks))
        # The link named these checks' topic: without other evidence they cannot assert absence (revisar).
        note = Evidence(linked_from, clip(f"Documento que no se pudo leer ({detail}): {link_text} → {doc_url}"))
        for check in self.document_checks:
            if check.spec.id in checks:
                check.near_miss(note)

    def page_missing(self, url: str) -> None:
        """Record an own page the crawl requested that answered 404 or 410 (a broken internal link)."""
        if url not in self.broken:
            self.broken.append(url)

    def probe_urls(self) -> list[str]:
        """Addresses the checks want probed with safe methods before they conclude, without repeats."""
        return list(dict.fromkeys(url for check in self.checks for url in check.probe_urls()))

    def probed(self, url: str, answer: ProbeAnswer) -> None:
        """Hand a probe's answer to every check (each keeps only the addresses it asked about)."""
        for check in self.checks:
            check.probed(url, answer)

    def _repeats_home(self, url: str, html: str) -> bool:
        """A catch-all answering the home page at another address: not a page of its own (soft-404)."""
        return (
            self.home_hash is not None and url.rstrip("/") != self.home_url.rstrip("/") and hash(html) == self.home_hash
        )

    def _observe(self, page: Page, is_home: bool) -> None:
        """Feed a usable page to every unsettled check whose scope includes it."""
        for check in self.checks:
            if (is_home or check.spec.scope != "home") and not check.settled():
                check.observe(page)

    def finish(self, outcome: CrawlOutcome) -> list[CheckResult]:
        """Return exactly one result per home/site check of the catalogue, in catalogue order."""
        if outcome.failure is not None:
            return [_failed(check, outcome) for check in self.checks]
        if self.home_kind is None:
            detail = "No se recibió la página de inicio; no se puede evaluar."
            return [check.result("indeterminado", None, "error", detail) for check in self.checks]
        if self.home_kind != OK:
            return [self._blocked(check) for check in self.checks]
        site = self._site_state(outcome)
        return [_conclude(check, site) for check in self.checks]

    def _blocked(self, check: Check[Any]) -> CheckResult:
        """Result when the home page is not a real municipal page (parked, maintenance, JS shell...)."""
        kind = self.home_kind or OK
        if kind == PARKED and check.spec.kind == "availability":
            evidence = Evidence(self.home_url, clip(self.home_snippet or self.home_title))
            return check.result("no_cumple", evidence, REASONS[kind], BLOCKED[kind])
        return check.result("indeterminado", None, REASONS[kind], BLOCKED[kind])

    def _site_state(self, outcome: CrawlOutcome) -> SiteState:
        """Crawl facts for the checks; pages classified as unusable count as failed ones."""
        total = max(outcome.pages_ok + outcome.pages_failed, self.pages_used + self.pages_unusable)
        failed = min(total, outcome.pages_failed + self.pages_unusable)
        complete = not outcome.truncated and failed <= MAX_FAILED_SHARE * total and not self.home_scripted_nav
        why = "la exploración se interrumpió" if outcome.truncated else f"{failed} de {total} páginas no se leyeron"
        if self.home_scripted_nav:
            why = "el menú del sitio se genera con JavaScript y no tiene enlaces que un lector pueda seguir"
        return SiteState(
            self.run_date,
            outcome,
            outcome.home_url or self.home_url,
            self.home_title,
            self.pages_used,
            complete,
            "" if complete else why,
            frozenset(self.read_urls),
            total + len(self.broken),
            tuple(self.broken),
            self.prober,
            self.static_copy,
        )


def _vocabulary(check: KeywordCheck) -> Vocabulary:
    """The words a document link must match to be read for check."""
    config = check.config
    patterns = tuple(p for p in (config.patterns, config.text_patterns) if p is not None)
    return Vocabulary(check.spec.id, patterns, config.exclude)


def _failed(check: Check[Any], outcome: CrawlOutcome) -> CheckResult:
    """Result when the home page could not be read (availability may still be decided)."""
    failure = outcome.failure or "error"
    why = FAILURES.get(failure, f"falla «{failure}»")
    if outcome.failure_detail:
        why += f": {outcome.failure_detail}"
    # A server that sent headers and then stalled is up: its timeout is not an unavailability verdict. A name that
    # does not resolve on every attempt is, as the contract (checks.yaml) says; our own resolver failing for most
    # sites at once is the network alarm's case, not an accusation.
    stalled = failure == "timeout" and outcome.server_answered
    if failure == SIN_RED:
        return check.result("indeterminado", None, SIN_RED, f"No se evaluó el sitio: {why}.")
    if check.spec.kind == "availability" and failure == NO_SITE:
        return check.result("no_cumple", None, failure, f"No hay sitio oficial: {why}.")
    if check.spec.kind == "availability" and failure in UNREACHABLE and not stalled:
        if outcome.network_suspect:
            detail = f"La mayoría de los sitios fallaron en esta ejecución (probablemente nuestra red); {why}."
            return check.result("indeterminado", None, "network_suspect", detail)
        detail = f"El sitio no respondió en ningún intento de la ejecución: {why}."
        return check.result("no_cumple", None, failure, detail)
    return check.result("indeterminado", None, failure, f"No se pudo leer la página de inicio ({why}).")


def split_links(page: Page, first: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Absolute http(s) links of a page (first, e.g. a redirect target, leads), deduplicated in document order,
    split into pages and documents."""
    pages: dict[str, None] = {first: None} if first else {}
    documents: dict[str, None] = {}
    for link in page.links:
        if link.host:
            (documents if is_document(link.url) else pages)[link.url] = None
    return tuple(pages), tuple(documents)


def evaluate_pages(
    pages: Iterable[tuple[str, str, int]],
    run_date: datetime.date,
    catalogue: Catalogue | None = None,
    municipality: str | None = None,
    outcome: CrawlOutcome | None = None,
    prober: Prober = OFFLINE,
    static_copy: bool = False,
) -> list[CheckResult]:
    """Evaluate (url, html, depth) pages without a crawler; the default outcome is a complete, valid crawl."""
    evaluator = SiteEvaluator(catalogue or load_catalogue(), run_date, municipality, prober, static_copy)
    added = [(url, evaluator.add_page(url, html, depth), depth) for url, html, depth in pages]
    if outcome is None:
        home = next((url for url, _, depth in added if depth == 0), added[0][0] if added else "")
        outcome = CrawlOutcome(
            start_url=home, home_url=home or None, failure=None if added else "error", pages_ok=len(added)
        )
    return evaluator.finish(outcome)


def _conclude(check: Check[Any], site: SiteState) -> CheckResult:
    """The check's verdict; a fault of one check (a bug, a probe library missing) is its own indeterminado, never
    the loss of the site's other results."""
    if site.static_copy and check.live_server:
        return check.result("indeterminado", None, "copia_estatica", STATIC_COPY_DETAIL)
    try:
        return check.conclude(site)
    except Exception as error:
        LOG.exception("check %s failed on %s", check.spec.id, site.home_url)
        detail = f"Error interno al evaluar esta verificación ({type(error).__name__}); quedó en el registro."
        return check.result("indeterminado", None, "error", detail)
