"""ORM tables of evidence (revision 0010): archived WARC records, the runs' hash chain and auditors' reviews.

All three are append-only. archive_records says where each captured page, document or screenshot of a run lives in
the WARC archive (file relative to the archive folder, byte offset) and its SHA-256 payload digest; an unchanged
page is a `revisit` row pointing at the first copy. run_manifests chains each complete run to the previous one.
reviews records every auditor's confirmation or correction of a verdict; a run's results are never edited.
storage/models.py imports this module so that Base.metadata has them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime

# What was captured: a page of the site, a linked document, an IPOMEX page, a screenshot (PNG) of a page.
CAPTURE_KINDS = ("pagina", "documento", "ipomex", "captura")
# WARC record types (ISO 28500): the first copy of a payload, a later unchanged copy, a screenshot.
RECORD_TYPES = ("response", "revisit", "resource")
REVIEW_ACTIONS = ("confirmar", "corregir")
REVIEW_STATUSES = ("cumple", "no_cumple", "indeterminado", "no_aplica")


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ArchiveRecordRow(Base):
    """One WARC record a run wrote (or revisited): what URL, for which municipality, where in which file, its digest."""

    __tablename__ = "archive_records"
    __table_args__ = (
        CheckConstraint(_in_list("kind", CAPTURE_KINDS), name="kind"),
        CheckConstraint(_in_list("record_type", RECORD_TYPES), name="record_type"),
        Index("ix_archive_records_run_id_cve_inegi", "run_id", "cve_inegi"),
        Index("ix_archive_records_sha256", "sha256"),
        Index("ix_archive_records_cve_inegi_url", "cve_inegi", "url"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    # None for a capture not tied to one municipality (e.g. a shared IPOMEX page).
    cve_inegi: Mapped[str | None] = mapped_column(String(5))
    # The source that read it: "sitio", "ipomex3", "ipomex4"...
    source: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(15))
    record_type: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(Text)
    # Hex SHA-256 of the HTTP payload (the body as served); the content address used for deduplication.
    sha256: Mapped[str] = mapped_column(String(64))
    # Path of the .warc.gz file relative to the archive folder, the record's byte offset and compressed length.
    warc_file: Mapped[str] = mapped_column(String(300))
    offset: Mapped[int] = mapped_column(BigInteger)
    length: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str | None] = mapped_column(String(150))
    http_status: Mapped[int | None] = mapped_column(Integer)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A revisit names the record that holds the payload.
    refers_to: Mapped[int | None] = mapped_column(ForeignKey("archive_records.id"))


class RunManifestRow(Base):
    """The tamper-evident manifest of one complete run, chained to the previous complete run's manifest."""

    __tablename__ = "run_manifests"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    previous_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    # Hex SHA-256 of the previous manifest (None for the first link of the chain).
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    results_digest: Mapped[str] = mapped_column(String(64))
    records_digest: Mapped[str] = mapped_column(String(64))
    # Canonical JSON the hash covers (per-municipality digests, counts, previous hash).
    manifest: Mapped[str] = mapped_column(Text)
    manifest_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReviewRow(Base):
    """An auditor's confirmation or correction of one verdict of one run (append-only; results stay untouched)."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(_in_list("action", REVIEW_ACTIONS), name="action"),
        CheckConstraint(_in_list("status_before", REVIEW_STATUSES), name="status_before"),
        CheckConstraint(_in_list("status_after", REVIEW_STATUSES), name="status_after"),
        CheckConstraint("length(trim(reason)) > 0", name="reason"),
        Index("ix_reviews_cve_inegi_check_id_at", "cve_inegi", "check_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cve_inegi: Mapped[str] = mapped_column(String(5))
    check_id: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(20))
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    action: Mapped[str] = mapped_column(String(10))
    status_before: Mapped[str] = mapped_column(String(15))
    status_after: Mapped[str] = mapped_column(String(15))
    reason: Mapped[str] = mapped_column(Text)
    auditor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Digest of the evidence the review looked at; when the page changes the review no longer applies.
    evidence_digest: Mapped[str | None] = mapped_column(String(64))
