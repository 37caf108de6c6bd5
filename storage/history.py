"""Reading history across complete runs: one municipality's timeline, every status change since a date, and the
status of every check on a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.sql.elements import ColumnElement

from core.clock import LOCAL_TZ
from storage.compact import KeyPair, key_names
from storage.db import Database
from storage.models import (
    CheckResultRow,
    MunicipalityRow,
    ResultChangeRow,
    ResultDetailRow,
    RunRow,
    SiteOutcomeRow,
)
from storage.reads import HISTORY_STATUS, ReadResults
from storage.work import unit_of_work

# Dates given by users are Mexico City calendar days; times are stored in UTC.


@dataclass(frozen=True)
class TimelineEntry:
    """A check's status of a municipality from one complete run on: its first observation or a change."""

    run_id: int
    run_finished_at: datetime | None
    check_id: str
    status: str
    reason: str | None
    evidence_url: str | None
    evidence_text: str | None
    source: str


@dataclass(frozen=True)
class Change:
    """A check whose status differs from its previous result in the complete runs covering the municipality."""

    cve_inegi: str
    nombre: str
    check_id: str
    previous_status: str
    status: str
    previous_run_id: int
    run_id: int
    run_finished_at: datetime | None
    evidence_url: str | None


def day_start(day: date) -> datetime:
    """The UTC instant at which a Mexico City calendar day begins."""
    return datetime.combine(day, time(), LOCAL_TZ).astimezone(UTC)


def _within(since: date | None, until: date | None) -> list[ColumnElement[bool]]:
    """Conditions on RunRow.finished_at for the local days since..until, both included."""
    conditions: list[ColumnElement[bool]] = []
    if since is not None:
        conditions.append(RunRow.finished_at >= day_start(since))
    if until is not None:
        conditions.append(RunRow.finished_at < day_start(until + timedelta(days=1)))
    return conditions


@dataclass(frozen=True)
class CheckState:
    """A check's status in the newest complete run covering the municipality that finished by a given day."""

    cve_inegi: str
    check_id: str
    source: str
    status: str
    run_id: int
    run_finished_at: datetime | None
    reason: str | None
    evidence_url: str | None


# Complete runs of a window: run_id -> (position in start order, finished_at).
Window = dict[int, tuple[int, datetime | None]]


def _window(conn: Connection, since: date | None, until: date | None) -> Window:
    query = (
        select(RunRow.id, RunRow.finished_at)
        .where(RunRow.status == HISTORY_STATUS, *_within(since, until))
        .order_by(RunRow.started_at, RunRow.id)
    )
    return {run_id: (position, finished_at) for position, (run_id, finished_at) in enumerate(conn.execute(query))}


def timeline(
    db: Database, cve: str, check_id: str | None = None, since: date | None = None, until: date | None = None
) -> list[TimelineEntry]:
    """Per check of a municipality (optionally one), its status at the first complete run of the window (local
    dates) that read it and then each change of status, oldest first; nights that repeat the last status, and
    nights that did not read the check (storage.reads), are not listed."""
    with unit_of_work(db, "leer la historia del municipio", read_only=True) as session:
        conn = session.connection()
        window = _window(conn, since, until)
        names = key_names(conn)
        keys = sorted(k for k, (c, _) in names.items() if check_id is None or c == check_id)
        if not window or not keys:
            return []
        firsts = _first_observations(conn, cve, window, keys if check_id else None)
        first_run = {key: run_id for run_id, key, *_ in firsts}
        changes = [
            row
            for row in _timeline_changes(conn, cve, window, keys if check_id else None)
            if window[row[0]][0] > window[first_run.get(row[1], row[0])][0]
        ]
    entries = [
        TimelineEntry(run_id, window[run_id][1], *names[key][:1], status, reason, url, text, names[key][1])
        for run_id, key, status, reason, url, text in [*firsts, *changes]
    ]
    return sorted(entries, key=lambda e: (window[e.run_id][0], e.check_id, e.source))


_Observed = tuple[int, int, str, str | None, str | None, str | None]  # run, key, status, reason, url, text


def _first_observations(conn: Connection, cve: str, window: Window, keys: list[int] | None) -> list[_Observed]:
    """Each check's first result read in the window (storage.reads), or its first result when none was read."""
    read, c, d = ReadResults(), CheckResultRow, ResultDetailRow
    r = read.results
    first_read = read.select(r.c.check_key, func.min(r.c.run_id)).where(
        r.c.cve_inegi == cve, r.c.run_id.in_(list(window))
    )
    first_any = select(c.check_key, func.min(c.run_id)).where(c.cve_inegi == cve, c.run_id.in_(list(window)))
    if keys is not None:
        first_read, first_any = first_read.where(r.c.check_key.in_(keys)), first_any.where(c.check_key.in_(keys))
    chosen: dict[int, int] = {key: run for key, run in conn.execute(first_any.group_by(c.check_key))}
    chosen.update({key: run for key, run in conn.execute(first_read.group_by(r.c.check_key))})
    query = (
        select(c.run_id, c.check_key, c.status, d.reason, d.evidence_url, d.evidence_text)
        .join(d, d.id == c.detail_id)
        .where(c.cve_inegi == cve, c.run_id.in_(set(chosen.values())), c.check_key.in_(list(chosen)))
    )
    return [tuple(row) for row in conn.execute(query) if chosen[row.check_key] == row.run_id]  # type: ignore[misc]


def _timeline_changes(conn: Connection, cve: str, window: Window, keys: list[int] | None) -> list[_Observed]:
    ch, d = ResultChangeRow, ResultDetailRow
    query = (
        select(ch.run_id, ch.check_key, ch.status, d.reason, d.evidence_url, d.evidence_text)
        .join(d, d.id == ch.detail_id)
        .where(ch.cve_inegi == cve, ch.run_id.in_(list(window)))
    )
    if keys is not None:
        query = query.where(ch.check_key.in_(keys))
    return [tuple(row) for row in conn.execute(query)]  # type: ignore[misc]


def changes_since(db: Database, since: date, until: date | None = None) -> list[Change]:
    """Every status change in complete runs finished on local days since..until, read from the change log."""
    ch, d, m = ResultChangeRow, ResultDetailRow, MunicipalityRow
    with unit_of_work(db, "leer los cambios de estado", read_only=True) as session:
        conn = session.connection()
        window = _window(conn, since, until)
        if not window:
            return []
        names = key_names(conn)
        query = (
            select(
                ch.cve_inegi,
                m.nombre,
                ch.check_key,
                ch.previous_status,
                ch.status,
                ch.previous_run_id,
                ch.run_id,
                d.evidence_url,
            )
            .join(m, m.cve_inegi == ch.cve_inegi)
            .join(d, d.id == ch.detail_id)
            .where(ch.run_id.in_(list(window)))
        )
        rows = conn.execute(query).all()
    found = [(window[row.run_id][0], names[row.check_key], row) for row in rows]
    found.sort(key=lambda item: (item[0], item[2].cve_inegi, item[1]))
    return [
        Change(
            row.cve_inegi,
            row.nombre,
            key[0],
            row.previous_status,
            row.status,
            row.previous_run_id,
            row.run_id,
            window[row.run_id][1],
            row.evidence_url,
        )
        for _, key, row in found
    ]


def status_on(db: Database, day: date, cve: str | None = None) -> list[CheckState]:
    """Every check's status (of one municipality or all) in the newest complete run covering each municipality
    that finished on or before the local day."""
    with unit_of_work(db, "leer el estado en la fecha", read_only=True) as session:
        conn = session.connection()
        covering = list(conn.execute(_newest_by(day, cve)))
        names = key_names(conn)
        states = [
            state
            for run_id, finished_at, cves in _grouped(covering)
            for state in _run_states(conn, run_id, finished_at, cves, names)
        ]
    return sorted(states, key=lambda s: (s.cve_inegi, s.check_id, s.source))


def _newest_by(day: date, cve: str | None) -> Any:
    """(cve, run_id, finished_at) of each municipality's newest complete run finished by the end of day."""
    m = MunicipalityRow
    newest = (
        select(SiteOutcomeRow.run_id)
        .join(RunRow, RunRow.id == SiteOutcomeRow.run_id)
        .where(SiteOutcomeRow.cve_inegi == m.cve_inegi, RunRow.status == "complete", *_within(None, day))
        .order_by(RunRow.started_at.desc(), RunRow.id.desc())
        .limit(1)
        .correlate(m)
        .scalar_subquery()
    )
    pairs = select(m.cve_inegi, newest.label("run_id")).where(*([m.cve_inegi == cve] if cve else [])).subquery()
    return select(pairs.c.cve_inegi, pairs.c.run_id, RunRow.finished_at).join(RunRow, RunRow.id == pairs.c.run_id)


def _grouped(covering: list[Any]) -> list[tuple[int, datetime | None, list[str]]]:
    groups: dict[int, tuple[datetime | None, list[str]]] = {}
    for cve, run_id, finished_at in covering:
        groups.setdefault(run_id, (finished_at, []))[1].append(cve)
    return [(run_id, finished_at, cves) for run_id, (finished_at, cves) in groups.items()]


def _run_states(
    conn: Connection, run_id: int, finished_at: datetime | None, cves: list[str], names: dict[int, KeyPair]
) -> list[CheckState]:
    c, d = CheckResultRow, ResultDetailRow
    query = (
        select(c.cve_inegi, c.check_key, c.status, d.reason, d.evidence_url)
        .join(d, d.id == c.detail_id)
        .where(c.run_id == run_id, c.cve_inegi.in_(cves))
    )
    return [
        CheckState(cve, *names[key], status, run_id, finished_at, reason, url)
        for cve, key, status, reason, url in conn.execute(query)
    ]
