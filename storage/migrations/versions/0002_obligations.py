"""Transparency obligations: result source, law and last update; no_aplica; rendered pages; IPOMEX captures.

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-18
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's values (see 0001): a revision must not change when the models do.
OLD_RESULT_STATUS_CHECK = "status IN ('cumple', 'no_cumple', 'indeterminado')"
RESULT_STATUS_CHECK = "status IN ('cumple', 'no_cumple', 'indeterminado', 'no_aplica')"
STATUS_CHECK_NAME = "ck_check_results_status"


def _recreate() -> Literal["auto", "always"]:
    # SQLite gets a rebuilt table so that its stored DDL equals a fresh create_all; other databases ALTER in place.
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def _create_ipomex_captures() -> None:
    op.create_table(
        "ipomex_captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("cve_inegi", sa.String(5), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("index_url", sa.Text(), nullable=True),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failure", sa.String(50), nullable=True),
        sa.Column("failure_detail", sa.Text(), nullable=True),
        sa.Column("fractions_read", sa.Integer(), nullable=False),
        sa.Column("browser_pages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ipomex_captures")),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_ipomex_captures_run_id_runs")),
        sa.ForeignKeyConstraint(
            ["cve_inegi"], ["municipalities.cve_inegi"], name=op.f("fk_ipomex_captures_cve_inegi_municipalities")
        ),
        sa.UniqueConstraint("run_id", "cve_inegi", "source", name=op.f("uq_ipomex_captures_run_id_cve_inegi_source")),
    )
    op.create_index(op.f("ix_ipomex_captures_cve_inegi_run_id"), "ipomex_captures", ["cve_inegi", "run_id"])


def upgrade() -> None:
    """Add the obligation columns, admit no_aplica, flag rendered pages and create ipomex_captures."""
    with op.batch_alter_table("check_results", recreate=_recreate()) as batch:
        # Every existing result came from a site crawl: the server default labels them "sitio".
        batch.add_column(sa.Column("source", sa.String(20), server_default="sitio", nullable=False))
        batch.add_column(sa.Column("law", sa.String(100), nullable=True))
        batch.add_column(sa.Column("last_update", sa.Date(), nullable=True))
        batch.drop_constraint(op.f(STATUS_CHECK_NAME), type_="check")
        batch.create_check_constraint(op.f(STATUS_CHECK_NAME), RESULT_STATUS_CHECK)
    with op.batch_alter_table("pages", recreate=_recreate()) as batch:
        batch.add_column(sa.Column("rendered", sa.Boolean(), server_default=sa.false(), nullable=False))
    _create_ipomex_captures()


def downgrade() -> None:
    """Back to 0001; obligation results cannot be represented there (no source, no no_aplica) and are deleted."""
    op.drop_index(op.f("ix_ipomex_captures_cve_inegi_run_id"), table_name="ipomex_captures")
    op.drop_table("ipomex_captures")
    with op.batch_alter_table("pages", recreate=_recreate()) as batch:
        batch.drop_column("rendered")
    op.execute(sa.text("DELETE FROM check_results WHERE source != 'sitio' OR status = 'no_aplica'"))
    with op.batch_alter_table("check_results", recreate=_recreate()) as batch:
        batch.drop_constraint(op.f(STATUS_CHECK_NAME), type_="check")
        batch.create_check_constraint(op.f(STATUS_CHECK_NAME), OLD_RESULT_STATUS_CHECK)
        batch.drop_column("last_update")
        batch.drop_column("law")
        batch.drop_column("source")
