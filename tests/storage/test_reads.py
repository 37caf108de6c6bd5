"""Nothing that was not read becomes a change: cambios, the timeline and the dashboard's «desde» compare a result
only with the last complete run that read the same check (storage.reads)."""

from __future__ import annotations

from datetime import date

import pytest

from checks.catalogue import load_catalogue
from checks.model import CheckResult, CrawlOutcome, SiteReport, Status
from checks.obligations import load_obligations
from storage.dashboard import municipality_page
from storage.db import Database
from storage.history import changes_since, timeline
from storage.repository import finish_run, get_run, record_ipomex, record_site, start_run
from tests.storage.factories import capture, municipality

PORTALS = 45
UNREAD = 40  # portals the partial night could not read (the issue: «40 portals ended crawl_incomplete»)
TOWNS = [municipality(f"15{n:03d}") for n in range(1, PORTALS + 1)]
CVES = [m.cve_inegi for m in TOWNS]
FRACTIONS: dict[str, Status] = {"ipomex.92.i": "cumple", "ipomex.92.ii_a": "no_cumple", "ipomex.92.iii": "cumple"}
Portal = dict[str, Status]


def record_portal(db: Database, run_id: int, cve: str, statuses: Portal | None) -> None:
    """A portal read with these fraction statuses, or (None) one that ran out of time: every fraction unread."""
    failure = None if statuses is not None else "ipomex_sin_tiempo"
    unread: Portal = dict.fromkeys(FRACTIONS, "indeterminado")
    found = statuses if statuses is not None else unread
    results = [CheckResult(fraction, status, reason=failure, source="ipomex4") for fraction, status in found.items()]
    record_ipomex(db, run_id, capture(cve, "ipomex4", failure), results)


def night(db: Database, portals: dict[str, Portal | None], status: str = "complete") -> int:
    run_id = start_run(db, "crawl", TOWNS, {})
    for cve, statuses in portals.items():
        record_portal(db, run_id, cve, statuses)
    finish_run(db, run_id, status, catalogue=load_catalogue())
    return run_id


def changed(truth: Portal, fraction: str, status: Status) -> Portal:
    return {**truth, fraction: status}


@pytest.mark.parametrize("second", ["partial", "complete"])
def test_a_night_that_lost_40_portals_lists_no_change_for_them_then_or_the_next_night(
    db: Database, second: str
) -> None:
    first = night(db, dict.fromkeys(CVES, FRACTIONS))
    # 40 portals out of time; of the 5 read, one fraction really changed.
    lost: dict[str, Portal | None] = {cve: None for cve in CVES[:UNREAD]}
    read: dict[str, Portal | None] = {cve: FRACTIONS for cve in CVES[UNREAD:]}
    read[CVES[UNREAD]] = changed(FRACTIONS, "ipomex.92.ii_a", "cumple")
    partial = night(db, {**lost, **read}, status=second)
    # Everything read again; one of the lost portals really changed meanwhile.
    third = dict.fromkeys(CVES, FRACTIONS) | {CVES[UNREAD]: read[CVES[UNREAD]]}
    third[CVES[0]] = changed(FRACTIONS, "ipomex.92.i", "no_cumple")
    last = night(db, third)

    found = [
        (c.cve_inegi, c.check_id, c.previous_status, c.status, c.previous_run_id, c.run_id)
        for c in changes_since(db, date(2000, 1, 1))
    ]
    truly_lost = (CVES[0], "ipomex.92.i", "cumple", "no_cumple", first, last)
    # A partial night is not history: its real change shows the next complete night, against the last reading.
    seen_at = partial if second == "complete" else last
    assert sorted(found) == sorted(
        [truly_lost, (CVES[UNREAD], "ipomex.92.ii_a", "no_cumple", "cumple", first, seen_at)]
    )
    assert not [row for row in found if row[0] in CVES[:UNREAD] and row[5] == partial]
    assert all("indeterminado" not in row[2:4] for row in found)


def test_the_timeline_skips_a_night_that_did_not_read_the_check(db: Database) -> None:
    first = night(db, dict.fromkeys(CVES, FRACTIONS))
    night(db, {cve: None for cve in CVES})  # complete by the old standard, nothing read
    night(db, dict.fromkeys(CVES, FRACTIONS))
    entries = timeline(db, CVES[1])
    assert [(e.run_id, e.check_id, e.status) for e in entries] == [(first, f, s) for f, s in FRACTIONS.items()]


def test_a_check_never_read_in_the_window_shows_its_first_result(db: Database) -> None:
    unread = night(db, {CVES[0]: None})
    (entry, *_) = timeline(db, CVES[0], "ipomex.92.i")
    assert (entry.run_id, entry.status, entry.reason) == (unread, "indeterminado", "ipomex_sin_tiempo")


def site(cve: str, https: Status, reason: str | None = None) -> SiteReport:
    """A site read whose sitio.https check has this status (reason: why it is indeterminado)."""
    url = f"https://{cve}.example.gob.mx/"
    results = [CheckResult("sitio.https", https, reason=reason), CheckResult("sitio.disponible", "cumple")]
    return SiteReport(cve, url, CrawlOutcome(url, url, pages_ok=1), results=results)


def site_night(db: Database, https: Status, reason: str | None = None) -> int:
    run_id = start_run(db, "crawl", TOWNS[:1], {})
    record_site(db, run_id, site(CVES[0], https, reason))
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    return run_id


def _since(db: Database, check_id: str) -> object:
    page = municipality_page(db, CVES[0], load_catalogue(), load_obligations())
    assert page is not None
    return next(item.first_seen for item in page.checklist if item.check_id == check_id)


def test_the_dashboard_dates_a_status_from_the_night_it_was_first_read(db: Database) -> None:
    first = site_night(db, "cumple")
    site_night(db, "indeterminado", "crawl_incomplete")
    site_night(db, "cumple")
    finished = get_run(db, first)
    assert finished is not None and _since(db, "sitio.https") == finished.finished_at
    # A result not read tonight has no «since»; the availability read every night keeps its first date.
    site_night(db, "indeterminado", "timeout")
    assert _since(db, "sitio.https") is None and _since(db, "sitio.disponible") == finished.finished_at


def test_a_read_indeterminado_is_a_change(db: Database) -> None:
    # The portal answered (a captcha): what it shows is a fact, unlike a portal that gave no answer.
    first = site_night(db, "cumple")
    second = site_night(db, "indeterminado", "blocked_waf")
    assert [
        (c.previous_status, c.status, c.previous_run_id, c.run_id) for c in changes_since(db, date(2000, 1, 1))
    ] == [("cumple", "indeterminado", first, second)]
