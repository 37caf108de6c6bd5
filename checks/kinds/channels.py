"""Citizen-service channel kinds: phone, e-mail, contact form, WhatsApp and chat widgets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checks.contacts import (
    PHONE_RE,
    classify_number,
    find_emails,
    find_phones,
    mailto_address,
    normalize_email,
    tel_link_digits,
    tel_short_line,
)
from checks.forms import describe, is_contact
from checks.kinds.base import EvidenceCheck
from checks.model import Evidence
from checks.page import Link, Page
from checks.spec import ParamError, Params
from checks.text import Matcher, clip, window

_NO_PARAMS: frozenset[str] = frozenset()
_WA_PHONE = re.compile(r"phone=\+?\d{8,}")
_WA_PATH = re.compile(r"^\+?\d{8,}")
_WA_LABEL = re.compile(r"whats\s?app")
_WA_BUSINESS = re.compile(r"^(?:message|qr)/[a-z0-9]{6,}")


class PhoneCheck(EvidenceCheck[None]):
    """A Mexican phone number: tel: link, unmistakable 10-digit number, or a number in phone context."""

    kind = "phone"

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> None:
        Params(params, _NO_PARAMS)

    def find(self, page: Page) -> Evidence | None:
        for link in page.links:
            if tel_link_digits(link.url):
                return Evidence(page.url, clip(f"Enlace telefónico: {link.text} → {link.url}"))
            if tel_short_line(link.url):
                return Evidence(page.url, clip(f"Enlace a línea municipal corta: {link.text} → {link.url}"))
        for text, folded in ((page.text, page.folded), (page.dead_text, page.dead_text)):
            phone = next(find_phones(folded), None)
            if phone is not None:
                return Evidence(page.url, window(text, folded, phone.start, phone.end))
        return None


class EmailCheck(EvidenceCheck[None]):
    """An e-mail address: mailto: link, Cloudflare-protected address or plain/obfuscated text."""

    kind = "email"

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> None:
        Params(params, _NO_PARAMS)

    def find(self, page: Page) -> Evidence | None:
        for link in page.links:
            address = mailto_address(link.url)
            if address:
                return Evidence(page.url, clip(f"Enlace de correo: {address}"))
        for address in page.emails:
            local, _, domain = address.lower().partition("@")
            if domain and normalize_email(local, domain):
                return Evidence(page.url, clip(f"Correo (protegido por Cloudflare): {address}"))
        for text, folded in ((page.text, page.folded), (page.dead_text, page.dead_text)):
            found = next(find_emails(folded), None)
            if found is not None:
                return Evidence(page.url, window(text, folded, found[1], found[2]))
        return None


@dataclass(frozen=True)
class FormConfig:
    """Hosted form services (URL patterns) and the words that say a link to one is for writing to the municipality."""

    services: re.Pattern[str] | None
    words: Matcher | None


class ContactFormCheck(EvidenceCheck[FormConfig]):
    """A form with a free-text message and a contact field (search and log-in forms do not count), or a hosted form
    service (Google Forms...) embedded in the page or linked with words that name contact or requests."""

    kind = "contact_form"

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> FormConfig:
        p = Params(params, frozenset({"services", "service_words"}))
        return FormConfig(p.url_pattern("services"), p.pattern("service_words"))

    def find(self, page: Page) -> Evidence | None:
        for form in page.forms:
            if is_contact(form):
                return Evidence(page.url, clip(describe(form)))
        return self._hosted(page)

    def _hosted(self, page: Page) -> Evidence | None:
        """A hosted form: embedded in a frame, or linked with words that name what it is for."""
        services, words = self.config.services, self.config.words
        if services is None:
            return None
        for link in page.links:
            if not link.host or not services.search(link.url):
                continue
            named = words is not None and bool(words.search(link.folded) or words.search(link.context))
            if link.embedded or named:
                how = "incrustado" if link.embedded else f"enlazado como «{link.text}»"
                return Evidence(page.url, clip(f"Formulario en línea {how} → {link.url}"))
        return None


def whatsapp_chat_link(link: Link) -> bool:
    """A link that opens a WhatsApp chat with a number (a share link with only ?text= is not a channel)."""
    url = link.url.lower()
    if url.startswith("whatsapp://"):
        return bool(_WA_PHONE.search(url))
    if link.host == "wa.me":
        path = url.split("wa.me/", 1)[1]
        # WhatsApp Business short links (wa.me/message/…, wa.me/qr/…) open a chat with the account too.
        return bool(_WA_PATH.match(path)) or bool(_WA_BUSINESS.match(path))
    if link.host in ("api.whatsapp.com", "web.whatsapp.com"):
        return bool(_WA_PHONE.search(url))
    return link.host == "wa.link" and len(url.rstrip("/")) > len("https://wa.link/")


class WhatsappCheck(EvidenceCheck[None]):
    """A WhatsApp chat link or a number explicitly labelled WhatsApp."""

    kind = "whatsapp"

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> None:
        Params(params, _NO_PARAMS)

    def find(self, page: Page) -> Evidence | None:
        for link in page.links:
            if whatsapp_chat_link(link):
                return Evidence(page.url, clip(f"Enlace de WhatsApp: {link.text} → {link.url}"))
        for label in _WA_LABEL.finditer(page.folded):
            after = page.folded[label.end() : label.end() + 45]
            number = PHONE_RE.search(after)
            phone = classify_number(number) if number is not None else None
            if number is not None and phone is not None and len(phone.digits) == 10:  # WhatsApp needs a mobile
                return Evidence(page.url, window(page.text, page.folded, label.start(), label.end() + number.end()))
        return None


@dataclass(frozen=True)
class ChatConfig:
    """Lower-case substrings that identify a chat widget's script, iframe or element."""

    signatures: tuple[str, ...]


class ChatWidgetCheck(EvidenceCheck[ChatConfig]):
    """A live-chat or chatbot widget loaded by the page (script, iframe or widget element)."""

    kind = "chat_widget"

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> ChatConfig:
        signatures = Params(params, frozenset({"signatures"})).lower_strings("signatures")
        if not signatures:
            raise ParamError("signatures", "hace falta al menos una firma de widget")
        return ChatConfig(signatures)

    def find(self, page: Page) -> Evidence | None:
        for source in (*page.scripts, *page.iframes, *page.markers):
            lowered = source.lower()
            for signature in self.config.signatures:
                if signature in lowered:
                    return Evidence(page.url, clip(f"Widget de chat ({signature}): {source}"))
        inline = page.inline_script.lower()
        for signature in self.config.signatures:
            if signature in inline:
                return Evidence(page.url, clip(f"Widget de chat ({signature}) cargado por un script de la página"))
        return None
