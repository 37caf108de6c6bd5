"""A fraction the portal lists as unchanged keeps its verdict only while reading it again could not change it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from checks.ipomex_carry import CarryRule, split_note, with_note
from checks.ipomex_eval import evaluate_capture
from checks.ipomex_model import FractionPage, FractionRecord, IpomexCapture
from checks.model import CheckResult, Evidence, PriorRead
from checks.obligations import load_obligations
from checks.update_rule import next_deadline

CATALOGUE = load_obligations()
OBLIGATION = CATALOGUE.get("ipomex.92.i")
RUN_DATE = date(2026, 11, 24)  # due: the quarter Jul–Sep (deadline 30/10); the next deadline is 30/01/2027
UPDATED = date(2026, 10, 12)
READ = CheckResult(
    OBLIGATION.id,
    "cumple",
    Evidence("http://x/#/obligaciones/1/a1", "Última actualización 12/10/2026 (2 registros)"),
    None,
    "Última actualización el 12/10/2026: cubre el trimestre del 01/07/2026 al 30/09/2026.",
    "ipomex4",
    CATALOGUE.key,
    UPDATED,
)


def prior(result: CheckResult = READ, run_id: int = 5, run_date: date = date(2026, 11, 23)) -> PriorRead:
    return PriorRead(run_id, run_date, {result.check_id: result})


def rule(run_date: date = RUN_DATE, reread_days: int = 3) -> CarryRule:
    return CarryRule(CATALOGUE.grace_days, run_date, reread_days)


def test_next_deadline_is_the_last_day_before_the_due_period_changes() -> None:
    assert next_deadline("trimestral", RUN_DATE, 30) == date(2027, 1, 30)
    assert next_deadline("mensual", RUN_DATE, 30) == date(2026, 11, 30)
    assert next_deadline("anual", RUN_DATE, 30) == date(2027, 1, 30)


def test_an_unchanged_fraction_keeps_its_verdict_with_a_note_naming_the_run_that_read_it() -> None:
    kept = rule().carried(prior(), OBLIGATION, UPDATED, "ipomex4")
    assert kept is not None
    assert (kept.status, kept.reason, kept.evidence, kept.last_update, kept.source) == (
        "cumple",
        None,
        READ.evidence,
        UPDATED,
        "ipomex4",
    )
    assert kept.detail == f"{READ.detail} Sin cambios desde la corrida 5 (leída el 23/11/2026): no se volvió a pedir."


def test_a_kept_result_kept_again_still_names_the_run_that_actually_read_it() -> None:
    first = rule().carried(prior(), OBLIGATION, UPDATED, "ipomex4")
    assert first is not None
    again = rule(date(2026, 11, 25)).carried(prior(first, 6, RUN_DATE), OBLIGATION, UPDATED, "ipomex4")
    assert again is not None and again.detail == first.detail
    assert split_note(again.detail or "") == (READ.detail, (5, date(2026, 11, 23)))


@pytest.mark.parametrize(
    ("before", "listed", "why"),
    [
        (READ, date(2026, 10, 20), "the portal shows a newer update"),
        (READ, None, "the records are gone"),
        (replace(READ, status="indeterminado", reason="page_error"), UPDATED, "never read"),
        (replace(READ, source="ipomex3"), UPDATED, "another generation's page"),
        (replace(READ, last_update=date(2026, 11, 30)), date(2026, 11, 30), "a date after its own run"),
        (replace(READ, status="no_cumple", reason="no_records", last_update=None), date(2026, 11, 1), "now has one"),
    ],
)
def test_a_fraction_is_read_again_when_its_page_may_differ(before: CheckResult, listed: date | None, why: str) -> None:
    assert rule().carried(prior(before), OBLIGATION, listed, "ipomex4") is None, why


def test_a_fraction_without_records_is_kept_while_the_list_still_shows_no_date() -> None:
    empty = replace(READ, status="no_cumple", reason="no_records", last_update=None, detail="Sin registros.")
    kept = rule().carried(prior(empty), OBLIGATION, None, "ipomex4")
    assert kept is not None and (kept.status, kept.reason) == ("no_cumple", "no_records")
    assert rule().carried(prior(), OBLIGATION, None, "ipomex4") is None  # a dated page cannot become undated silently


def test_a_deadline_passed_since_the_last_read_or_near_means_reading_again() -> None:
    # Read on 30/10 (the quarter due was Apr–Jun); on 24/11 Jul–Sep is due: the same page may now fail.
    assert rule().carried(prior(run_date=date(2026, 10, 30)), OBLIGATION, UPDATED, "ipomex4") is None
    near = date(2027, 1, 28)  # two days before the deadline of Oct–Dec
    assert rule(near).carried(prior(run_date=date(2027, 1, 27)), OBLIGATION, UPDATED, "ipomex4") is None
    assert rule(near, reread_days=2).carried(prior(run_date=date(2027, 1, 27)), OBLIGATION, UPDATED, "ipomex4")
    assert rule().carried(prior(run_date=date(2026, 11, 25)), OBLIGATION, UPDATED, "ipomex4") is None  # the future
    assert rule().carried(None, OBLIGATION, UPDATED, "ipomex4") is None


def test_kept_results_are_the_verdicts_a_full_read_gives() -> None:
    records = (FractionRecord(fecha_actualizacion=UPDATED), FractionRecord(fecha_actualizacion=date(2026, 7, 1)))
    page = FractionPage("92", "I", "http://x/#/obligaciones/1/a1", "records", records)
    capture = IpomexCapture("15001", "ipomex4", "u", datetime.now(UTC), fractions=[page])
    full = {r.check_id: r for r in evaluate_capture(capture, CATALOGUE, date(2026, 11, 23))}
    kept = rule().carried(prior(full[OBLIGATION.id]), OBLIGATION, UPDATED, "ipomex4")
    again = {r.check_id: r for r in evaluate_capture(capture, CATALOGUE, RUN_DATE)}
    assert kept is not None and (kept.status, kept.reason, kept.evidence) == (
        again[OBLIGATION.id].status,
        again[OBLIGATION.id].reason,
        again[OBLIGATION.id].evidence,
    )
    assert split_note(kept.detail or "")[0] == again[OBLIGATION.id].detail
    carried = IpomexCapture("15001", "ipomex4", "u", datetime.now(UTC), carried={OBLIGATION.id: kept})
    assert {r.check_id: r for r in evaluate_capture(carried, CATALOGUE, RUN_DATE)}[OBLIGATION.id] == kept


def test_a_note_is_parsed_back_and_a_detail_without_one_is_left_alone() -> None:
    noted = with_note("Texto.", prior(run_id=12, run_date=date(2026, 1, 2)))
    assert split_note(noted) == ("Texto.", (12, date(2026, 1, 2)))
    assert split_note("Texto.") == ("Texto.", None)
