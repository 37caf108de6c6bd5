"""Scores stored per run: run_scores (municipality × area per run) and scored_runs (the catalogue version used).

Data: every run already closed complete or partial is scored here from its stored results with the catalogue
current at upgrade time (config/checks.yaml, through checks.scoring), and recorded with that catalogue's version;
failed runs are not scored, as finish_run does not score them. Downgrade drops both tables (results are untouched).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from alembic import op

from checks.catalogue import load_catalogue
from checks.model import CheckResult, Status
from checks.scoring import all_scores

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the tables this revision reads and writes (see 0001): a revision must not change with the models.
_runs = sa.table("runs", sa.column("id", sa.Integer()), sa.column("status", sa.String()))
_keys = sa.table(
    "check_keys", sa.column("id", sa.Integer()), sa.column("check_id", sa.String()), sa.column("source", sa.String())
)
_results = sa.table(
    "check_results",
    sa.column("cve_inegi", sa.String()),
    sa.column("check_key", sa.Integer()),
    sa.column("run_id", sa.Integer()),
    sa.column("status", sa.String()),
)
_outcomes = sa.table("site_outcomes", sa.column("run_id", sa.Integer()), sa.column("cve_inegi", sa.String()))
SCORE_COLUMNS = ("cve_inegi", "run_id", "area", "score", "cumple", "no_cumple", "indeterminado", "no_aplica")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the two tables, then score every complete or partial run with the current catalogue."""
    scored = op.create_table(
        "scored_runs",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("catalogue_version", sa.String(40), nullable=False),
        sa.Column("scored_at", _timestamp(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_scored_runs_run_id_runs")),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_scored_runs")),
    )
    scores = op.create_table(
        "run_scores",
        sa.Column("cve_inegi", sa.String(5), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(10), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in SCORE_COLUMNS[4:]),
        sa.ForeignKeyConstraint(
            ["cve_inegi"], ["municipalities.cve_inegi"], name=op.f("fk_run_scores_cve_inegi_municipalities")
        ),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_run_scores_run_id_runs")),
        sa.PrimaryKeyConstraint("cve_inegi", "run_id", "area", name=op.f("pk_run_scores")),
        sqlite_with_rowid=False,
    )
    assert scored is not None and scores is not None
    _score_existing_runs(op.get_bind(), scored, scores)


def _score_existing_runs(conn: sa.Connection, scored: sa.Table, scores: sa.Table) -> None:
    finished = sa.select(_runs.c.id).where(_runs.c.status.in_(("complete", "partial"))).order_by(_runs.c.id)
    run_ids = list(conn.scalars(finished))
    if not run_ids:
        return  # A new or never-closed database needs no catalogue (a broken one is reported by its own command).
    catalogue = load_catalogue()
    names = {key: (check_id, source) for key, check_id, source in conn.execute(sa.select(_keys))}
    # As models.UTCDateTime stores it: SQLite keeps no offset.
    now = datetime.now(UTC)
    now = now.replace(tzinfo=None) if conn.dialect.name == "sqlite" else now
    for run_id in run_ids:
        results = _results_of(conn, run_id, names)
        outcomes = sa.select(_outcomes.c.cve_inegi).where(
            _outcomes.c.run_id == run_id, _outcomes.c.cve_inegi.is_not(None)
        )
        cves = sorted(set(results) | set(conn.scalars(outcomes)))
        rows = [
            _row(run_id, cve, area, score)
            for cve in cves
            for area, score in all_scores(results[cve], catalogue).items()
        ]
        if rows:
            conn.execute(scores.insert(), rows)
        conn.execute(scored.insert().values(run_id=run_id, catalogue_version=catalogue.version, scored_at=now))


def _results_of(
    conn: sa.Connection, run_id: int, names: dict[int, tuple[str, str]]
) -> defaultdict[str, list[CheckResult]]:
    results: defaultdict[str, list[CheckResult]] = defaultdict(list)
    query = sa.select(_results.c.cve_inegi, _results.c.check_key, _results.c.status).where(_results.c.run_id == run_id)
    for cve, key, status in conn.execute(query):
        results[cve].append(CheckResult(names[key][0], cast(Status, status), source=names[key][1]))
    return results


def _row(run_id: int, cve: str, area: str, score: Any) -> dict[str, Any]:
    counts = (score.score, score.cumple, score.no_cumple, score.indeterminado, score.no_aplica)
    return dict(zip(SCORE_COLUMNS, (cve, run_id, area, *counts), strict=True))


def downgrade() -> None:
    """Back to 0005: the stored scores go; readers of 0005 recompute them from the results."""
    op.drop_table("run_scores")
    op.drop_table("scored_runs")
