"""Kinds about the site itself: availability, HTTPS, mobile viewport, search form and recent content."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checks.dates import find_dates, parse_iso
from checks.forms import describe, is_search
from checks.kinds.base import Check, EvidenceCheck, SiteState, absent
from checks.model import CheckResult, Evidence
from checks.page import Page
from checks.spec import CheckSpec, Params
from checks.text import clip, window
from core.clock import people_date

_NO_PARAMS: frozenset[str] = frozenset()
_SEARCH_SCRIPTS = ("cse.google.com/cse.js", "google.com/cse/", "gcse")


class AvailabilityCheck(Check[None]):
    """The home page answered with a real municipal HTML page (failures are decided by the engine)."""

    kind = "availability"

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> None:
        Params(params, _NO_PARAMS)

    def conclude(self, site: SiteState) -> CheckResult:
        title = f"Título: {site.home_title}" if site.home_title else "Página de inicio servida como HTML"
        return self.result("cumple", Evidence(site.home_url, clip(title)))


class HttpsCheck(Check[None]):
    """HTTPS with a certificate valid for the host, and plain HTTP redirecting to it."""

    kind = "https"

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> None:
        Params(params, _NO_PARAMS)

    def conclude(self, site: SiteState) -> CheckResult:
        outcome, final = site.outcome, site.home_url
        if not final.lower().startswith("https://"):
            if outcome.https_valid:
                return self.result(
                    "no_cumple",
                    None,
                    "no_redirect",
                    f"El sitio tiene HTTPS pero su versión HTTP no redirige a HTTPS ({final}).",
                )
            return self.result("no_cumple", None, "no_https", f"El sitio se sirve sin HTTPS ({final}).")
        if outcome.https_valid is None:
            return self.result(
                "indeterminado", None, "tls_unchecked", "No se pudo verificar el certificado HTTPS en esta ejecución."
            )
        if not outcome.https_valid:
            error = outcome.https_error or "error de verificación"
            return self.result("no_cumple", None, "tls_invalid", f"El certificado HTTPS no es válido: {error}.")
        if outcome.start_url.lower().startswith("http://") and outcome.http_redirects_to_https is False:
            return self.result("no_cumple", None, "no_redirect", "La versión HTTP del sitio no redirige a HTTPS.")
        return self.result("cumple", Evidence(final, "HTTPS con certificado válido para el dominio"))


class ViewportCheck(EvidenceCheck[None]):
    """A responsive viewport meta tag (width=device-width)."""

    kind = "viewport"

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> None:
        Params(params, _NO_PARAMS)

    def find(self, page: Page) -> Evidence | None:
        content = (page.viewport or "").replace(" ", "").lower()
        if "width=device-width" in content:
            return Evidence(page.url, clip(f'<meta name="viewport" content="{page.viewport}">'))
        return None


class SearchFormCheck(EvidenceCheck[None]):
    """A site search form (or Google's custom search widget)."""

    kind = "search_form"

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> None:
        Params(params, _NO_PARAMS)

    def find(self, page: Page) -> Evidence | None:
        for form in page.forms:
            if is_search(form):
                return Evidence(page.url, clip("Búsqueda: " + describe(form)))
        for src in page.scripts:
            if any(marker in src for marker in _SEARCH_SCRIPTS):
                return Evidence(page.url, clip(f"Buscador de Google en el sitio ({src})"))
        return None


@dataclass(frozen=True)
class RecentConfig:
    """How many days back still counts as recent."""

    days: int


@dataclass
class _Dated:
    date: datetime.date
    url: str
    snippet: str


class RecentContentCheck(Check[RecentConfig]):
    """Dated content within the last N days (future dates ignored); old dates only → no_cumple."""

    kind = "recent_content"

    def __init__(self, spec: CheckSpec, config: RecentConfig, run_date: datetime.date) -> None:
        super().__init__(spec, config, run_date)
        self.newest: _Dated | None = None

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> RecentConfig:
        return RecentConfig(days=Params(params, frozenset({"days"})).integer("days", 90))

    def _recent(self) -> bool:
        """Whether the newest date seen falls within the window."""
        return self.newest is not None and (self.run_date - self.newest.date).days <= self.config.days

    def settled(self) -> bool:
        return self._recent()

    def observe(self, page: Page) -> None:
        for value in page.times:
            found = parse_iso(value)
            if found is not None:
                self._offer(found, page.url, f"Fecha de publicación: {value}")
        for hit in find_dates(page.folded):
            if self.newest is None or hit.date > self.newest.date:
                self._offer(hit.date, page.url, window(page.text, page.folded, hit.start, hit.end, 120))

    def _offer(self, found: datetime.date, url: str, snippet: str) -> None:
        """Keep found if it is the newest date so far that is not in the future."""
        if found <= self.run_date and (self.newest is None or found > self.newest.date):
            self.newest = _Dated(found, url, snippet)

    def conclude(self, site: SiteState) -> CheckResult:
        if self.newest is None:
            return self.result("indeterminado", None, "no_dates", "No se encontró contenido fechado en el sitio.")
        evidence = Evidence(self.newest.url, clip(f"{self.newest.date.isoformat()}: {self.newest.snippet}"))
        if self._recent():
            return self.result("cumple", evidence)
        if not site.complete(self.spec.scope):
            return absent(self, site, evidence)
        age = (self.run_date - self.newest.date).days
        return self.result(
            "no_cumple",
            evidence,
            None,
            f"La fecha más reciente encontrada ({people_date(self.newest.date)}) tiene {age} días; "
            f"se esperaba una de los últimos {self.config.days}.",
        )
