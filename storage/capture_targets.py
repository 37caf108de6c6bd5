"""Which pages a run screenshots: the page behind each regression (cumple → no_cumple) and each site's home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from storage.db import Database
from storage.evidence_models import ArchiveRecordRow
from storage.models import CheckKeyRow, CheckResultRow, ResultChangeRow, ResultDetailRow, RunRow, SiteOutcomeRow
from storage.work import unit_of_work

HOME, REGRESSION = "inicio", "regresion"
SCREENSHOT_KIND = "captura"
# Without an archived copy to tell whether a home page changed, it is photographed again after this long.
HOME_REFRESH = timedelta(days=7)


@dataclass(frozen=True)
class CaptureTarget:
    """A page to screenshot: municipality, URL, why (inicio, regresion) and, for a regression, which check."""

    cve_inegi: str
    url: str
    why: str
    check_id: str | None = None


def capture_targets(db: Database, run_id: int) -> tuple[datetime, list[CaptureTarget]]:
    """The run's start and its pages to screenshot, regressions first (evidence of a change), one per page."""
    with unit_of_work(db, "elegir las páginas que se capturan", read_only=True) as session:
        started = session.execute(select(RunRow.started_at).where(RunRow.id == run_id)).scalar_one()
        found = _regressions(session, run_id) + _homes(session, run_id)
    seen: set[tuple[str, str]] = set()
    chosen: list[CaptureTarget] = []
    for target in found:
        if (target.cve_inegi, target.url) not in seen:
            seen.add((target.cve_inegi, target.url))
            chosen.append(target)
    return started, chosen


def _homes(session: Session, run_id: int) -> list[CaptureTarget]:
    """Each site read in the run whose home page (after redirects, else the start URL) looks new this night."""
    s = SiteOutcomeRow
    query = select(s.cve_inegi, s.home_url, s.start_url).where(s.run_id == run_id, s.failure.is_(None))
    rows = session.execute(query.order_by(s.cve_inegi, s.id)).all()
    homes = [CaptureTarget(cve, url, HOME) for cve, home, start in rows if cve and (url := home or start)]
    return [t for t in homes if _home_is_new(session, run_id, t.cve_inegi, t.url)]


def _home_is_new(session: Session, run_id: int, cve: str, url: str) -> bool:
    """Whether a home page needs a new screenshot: never photographed, its archived copy changed this night (a
    response, not a revisit), or, without an archived copy, its last screenshot is older than HOME_REFRESH.

    Photographing every unchanged home page every night would cost gigabytes a year for identical pictures.
    """
    a = ArchiveRecordRow
    last = session.execute(
        select(a.captured_at)
        .where(a.cve_inegi == cve, a.url == url, a.kind == SCREENSHOT_KIND, a.run_id < run_id)
        .order_by(a.captured_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if last is None:
        return True
    copy = session.execute(
        select(a.record_type).where(a.run_id == run_id, a.cve_inegi == cve, a.url == url, a.kind != SCREENSHOT_KIND)
    ).first()
    if copy is not None:
        return bool(copy.record_type == "response")
    started = session.execute(select(RunRow.started_at).where(RunRow.id == run_id)).scalar_one()
    return bool(started - last >= HOME_REFRESH)


def _regressions(session: Session, run_id: int) -> list[CaptureTarget]:
    """Each check that went cumple → no_cumple in the run: the page it now rests on, else the page that used to
    satisfy it (the previous run's evidence)."""
    c, now, before, old = ResultChangeRow, aliased(ResultDetailRow), aliased(ResultDetailRow), aliased(CheckResultRow)
    query = (
        select(c.cve_inegi, CheckKeyRow.check_id, now.evidence_url, before.evidence_url)
        .join(CheckKeyRow, CheckKeyRow.id == c.check_key)
        .join(now, now.id == c.detail_id)
        .outerjoin(
            old,
            and_(old.run_id == c.previous_run_id, old.cve_inegi == c.cve_inegi, old.check_key == c.check_key),
        )
        .outerjoin(before, before.id == old.detail_id)
        .where(c.run_id == run_id, c.previous_status == "cumple", c.status == "no_cumple")
        .order_by(c.cve_inegi, CheckKeyRow.check_id)
    )
    return [
        CaptureTarget(cve, url, REGRESSION, check_id)
        for cve, check_id, current, previous in session.execute(query)
        if (url := current or previous)
    ]
