"""Value types of the alerts package: events, digests, rendered mails and the outcome of a detection."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from core.errors import VigiaError

EventKind = Literal["regresion", "recuperacion", "sitio_caido", "sitio_recuperado"]
EVENT_KINDS: tuple[EventKind, ...] = ("regresion", "recuperacion", "sitio_caido", "sitio_recuperado")
# Spanish labels of the event kinds, for mails and reports.
KIND_LABELS: dict[str, str] = {
    "regresion": "dejó de cumplir",
    "recuperacion": "volvió a cumplir",
    "sitio_caido": "sitio caído",
    "sitio_recuperado": "sitio recuperado",
}


class AlertError(VigiaError):
    """Alerts cannot be derived from a run (missing, not complete)."""


@dataclass(frozen=True)
class AlertEvent:
    """One change worth telling: a municipality's check regressed or recovered, or its site went down or came back."""

    run_id: int
    cve_inegi: str
    municipio: str
    check_id: str
    kind: EventKind
    evidence_url: str | None
    evidence_text: str | None
    # When the check (or the site) last complied: the finished_at of that complete run, UTC.
    last_cumple_at: datetime | None
    detail: str | None = None


@dataclass(frozen=True)
class Digest:
    """The events of one run that go to one recipient."""

    run_id: int
    recipient: str
    recipient_name: str | None
    events: list[AlertEvent] = field(default_factory=list)
    # Regressions recorded but not told as accusations (electoral blackout), and the Spanish reason why.
    withheld: int = 0
    withheld_reason: str | None = None
    # The evidence chain's head when the digest was composed (storage.manifest): a copy outside the database.
    chain_hash: str | None = None
    chain_run_id: int | None = None


@dataclass(frozen=True)
class RenderedMail:
    """A digest turned into an e-mail: subject, plain text and optional HTML."""

    subject: str
    text: str
    html: str | None = None


@dataclass(frozen=True)
class DetectionResult:
    """What detect_changes did for one run."""

    run_id: int
    events: list[AlertEvent]
    # Outbox rows inserted by this call (one per recipient).
    mails: int
    # True when the run had been processed before: nothing was inserted this time.
    already_processed: bool = False
    # True when most sites were down in this run: per-site «sitio caído» events were held back.
    sites_down_held: bool = False
    # Accusations recorded but not e-mailed: an electoral blackout legitimately empties their checks.
    withheld: list[AlertEvent] = field(default_factory=list)
