"""The update rule: which period is due on a run date, and whether the last update covers it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from checks.update_rule import assess_update, due_period, period_bounds


def d(text: str) -> date:
    """A date written dd/mm/aaaa."""
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


# period, grace, run date, due period (start, end), deadline
DUE = [
    # The deadline day itself still belongs to the sujeto obligado: Q3 is demanded from 31 Oct, not 30 Oct.
    ("trimestral", 30, "30/10/2026", "01/04/2026", "30/06/2026", "30/07/2026"),
    ("trimestral", 30, "31/10/2026", "01/07/2026", "30/09/2026", "30/10/2026"),
    ("trimestral", 30, "01/01/2027", "01/07/2026", "30/09/2026", "30/10/2026"),
    ("trimestral", 30, "30/01/2027", "01/07/2026", "30/09/2026", "30/10/2026"),
    ("trimestral", 30, "31/01/2027", "01/10/2026", "31/12/2026", "30/01/2027"),
    ("trimestral", 30, "01/05/2028", "01/01/2028", "31/03/2028", "30/04/2028"),
    ("trimestral", 0, "30/09/2026", "01/04/2026", "30/06/2026", "30/06/2026"),
    ("trimestral", 0, "01/10/2026", "01/07/2026", "30/09/2026", "30/09/2026"),
    # Leap years and the end of February.
    ("mensual", 0, "29/02/2028", "01/01/2028", "31/01/2028", "31/01/2028"),
    ("mensual", 0, "01/03/2028", "01/02/2028", "29/02/2028", "29/02/2028"),
    ("mensual", 0, "01/03/2027", "01/02/2027", "28/02/2027", "28/02/2027"),
    ("mensual", 30, "30/03/2028", "01/01/2028", "31/01/2028", "01/03/2028"),
    ("mensual", 30, "31/03/2028", "01/02/2028", "29/02/2028", "30/03/2028"),
    ("mensual", 30, "31/03/2027", "01/02/2027", "28/02/2027", "30/03/2027"),
    ("mensual", 30, "01/01/2027", "01/11/2026", "30/11/2026", "30/12/2026"),
    ("semestral", 30, "30/07/2026", "01/07/2025", "31/12/2025", "30/01/2026"),
    ("semestral", 30, "31/07/2026", "01/01/2026", "30/06/2026", "30/07/2026"),
    ("anual", 30, "30/01/2027", "01/01/2025", "31/12/2025", "30/01/2026"),
    ("anual", 30, "31/01/2027", "01/01/2026", "31/12/2026", "30/01/2027"),
    ("anual", 400, "05/02/2027", "01/01/2025", "31/12/2025", "04/02/2027"),
    ("anual", 400, "04/02/2027", "01/01/2024", "31/12/2024", "04/02/2026"),
]


@pytest.mark.parametrize(("period", "grace", "run", "start", "end", "deadline"), DUE)
def test_due_period(period: str, grace: int, run: str, start: str, end: str, deadline: str) -> None:
    assert due_period(period, d(run), grace) == (d(start), d(end))
    verdict = assess_update(period, d(end), d(run), grace)
    assert (verdict.due_period_start, verdict.due_period_end, verdict.deadline) == (d(start), d(end), d(deadline))


# period, grace, last update, run date, status
VERDICTS = [
    ("trimestral", 30, "01/07/2026", "30/10/2026", "cumple"),  # Q2 is the one due on the deadline day of Q3.
    ("trimestral", 30, "30/06/2026", "30/10/2026", "cumple"),  # An update on the closing day itself counts.
    ("trimestral", 30, "29/06/2026", "30/10/2026", "no_cumple"),
    ("trimestral", 30, "01/07/2026", "31/10/2026", "no_cumple"),
    ("trimestral", 30, "29/09/2026", "31/10/2026", "no_cumple"),
    ("trimestral", 30, "30/09/2026", "31/10/2026", "cumple"),
    ("trimestral", 30, "15/10/2026", "31/10/2026", "cumple"),
    ("trimestral", 30, "15/10/2026", "01/01/2027", "cumple"),
    ("trimestral", 30, "15/10/2026", "31/01/2027", "no_cumple"),
    ("mensual", 30, "28/02/2028", "31/03/2028", "no_cumple"),
    ("mensual", 30, "29/02/2028", "31/03/2028", "cumple"),
    ("mensual", 30, "28/02/2027", "31/03/2027", "cumple"),
    ("semestral", 30, "20/07/2026", "31/07/2026", "cumple"),
    ("semestral", 30, "29/06/2026", "31/07/2026", "no_cumple"),
    ("anual", 30, "31/12/2025", "30/01/2027", "cumple"),
    ("anual", 30, "31/12/2025", "31/01/2027", "no_cumple"),
    ("anual", 30, "02/01/2027", "31/01/2027", "cumple"),
]


@pytest.mark.parametrize(("period", "grace", "last", "run", "status"), VERDICTS)
def test_verdicts(period: str, grace: int, last: str, run: str, status: str) -> None:
    verdict = assess_update(period, d(last), d(run), grace)
    assert verdict.status == status
    assert f"Última actualización el {last}" in verdict.detail
    assert verdict.detail.endswith(".")


def test_stale_detail_names_the_period_and_deadline_in_mexican_dates() -> None:
    verdict = assess_update("trimestral", d("12/05/2026"), d("31/10/2026"), 30)
    assert verdict.detail == (
        "Última actualización el 12/05/2026, anterior al cierre del trimestre del 01/07/2026 al 30/09/2026 "
        "(plazo de publicación: hasta el 30/10/2026)."
    )


def test_cumple_detail() -> None:
    verdict = assess_update("anual", d("05/01/2026"), d("31/01/2026"), 30)
    assert verdict.detail == (
        "Última actualización el 05/01/2026: cubre el año del 01/01/2025 al 31/12/2025 "
        "(plazo de publicación: hasta el 30/01/2026)."
    )


def test_without_a_date_it_does_not_comply() -> None:
    verdict = assess_update("trimestral", None, d("31/10/2026"), 30)
    assert verdict.status == "no_cumple"
    assert verdict.detail.startswith("Sin fecha de actualización")
    assert "30/09/2026" in verdict.detail and "30/10/2026" in verdict.detail


def test_a_date_after_the_run_still_complies_but_is_flagged() -> None:
    verdict = assess_update("trimestral", d("01/12/2026"), d("31/10/2026"), 30)
    assert verdict.status == "cumple"
    assert "posterior a la revisión" in verdict.detail


@pytest.mark.parametrize("period", ["mensual", "trimestral", "semestral", "anual"])
@pytest.mark.parametrize("grace", [0, 1, 30, 45])
def test_due_period_is_the_latest_whose_deadline_has_passed(period: str, grace: int) -> None:
    # Exhaustive over three years: the due period's deadline is past, the next period's is not.
    run = date(2026, 1, 1)
    while run < date(2029, 1, 1):
        start, end = due_period(period, run, grace)
        assert (start, end) == period_bounds(period, start) and start <= end
        assert end + timedelta(days=grace) < run
        _, next_end = period_bounds(period, end + timedelta(days=1))
        assert next_end + timedelta(days=grace) >= run
        run += timedelta(days=1)


def test_period_bounds() -> None:
    assert period_bounds("trimestral", d("15/11/2026")) == (d("01/10/2026"), d("31/12/2026"))
    assert period_bounds("semestral", d("30/06/2026")) == (d("01/01/2026"), d("30/06/2026"))
    assert period_bounds("mensual", d("10/02/2028")) == (d("01/02/2028"), d("29/02/2028"))
    assert period_bounds("anual", d("31/12/2026")) == (d("01/01/2026"), d("31/12/2026"))


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError, match="bimestral"):
        assess_update("bimestral", None, d("01/01/2026"), 30)
    with pytest.raises(ValueError):
        assess_update("trimestral", None, d("01/01/2026"), -1)
