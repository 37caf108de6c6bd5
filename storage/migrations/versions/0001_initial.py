"""Initial schema: municipalities, runs, site outcomes, pages and check results.

Revision ID: 0001
Revises:
Create Date: 2025-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's values: a revision must not change when the models do. op.f() marks names as
# final so that the target metadata's naming convention is not applied to them a second time.
RUN_STATUS_CHECK = "status IN ('running', 'complete', 'partial', 'failed')"
RESULT_STATUS_CHECK = "status IN ('cumple', 'no_cumple', 'indeterminado')"


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _cve_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["cve_inegi"], ["municipalities.cve_inegi"], name=op.f(f"fk_{table}_cve_inegi_municipalities")
    )


def _run_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f(f"fk_{table}_run_id_runs"))


def _create_municipalities() -> None:
    op.create_table(
        "municipalities",
        sa.Column("cve_inegi", sa.String(5), nullable=False),
        sa.Column("nombre", sa.String(200), nullable=False),
        sa.Column("cabecera", sa.String(200), nullable=False),
        sa.Column("poblacion_2020", sa.Integer(), nullable=False),
        sa.Column("conapo_im_2020", sa.Float(), nullable=True),
        sa.Column("conapo_gm_2020", sa.String(20), nullable=True),
        sa.Column("region", sa.String(100), nullable=True),
        sa.Column("sitio_web", sa.Text(), nullable=True),
        sa.Column("sitio_estado", sa.String(20), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("cve_inegi", name=op.f("pk_municipalities")),
    )


def _create_runs() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("started_at", _timestamp(), nullable=False),
        sa.Column("finished_at", _timestamp(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("sites_planned", sa.Integer(), nullable=False),
        sa.Column("sites_done", sa.Integer(), nullable=False),
        sa.Column("pages_ok", sa.Integer(), nullable=False),
        sa.Column("pages_failed", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("hostname", sa.String(255), nullable=True),
        sa.Column("params", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
        sa.CheckConstraint(RUN_STATUS_CHECK, name=op.f("ck_runs_status")),
    )
    op.create_index(op.f("ix_runs_status_started_at"), "runs", ["status", "started_at"])
    op.create_index(op.f("ix_runs_started_at"), "runs", ["started_at"])


def _create_site_outcomes() -> None:
    op.create_table(
        "site_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("cve_inegi", sa.String(5), nullable=True),
        sa.Column("start_url", sa.Text(), nullable=True),
        sa.Column("home_url", sa.Text(), nullable=True),
        sa.Column("failure", sa.String(50), nullable=True),
        sa.Column("failure_detail", sa.Text(), nullable=True),
        sa.Column("pages_ok", sa.Integer(), nullable=False),
        sa.Column("pages_failed", sa.Integer(), nullable=False),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("https_valid", sa.Boolean(), nullable=True),
        sa.Column("https_error", sa.Text(), nullable=True),
        sa.Column("http_redirects_to_https", sa.Boolean(), nullable=True),
        sa.Column("network_suspect", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_outcomes")),
        _run_fk("site_outcomes"),
        _cve_fk("site_outcomes"),
        sa.UniqueConstraint("run_id", "cve_inegi", name=op.f("uq_site_outcomes_run_id_cve_inegi")),
    )
    op.create_index(op.f("ix_site_outcomes_cve_inegi_run_id"), "site_outcomes", ["cve_inegi", "run_id"])


def _create_pages() -> None:
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("cve_inegi", sa.String(5), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(128), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(50), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
        _run_fk("pages"),
        _cve_fk("pages"),
    )
    op.create_index(op.f("ix_pages_run_id_cve_inegi"), "pages", ["run_id", "cve_inegi"])


def _create_check_results() -> None:
    op.create_table(
        "check_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("cve_inegi", sa.String(5), nullable=True),
        sa.Column("check_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(15), nullable=False),
        sa.Column("reason", sa.String(50), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("evidence_url", sa.Text(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_results")),
        _run_fk("check_results"),
        _cve_fk("check_results"),
        sa.CheckConstraint(RESULT_STATUS_CHECK, name=op.f("ck_check_results_status")),
    )
    op.create_index(op.f("ix_check_results_cve_check_run"), "check_results", ["cve_inegi", "check_id", "run_id"])
    op.create_index(op.f("ix_check_results_run_cve"), "check_results", ["run_id", "cve_inegi"])


def upgrade() -> None:
    """Create every table and index of the first schema."""
    _create_municipalities()
    _create_runs()
    _create_site_outcomes()
    _create_pages()
    _create_check_results()


def downgrade() -> None:
    """Drop everything, children first."""
    for table in ("check_results", "pages", "site_outcomes", "runs", "municipalities"):
        op.drop_table(table)
