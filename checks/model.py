"""Value types shared by the crawler, the check engine, storage and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Status = Literal["cumple", "no_cumple", "indeterminado", "no_aplica"]
# no_aplica exists only for IPOMEX fractions justified as not applicable; it is left out of every score.
STATUSES: tuple[Status, ...] = ("cumple", "no_cumple", "indeterminado", "no_aplica")
# How people read each status (CLI tables, dashboard); JSON and CSV keep the codes.
STATUS_TEXT: dict[str, str] = {
    "cumple": "Cumple",
    "no_cumple": "No cumple",
    "indeterminado": "Indeterminado",
    "no_aplica": "No aplica",
    "sin_dato": "Sin dato",
}


def status_text(status: str | None) -> str:
    """The Spanish words for a status code (the code itself when unknown, «Sin dato» when None)."""
    return STATUS_TEXT.get(status or "sin_dato", status or "")


EVIDENCE_MAX_CHARS = 200


@dataclass(frozen=True)
class Evidence:
    """Where a check found what it looked for: a URL and a short snippet (≤ 200 chars)."""

    url: str
    text: str

    def __post_init__(self) -> None:
        if len(self.text) > EVIDENCE_MAX_CHARS:
            object.__setattr__(self, "text", self.text[: EVIDENCE_MAX_CHARS - 1] + "…")


@dataclass(frozen=True)
class CheckResult:
    """The status of one check for one site in one run.

    reason is a machine code (connect, timeout, robots_disallowed, crawl_incomplete, ...) set whenever the
    status is indeterminado or a failure needs explaining; detail is the Spanish sentence shown to users.
    """

    check_id: str
    status: Status
    evidence: Evidence | None = None
    reason: str | None = None
    detail: str | None = None
    # Where the result comes from: "sitio" (the municipality's site), "ipomex3", "ipomex4", ...
    source: str = "sitio"
    # For obligations: the law and version the obligation is keyed by, and the latest update date found.
    law: str | None = None
    last_update: date | None = None


@dataclass(frozen=True)
class CrawlOutcome:
    """Facts the spider gathered about one site crawl, from which the engine decides availability."""

    start_url: str
    # Final URL of the home page after redirects, when it was read as HTML.
    home_url: str | None
    # Machine reason when the home page could not be read: no_url, dns, connect, timeout, http_error,
    # redirect_loop, robots_disallowed, too_large, not_html, error. None when the home page was read.
    failure: str | None = None
    failure_detail: str | None = None
    pages_ok: int = 0
    pages_failed: int = 0
    # The crawl stopped before exhausting its bounded frontier (shutdown, time budget): absence proves nothing.
    truncated: bool = False
    # Verifying TLS handshake against the final host: True valid, False invalid, None not attempted.
    https_valid: bool | None = None
    https_error: str | None = None
    # When the start URL was http://: whether it redirected to https://.
    http_redirects_to_https: bool | None = None
    # Most sites of the run were unreachable: likely our network, so availability is not the site's fault.
    network_suspect: bool = False
    # The server sent response headers at least once (then stalled or broke): it is up, so a timeout is not
    # evidence that the site is unavailable.
    server_answered: bool = False


@dataclass(frozen=True)
class PageRecord:
    """One page the crawl requested, as stored in the pages table."""

    url: str
    final_url: str | None
    status: int | None
    content_hash: str | None
    depth: int
    error: str | None = None
    kind: str | None = None
    # The page was read through the browser (a JavaScript shell over plain HTTP).
    rendered: bool = False


@dataclass(frozen=True)
class DocumentMiss:
    """A candidate document that could not be read: a near miss the checks did not see (reason, Spanish detail)."""

    url: str
    reason: str
    detail: str
    linked_from: str
    link_text: str
    checks: tuple[str, ...]


@dataclass
class SiteReport:
    """Everything one site crawl produced: outcome, pages seen, linked documents and check results."""

    cve_inegi: str | None
    start_url: str | None
    outcome: CrawlOutcome
    pages: list[PageRecord] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    results: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0
    # Pages of this site that needed the browser (JavaScript shells), by URL.
    rendered: list[str] = field(default_factory=list)
    # CPU seconds spent decoding and checking this site's pages (benchmarks only; not stored).
    checks_cpu: float = 0.0
    # Linked documents read as evidence (URLs), the candidates that could not be read, and what reading them cost
    # (read, failed, bytes, seconds waited for downloads); not stored.
    documents_read: list[str] = field(default_factory=list)
    document_misses: list[DocumentMiss] = field(default_factory=list)
    document_cost: dict[str, float] = field(default_factory=dict)
    # What the safe-method probes of the site's endpoints cost (requests, seconds waited); not stored.
    probe_cost: dict[str, float] = field(default_factory=dict)


@dataclass
class SourceReport:
    """What one source delivered for one municipality: check results, plus the source's own facts if it has any.

    source is the name stored with the results (sitio, ipomex3, ipomex4, ...); facts is the site's SiteReport, an
    IPOMEX capture, or None for a source whose results are all there is to keep.
    """

    source: str
    cve_inegi: str | None
    results: list[CheckResult] = field(default_factory=list)
    failure: str | None = None
    failure_detail: str | None = None
    facts: object | None = None


# A run's stages are its sources' package names (spiders.sitio → sitio); users read these labels.
STAGE_LABELS = {"sitio": "sitio", "ipomex": "IPOMEX"}


def stage_label(stage: str) -> str:
    """The user-facing name of a stage (ipomex → IPOMEX)."""
    return STAGE_LABELS.get(stage, stage)


@dataclass(frozen=True)
class Unread:
    """One municipality's stage that was not read definitively in a run, and why (a machine code and Spanish).

    stage is the source's package name (sitio, ipomex); stage_label() gives its name for users."""

    cve_inegi: str
    nombre: str
    stage: str
    reason: str
    detail: str


@dataclass(frozen=True)
class PriorRead:
    """A municipality's results from one source in the last run that read it: what a run may carry forward."""

    run_id: int
    run_date: date
    results: dict[str, CheckResult] = field(default_factory=dict)

    def result(self, check_id: str) -> CheckResult | None:
        """That run's result of a check, None when it has none."""
        return self.results.get(check_id)
