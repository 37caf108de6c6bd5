"""When is an obligation up to date: the latest closed period whose publication deadline has passed must be reported.

Rule (pure, calendar periods, grace in natural days):
- Periods are calendar months, quarters (Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec), semesters (Jan–Jun, Jul–Dec) or years.
- A period's deadline is its last day + grace_days: the last day on which its update may still be published
  (30 Sep + 30 days = 30 Oct).
- The due period is the latest period whose deadline is strictly before run_date: on the deadline day itself the
  sujeto obligado still has the whole day to publish, so the previous period is the one demanded.
- cumple iff last_update >= the due period's last day. An update dated on the closing day itself counts: dates
  have no time of day and an accusation (no_cumple) must not rest on a same-day ambiguity.
- No last_update: no_cumple ("sin fecha de actualización"); callers decide whether that case is judgeable at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from core.clock import people_date

UpdateStatus = Literal["cumple", "no_cumple"]
MONTHS_PER_PERIOD = {"mensual": 1, "trimestral": 3, "semestral": 6, "anual": 12}
_NAMES = {"mensual": "mes", "trimestral": "trimestre", "semestral": "semestre", "anual": "año"}


@dataclass(frozen=True)
class UpdateAssessment:
    """The verdict on one obligation's last update, with the period that was due and its deadline."""

    status: UpdateStatus
    due_period_end: date
    deadline: date
    detail: str
    due_period_start: date


def fmt(day: date) -> str:
    """A date as Mexico writes it: dd/mm/aaaa."""
    return people_date(day)


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """First and last day of the calendar period (per `period`) that contains day."""
    months = MONTHS_PER_PERIOD[period]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    after = first_month + months
    following = date(day.year + 1, 1, 1) if after > 12 else date(day.year, after, 1)
    return start, following - timedelta(days=1)


def due_period(period: str, run_date: date, grace_days: int) -> tuple[date, date]:
    """The latest period whose deadline (last day + grace_days) is strictly before run_date."""
    if period not in MONTHS_PER_PERIOD:
        raise ValueError(f"periodo desconocido: {period!r} (admitidos: {', '.join(MONTHS_PER_PERIOD)})")
    if grace_days < 0:
        raise ValueError("grace_days must be >= 0")
    start, end = period_bounds(period, run_date)
    while end + timedelta(days=grace_days) >= run_date:
        start, end = period_bounds(period, start - timedelta(days=1))
    return start, end


def next_deadline(period: str, run_date: date, grace_days: int) -> date:
    """The deadline of the period after the one due on run_date: the last day before the due period changes."""
    _, end = due_period(period, run_date, grace_days)
    _, following = period_bounds(period, end + timedelta(days=1))
    return following + timedelta(days=grace_days)


def assess_update(period: str, last_update: date | None, run_date: date, grace_days: int) -> UpdateAssessment:
    """Judge whether last_update covers the period that had to be published by run_date."""
    start, end = due_period(period, run_date, grace_days)
    deadline = end + timedelta(days=grace_days)
    due = f"{_NAMES[period]} del {fmt(start)} al {fmt(end)} (plazo de publicación: hasta el {fmt(deadline)})"
    if last_update is None:
        detail = f"Sin fecha de actualización: no consta que se haya publicado el {due}."
        return UpdateAssessment("no_cumple", end, deadline, detail, start)
    if last_update < end:
        detail = f"Última actualización el {fmt(last_update)}, anterior al cierre del {due}."
        return UpdateAssessment("no_cumple", end, deadline, detail, start)
    future = " (fecha posterior a la revisión)" if last_update > run_date else ""
    detail = f"Última actualización el {fmt(last_update)}{future}: cubre el {due}."
    return UpdateAssessment("cumple", end, deadline, detail, start)
