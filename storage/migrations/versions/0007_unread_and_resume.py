"""What a run did not read, resumed runs, and a change log of results actually read.

- runs.resumes_run_id: the partial run a run completes (`vigia rastrear --reanudar`).
- unread_stages: per run, each municipality's stage (sitio, ipomex) that was not read definitively, its reason code
  and Spanish detail (until now only the run's error text said it). Append-only.
- carried_stages: per resuming run, each municipality's stage it copied from the partial run that read it.
- Data: result_changes is rebuilt so that a result that was not read (an indeterminado whose reason says the page
  or portal gave no answer this night: checks.reasons.NOT_READ, frozen below) is never a change nor the result a
  later one is compared with. Downgrade drops the three additions and rebuilds the log as 0004 wrote it.

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-15
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's values (see 0001): a revision must not change when the models or the rules do.
RUN_STATUS_CHECK = "status IN ('running', 'complete', 'partial', 'failed')"
NOT_READ = (
    "crawl_incomplete",
    "sitio_sin_tiempo",
    "ipomex_sin_tiempo",
    "interrupted",
    "sin_reporte",
    "sin_red",
    "network_suspect",
    "crawl_crashed",
    "no_browser",
    "error",
    "timeout",
    "connect",
    "dns",
    "data_loss",
    "page_error",
    "tls_unchecked",
    "rate_limited",
)
CHANGES = (
    "INSERT INTO result_changes (run_id, cve_inegi, check_key, previous_run_id, previous_status, status, detail_id) "
    "SELECT run_id, cve_inegi, check_key, previous_run_id, previous_status, status, detail_id FROM ("
    "SELECT r.run_id, r.cve_inegi, r.check_key, r.status, r.detail_id, "
    "lag(r.run_id) OVER (PARTITION BY r.cve_inegi, r.check_key ORDER BY r.run_id) AS previous_run_id, "
    "lag(r.status) OVER (PARTITION BY r.cve_inegi, r.check_key ORDER BY r.run_id) AS previous_status "
    "FROM check_results r JOIN runs ON runs.id = r.run_id {join}WHERE runs.status = 'complete'{read}) ranked "
    "WHERE previous_status IS NOT NULL AND previous_status != status"
)
READ_JOIN = "JOIN result_details d ON d.id = r.detail_id "
READ = " AND (r.status != 'indeterminado' OR d.reason IS NULL OR d.reason NOT IN ({}))".format(
    ", ".join(f"'{reason}'" for reason in NOT_READ)
)


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _runs() -> sa.Table:
    """The runs table as 0001 created it, for SQLite's table rebuild."""
    return sa.Table(
        "runs",
        sa.MetaData(),
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
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        sa.CheckConstraint(RUN_STATUS_CHECK, name="ck_runs_status"),
        sa.Index("ix_runs_status_started_at", "status", "started_at"),
        sa.Index("ix_runs_started_at", "started_at"),
    )


def _fk(table: str, column: str, target: str = "runs", target_column: str = "id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.{target_column}"], name=op.f(f"fk_{table}_{column}_{target}"))


def _stage_table(name: str, *extra: sa.Column[str] | sa.Column[int]) -> None:
    """A (run, municipality, stage) table with its foreign keys."""
    foreign = [_fk(name, c.name) for c in extra if c.name.endswith("run_id")]
    op.create_table(
        name,
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("cve_inegi", sa.String(5), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        *extra,
        _fk(name, "run_id"),
        _fk(name, "cve_inegi", "municipalities", "cve_inegi"),
        *foreign,
        sa.PrimaryKeyConstraint("run_id", "cve_inegi", "stage", name=op.f(f"pk_{name}")),
    )


def upgrade() -> None:
    """Add the resume link and the two tables, then rebuild the change log over results actually read."""
    with op.batch_alter_table("runs", copy_from=_runs()) as batch:
        batch.add_column(sa.Column("resumes_run_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_runs_resumes_run_id_runs"), "runs", ["resumes_run_id"], ["id"])
    _stage_table(
        "unread_stages",
        sa.Column("reason", sa.String(50), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    _stage_table("carried_stages", sa.Column("from_run_id", sa.Integer(), nullable=False))
    _rebuild_changes(READ_JOIN, READ)


def _rebuild_changes(join: str, read: str) -> None:
    op.execute(sa.text("DELETE FROM result_changes"))
    op.execute(sa.text(CHANGES.format(join=join, read=read)))


def downgrade() -> None:
    """Back to 0006: the unread lists and carry marks go (a resuming run stays a complete run with its results),
    and the change log compares consecutive complete runs whatever was read, as 0004 wrote it."""
    op.drop_table("carried_stages")
    op.drop_table("unread_stages")
    runs = _runs()
    runs.append_column(sa.Column("resumes_run_id", sa.Integer(), nullable=True))
    runs.append_constraint(sa.ForeignKeyConstraint(["resumes_run_id"], ["runs.id"], name="fk_runs_resumes_run_id_runs"))
    with op.batch_alter_table("runs", copy_from=runs) as batch:
        batch.drop_constraint(op.f("fk_runs_resumes_run_id_runs"), type_="foreignkey")
        batch.drop_column("resumes_run_id")
    _rebuild_changes("", "")
