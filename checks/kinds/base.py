"""The contract every check kind implements, and the common found / absent / unknown decision."""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from checks.model import CheckResult, CrawlOutcome, Evidence
from checks.page import Page
from checks.probes import OFFLINE, ProbeAnswer, Prober
from checks.spec import CheckSpec

ConfigT = TypeVar("ConfigT")


@dataclass(frozen=True)
class SiteState:
    """What the engine knows about the whole crawl when the checks conclude."""

    run_date: datetime.date
    outcome: CrawlOutcome
    home_url: str
    home_title: str
    pages_seen: int
    site_complete: bool
    incomplete_why: str = ""
    read_urls: frozenset[str] = frozenset()
    # The site's own pages the crawl requested (read, unusable or failed) and those that answered 404 / 410.
    pages_requested: int = 0
    broken: tuple[str, ...] = ()
    # The network side of the working-channel probes (OFFLINE: every probe is indeterminado).
    prober: Prober = OFFLINE
    # The pages are a static copy of the site, not the site itself (crawler.settings.CrawlSettings.static_copy).
    static_copy: bool = False

    def was_read(self, url: str) -> bool:
        """Whether the crawl read url as a usable page (ignoring a trailing slash)."""
        return url_key(url) in self.read_urls

    def complete(self, scope: str) -> bool:
        """Whether absence within scope may be asserted (the home page alone suffices for home checks)."""
        return scope == "home" or self.site_complete


class Check(ABC, Generic[ConfigT]):
    """One check of one site crawl: observes in-scope pages, then concludes into one CheckResult."""

    kind: ClassVar[str]
    # The verdict rests on the live server's answers (endpoints, missing pages, DNS, profiles), which a static copy
    # of the site (the labelled corpus) cannot give: on a copy such a check is indeterminado (copia_estatica).
    live_server: ClassVar[bool] = False

    def __init__(self, spec: CheckSpec, config: ConfigT, run_date: datetime.date) -> None:
        self.spec, self.config, self.run_date = spec, config, run_date

    @classmethod
    @abstractmethod
    def compile(cls, params: Mapping[str, Any]) -> ConfigT:
        """Validate params at catalogue load time and return the ready-to-use configuration."""

    def observe(self, page: Page) -> None:
        """Look at one in-scope page (default: nothing to look at)."""
        return None

    def settled(self) -> bool:
        """Whether further pages cannot change the result (the engine then stops feeding this check)."""
        return False

    def probe_urls(self) -> tuple[str, ...]:
        """Addresses this check wants probed with safe methods before it concludes (default: none)."""
        return ()

    def probed(self, url: str, answer: ProbeAnswer) -> None:
        """Take the answer to a probe of url (default: not interested)."""
        return None

    @abstractmethod
    def conclude(self, site: SiteState) -> CheckResult:
        """Decide the status once the crawl is over and the home page was a real municipal page."""

    def result(
        self, status: str, evidence: Evidence | None = None, reason: str | None = None, detail: str | None = None
    ) -> CheckResult:
        """Build this check's CheckResult."""
        assert status in ("cumple", "no_cumple", "indeterminado")
        return CheckResult(self.spec.id, status, evidence, reason, detail)  # type: ignore[arg-type]


class EvidenceCheck(Check[ConfigT]):
    """A check that passes as soon as one page yields evidence; absence needs a complete enough crawl."""

    def __init__(self, spec: CheckSpec, config: ConfigT, run_date: datetime.date) -> None:
        super().__init__(spec, config, run_date)
        self.evidence: Evidence | None = None

    @abstractmethod
    def find(self, page: Page) -> Evidence | None:
        """Return evidence found on page, or None."""

    def observe(self, page: Page) -> None:
        if self.evidence is None:
            self.evidence = self.find(page)

    def settled(self) -> bool:
        return self.evidence is not None

    def conclude(self, site: SiteState) -> CheckResult:
        if self.evidence is not None:
            return self.result("cumple", self.evidence)
        return absent(self, site)


def url_key(url: str) -> str:
    """A URL as compared for "was this page read": no fragment, no trailing slash."""
    return url.split("#", 1)[0].rstrip("/")


def absent(
    check: Check[Any], site: SiteState, evidence: Evidence | None = None, near: Evidence | None = None
) -> CheckResult:
    """no_cumple when the crawl saw enough for the check's scope, else indeterminado crawl_incomplete; a near
    miss (the site names the topic where the crawl could not read it) is indeterminado revisar."""
    label = check.spec.label
    if not site.complete(check.spec.scope):
        return check.result(
            "indeterminado",
            evidence or near,
            "crawl_incomplete",
            f"La exploración quedó incompleta ({site.incomplete_why}); no se puede afirmar que falte «{label}».",
        )
    if near is not None:
        return check.result(
            "indeterminado",
            near,
            "revisar",
            f"El sitio nombra «{label}» en un menú, enlace o documento que no se pudo leer; requiere revisión "
            "humana antes de afirmar que falta.",
        )
    if check.spec.scope == "home":
        where = "en la página de inicio"
    else:
        plural = "s" if site.pages_seen != 1 else ""
        where = f"en {site.pages_seen} página{plural} revisada{plural} del sitio"
    return check.result("no_cumple", evidence, None, f"No se encontró «{label}» {where}.")
