"""Kinds that judge whether what the crawl found works: contact forms whose endpoint answers, and internal links
that lead to pages."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checks.forms import describe, is_contact
from checks.kinds.base import Check, SiteState, absent
from checks.model import CheckResult, Evidence
from checks.page import Page
from checks.probes import FormTarget, ProbeAnswer, form_target
from checks.spec import CheckSpec, Params
from checks.text import clip

# Nothing to probe: no contact form was found (canal.formulario judges existence).
NO_FORM = "sin_formulario"
# A probe that never ran (no crawler, or the site's probe budget ended first) is a stage not completed: not read.
NO_ANSWER = "crawl_incomplete"


@dataclass(frozen=True)
class FormProbeConfig:
    """How many distinct form endpoints one site's probes may ask about."""

    max_endpoints: int


@dataclass
class _Endpoint:
    """One form endpoint found on a page, and the probe's answer once it came."""

    page_url: str
    description: str
    answer: ProbeAnswer | None = None


class FormProbeCheck(Check[FormProbeConfig]):
    """A contact form whose action endpoint exists (a safe-method probe answers without a missing-page error); forms
    that post nowhere (#, javascript:, an alert) do not count, and a form without a probe answer proves nothing."""

    kind = "form_probe"
    live_server = True

    def __init__(self, spec: CheckSpec, config: FormProbeConfig, run_date: datetime.date) -> None:
        super().__init__(spec, config, run_date)
        self.endpoints: dict[str, _Endpoint] = {}
        self.nowhere: Evidence | None = None
        self.scripted: Evidence | None = None

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> FormProbeConfig:
        return FormProbeConfig(Params(params, frozenset({"max_endpoints"})).integer("max_endpoints", 3))

    def observe(self, page: Page) -> None:
        for form in page.forms:
            if is_contact(form):
                self._add(form_target(form, page.url), page.url, describe(form))

    def _add(self, target: FormTarget, page_url: str, description: str) -> None:
        """Remember a contact form by where it sends."""
        evidence = Evidence(page_url, clip(description))
        if target.kind == "nowhere":
            self.nowhere = self.nowhere or evidence
        elif target.kind == "script":
            self.scripted = self.scripted or evidence
        elif target.url not in self.endpoints and len(self.endpoints) < self.config.max_endpoints:
            self.endpoints[target.url] = _Endpoint(page_url, description)

    def settled(self) -> bool:
        return len(self.endpoints) >= self.config.max_endpoints

    def probe_urls(self) -> tuple[str, ...]:
        return tuple(url for url, endpoint in self.endpoints.items() if endpoint.answer is None)

    def probed(self, url: str, answer: ProbeAnswer) -> None:
        if url in self.endpoints:
            self.endpoints[url].answer = answer

    def conclude(self, site: SiteState) -> CheckResult:
        for url, endpoint in self.endpoints.items():
            answer = endpoint.answer
            if answer is not None and answer.exists:
                text = f"{endpoint.description} → {answer.method} {url} respondió {answer.status}"
                return self.result("cumple", Evidence(endpoint.page_url, clip(text)))
        unknown = [(u, e) for u, e in self.endpoints.items() if e.answer is None or not e.answer.missing]
        if unknown:
            return self._unanswered(*unknown[0])
        if not self.endpoints and self.nowhere is None and self.scripted is None:
            detail = "No se encontró un formulario de contacto que probar (la existencia la juzga canal.formulario)."
            return self.result("indeterminado", None, NO_FORM, detail)
        return absent(self, site, self._dead_evidence(), near=self.scripted)

    def _unanswered(self, url: str, endpoint: _Endpoint) -> CheckResult:
        """indeterminado: the endpoint's probe did not come back with a definitive answer."""
        answer = endpoint.answer
        reason = NO_ANSWER if answer is None else answer.reason or "http_error"
        got = "sin respuesta" if answer is None or answer.status is None else f"HTTP {answer.status}"
        evidence = Evidence(endpoint.page_url, clip(f"{endpoint.description} → {url} ({got})"))
        detail = f"No se pudo comprobar que el destino del formulario responda ({got}); no se afirma que no funcione."
        return self.result("indeterminado", evidence, reason, detail)

    def _dead_evidence(self) -> Evidence | None:
        """The first form that posts nowhere or to a missing address."""
        for url, endpoint in self.endpoints.items():
            answer = endpoint.answer
            if answer is not None and answer.missing:
                text = f"{endpoint.description} → {url} respondió {answer.status}"
                return Evidence(endpoint.page_url, clip(text))
        if self.nowhere is not None:
            return Evidence(self.nowhere.url, clip(f"{self.nowhere.text} (no envía a ninguna dirección)"))
        return None


@dataclass(frozen=True)
class BrokenLinksConfig:
    """The largest share (percent) of the site's own requested pages that may be missing, and the least sample."""

    max_percent: int
    min_pages: int


class BrokenLinksCheck(Check[BrokenLinksConfig]):
    """Among the site's own pages the crawl requested, at most max_percent % answered 404 / 410."""

    kind = "broken_links"
    live_server = True

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> BrokenLinksConfig:
        p = Params(params, frozenset({"max_percent", "min_pages"}))
        return BrokenLinksConfig(p.integer("max_percent", 5, minimum=0), p.integer("min_pages", 5))

    def conclude(self, site: SiteState) -> CheckResult:
        if not site.complete(self.spec.scope):
            return absent(self, site)
        requested, broken = site.pages_requested, len(site.broken)
        if requested < self.config.min_pages:
            detail = f"El rastreo sólo pidió {requested} páginas propias; hacen falta {self.config.min_pages}."
            return self.result("indeterminado", None, "muestra_pequena", detail)
        summary = f"{broken} de {requested} páginas propias pedidas no existen (404/410)"
        evidence = Evidence(site.broken[0] if broken else site.home_url, clip(summary))
        if broken * 100 <= self.config.max_percent * requested:
            return self.result("cumple", evidence)
        detail = f"{summary}: más del {self.config.max_percent} % de los enlaces internos están rotos."
        return self.result("no_cumple", evidence, None, detail)
