"""Keep an IPOMEX fraction's verdict without reading it again, when the portal says it has not changed since.

A fraction's verdict depends only on what it shows (its newest fecha de actualización, or that it has no records) and
on the period due on the run date. So when the portal's list of obligations shows the same date the last run read,
and no publication deadline of the fraction's period passed since that run, reading it again would give the same
verdict: the previous result is carried forward with a note saying so. Near a deadline (when municipalities publish
and verdicts are about to change) every fraction is read again, whatever the list says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from checks.model import CheckResult, PriorRead
from checks.obligations import Obligation
from checks.update_rule import due_period, fmt, next_deadline

# Only a verdict on a page that was read can be kept; anything indeterminado is tried again.
DEFINITIVE = frozenset({"cumple", "no_cumple"})
NOTE = " Sin cambios desde la corrida {run} (leída el {day}): no se volvió a pedir."
_NOTE = re.compile(r" Sin cambios desde la corrida (\d+) \(leída el (\d{2})/(\d{2})/(\d{4})\): no se volvió a pedir\.$")


@dataclass(frozen=True)
class CarryRule:
    """When a fraction the portal lists as unchanged keeps its previous result instead of being read again."""

    grace_days: int
    run_date: date
    # Read everything again when a deadline of the fraction's period is fewer than this many days away.
    reread_days: int

    def carried(
        self, prior: PriorRead | None, obligation: Obligation, listed: date | None, source: str
    ) -> CheckResult | None:
        """The previous result with a note that it was not read again, or None when the fraction must be read.

        listed is the fraction's fecha de actualización as the portal's list shows it (None: no records)."""
        before = prior.result(obligation.id) if prior is not None else None
        if prior is None or before is None or not self._same_page(before, listed, source):
            return None
        if before.last_update is not None and before.last_update > prior.run_date:
            return None  # a date in the future of its own run is not trusted to stay put
        if not self._verdict_holds(obligation.update, prior.run_date):
            return None
        return replace(before, detail=with_note(before.detail, prior))

    @staticmethod
    def _same_page(before: CheckResult, listed: date | None, source: str) -> bool:
        """The previous verdict was read from a page showing what the list shows now."""
        if before.status not in DEFINITIVE or before.source != source or before.last_update != listed:
            return False
        return listed is not None or before.reason == "no_records"

    def _verdict_holds(self, period: str, since: date) -> bool:
        """No deadline passed between since and the run date, and none is near."""
        if since > self.run_date:
            return False
        if due_period(period, since, self.grace_days) != due_period(period, self.run_date, self.grace_days):
            return False
        return (next_deadline(period, self.run_date, self.grace_days) - self.run_date).days >= self.reread_days


def with_note(detail: str | None, prior: PriorRead) -> str:
    """The detail with the note naming the run that last read the fraction (kept from an earlier note)."""
    base, origin = split_note(detail or "")
    run, day = origin or (prior.run_id, prior.run_date)
    return base + NOTE.format(run=run, day=fmt(day))


def split_note(detail: str) -> tuple[str, tuple[int, date] | None]:
    """The detail without its carried-forward note, and the run and date that note names (None: no note)."""
    match = _NOTE.search(detail)
    if match is None:
        return detail, None
    run, day, month, year = (int(group) for group in match.groups())
    return detail[: match.start()], (run, date(year, month, day))
