"""Tell a real municipal page from the 200-answering impostors: parked, maintenance, JS shell, challenge, foreign,
and pages that only forward the browser elsewhere (redirect)."""

from __future__ import annotations

import re

from checks.page import SHELL_LINKS, SHELL_TEXT, Page
from checks.text import window
from core.text import fold

OK, PARKED, MAINTENANCE, JS_SHELL = "ok", "parked", "maintenance", "js_shell"
CHALLENGE, FOREIGN, REDIRECT = "challenge", "foreign", "redirect"
# A "not found" page answered with 200, or a catch-all repeating the home at every path.
SOFT_404 = "soft_404"
PAGE_KINDS = (OK, PARKED, MAINTENANCE, JS_SHELL, CHALLENGE, FOREIGN, REDIRECT, SOFT_404)
# Reason code that every non-ok home page gives to the checks (reliability rules 1-2).
REASONS = {
    PARKED: "identity_lost",
    MAINTENANCE: "maintenance",
    JS_SHELL: "needs_js",
    CHALLENGE: "blocked_waf",
    FOREIGN: "identity_unverified",
    REDIRECT: "html_redirect",
    SOFT_404: "soft_404",
}

_CHALLENGE_TITLE = re.compile(
    r"^(?:just a moment|un momento|attention required|access denied|acceso denegado|ddos-guard|"
    r"verifying you are human|checking your browser|please wait|security check)"
)
_CHALLENGE_TEXT = re.compile(
    r"checking (?:if the site connection is secure|your browser)|verify(?:ing)? you are (?:a )?human|"
    r"enable javascript and cookies to continue|ddos protection by|performance & security by cloudflare|"
    r"comprobando (?:su|tu) navegador|verificando que (?:es|eres) (?:un )?humano|sucuri website firewall|"
    r"request unsuccessful\. incapsula"
)
_PARKED = re.compile(
    r"(?:this|the) domain (?:name )?(?:is|may be) for sale|domain (?:is )?for sale|buy this domain|"
    r"este dominio (?:esta|se encuentra|puede estar) (?:a la venta|en venta)|dominio (?:a la venta|en venta)|"
    r"compra(?:r)? este dominio|parked (?:free|domain)|domain parking|this domain is parked|"
    r"estacionado (?:gratis|por)|sedoparking|parkingcrew|bodis\.com|hugedomains|afternic|dan\.com|"
    r"the domain has expired|este dominio ha expirado|dominio expirado|renew (?:this|your) domain"
)
_SPAM_WORDS = (
    "casino",
    "slot",
    "gacor",
    "judi",
    "togel",
    "poker",
    "baccarat",
    "sbobet",
    "maxwin",
    "jackpot",
    "apuesta",
    "betting",
    "bet365",
    "viagra",
    "cialis",
    "porn",
    "escort",
    "xxx",
    "ruleta",
    "tragamonedas",
)
_SPAM = re.compile(
    r"(?<![a-z])(?:casino|slots?|gacor|judi|togel|poker|baccarat|sbobet|maxwin|jackpot|apuestas?|betting|bet365|"
    r"viagra|cialis|porn\w*|escort|xxx|ruleta|tragamonedas)\b"
)
_MAINTENANCE = re.compile(
    r"(?:sitio|pagina|portal|web) (?:web )?(?:esta |se encuentra )?en (?:mantenimiento|construccion)|"
    r"(?:estamos|nos encontramos) (?:en|realizando) (?:labores de )?mantenimiento|en mantenimiento|"
    r"en construccion|under (?:construction|maintenance)|maintenance mode|modo (?:de )?mantenimiento|"
    r"briefly unavailable for scheduled maintenance|volveremos (?:muy )?pronto|we(?:'| a)re coming soon|"
    r"proximamente nuevo sitio|coming soon"
)
_JS_HINT = re.compile(
    r"(?:enable|activate|turn on) javascript|javascript (?:is )?(?:required|disabled)|"
    r"(?:habilit|activ)(?:a|e|ar)\w* (?:el )?javascript|necesita(?:s)? (?:habilitar |activar )?javascript|"
    r"requiere javascript|doesn't work properly without javascript"
)
_NOT_FOUND_TITLE = re.compile(r"\b404\b|no encontrad[oa]|not found|no existe")
_NOT_FOUND_TEXT = re.compile(
    r"error 404|(?:pagina|page|articulo|contenido) no (?:encontrad[oa]|existe)|page not found|"
    r"la pagina (?:que buscas|solicitada) no existe|no se (?:encontro|encuentra) la pagina"
)
# Every branch starts with a literal so that re can skip quickly through long foreign pages.
MUNICIPAL_MARKERS = re.compile(r"ayuntamiento|municip(?:io|al)|presidencia municipal|cabildo|alcaldia")
# Below these sizes a page "has little else" besides a maintenance notice or a JavaScript root.
_SHORT_TEXT = 700
_SHELL_TEXT = SHELL_TEXT


def classify(page: Page, municipality: str | None = None, home: bool = False) -> str:
    """Return the page kind: ok, parked, maintenance, redirect, js_shell, challenge or foreign (only for home)."""
    return classify_detail(page, municipality, home)[0]


def classify_detail(page: Page, municipality: str | None = None, home: bool = False) -> tuple[str, str]:
    """Return (kind, snippet showing why) for a parsed page."""
    tests = (
        (CHALLENGE, _challenge),
        (PARKED, _parked),
        (MAINTENANCE, _maintenance),
        (REDIRECT, _redirect),
        (JS_SHELL, _shell),
        (SOFT_404, _not_found),
    )
    for kind, test in tests:
        snippet = test(page)
        if snippet is not None:
            return kind, snippet
    if home and municipality and not _belongs(page, municipality):
        return FOREIGN, page.title or page.text[:150]
    return OK, ""


def _snippet(page: Page, match: re.Match[str] | None) -> str | None:
    """Original-text snippet around a match (None without a match)."""
    if match is None:
        return None
    return window(page.text, page.folded, match.start(), match.end(), 160)


def _challenge(page: Page) -> str | None:
    """Anti-bot challenge: known title, or known wording/markup on a page with little text."""
    title = fold(page.title).strip()
    if _CHALLENGE_TITLE.match(title):
        return f"Título: {page.title}"
    if len(page.folded) > 2500:
        return None
    match = _CHALLENGE_TEXT.search(page.folded)
    if match is not None:
        return _snippet(page, match)
    return "Marcado de página de verificación anti-bots" if page.challenge_markup else None


def _parked(page: Page) -> str | None:
    """Parked, for-sale or expired domain, or a site taken over by gambling/spam content."""
    haystack = page.folded
    municipal = MUNICIPAL_MARKERS.search(haystack) is not None
    if len(haystack) < 4000 or not municipal:
        match = _PARKED.search(haystack)
        if match is not None or _PARKED.search(fold(page.title)):
            return _snippet(page, match) or f"Título: {page.title}"
    # Plain substring tests first: the regex count below is only needed on the rare page with such words.
    if not any(word in haystack for word in _SPAM_WORDS):
        return None
    hits = list(_SPAM.finditer(haystack))
    distinct = {m.group(0).rstrip("s") for m in hits}
    # A hijacked site repeats gambling/spam words; one news item about a "casino" or "ruleta" does not.
    if len(distinct) >= 3 and (len(hits) >= 10 or not municipal):
        return _snippet(page, hits[0])
    return None


def _maintenance(page: Page) -> str | None:
    """A maintenance/construction notice that is the whole page (a news item about street works is not)."""
    title_hit = _MAINTENANCE.search(fold(page.title))
    limit = _SHORT_TEXT * 3 if title_hit else _SHORT_TEXT
    if len(page.folded) > limit or len(page.links) > 15:
        return None
    match = _MAINTENANCE.search(page.folded)
    if match is not None:
        return _snippet(page, match)
    return f"Título: {page.title}" if title_hit else None


def _not_found(page: Page) -> str | None:
    """A "page not found" answer served with status 200 (soft-404): never evidence of anything."""
    if _NOT_FOUND_TITLE.search(fold(page.title)):
        return f"Título: {page.title}"
    if len(page.folded) > _SHORT_TEXT * 2:
        return None
    return _snippet(page, _NOT_FOUND_TEXT.search(page.folded))


def _redirect(page: Page) -> str | None:
    """An almost empty page that only forwards the browser (meta refresh, frameset, JS) to another URL."""
    if page.refresh is None or page.refresh == page.url or len(page.folded) > _SHELL_TEXT or len(page.links) > 3:
        return None
    return f"Redirige a {page.refresh}"


def _shell(page: Page) -> str | None:
    """An almost empty page that only a browser running JavaScript would fill."""
    if len(page.folded) > _SHELL_TEXT or len(page.links) > SHELL_LINKS:
        return None
    hint = _JS_HINT.search(page.noscript) or _JS_HINT.search(page.folded)
    if hint is not None:
        return "Aviso: se requiere JavaScript"
    if page.spa_root and page.scripts:
        return "Página vacía con raíz de aplicación JavaScript"
    return None


def municipality_names(name: str) -> list[str]:
    """Folded forms of a municipality's name to look for: the full name and its part before ' de '."""
    folded = fold(name).strip()
    names = [folded]
    head = folded.split(" de ", 1)[0]
    if head != folded and len(head) >= 5:
        names.append(head)
    return names


def _belongs(page: Page, municipality: str) -> bool:
    """The page names the municipality or shows any municipal marker."""
    haystack = fold(page.title) + " " + page.folded
    if any(name in haystack for name in municipality_names(municipality)):
        return True
    return bool(MUNICIPAL_MARKERS.search(haystack))
