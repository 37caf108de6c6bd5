"""Recognise search forms and contact forms among a page's forms."""

from __future__ import annotations

import re

from checks.page import Field, Form

_SEARCH_IDENT = re.compile(r"search|busca|busqueda|\bsearch\b")
_SEARCH_ACTION = re.compile(r"search|buscar|busqueda|buscador|[?&]s=|/s/?$|cse\.google|google\.com/search")
_SEARCH_FIELD = re.compile(r"(?:^|\s)(?:q|s|query|search\w*|busca\w*|busqueda|keywords?|term|terms|palabras?)(?:\s|$)")
_CONTACT_FIELD = re.compile(r"nombre|name|correo|e-?mail|mail|telefono|phone|\btel\b|celular|apellido")
_COMMENT_FORM = re.compile(r"comment|comentario")
_TEXT_TYPES = frozenset({"text", "search", ""})


def _fields_of(form: Form, tag: str) -> list[Field]:
    """The form's controls with this tag."""
    return [f for f in form.fields if f.tag == tag]


def is_login(form: Form) -> bool:
    """A form with a password field (log-in, registration) is never a contact or search form."""
    return any(f.type == "password" for f in form.fields)


def is_search(form: Form) -> bool:
    """Tell whether form is a site search: type=search, role/id/class search, a search action or a q/s field."""
    if is_login(form) or _fields_of(form, "textarea"):
        return False
    inputs = [f for f in form.fields if f.tag == "input" and f.type in _TEXT_TYPES]
    if any(f.type == "search" for f in form.fields):
        return True
    if not inputs:
        return False
    if _SEARCH_IDENT.search(form.ident) or _SEARCH_ACTION.search(form.action.lower()):
        return True
    return any(_SEARCH_FIELD.search(f.label) for f in inputs) or "buscar" in form.text


def is_contact(form: Form) -> bool:
    """Tell whether form takes a free-text message plus a way to identify or answer the sender."""
    if is_login(form) or not _fields_of(form, "textarea") or is_search(form):
        return False
    if _COMMENT_FORM.search(form.ident) or "wp-comments-post" in form.action:
        return False
    return any(f.type in ("email", "tel") or (f.tag == "input" and _CONTACT_FIELD.search(f.label)) for f in form.fields)


def describe(form: Form) -> str:
    """Short Spanish description of a form for evidence."""
    labels = [f.label.split(" ", 1)[0] or f.type for f in form.fields if f.type not in ("submit", "button")]
    where = f" (action={form.action})" if form.action else ""
    return f"Formulario{where} con campos: {', '.join(dict.fromkeys(labels))}"
