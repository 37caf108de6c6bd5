"""Working-channel kinds: a published phone, WhatsApp number or e-mail domain that can actually be used.

Each keeps the existence check's evidence rules and judges what it found; a site that publishes no such channel
is indeterminado (sin_canal): absence is the existence check's verdict, never counted twice. Nothing here sends
anything: numbers are judged against the numbering plan, mail domains through the SiteState's prober (DNS only).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from checks.contacts import PHONE_RE, find_emails, find_phones, mailto_address, normalize_email, tel_link_digits
from checks.contacts import valid_local as local_ok
from checks.kinds.base import Check, SiteState
from checks.kinds.channels import whatsapp_chat_link
from checks.model import CheckResult, Evidence
from checks.page import Page
from checks.probes import international_problem, is_webmail, mail_domain, mx_phone_problem, whatsapp_number
from checks.spec import CheckSpec, Params
from checks.text import clip, window

_NO_PARAMS: frozenset[str] = frozenset()
# A number right after one of these words is offered as a phone, valid or not.
_PHONE_LABEL = re.compile(r"(?:tel(?:efono)?s?|cel(?:ular)?|conmutador|whats\s?app)\b\.?\s*:?\s*")
# Mail domains asked per site (the prober also has its own request budget).
MAX_DOMAINS = 4


def number_problem(digits: str) -> str | None:
    """Why national digits (10, or 7-8 local) are not callable, or None."""
    if len(digits) in (7, 8):
        return None if local_ok(digits) else "es un número local de relleno o incompleto"
    return mx_phone_problem(digits)


class ChannelProbe(Check[None]):
    """Collects the first usable and the first broken instance of a channel; concludes the common way."""

    def __init__(self, spec: CheckSpec, config: None, run_date: datetime.date) -> None:
        super().__init__(spec, config, run_date)
        self.working: Evidence | None = None
        self.broken: Evidence | None = None
        self.unverifiable: Evidence | None = None

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> None:
        Params(params, _NO_PARAMS)

    def settled(self) -> bool:
        return self.working is not None

    def offer(self, page: Page, what: str, problem: str | None) -> None:
        """Record one instance seen on page (problem None: it works)."""
        if problem is None:
            self.working = self.working or Evidence(page.url, clip(what))
        elif self.broken is None:
            self.broken = Evidence(page.url, clip(f"{what} — {problem}"))

    def conclude(self, site: SiteState) -> CheckResult:
        if self.working is not None:
            return self.result("cumple", self.working)
        if self.broken is not None:
            return broken(self, site, self.broken)
        if self.unverifiable is not None:
            detail = f"El sitio publica «{self.spec.label}» en una forma que no se puede comprobar sin contactar."
            return self.result("indeterminado", self.unverifiable, "revisar", detail)
        return nothing_to_probe(self)


def broken(check: Check[Any], site: SiteState, evidence: Evidence) -> CheckResult:
    """no_cumple with the broken instance as evidence, unless unread pages may hold a working one."""
    if not site.complete(check.spec.scope):
        detail = f"Lo publicado no funciona y la exploración quedó incompleta ({site.incomplete_why})."
        return check.result("indeterminado", evidence, "crawl_incomplete", detail)
    return check.result("no_cumple", evidence, None, f"Lo publicado no cumple «{check.spec.label}»: {evidence.text}")


def nothing_to_probe(check: Check[Any]) -> CheckResult:
    """indeterminado sin_canal: the site publishes no such channel (the existence check already says so)."""
    detail = "El sitio no publica este canal; su ausencia la califica la verificación de existencia."
    return check.result("indeterminado", None, "sin_canal", detail)


class PhoneValidCheck(ChannelProbe):
    """A published phone number callable under Mexico's numbering plan (area code exists, no placeholder)."""

    kind = "phone_valid"

    def observe(self, page: Page) -> None:
        for link in page.links:
            digits = tel_link_digits(link.url)
            if digits:
                self.offer(page, f"Enlace telefónico: {link.text} → {link.url}", number_problem(digits))
        # The same texts as the existence check: visible text, and the text of links that lead nowhere.
        for text, folded in ((page.text, page.folded), (page.dead_text, page.dead_text)):
            for phone in find_phones(folded):
                self.offer(page, window(text, folded, phone.start, phone.end), number_problem(phone.digits))
        for label in _PHONE_LABEL.finditer(page.folded):
            number = PHONE_RE.match(page.folded, label.end())
            digits = tel_link_digits(f"tel:{number.group(0)}") if number is not None else None
            if number is not None and digits and len(digits) >= 10:
                what = window(page.text, page.folded, label.start(), number.end())
                self.offer(page, what, number_problem(digits))


class WhatsappValidCheck(ChannelProbe):
    """A WhatsApp chat link whose number is a valid international number."""

    kind = "whatsapp_valid"

    def observe(self, page: Page) -> None:
        for link in page.links:
            # Any chat link with digits is judged, also those too short for the existence check to count.
            digits = whatsapp_number(link.url)
            what = f"Enlace de WhatsApp: {link.text} → {link.url}"
            if digits:
                self.offer(page, what, international_problem(digits))
            elif whatsapp_chat_link(link):  # business short links (wa.me/message/…) name no number to judge
                self.unverifiable = self.unverifiable or Evidence(page.url, clip(what))


class EmailDeliverableCheck(Check[None]):
    """A published address whose domain can receive mail (MX or A records); personal webmail is noted."""

    kind = "email_deliverable"
    live_server = True

    def __init__(self, spec: CheckSpec, config: None, run_date: datetime.date) -> None:
        super().__init__(spec, config, run_date)
        self.addresses: dict[str, Evidence] = {}

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> None:
        Params(params, _NO_PARAMS)

    def observe(self, page: Page) -> None:
        found = [mailto_address(link.url) for link in page.links]
        found += [a.lower() for a in page.emails if normalize_email(*a.lower().partition("@")[::2])]
        found += [address for address, _, _ in find_emails(page.folded)]
        for address in found:
            if address and address not in self.addresses and len(self.addresses) < 20:
                self.addresses[address] = Evidence(page.url, clip(f"Correo publicado: {address}"))

    def conclude(self, site: SiteState) -> CheckResult:
        if not self.addresses:
            return nothing_to_probe(self)
        answers = self._ask(site)
        for address, evidence in self.addresses.items():
            if answers.get(mail_domain(address)) == "ok":
                return self.result("cumple", evidence)
        webmail = next((e for a, e in self.addresses.items() if is_webmail(mail_domain(a))), None)
        if webmail is not None:
            note = "Sólo se publica correo personal (webmail), no una dirección institucional."
            return self.result("cumple", webmail, None, note)
        if answers and all(a == "none" for a in answers.values()):
            first = next(iter(self.addresses.values()))
            why = Evidence(first.url, clip(f"{first.text} — el dominio no tiene registros MX ni A"))
            return broken(self, site, why)
        reason = "sonda_sin_presupuesto" if "budget" in answers.values() else "sonda_sin_red"
        detail = "No se pudo consultar el DNS de los dominios de correo publicados en esta ejecución."
        return self.result("indeterminado", next(iter(self.addresses.values())), reason, detail)

    def _ask(self, site: SiteState) -> dict[str, str]:
        """The prober's answer for each institutional domain, at most MAX_DOMAINS of them."""
        domains = [mail_domain(a) for a in self.addresses]
        asked = [d for d in dict.fromkeys(domains) if not is_webmail(d)][:MAX_DOMAINS]
        return {domain: site.prober.mail_domain(domain) for domain in asked}
