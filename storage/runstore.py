"""The database as the place where crawl runs are recorded (the RunStore of crawler.pipeline)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from checks.catalogue import load_catalogue
from checks.model import PriorRead, SourceReport, Unread
from config.registry import Municipality
from storage import repository, results
from storage.db import Database
from storage.resume import resumable_run


class DatabaseRunStore:
    """Record runs with one transaction per unit of work: the run start, each source's report, the run end."""

    def __init__(self, db: Database, on_start: Callable[[int], None] | None = None) -> None:
        self.db, self.on_start = db, on_start

    def start(self, kind: str, municipalities: Sequence[Municipality], params: dict[str, object]) -> int:
        """Open a running run (marking runs of dead processes failed first)."""
        run_id = repository.start_run(self.db, kind, municipalities, params)
        if self.on_start:
            self.on_start(run_id)
        return run_id

    def record(self, run_id: int, report: SourceReport) -> None:
        """Store one source's report (results and the source's own facts) atomically."""
        repository.record_report(self.db, run_id, report)

    def resume(
        self,
        run_id: int,
        municipalities: Sequence[Municipality],
        params: dict[str, object],
        stages: Mapping[str, Collection[str]],
    ) -> tuple[int, dict[str, int]]:
        """Open a run that completes partial run run_id, carrying forward what it read; the new id and, per stage,
        how many municipalities it carried."""
        plan = resumable_run(self.db, run_id)
        new_id, carried = repository.start_resumed_run(self.db, plan, municipalities, params, stages)
        if self.on_start:
            self.on_start(new_id)
        return new_id, carried

    def finish(self, run_id: int, status: str, error: str | None = None, unread: Sequence[Unread] = ()) -> None:
        """Close the run with its final status and what it did not read."""
        repository.finish_run(self.db, run_id, status, error, catalogue=load_catalogue(), unread=unread)

    def last_read(self, names: frozenset[str], cves: Sequence[str]) -> dict[str, PriorRead]:
        """Per municipality, what the newest closed run that read its portal (one of names) recorded from it."""
        return results.last_reads(self.db, names, cves)
