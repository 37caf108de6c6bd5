"""Evidence: archived WARC records, the runs' hash chain and auditors' reviews.

- archive_records: each WARC record a run wrote or revisited (URL, municipality, file, offset, SHA-256). Append-only.
- run_manifests: one tamper-evident manifest per complete run, chained by the previous manifest's hash.
- reviews: each auditor's confirmation or correction of a verdict (who, when, before, after, reason). Append-only.
- Data: new tables only; nothing existing changes. Downgrade drops them, but refuses while reviews or manifests are
  stored (human judgement and the chain cannot be rebuilt).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.errors import DatabaseError

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's values (see 0001): a revision must not change when the models do.
CAPTURE_KINDS = ("pagina", "documento", "ipomex", "captura")
RECORD_TYPES = ("response", "revisit", "resource")
REVIEW_ACTIONS = ("confirmar", "corregir")
REVIEW_STATUSES = ("cumple", "no_cumple", "indeterminado", "no_aplica")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _check(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    listed = ", ".join(repr(v) for v in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=op.f(f"ck_{table}_{column}"))


def _runs_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["runs.id"], name=op.f(f"fk_{table}_{column}_runs"))


def _archive_records() -> None:
    op.create_table(
        "archive_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("cve_inegi", sa.String(5), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(15), nullable=False),
        sa.Column("record_type", sa.String(10), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("warc_file", sa.String(300), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(150), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("captured_at", _timestamp(), nullable=False),
        sa.Column("refers_to", sa.Integer(), nullable=True),
        _check("archive_records", "kind", CAPTURE_KINDS),
        _check("archive_records", "record_type", RECORD_TYPES),
        _runs_fk("archive_records", "run_id"),
        sa.ForeignKeyConstraint(
            ["refers_to"], ["archive_records.id"], name=op.f("fk_archive_records_refers_to_archive_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_records")),
    )
    op.create_index("ix_archive_records_run_id_cve_inegi", "archive_records", ["run_id", "cve_inegi"])
    op.create_index("ix_archive_records_sha256", "archive_records", ["sha256"])
    op.create_index("ix_archive_records_cve_inegi_url", "archive_records", ["cve_inegi", "url"])


def _run_manifests() -> None:
    op.create_table(
        "run_manifests",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("previous_run_id", sa.Integer(), nullable=True),
        sa.Column("previous_hash", sa.String(64), nullable=True),
        sa.Column("results_digest", sa.String(64), nullable=False),
        sa.Column("records_digest", sa.String(64), nullable=False),
        sa.Column("manifest", sa.Text(), nullable=False),
        sa.Column("manifest_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        _runs_fk("run_manifests", "run_id"),
        _runs_fk("run_manifests", "previous_run_id"),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run_manifests")),
        sa.UniqueConstraint("manifest_hash", name=op.f("uq_run_manifests_manifest_hash")),
    )


def _reviews() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cve_inegi", sa.String(5), nullable=False),
        sa.Column("check_id", sa.String(100), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("status_before", sa.String(15), nullable=False),
        sa.Column("status_after", sa.String(15), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("auditor", sa.String(100), nullable=False),
        sa.Column("at", _timestamp(), nullable=False),
        sa.Column("evidence_digest", sa.String(64), nullable=True),
        _check("reviews", "action", REVIEW_ACTIONS),
        _check("reviews", "status_before", REVIEW_STATUSES),
        _check("reviews", "status_after", REVIEW_STATUSES),
        sa.CheckConstraint("length(trim(reason)) > 0", name=op.f("ck_reviews_reason")),
        _runs_fk("reviews", "run_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    op.create_index("ix_reviews_cve_inegi_check_id_at", "reviews", ["cve_inegi", "check_id", "at"])


def upgrade() -> None:
    """Create the three tables (no existing data changes)."""
    _archive_records()
    _run_manifests()
    _reviews()


def downgrade() -> None:
    """Drop the three tables, unless reviews or manifests are stored (refused: they cannot be rebuilt)."""
    bind = op.get_bind()
    kept = {
        table: bind.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() or 0
        for table in ("reviews", "run_manifests")
    }
    if any(kept.values()):
        raise DatabaseError(
            f"La base guarda {kept['reviews']} revisiones de auditores y {kept['run_manifests']} eslabones de la "
            "cadena de evidencia que la versión anterior no puede conservar; no se vuelve atrás."
        )
    for table in ("reviews", "run_manifests", "archive_records"):
        op.drop_table(table)
