"""Ground truth of the issue 17 checks: working form, trámite transparency, broken internal links, accessibility."""

from __future__ import annotations

from lxml import etree

from checks.a11y import read_accessibility
from checks.page import is_document
from simulator.catalogue import CUMPLE, INDETERMINADO, NO_CUMPLE
from simulator.model import SimSite
from simulator.quality import FICHA_COMPLETE_TAG, FICHA_PARTIAL_TAG, FORM_WORKING_TAG

# sitio.enlaces_rotos: the catalogue's threshold (percent of the site's own requested pages) and least sample.
MAX_BROKEN_PERCENT = 5
MIN_PAGES = 5
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True)


def form_truth(seen: set[str]) -> str:
    """A working contact form seen: cumple; only dead or nowhere ones: no_cumple; none: nothing to probe."""
    if FORM_WORKING_TAG in seen:
        return CUMPLE
    return NO_CUMPLE if "canal.formulario" in seen else INDETERMINADO


def ficha_truth(seen: set[str]) -> str:
    """A trámite page stating requirements, cost and time: cumple; only incomplete ones: no_cumple; none: unknown."""
    if FICHA_COMPLETE_TAG in seen:
        return CUMPLE
    return NO_CUMPLE if FICHA_PARTIAL_TAG in seen else INDETERMINADO


def broken_truth(pages: int, broken: int) -> str:
    """The share of the site's own requested pages that do not exist, against the catalogue's threshold."""
    requested = pages + broken
    if requested < MIN_PAGES:
        return INDETERMINADO
    return CUMPLE if broken * 100 <= MAX_BROKEN_PERCENT * requested else NO_CUMPLE


def missing_links(site: SimSite, links: list[str]) -> set[str]:
    """Same-site page links (not documents) that the server has no resource for (it answers 404)."""
    return {link for link in links if not is_document(link) and link.split("#")[0] not in site.resources}


def accessibility_truth(site: SimSite, home: str) -> str:
    """The home page as the crawl reads it (after its scripts, where a script writes it) against the four basics."""
    body = site.rendered.get(home) or site.dom(home)
    doc = etree.fromstring(body, parser=_PARSER)
    basics = read_accessibility(doc)
    alt_ok = not basics.images or basics.images_with_alt * 100 >= 90 * basics.images
    fine = bool(basics.lang) and alt_ok and basics.headings > 0 and basics.controls_labelled == basics.controls
    return CUMPLE if fine else NO_CUMPLE
