"""Alerts: leases, per-check alert state, alerted events, processed-run markers and the e-mail outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2026-05-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's values (see 0001): a revision must not change when the models do.
ALERT_STATE_CHECK = "state IN ('ok', 'regresion', 'caido')"
ALERT_KIND_CHECK = "kind IN ('regresion', 'recuperacion', 'sitio_caido', 'sitio_recuperado')"
OUTBOX_STATUS_CHECK = "status IN ('pending', 'sent', 'failed_permanent')"
TABLES = ("outbox", "alert_events", "alert_runs", "alert_state", "leases")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str = "runs", target_column: str = "id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.{target_column}"], name=op.f(f"fk_{table}_{column}_{target}"))


def _cve_fk(table: str) -> sa.ForeignKeyConstraint:
    return _fk(table, "cve_inegi", "municipalities", "cve_inegi")


def _create_leases() -> None:
    op.create_table(
        "leases",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("holder", sa.String(255), nullable=False),
        sa.Column("acquired_at", _timestamp(), nullable=False),
        sa.Column("expires_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )


def _create_alert_state() -> None:
    op.create_table(
        "alert_state",
        sa.Column("cve_inegi", sa.String(5), nullable=False),
        sa.Column("check_id", sa.String(100), nullable=False),
        sa.Column("state", sa.String(15), nullable=False),
        sa.Column("since_run_id", sa.Integer(), nullable=False),
        sa.Column("last_cumple_run_id", sa.Integer(), nullable=True),
        sa.Column("last_cumple_at", _timestamp(), nullable=True),
        sa.Column("updated_run_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cve_inegi", "check_id", name=op.f("pk_alert_state")),
        _cve_fk("alert_state"),
        _fk("alert_state", "since_run_id"),
        _fk("alert_state", "last_cumple_run_id"),
        _fk("alert_state", "updated_run_id"),
        sa.CheckConstraint(ALERT_STATE_CHECK, name=op.f("ck_alert_state_state")),
    )


def _create_alert_runs() -> None:
    op.create_table(
        "alert_runs",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("processed_at", _timestamp(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("mails", sa.Integer(), nullable=False),
        sa.Column("sites_down_held", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_alert_runs")),
        _fk("alert_runs", "run_id"),
    )


def _create_alert_events() -> None:
    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("cve_inegi", sa.String(5), nullable=False),
        sa.Column("check_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("evidence_url", sa.Text(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.Column("last_cumple_at", _timestamp(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_events")),
        _fk("alert_events", "run_id"),
        _cve_fk("alert_events"),
        sa.CheckConstraint(ALERT_KIND_CHECK, name=op.f("ck_alert_events_kind")),
        sa.UniqueConstraint(
            "run_id", "cve_inegi", "check_id", "kind", name=op.f("uq_alert_events_run_id_cve_inegi_check_id_kind")
        ),
    )
    op.create_index(op.f("ix_alert_events_cve_inegi_check_id"), "alert_events", ["cve_inegi", "check_id"])


def _create_outbox() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("recipient_name", sa.String(200), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.String(400), nullable=False),
        sa.Column("status", sa.String(20), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("sent_at", _timestamp(), nullable=True),
        sa.Column("message_id", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        _fk("outbox", "run_id"),
        sa.CheckConstraint(OUTBOX_STATUS_CHECK, name=op.f("ck_outbox_status")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    op.create_index(op.f("ix_outbox_status_id"), "outbox", ["status", "id"])


def upgrade() -> None:
    """Create the alert tables; nothing existing changes."""
    _create_leases()
    _create_alert_state()
    _create_alert_runs()
    _create_alert_events()
    _create_outbox()


def downgrade() -> None:
    """Back to 0002: drop the alert tables, children first (alert history and unsent mails are lost)."""
    op.drop_index(op.f("ix_outbox_status_id"), table_name="outbox")
    op.drop_index(op.f("ix_alert_events_cve_inegi_check_id"), table_name="alert_events")
    for table in TABLES:
        op.drop_table(table)
