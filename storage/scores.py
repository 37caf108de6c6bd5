"""Scores stored per run: written once when a run closes (by checks.scoring), read by every page and report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, insert, select

from checks.catalogue import Catalogue
from checks.model import CheckResult, Status
from checks.scoring import SCORE_KEYS, AreaScore, all_scores
from storage.compact import key_names
from storage.models import CheckResultRow, RunScoreRow, ScoredRunRow, SiteOutcomeRow

# Scores keyed by SCORE_KEYS; a municipality without stored scores has every key None.
Scores = dict[str, float | None]


def store_run_scores(conn: Connection, run_id: int, catalogue: Catalogue, now: datetime) -> None:
    """Score every municipality recorded in the run with the given catalogue and store the scores with its version."""
    results = _run_results(conn, run_id)
    outcomes = select(SiteOutcomeRow.cve_inegi).where(
        SiteOutcomeRow.run_id == run_id, SiteOutcomeRow.cve_inegi.is_not(None)
    )
    cves = sorted(set(results) | {cve for cve in conn.scalars(outcomes) if cve is not None})
    rows = [_row(run_id, cve, key, score) for cve in cves for key, score in all_scores(results[cve], catalogue).items()]
    if rows:
        conn.execute(insert(RunScoreRow), rows)
    conn.execute(insert(ScoredRunRow).values(run_id=run_id, catalogue_version=catalogue.version, scored_at=now))


def _run_results(conn: Connection, run_id: int) -> defaultdict[str, list[CheckResult]]:
    """The run's results per municipality, with only what scoring reads (check, status, source)."""
    names = key_names(conn)
    c = CheckResultRow
    found: defaultdict[str, list[CheckResult]] = defaultdict(list)
    for cve, key, status in conn.execute(select(c.cve_inegi, c.check_key, c.status).where(c.run_id == run_id)):
        check_id, source = names[key]
        found[cve].append(CheckResult(check_id, cast(Status, status), source=source))
    return found


def _row(run_id: int, cve: str, area: str, score: AreaScore) -> dict[str, Any]:
    return {
        "cve_inegi": cve,
        "run_id": run_id,
        "area": area,
        "score": score.score,
        "cumple": score.cumple,
        "no_cumple": score.no_cumple,
        "indeterminado": score.indeterminado,
        "no_aplica": score.no_aplica,
    }


def stored_scores(conn: Connection, pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], dict[str, AreaScore]]:
    """The stored scores of (run_id, cve) pairs, one indexed read per run involved."""
    grouped: dict[int, list[str]] = defaultdict(list)
    for run_id, cve in pairs:
        grouped[run_id].append(cve)
    found: dict[tuple[int, str], dict[str, AreaScore]] = defaultdict(dict)
    s = RunScoreRow
    for run_id, cves in grouped.items():
        query = select(s.cve_inegi, s.area, s.score, s.cumple, s.no_cumple, s.indeterminado, s.no_aplica).where(
            s.run_id == run_id, s.cve_inegi.in_(cves)
        )
        for cve, area, score, cumple, no_cumple, indeterminado, no_aplica in conn.execute(query):
            found[(run_id, cve)][area] = AreaScore(score, cumple, no_cumple, indeterminado, no_aplica)
    return found


def score_history(conn: Connection, cve: str, run_ids: Sequence[int]) -> dict[int, Scores]:
    """Per run of run_ids, the municipality's stored scores (one contiguous range of the primary key)."""
    wanted = set(run_ids)
    found: dict[int, Scores] = {}
    s = RunScoreRow
    for run_id, area, score in conn.execute(select(s.run_id, s.area, s.score).where(s.cve_inegi == cve)):
        if run_id in wanted:
            found.setdefault(run_id, {})[area] = score
    return {run_id: values(scores) for run_id, scores in found.items()}


def values(scores: dict[str, float | None] | None) -> Scores:
    """The score of every SCORE_KEYS key (None where nothing is stored)."""
    return {key: (scores or {}).get(key) for key in SCORE_KEYS}


def score_values(scores: dict[str, AreaScore] | None) -> Scores:
    """The score values of stored AreaScores, keyed by SCORE_KEYS."""
    return values({key: item.score for key, item in (scores or {}).items()})
