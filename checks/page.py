"""Parse one HTML page once with lxml into the small, tree-free facts that every check reads."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree
from lxml.etree import _Element as Element

from checks.a11y import Accessibility, read_accessibility
from checks.contacts import find_emails, find_phones
from checks.documents import document_context, looks_like_document_link
from checks.text import collapse
from core.text import fold

# Plain etree elements (not lxml.html's) avoid a Python class lookup per element: parsing stays ~3x cheaper.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
_INVISIBLE = ("script", "style", "noscript", "template")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_URL_NOISE = re.compile(r"[\t\n\r]")
# Control characters the HTML parser keeps but lxml refuses to assign as text (drop() would raise ValueError).
_NOT_XML = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_URL_WORDS = re.compile(r"[^\w\n]+|_+")
_CF_PATH = "/cdn-cgi/l/email-protection#"
_JS_REDIRECT = re.compile(
    r"""location(?:\.href)?\s*=\s*["']([^"']+)["']|location\.(?:replace|assign)\(\s*["']([^"']+)["']"""
)
# Markup that only Cloudflare/Sucuri/Incapsula challenge pages carry (normal pages may load other cdn-cgi scripts).
_CHALLENGE_MARKUP = (
    "cf_chl_opt",
    "cf-browser-verification",
    'id="challenge-form"',
    "cf-challenge-running",
    "_cf_chl_",
    "sucuri_cloudproxy",
    "Incapsula incident ID",
    "/_Incapsula_Resource",
)
_SPA_ROOTS = (
    "//*[@id='root' or @id='app' or @id='__next' or @id='__nuxt' or @id='q-app' or @id='svelte'"
    " or @ng-app or @ng-version or @data-reactroot] | //app-root"
)
_WIDGET_MARKERS = "//*[contains(@class, 'customerchat') or contains(@class, 'chat-widget')] | //df-messenger"
# An "almost empty" page for the shell and redirect tests of checks.classify: at most this much folded text (and
# at most SHELL_LINKS links for a JavaScript shell).
SHELL_TEXT = 300
SHELL_LINKS = 10
DOCUMENT_EXTENSIONS = frozenset(
    {
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "pps",
        "ppsx",
        "odt",
        "ods",
        "odp",
        "rtf",
        "csv",
        "json",
        "xml",
        "txt",
        "zip",
        "rar",
        "7z",
        "kmz",
        "kml",
    }
)


class Link(NamedTuple):
    """One anchor that leads somewhere: url is absolute http(s) (no fragment) or the raw href of other schemes."""

    url: str
    text: str
    folded: str
    host: str
    # Folded text of the anchor's parent, filled for links to other hosts (credits, labels); for links to a PDF or
    # a document viewer, the text of its list item or table row and the nearest preceding heading.
    context: str = ""
    embedded: bool = False  # an iframe, frame, embed or object source rather than an anchor


class DocumentRef(NamedTuple):
    """Where a document page fed to the checks comes from: its page number, the page that links it, the link's
    text and the year and administration period the document states."""

    page_number: int
    linked_from: str
    link_text: str
    year: str | None = None
    period: str | None = None


class Field(NamedTuple):
    """One form control: tag, type and a folded label made of name, id, placeholder and aria-label."""

    tag: str
    type: str
    label: str


@dataclass(frozen=True, slots=True)
class Form:
    """A form (or the page's controls outside any form) with its action, identity, fields, text and surroundings."""

    action: str
    ident: str
    fields: tuple[Field, ...]
    text: str
    context: str = ""  # folded text around the form (its container, e.g. a modal's title), for what it is for
    # Script run on submit: the form's onsubmit and its submit controls' onclick (raw, for telling alert-only ones).
    handler: str = ""


@dataclass(slots=True)
class Page:
    """Everything the checks need from one page; the lxml tree itself is not kept."""

    url: str
    title: str = ""
    text: str = ""
    folded: str = ""
    dead_text: str = ""
    # Texts of navigation only a script can follow: javascript: anchors and onclick items outside forms.
    # What they name was offered but could not be read.
    dead_nav: tuple[str, ...] = ()
    # The page's navigation is written by scripts at run time (custom elements or empty nav placeholders and
    # almost no same-site links): a static reader cannot see where the site leads.
    scripted_nav: bool = False
    headings: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    forms: tuple[Form, ...] = ()
    viewport: str | None = None
    scripts: tuple[str, ...] = ()
    inline_script: str = ""
    iframes: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    # Where the site-wide footer starts in the folded text: the site's general contact data live there.
    footer_start: int = 0
    emails: tuple[str, ...] = ()
    noscript: str = ""
    spa_root: bool = False  # an SPA root element; only looked for on almost empty pages (SHELL_TEXT, SHELL_LINKS)
    challenge_markup: bool = False
    refresh: str | None = None
    # "documento" for one page of a PDF read as evidence (checks.doclinks); document then says which page.
    source: str = "pagina"
    document: DocumentRef | None = None
    # Accessibility basics, read for the home page only (checks.a11y).
    accessibility: Accessibility | None = None
    # Derived data (joined link texts, URL words...) computed once per page by whichever check needs it first.
    cache: dict[str, object] = field(default_factory=dict)


def parse_page(url: str, html: str, home: bool = False) -> Page:
    """Parse html (already decoded) served at url into a Page; a home page is also checked for a scripted menu."""
    page = Page(url=url, challenge_markup=_has_challenge_markup(html))
    try:
        doc = etree.fromstring(_NOT_XML.sub(" ", html).encode("utf-8", "replace"), parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return page
    if doc is None:
        return page
    base = _base_url(doc, url)
    if home:
        page.accessibility = read_accessibility(doc, html)
    _read_head(doc, page, base)
    _read_invisible(doc, page, base)
    dead = _read_links(doc, page, base)
    _read_forms(doc, page)
    page.iframes = tuple(u for u in (absolute(base, f.get("src") or "") for f in doc.iter("iframe")) if u)
    page.links = page.links + _embedded(doc, base, own=host_of(page.url))
    _read_redirect(doc, page, base)
    page.times = page.times + tuple(t.get("datetime") or "" for t in doc.iter("time") if t.get("datetime"))
    # Whole-tree XPath scans cost ~0.3 ms each: run them only when the raw HTML can contain a hit.
    if any(marker in html for marker in ("customerchat", "chat-widget", "df-messenger")):
        page.markers = tuple(f"{el.tag} {el.get('class') or ''}" for el in doc.xpath(_WIDGET_MARKERS))
    if "data-cfemail" in html:
        decoded = (_cf_decode(el.get("data-cfemail") or "") for el in doc.xpath("//*[@data-cfemail]"))
        page.emails = page.emails + tuple(e for e in decoded if e)
    page.dead_text = fold(collapse(" ".join(text_of(a) for a in dead)))
    # An in-page anchor ("#seccion") leads to content this page already holds and an empty or "#" href is a
    # placeholder that leads nowhere, for a browser too: only javascript: links are navigation a crawler cannot follow.
    dead_texts = [collapse(text_of(a)) for a in dead if _is_js(a)]
    # The XPath costs a whole-tree scan: only when the raw HTML has something it can find.
    scripted = _script_nav(doc) if "onclick" in html else []
    page.dead_nav = tuple(t for t in dead_texts + scripted if t)
    page.scripted_nav = home and _scripted_nav(doc, page, html, base)
    for anchor in dead:
        _drop_dead(anchor)
    _read_text(doc, page)
    return page


def _embedded(doc: Element, base: str, own: str) -> tuple[Link, ...]:
    """Pages and documents embedded in the page (iframe, frame, embed, object) as links: the crawl reads a same-site
    frame's text, and a document shown in a viewer names itself by its URL."""
    links: list[Link] = []
    for element in doc.iter("iframe", "frame", "embed", "object"):
        url = absolute(base, element.get("src") or element.get("data") or "")
        if url is None:
            continue
        text = collapse(element.get("title") or element.get("aria-label") or "")
        host = host_of(url)
        links.append(Link(url, text, fold(text), host, "" if host == own else fold(text), embedded=True))
    return tuple(links)


def _is_js(anchor: Element) -> bool:
    """An anchor whose href is a javascript: call."""
    return (anchor.get("href") or "").strip()[:11].lower() == "javascript:"


def _script_nav(doc: Element) -> list[str]:
    """Texts of script-driven items (onclick outside forms): navigation a crawler cannot follow."""
    texts: list[str] = []
    for element in doc.xpath("//*[@onclick and not(self::a) and not(ancestor::form)]"):
        text = collapse(text_of(element) + " " + (element.get("aria-label") or element.get("title") or ""))
        if 2 < len(text) <= 120:
            texts.append(text)
    return texts


_CUSTOM_TAG = re.compile(r"<[a-z][a-z0-9]*-[a-z0-9-]*[\s>/]")
# A menu container left empty in the HTML (no anchors, no text) for a script to fill; icons (<i id="menu">) are not.
_NAV_PLACEHOLDER = (
    "//nav[not(.//a) and not(normalize-space())]"
    " | //*[self::div or self::ul or self::header or self::section][@id='menu' or @id='nav' or @id='navbar'"
    " or @id='header'][not(.//a) and not(normalize-space())]"
)


# A quoted site path inside a script ("/transparencia.html", \"/tramites/\"), as menus written by scripts carry.
_SCRIPT_PATH = re.compile(r"""\\?["'](/[A-Za-z0-9_\-][^"'\\\s<>]{0,120})\\?["']""")
# A link written by a script (document.write, innerHTML): its href, relative ones included («gobierno.htm»).
_SCRIPT_HREF = re.compile(r"""href\s*=\s*\\?["']([A-Za-z0-9_./\-][^"'\\\s<>#]{0,120})\\?["']""", re.IGNORECASE)
_NOT_PAGE = re.compile(
    r"\.(?:js|css|png|jpe?g|gif|svg|ico|webp|woff2?|ttf|json|map)(?:\?|$)|/(?:api|wp-json|ajax|cdn-cgi)/"
)


def _scripted_nav(doc: Element, page: Page, html: str, base: str) -> bool:
    """The home's menu is written by a script: its inline scripts name several site pages the HTML does not link,
    or (with almost no same-site links) a custom element or an empty menu placeholder holds the menu's place."""
    if not (page.scripts or page.inline_script):
        return False
    own = host_of(page.url)
    if len(_script_only_paths(page, base, own)) >= 3:
        return True
    if sum(link.host == own for link in page.links) >= 3:
        return False
    return bool(_CUSTOM_TAG.search(html) or doc.xpath(_NAV_PLACEHOLDER))


def _script_only_paths(page: Page, base: str, own: str) -> set[str]:
    """Site pages named in inline scripts that no link of the page leads to (a rendered menu links them)."""
    linked = {link.url for link in page.links}
    script = page.inline_script[:200_000]
    found = {*_SCRIPT_PATH.findall(script), *_SCRIPT_HREF.findall(script)}
    named = (absolute(base, m) for m in found if not _NOT_PAGE.search(m))
    return {u for u in named if u and host_of(u) == own and u not in linked}


def _drop_dead(anchor: Element) -> None:
    """Remove a link that leads nowhere; a phone or address it shows stays in the page's text (a theme often wraps
    «Tel. 722 …» in href="#"), while a dead menu item's words do not count as a published topic."""
    text = text_of(anchor)
    if text and (next(find_phones(fold(text)), None) is not None or next(find_emails(fold(text)), None) is not None):
        anchor.tail = f" {text} {anchor.tail or ''}"
    drop(anchor)


def text_of(element: Element) -> str:
    """Return the text content of element and its descendants, one space between text nodes."""
    if not len(element):  # most anchors hold plain text: skip the iterator
        return element.text or ""
    return " ".join(element.itertext())


def drop(element: Element) -> None:
    """Remove element from its tree but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def absolute(base: str, href: str) -> str | None:
    """Resolve href against base into an http(s) URL without fragment, or None."""
    href = href.strip()
    if "\t" in href or "\n" in href or "\r" in href or "\\" in href:
        href = _URL_NOISE.sub("", href).replace("\\", "/")
    if not href.startswith(("http://", "https://")):
        href = _join(base, href)
        if not href.startswith(("http://", "https://")):
            return None
    href = href.split("#", 1)[0]
    if "[" in href or "]" in href:  # IPv6 literal or garbage: let the standard parser decide
        try:
            urlsplit(href).hostname  # noqa: B018 - raises ValueError on malformed brackets
        except ValueError:
            return None
    # A host must follow the scheme ("http:///x" and "https://?q" are not URLs).
    rest = href[href.index("//") + 2 :]
    return href if rest and rest[0] not in "/?#@:" else None


def _join(base: str, href: str) -> str:
    """urljoin with a fast path for plain relative paths (no scheme, no dot segments)."""
    simple = href and ":" not in href.split("/", 1)[0] and "./" not in href and not href.startswith(("?", "."))
    if simple and base.count("/") >= 3:
        if not href.startswith("/"):
            return base.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[0] + "/" + href
        if not href.startswith("//"):
            return "/".join(base.split("/", 3)[:3]) + href
    try:
        return urljoin(base, href)
    except ValueError:
        return ""


def host_of(url: str) -> str:
    """Return the lower-case host of an absolute http(s) URL (no port, no credentials)."""
    netloc = url.split("/", 3)[2] if url.count("/") >= 2 else ""
    return netloc.rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".")


def url_words(urls: list[str]) -> list[str]:
    """Folded words of each URL's path and query, for file names such as bando_municipal_2025.pdf."""
    rests = [url.split("/", 3)[3] if url.count("/") >= 3 else "" for url in urls]
    # One unquote/sub/fold over the newline-joined paths is far cheaper than one per URL.
    joined = fold(_URL_WORDS.sub(" ", unquote("\n".join(rests).replace("%0A", " ").replace("%0a", " "))))
    return joined.split("\n")


def is_document(url: str) -> bool:
    """Tell whether url names a downloadable document (PDF, office file, dataset) rather than a page."""
    path = url.split("?", 1)[0].rsplit("/", 1)[-1]
    return "." in path and path.rsplit(".", 1)[1].lower() in DOCUMENT_EXTENSIONS


def dead_href(href: str | None) -> bool:
    """Tell whether an href leads nowhere: empty, a same-page anchor or javascript:."""
    value = (href or "").strip()
    return not value or value[0] == "#" or value[:11].lower() == "javascript:"


def _has_challenge_markup(html: str) -> bool:
    """Whether the raw HTML carries markup only anti-bot challenge pages have."""
    return any(marker in html for marker in _CHALLENGE_MARKUP)


def _base_url(doc: Element, url: str) -> str:
    """The URL relative links resolve against: the first <base href>, else the page URL."""
    for base in doc.iter("base"):
        resolved = absolute(url, base.get("href") or "")
        return resolved or url
    return url


def _read_head(doc: Element, page: Page, base: str) -> None:
    """Title, viewport, publication time and meta refresh."""
    title = doc.find("head/title")
    if title is None:  # misplaced <title> in the body (but not an SVG icon's title)
        title = next((t for t in doc.iter("title") if t.getparent() is None or t.getparent().tag != "svg"), None)
    page.title = collapse(text_of(title)) if title is not None else ""
    times: list[str] = []
    for meta in doc.iter("meta"):
        name = (meta.get("name") or meta.get("property") or meta.get("http-equiv") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name == "viewport" and page.viewport is None:
            page.viewport = content
        elif name == "article:published_time" and content:
            times.append(content)
        elif name == "refresh" and "url=" in content.lower():
            target = content[content.lower().index("url=") + 4 :].strip(" '\"")
            page.refresh = absolute(base, target)
    page.times = tuple(times)


def _read_redirect(doc: Element, page: Page, base: str) -> None:
    """Where a page sends the browser without a click: meta refresh, a frameset's first frame or a JS redirect."""
    if page.refresh is None:
        frame = next((f.get("src") for f in doc.iter("frame") if f.get("src")), None)
        if frame:
            page.refresh = absolute(base, frame)
    if page.refresh is None and len(page.inline_script) < 5000:
        match = _JS_REDIRECT.search(page.inline_script)
        if match is not None:
            page.refresh = absolute(base, match.group(1) or match.group(2))


def _read_invisible(doc: Element, page: Page, base: str) -> None:
    """Collect script sources, inline script text and noscript text, then drop invisible elements."""
    scripts: list[str] = []
    inline: list[str] = []
    noscript: list[str] = []
    doomed = list(doc.iter(*_INVISIBLE))
    for element in doomed:
        if element.tag == "script":
            src = element.get("src")
            if src:
                resolved = absolute(base, src)
                scripts.append(resolved or src)
            elif element.text:
                inline.append(element.text)
        elif element.tag == "noscript":
            noscript.append(text_of(element))
    for element in doomed:
        if element.getparent() is not None:
            drop(element)
    page.scripts = tuple(scripts)
    page.inline_script = "\n".join(inline)
    page.noscript = fold(collapse(" ".join(noscript)))


def _read_links(doc: Element, page: Page, base: str) -> list[Element]:
    """Record every anchor that leads somewhere and return the dead ones (href '', '#…' or javascript:)."""
    live: list[tuple[Element, str, str]] = []
    dead: list[Element] = []
    emails: list[str] = []
    for anchor in doc.iter("a", "area"):
        href = anchor.get("href")
        if href is None:
            continue
        if dead_href(href):
            dead.append(anchor)
            continue
        if _CF_PATH in href:
            emails.append(_cf_decode(href.split(_CF_PATH, 1)[1]))
        live.append((anchor, href, _anchor_text(anchor)))
    # Folding one joined string is much cheaper than folding hundreds of short ones; "\n" never occurs inside
    # a collapsed text, so splitting restores one folded text per link.
    folded = fold("\n".join(text for _, _, text in live)).split("\n") if live else []
    own = host_of(page.url)
    contexts: dict[Element, str] = {}
    page.links = tuple(
        _make_link(a, href, text, f, base, own, contexts) for (a, href, text), f in zip(live, folded, strict=True)
    )
    page.emails = tuple(e for e in emails if e)
    page.links += _menu_headers(dead, doc, base, own)
    return dead


def _menu_headers(dead: list[Element], doc: Element, base: str, own: str) -> tuple[Link, ...]:
    """A drop-down header that leads nowhere itself ("#", a button) but opens real links: it names where they go,
    so it becomes a link to its first real item ("Transparencia" over "Artículo 92", "Obligaciones"...)."""
    headers: list[Link] = []
    toggles = [b for b in doc.iter("button") if b.get("type") != "submit"]
    for element in [*dead, *toggles]:
        menu = element.getnext()  # the drop-down list right after its header
        if menu is None or menu.tag not in ("ul", "ol", "div"):
            continue
        item = next((a for a in menu.iter("a") if not dead_href(a.get("href"))), None)
        text = collapse(text_of(element))
        target = absolute(base, item.get("href") or "") if item is not None else None
        if target and 2 < len(text) <= 60:
            label = f"{text} (menú)"
            headers.append(
                Link(target, label, fold(label), host_of(target), "" if host_of(target) == own else fold(label))
            )
    return tuple(headers)


def _anchor_text(anchor: Element) -> str:
    """Visible text of an anchor plus the labels that stand for it (img alt, title, aria-label)."""
    text = text_of(anchor)
    if len(anchor):
        text += " " + " ".join(img.get("alt") or "" for img in anchor.iter("img"))
    for name in ("title", "aria-label", "alt"):
        value = anchor.get(name)
        if value:
            text += " " + value
    return collapse(text)


def _make_link(
    anchor: Element, href: str, text: str, folded: str, base: str, own: str, contexts: dict[Element, str]
) -> Link:
    """Build a Link; links to other hosts than the page's (own) also get their parent's text as context."""
    resolved = absolute(base, href)
    if resolved is None:
        # mailto:, tel:, whatsapp: and other schemes are kept raw; the spider never sees them as pages.
        return Link(href.strip(), text, folded, "")
    host = host_of(resolved)
    if looks_like_document_link(resolved):
        return Link(resolved, text, folded, host, document_context(anchor))
    if host == own:
        return Link(resolved, text, folded, host)
    parent = anchor.getparent()
    if parent is None:
        return Link(resolved, text, folded, host)
    if parent not in contexts:
        contexts[parent] = fold(collapse(text_of(parent)))[:300]
    return Link(resolved, text, folded, host, contexts[parent])


def _read_forms(doc: Element, page: Page) -> None:
    """Every form, plus a pseudo-form for the controls outside any form (script-driven forms)."""
    forms: list[Form] = []
    for form in doc.iter("form"):
        parent = form.getparent()
        ident = " ".join(form.get(a) or "" for a in ("id", "class", "name", "role"))
        if parent is not None:
            ident += " " + (parent.get("role") or "") + " " + (parent.get("class") or "")
        made = _make_form(
            form.get("action") or "", ident, form.iter("input", "textarea", "select", "button"), text_of(form)
        )
        forms.append(_with_context(made, form, _handler(form)))
    orphans = doc.xpath("//input[not(ancestor::form)] | //textarea[not(ancestor::form)]")
    if orphans:
        forms.append(_make_form("", "", orphans, ""))
    page.forms = tuple(forms)


def _with_context(made: Form, form: Element, handler: str) -> Form:
    """The form plus the text of its container two levels up (a modal's or a section's title names its purpose)."""
    parent = form.getparent()
    container = parent.getparent() if parent is not None and parent.getparent() is not None else parent
    context = fold(collapse(_leading_text(container, 300)))[:300] if container is not None else ""
    return Form(made.action, made.ident, made.fields, made.text, context, handler)


def _handler(form: Element) -> str:
    """The scripts a submit runs: the form's onsubmit and the onclick of its buttons and submit inputs."""
    scripts = [form.get("onsubmit") or ""]
    for control in form.iter("button", "input"):
        if control.tag == "button" or (control.get("type") or "").lower() in ("submit", "button", "image"):
            scripts.append(control.get("onclick") or "")
    return " ; ".join(s.strip() for s in scripts if s.strip())[:500]


def _leading_text(element: Element, enough: int) -> str:
    """The start of text_of(element), read only until it holds `enough` non-blank characters (a form whose
    container is the whole body must not cost a walk over the whole page)."""
    pieces: list[str] = []
    seen = 0
    for piece in element.itertext():
        pieces.append(piece)
        seen += sum(len(word) for word in piece.split())
        if seen >= enough:
            break
    return " ".join(pieces)


def _make_form(action: str, ident: str, controls: Iterable[Element], text: str) -> Form:
    """A Form from its controls; hidden inputs are left out."""
    fields: list[Field] = []
    for control in controls:
        kind = (control.get("type") or ("text" if control.tag == "input" else control.tag)).strip().lower()
        if kind == "hidden":
            continue
        parts = (control.get(a) or "" for a in ("name", "id", "placeholder", "aria-label", "title", "value"))
        fields.append(Field(tag=str(control.tag), type=kind, label=fold(collapse(" ".join(parts)))))
    return Form(
        action=action.strip(), ident=fold(collapse(ident)), fields=tuple(fields), text=fold(collapse(text))[:500]
    )


def _read_text(doc: Element, page: Page) -> None:
    """Visible text (dead links and invisible elements already removed), its folded form and the headings."""
    body = doc.find("body")
    root = body if body is not None else doc
    page.text = collapse(" ".join(root.itertext()))
    page.folded = fold(page.text)
    page.headings = tuple(h for h in (collapse(text_of(e)) for e in root.iter(*_HEADINGS)) if h)
    page.footer_start = _footer_start(root, page.folded)
    # The whole-tree XPath cost ~0.08 ms, a fifth of a typical page, when it ran on every page under 1,500
    # characters; only pages the JavaScript-shell test looks at (classify) need it.
    if len(page.folded) <= SHELL_TEXT and len(page.links) <= SHELL_LINKS:
        page.spa_root = bool(doc.xpath(_SPA_ROOTS))


def _footer_start(root: Element, folded: str) -> int:
    """Offset in the folded text where the last <footer> begins (len(folded) without one)."""
    footers = list(root.iter("footer"))
    if not footers:
        return len(folded)
    head = fold(collapse(" ".join(footers[-1].itertext())))[:80]
    position = folded.rfind(head) if head else -1
    return position if position >= 0 else len(folded)


def _cf_decode(hexed: str) -> str:
    """Decode a Cloudflare-protected address: the first byte is the XOR key of the rest."""
    try:
        data = bytes.fromhex(hexed.strip()[:400])
    except ValueError:
        return ""
    if len(data) < 2:
        return ""
    return bytes(b ^ data[0] for b in data[1:]).decode("utf-8", "replace")
