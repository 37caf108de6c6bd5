"""ORM tables of the Vigía database; migrations/versions mirrors them and a test keeps both in step."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

RUN_STATUSES = ("running", "complete", "partial", "failed")
# The words people read for each run status (CLI, dashboard, spreadsheets); the codes stay in JSON and CSV.
RUN_STATUS_TEXT = {"running": "en curso", "complete": "completa", "partial": "parcial", "failed": "fallida"}
# Mirrors checks.model.STATUSES (a test keeps them equal); widening it needs a migration of the CHECK constraint.
RESULT_STATUSES = ("cumple", "no_cumple", "indeterminado", "no_aplica")

# Named constraints let Alembic's SQLite batch mode recreate tables without losing them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back as aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Vigía stores only aware UTC times")
        value = value.astimezone(UTC)
        # SQLite keeps no offset; PostgreSQL's timestamptz needs it to avoid session-zone shifts.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    """Declarative base with the project's constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class MunicipalityRow(Base):
    """Registry snapshot of a municipality, refreshed at every run start."""

    __tablename__ = "municipalities"

    cve_inegi: Mapped[str] = mapped_column(String(5), primary_key=True)
    nombre: Mapped[str] = mapped_column(String(200))
    cabecera: Mapped[str] = mapped_column(String(200))
    poblacion_2020: Mapped[int] = mapped_column(Integer)
    conapo_im_2020: Mapped[float | None] = mapped_column(Float)
    conapo_gm_2020: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(100))
    sitio_web: Mapped[str | None] = mapped_column(Text)
    sitio_estado: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RunRow(Base):
    """One crawl, demo or audit execution and its counters."""

    __tablename__ = "runs"
    __table_args__ = (
        CheckConstraint(_in_list("status", RUN_STATUSES), name="status"),
        Index("ix_runs_status_started_at", "status", "started_at"),
        Index("ix_runs_started_at", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10))
    sites_planned: Mapped[int] = mapped_column(Integer, default=0)
    sites_done: Mapped[int] = mapped_column(Integer, default=0)
    pages_ok: Mapped[int] = mapped_column(Integer, default=0)
    pages_failed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    pid: Mapped[int | None] = mapped_column(Integer)
    hostname: Mapped[str | None] = mapped_column(String(255))
    params: Mapped[str] = mapped_column(Text, default="{}")
    # The partial run this run completes (vigia rastrear --reanudar, revision 0007); None for a run of its own.
    resumes_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))


class UnreadStageRow(Base):
    """A municipality's stage (sitio, ipomex) that a run did not read definitively, and why; append-only."""

    __tablename__ = "unread_stages"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    cve_inegi: Mapped[str] = mapped_column(ForeignKey("municipalities.cve_inegi"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    reason: Mapped[str] = mapped_column(String(50))
    # The reason in Spanish, as the run told it.
    detail: Mapped[str] = mapped_column(Text)


class CarriedStageRow(Base):
    """A municipality's stage whose results a resuming run copied from the partial run that read it; append-only."""

    __tablename__ = "carried_stages"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    cve_inegi: Mapped[str] = mapped_column(ForeignKey("municipalities.cve_inegi"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    # The run that actually read it (the original one when a resumed run is resumed again).
    from_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))


class SiteOutcomeRow(Base):
    """How the crawl of one site went in one run: explains an indeterminado site."""

    __tablename__ = "site_outcomes"
    __table_args__ = (
        # A municipality is recorded at most once per run; ad-hoc sites (NULL clave) are not limited.
        UniqueConstraint("run_id", "cve_inegi", name="uq_site_outcomes_run_id_cve_inegi"),
        Index("ix_site_outcomes_cve_inegi_run_id", "cve_inegi", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    cve_inegi: Mapped[str | None] = mapped_column(ForeignKey("municipalities.cve_inegi"))
    start_url: Mapped[str | None] = mapped_column(Text)
    home_url: Mapped[str | None] = mapped_column(Text)
    failure: Mapped[str | None] = mapped_column(String(50))
    failure_detail: Mapped[str | None] = mapped_column(Text)
    pages_ok: Mapped[int] = mapped_column(Integer)
    pages_failed: Mapped[int] = mapped_column(Integer)
    truncated: Mapped[bool] = mapped_column()
    seconds: Mapped[float] = mapped_column(Float)
    https_valid: Mapped[bool | None] = mapped_column()
    https_error: Mapped[str | None] = mapped_column(Text)
    http_redirects_to_https: Mapped[bool | None] = mapped_column()
    network_suspect: Mapped[bool] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PageLogRow(Base):
    """The pages requested for one site in one run, as zlib-compressed JSON lines (see storage.compact)."""

    __tablename__ = "page_logs"
    __table_args__ = (Index("ix_page_logs_run_id_cve_inegi", "run_id", "cve_inegi"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    cve_inegi: Mapped[str | None] = mapped_column(ForeignKey("municipalities.cve_inegi"))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CheckKeyRow(Base):
    """A check of one source ("sitio", "ipomex3"...): results name it by this small integer instead of a string."""

    __tablename__ = "check_keys"
    # Two IPOMEX sources may report the same fraction in one run, so the source is part of the key.
    __table_args__ = (UniqueConstraint("check_id", "source", name="uq_check_keys_check_id_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    check_id: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(20))


class ResultDetailRow(Base):
    """A distinct (reason, detail, evidence, law, last update) tuple; nights that repeat it share the row."""

    __tablename__ = "result_details"
    __table_args__ = (UniqueConstraint("digest", name="uq_result_details_digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # blake2b-16 hex of the canonical JSON of the other columns (storage.compact.detail_digest).
    digest: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(50))
    detail: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(Text)
    evidence_text: Mapped[str | None] = mapped_column(Text)
    # Obligations only: the law key ("LTAIPEMyM:2016") and the newest update date the portal showed.
    law: Mapped[str | None] = mapped_column(String(100))
    last_update: Mapped[date | None] = mapped_column(Date)


class CheckResultRow(Base):
    """One check result of one municipality in one run; append-only history, clustered by municipality and check."""

    __tablename__ = "check_results"
    __table_args__ = (
        CheckConstraint(_in_list("status", RESULT_STATUSES), name="status"),
        # Everything of one run, or of one municipality in one run (latest_results).
        Index("ix_check_results_run_cve", "run_id", "cve_inegi"),
        # Without a rowid the rows live in primary-key order: one check's history is contiguous.
        {"sqlite_with_rowid": False},
    )

    cve_inegi: Mapped[str] = mapped_column(ForeignKey("municipalities.cve_inegi"), primary_key=True)
    check_key: Mapped[int] = mapped_column(ForeignKey("check_keys.id"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(15))
    detail_id: Mapped[int] = mapped_column(ForeignKey("result_details.id"))


class ResultChangeRow(Base):
    """A read result whose status differs from the last complete run that read the same check (storage.reads);
    written when its run closes complete."""

    __tablename__ = "result_changes"
    __table_args__ = (
        Index("ix_result_changes_cve_check_run", "cve_inegi", "check_key", "run_id"),
        {"sqlite_with_rowid": False},
    )

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    cve_inegi: Mapped[str] = mapped_column(ForeignKey("municipalities.cve_inegi"), primary_key=True)
    check_key: Mapped[int] = mapped_column(ForeignKey("check_keys.id"), primary_key=True)
    previous_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    previous_status: Mapped[str] = mapped_column(String(15))
    status: Mapped[str] = mapped_column(String(15))
    detail_id: Mapped[int] = mapped_column(ForeignKey("result_details.id"))


class IpomexCaptureRow(Base):
    """How the capture of one municipality from one transparency source went in one run."""

    __tablename__ = "ipomex_captures"
    __table_args__ = (
        # One capture per municipality and source per run; ad-hoc captures (NULL clave) are not limited.
        UniqueConstraint("run_id", "cve_inegi", "source", name="uq_ipomex_captures_run_id_cve_inegi_source"),
        Index("ix_ipomex_captures_cve_inegi_run_id", "cve_inegi", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    cve_inegi: Mapped[str | None] = mapped_column(ForeignKey("municipalities.cve_inegi"))
    source: Mapped[str] = mapped_column(String(20))
    index_url: Mapped[str | None] = mapped_column(Text)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    failure: Mapped[str | None] = mapped_column(String(50))
    failure_detail: Mapped[str | None] = mapped_column(Text)
    # Fraction pages read (records, empty or no_aplica); pages in error are not counted.
    fractions_read: Mapped[int] = mapped_column(Integer)
    browser_pages: Mapped[int] = mapped_column(Integer)


class ScoredRunRow(Base):
    """A closed run whose scores were stored (revision 0006), with the version of the catalogue that weighed them."""

    __tablename__ = "scored_runs"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    catalogue_version: Mapped[str] = mapped_column(String(40))
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RunScoreRow(Base):
    """One score (area P2/P3/P4, "total" or "ipomex") of one municipality in one run, as checks.scoring computed
    it when the run closed; later weight changes never rewrite it."""

    __tablename__ = "run_scores"
    # Clustered by municipality: a municipality's series is one range, and (cve IN ..., run) one seek per cve.
    __table_args__ = ({"sqlite_with_rowid": False},)

    cve_inegi: Mapped[str] = mapped_column(ForeignKey("municipalities.cve_inegi"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    area: Mapped[str] = mapped_column(String(10), primary_key=True)
    # 0..100 rounded to one decimal; NULL when no result was definitive (shown as «s/d»).
    score: Mapped[float | None] = mapped_column(Float)
    cumple: Mapped[int] = mapped_column(Integer)
    no_cumple: Mapped[int] = mapped_column(Integer)
    indeterminado: Mapped[int] = mapped_column(Integer)
    no_aplica: Mapped[int] = mapped_column(Integer)


# Alerts (revision 0003). Frozen copies live in the migration; a test keeps both equal.
ALERT_STATES = ("ok", "regresion", "caido")
ALERT_KINDS = ("regresion", "recuperacion", "sitio_caido", "sitio_recuperado")
# sending: claimed by a sender before SMTP (0005); incierto: its sender died mid-send, the server may have it.
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed_permanent", "incierto")


class LeaseRow(Base):
    """A named lease (e.g. the nightly crawl's): one live holder at a time, taken over once expired."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AlertStateRow(Base):
    """What was last alerted for one municipality and check ("sitio.disponible" holds the site's state)."""

    __tablename__ = "alert_state"
    __table_args__ = (CheckConstraint(_in_list("state", ALERT_STATES), name="state"),)

    cve_inegi: Mapped[str] = mapped_column(ForeignKey("municipalities.cve_inegi"), primary_key=True)
    check_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    state: Mapped[str] = mapped_column(String(15))
    since_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_cumple_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    last_cumple_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))


class AlertRunRow(Base):
    """Marks a complete run whose changes were detected, so that detection never runs twice for it."""

    __tablename__ = "alert_runs"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    events: Mapped[int] = mapped_column(Integer)
    mails: Mapped[int] = mapped_column(Integer)
    # Most sites were down in the run: per-site «sitio caído» events were held back.
    sites_down_held: Mapped[bool] = mapped_column()


class AlertEventRow(Base):
    """One alerted change of one municipality's check (or site) in one run."""

    __tablename__ = "alert_events"
    __table_args__ = (
        CheckConstraint(_in_list("kind", ALERT_KINDS), name="kind"),
        UniqueConstraint(
            "run_id", "cve_inegi", "check_id", "kind", name="uq_alert_events_run_id_cve_inegi_check_id_kind"
        ),
        Index("ix_alert_events_cve_inegi_check_id", "cve_inegi", "check_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    cve_inegi: Mapped[str] = mapped_column(ForeignKey("municipalities.cve_inegi"))
    check_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    evidence_url: Mapped[str | None] = mapped_column(Text)
    evidence_text: Mapped[str | None] = mapped_column(Text)
    last_cumple_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxRow(Base):
    """One digest e-mail for one recipient for one run, waiting to be sent (or sent, or refused for good)."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(_in_list("status", OUTBOX_STATUSES), name="status"),
        UniqueConstraint("idempotency_key", name="uq_outbox_idempotency_key"),
        Index("ix_outbox_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # f"{run_id}:{recipient}": the same digest is never queued twice.
    idempotency_key: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(20), server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str | None] = mapped_column(String(255))
    # Set when a sender claims the row (status sending): when, and which "host:pid:token" (revision 0005).
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(255))


# Registered on Base.metadata here, so that every user of the models (migrations' check, create_all) sees them.
from storage import evidence_models, site_models  # noqa: E402, F401
