"""Kinds about how well the site serves people: accessibility basics of the home page, and trámite pages that state
requirements, cost and time (the EU eGovernment Benchmark's «transparency of service delivery»)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checks.a11y import Accessibility
from checks.kinds.base import Check, EvidenceCheck, SiteState, absent
from checks.model import CheckResult, Evidence
from checks.page import Page
from checks.spec import CheckSpec, ParamError, Params
from checks.text import Matcher, clip
from core.text import fold

NO_SERVICES = "sin_tramites"
# Characters before a mention of a datum searched for words that make it general (params «exclude»).
_EXCLUDE_WINDOW = 40


@dataclass(frozen=True)
class AccessibilityConfig:
    """The least share (percent) of images that must carry alternative text."""

    min_alt_percent: int


class AccessibilityCheck(Check[AccessibilityConfig]):
    """The home page declares its language, gives most images alt text, has headings and labels its form fields
    (from the HTML; axe-core is not run)."""

    kind = "accessibility"

    def __init__(self, spec: CheckSpec, config: AccessibilityConfig, run_date: datetime.date) -> None:
        super().__init__(spec, config, run_date)
        self.seen: tuple[str, Accessibility] | None = None

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> AccessibilityConfig:
        percent = Params(params, frozenset({"min_alt_percent"})).integer("min_alt_percent", 90, minimum=0)
        if percent > 100:
            raise ParamError("min_alt_percent", "debe ser un porcentaje entre 0 y 100")
        return AccessibilityConfig(percent)

    def observe(self, page: Page) -> None:
        if self.seen is None and page.accessibility is not None:
            self.seen = (page.url, page.accessibility)

    def settled(self) -> bool:
        return self.seen is not None

    def failures(self, basics: Accessibility) -> list[str]:
        """The basics the page misses, in Spanish."""
        missing: list[str] = []
        if not basics.lang:
            missing.append("no declara el idioma del documento (lang)")
        if basics.images and basics.images_with_alt * 100 < self.config.min_alt_percent * basics.images:
            missing.append(
                f"{basics.images - basics.images_with_alt} de {basics.images} imágenes sin texto alternativo"
            )
        if not basics.headings:
            missing.append("no tiene encabezados (h1–h6)")
        if basics.controls_labelled < basics.controls:
            unlabelled = basics.controls - basics.controls_labelled
            missing.append(f"{unlabelled} de {basics.controls} campos de formulario sin etiqueta")
        return missing

    def conclude(self, site: SiteState) -> CheckResult:
        if self.seen is None:
            detail = "No se leyó el HTML de la página de inicio; no se juzga su accesibilidad."
            return self.result("indeterminado", None, "crawl_incomplete", detail)
        url, basics = self.seen
        missing = self.failures(basics)
        alt = f"{basics.images_with_alt}/{basics.images} imágenes con alt"
        summary = f"idioma «{basics.lang or '—'}», {alt}, {basics.headings} encabezados, "
        summary += f"{basics.controls_labelled}/{basics.controls} campos etiquetados"
        if not missing:
            return self.result("cumple", Evidence(url, clip(f"HTML de la página de inicio: {summary}")))
        detail = "La página de inicio " + "; ".join(missing) + " (revisión del HTML, sin axe-core)."
        return self.result("no_cumple", Evidence(url, clip(summary)), None, detail)


@dataclass(frozen=True)
class TransparencyConfig:
    """What makes a page a trámite page (title or headings), and the words for requirements, cost and time."""

    pages: Matcher
    elements: tuple[tuple[str, Matcher], ...]
    # Words just before a mention that make it talk about trámites in general (mejora regulatoria: «reducir
    # requisitos y tiempos de respuesta»), not state one trámite's data.
    exclude: Matcher | None = None


_ELEMENTS = (("requirements", "requisitos"), ("cost", "costo"), ("time", "tiempo de respuesta"))


class ServiceTransparencyCheck(EvidenceCheck[TransparencyConfig]):
    """A trámite page (named as one and stating one of requirements, cost and response time, or stating two) that
    states all three."""

    kind = "service_transparency"

    def __init__(self, spec: CheckSpec, config: TransparencyConfig, run_date: datetime.date) -> None:
        super().__init__(spec, config, run_date)
        self.partial: Evidence | None = None

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> TransparencyConfig:
        p = Params(params, frozenset({"pages", "exclude", *(key for key, _ in _ELEMENTS)}))
        compiled = [(key, p.pattern(key)) for key in ("pages", *(key for key, _ in _ELEMENTS))]
        for key, matcher in compiled:
            if matcher is None:
                raise ParamError(key, "hace falta al menos un patrón")
        words = dict(_ELEMENTS)
        matchers = {key: m for key, m in compiled if m is not None}
        elements = tuple((words[k], matchers[k]) for k, _ in _ELEMENTS)
        return TransparencyConfig(matchers["pages"], elements, p.pattern("exclude"))

    def find(self, page: Page) -> Evidence | None:
        if page.source != "pagina":
            return None
        stated = [word for word, matcher in self.config.elements if self._states(matcher, page.folded)]
        # A trámite's own page: named as one and stating one of the data, or stating two of them whatever its title
        # (a ficha is often titled only with the trámite's name). A menu or a listing that names trámites is not one.
        if len(stated) < 2 and not (stated and self._names_service(page)):
            return None
        name = page.title or (page.headings[0] if page.headings else page.url)
        if len(stated) == len(self.config.elements):
            return Evidence(page.url, clip(f"Trámite «{name}»: indica {', '.join(stated)}"))
        if self.partial is None:
            lacking = [word for word, _ in self.config.elements if word not in stated]
            self.partial = Evidence(page.url, clip(f"Trámite «{name}» sin {', '.join(lacking)}"))
        return None

    def _states(self, matcher: Matcher, folded: str) -> bool:
        """Whether the text mentions the datum other than in a sentence about trámites in general."""
        exclude = self.config.exclude
        for match in matcher.finditer(folded):
            if exclude is None or not exclude.search(folded[max(0, match.start() - _EXCLUDE_WINDOW) : match.start()]):
                return True
        return False

    def _names_service(self, page: Page) -> bool:
        """Whether the page's title or one of its headings names a trámite."""
        pattern = self.config.pages
        return bool(pattern.search(fold(page.title))) or any(pattern.search(fold(h)) for h in page.headings)

    def conclude(self, site: SiteState) -> CheckResult:
        if self.evidence is not None:
            return self.result("cumple", self.evidence)
        if self.partial is None:
            detail = "El rastreo no encontró páginas de trámites; no hay ficha de trámite que juzgar."
            return self.result("indeterminado", None, NO_SERVICES, detail)
        return absent(self, site, self.partial)
