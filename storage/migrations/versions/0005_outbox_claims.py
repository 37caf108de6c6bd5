"""Outbox claims: a row is claimed (`sending`) before SMTP and may end `incierto` if its sender died mid-send.

Revision ID: 0005
Revises: 0004
Create Date: 2026-06-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's values (see 0001): a revision must not change when the models do.
OLD_STATUS_CHECK = "status IN ('pending', 'sent', 'failed_permanent')"
NEW_STATUS_CHECK = "status IN ('pending', 'sending', 'sent', 'failed_permanent', 'incierto')"
CHECK_NAME = "ck_outbox_status"


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _outbox(status_check: str, claims: bool) -> sa.Table:
    """The outbox as it stands before (claims=False) or after this revision, for SQLite's table rebuild."""
    claim_columns: list[sa.schema.SchemaItem] = (
        [sa.Column("claimed_at", _timestamp(), nullable=True), sa.Column("claimed_by", sa.String(255), nullable=True)]
        if claims
        else []
    )
    return sa.Table(
        "outbox",
        sa.MetaData(),
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
        *claim_columns,
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_outbox_run_id_runs"),
        sa.CheckConstraint(status_check, name=CHECK_NAME),
        sa.UniqueConstraint("idempotency_key", name="uq_outbox_idempotency_key"),
        sa.Index("ix_outbox_status_id", "status", "id"),
    )


def upgrade() -> None:
    """Widen the status constraint and add who claimed a row and when; existing rows keep their status."""
    with op.batch_alter_table("outbox", copy_from=_outbox(OLD_STATUS_CHECK, claims=False)) as batch:
        batch.drop_constraint(op.f(CHECK_NAME), type_="check")
        batch.create_check_constraint(op.f(CHECK_NAME), sa.text(NEW_STATUS_CHECK))
        batch.add_column(sa.Column("claimed_at", _timestamp(), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(255), nullable=True))


def downgrade() -> None:
    """Back to 0004: claimed and uncertain rows are held as failed_permanent, since 0004 would resend pending ones."""
    # The server may already have these mails: holding them is safer than a duplicate accusation.
    op.execute(
        sa.text(
            "UPDATE outbox SET status = 'failed_permanent', last_error = 'Estado incierto al volver a la versión 0004: "
            "el servidor pudo haberlo recibido; reenvíelo a mano si no llegó.' WHERE status IN ('sending', 'incierto')"
        )
    )
    with op.batch_alter_table("outbox", copy_from=_outbox(NEW_STATUS_CHECK, claims=True)) as batch:
        batch.drop_column("claimed_by")
        batch.drop_column("claimed_at")
        batch.drop_constraint(op.f(CHECK_NAME), type_="check")
        batch.create_check_constraint(op.f(CHECK_NAME), sa.text(OLD_STATUS_CHECK))
