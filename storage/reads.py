"""Results actually read in complete runs: the one query behind every comparison of nights.

A result takes part in history only when it was read (checks.reasons: an indeterminado that says the page or portal
gave no answer this night was not) and its run closed complete. The change log written when a run closes
(storage.compact.changes_statement), the alert rules (storage.alerts_store.check_observations), a municipality's
timeline (storage.history) and the dashboard's «desde» (storage.dashboard) all select from ReadResults, so a
result that was not read is never a change and never what a later one is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from checks.reasons import NOT_READ
from storage.models import CheckResultRow, ResultDetailRow, RunRow

# The run status whose results make history (partial and failed runs never do; a resuming run completes a night).
HISTORY_STATUS = "complete"


def read_clause(status: Any, reason: Any) -> ColumnElement[bool]:
    """SQL twin of checks.reasons.is_read over a result's status and its detail's reason."""
    return or_(status != "indeterminado", reason.is_(None), reason.not_in(sorted(NOT_READ)))


def _alias(table: Any) -> Any:
    return table.alias()


@dataclass(frozen=True)
class ReadResults:
    """check_results rows read in complete runs, joined to their run and detail; each instance has its own aliases
    (results, details, runs) so that a query can pick their columns and correlate two instances."""

    results: Any = field(default_factory=lambda: _alias(CheckResultRow.__table__))
    details: Any = field(default_factory=lambda: _alias(ResultDetailRow.__table__))
    runs: Any = field(default_factory=lambda: _alias(RunRow.__table__))

    def select(self, *columns: Any) -> Select[Any]:
        """SELECT columns FROM the read results (more joins and conditions may follow)."""
        r, d, runs = self.results, self.details, self.runs
        joined = r.join(runs, runs.c.id == r.c.run_id).join(d, d.c.id == r.c.detail_id)
        return (
            select(*columns)
            .select_from(joined)
            .where(runs.c.status == HISTORY_STATUS, read_clause(r.c.status, d.c.reason))
        )

    def same_check(self, other: Any) -> ColumnElement[bool]:
        """The row is of the same municipality and check as other (a check_results table or alias)."""
        return and_(self.results.c.cve_inegi == other.c.cve_inegi, self.results.c.check_key == other.c.check_key)

    def previous_run(self, current: Any, before_run: Any) -> Any:
        """Correlated with current: the newest run before before_run that read current's check; one walk back along
        the primary key (cve, check, run), stopping at the first row that was read."""
        r = self.results
        return (
            self.select(r.c.run_id)
            .where(self.same_check(current), r.c.run_id < before_run)
            .order_by(r.c.run_id.desc())
            .limit(1)
            .correlate(current)
            .scalar_subquery()
        )
