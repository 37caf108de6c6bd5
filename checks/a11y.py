"""Accessibility basics of a page read from its HTML: document language, image alt text, headings, form labels.

The rules follow axe-core's rules of the same name (html-has-lang, image-alt, page-has-heading-one relaxed to any
heading, label), decided from the static HTML only: Vigía does not run axe-core in a browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.etree import _Element as Element

# Controls that need an accessible name (axe-core «label»); buttons name themselves by their text or value.
_LABELLED_TYPES = frozenset({"", "text", "email", "tel", "search", "password", "number", "url", "date", "file"})
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$", re.IGNORECASE)
_NAME_ATTRIBUTES = ("aria-label", "aria-labelledby", "title", "placeholder")

_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z0-9-]+)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Accessibility:
    """Counts behind the four basics of one page."""

    lang: str
    images: int
    images_with_alt: int
    headings: int
    controls: int
    controls_labelled: int


def read_accessibility(doc: Element, html: str = "") -> Accessibility:
    """The accessibility basics of a parsed document (scripts and templates are not part of what a reader sees);
    html, the raw markup, gives the <html> tag's lang when stray bytes before it made the parser invent the root."""
    images = [img for img in doc.iter("img") if (img.get("src") or "").strip() and not _hidden(img)]
    with_alt = sum(1 for img in images if img.get("alt") is not None)
    headings = sum(1 for _ in doc.iter("h1", "h2", "h3", "h4", "h5", "h6"))
    labelled_ids = {(label.get("for") or "").strip() for label in doc.iter("label")} - {""}
    controls = [c for c in doc.iter("input", "textarea", "select") if _needs_label(c)]
    named = sum(1 for c in controls if _has_name(c, labelled_ids))
    return Accessibility(_lang(doc) or _markup_lang(html), len(images), with_alt, headings, len(controls), named)


def _lang(doc: Element) -> str:
    """The document's declared language (html lang, or xml:lang), when it is a well-formed language tag."""
    value = (doc.get("lang") or doc.get("xml:lang") or "").strip()
    return value if _LANG.match(value) else ""


def _markup_lang(html: str) -> str:
    """The lang of the markup's first <html> tag (a browser adds a late <html> tag's attributes to the root too)."""
    match = _HTML_LANG.search(html[:20_000])
    return match.group(1) if match and _LANG.match(match.group(1)) else ""


def _hidden(element: Element) -> bool:
    """Decorative or hidden images need no text (role=presentation/none, aria-hidden)."""
    role = (element.get("role") or "").strip().lower()
    return role in ("presentation", "none") or (element.get("aria-hidden") or "").strip().lower() == "true"


def _needs_label(control: Element) -> bool:
    """Visible text-entry controls, text areas and selects."""
    if control.tag != "input":
        return True
    return (control.get("type") or "").strip().lower() in _LABELLED_TYPES


def _has_name(control: Element, labelled_ids: set[str]) -> bool:
    """Whether the control has an accessible name: a label for it, an enclosing label or a naming attribute."""
    if (control.get("id") or "").strip() in labelled_ids:
        return True
    if any((control.get(name) or "").strip() for name in _NAME_ATTRIBUTES):
        return True
    parent = control.getparent()
    while parent is not None:
        if parent.tag == "label":
            return True
        parent = parent.getparent()
    return False
