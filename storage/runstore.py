"""The database as the place where crawl runs are recorded (the RunStore of crawler.pipeline)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from checks.catalogue import load_catalogue
from checks.model import PriorRead, SourceReport, Unread
from config.registry import Municipality
from storage import repository, results
from storage.db import Database
from storage.evidence import Archiver, ingest_pending, ingest_run
from storage.resume import resumable_run


class DatabaseRunStore:
    """Record runs with one transaction per unit of work: the run start, each source's report, the run end. With an
    archiver, the evidence the crawl spools is ingested when the run closes (and spools earlier runs left behind,
    when a run starts)."""

    def __init__(
        self, db: Database, on_start: Callable[[int], None] | None = None, archiver: Archiver | None = None
    ) -> None:
        self.db, self.on_start, self.archiver = db, on_start, archiver

    def _opened(self, run_id: int) -> None:
        if self.archiver is not None:
            ingest_pending(self.db, self.archiver, exclude=run_id)
        if self.on_start:
            self.on_start(run_id)

    def capture_folder(self, run_id: int) -> str | None:
        """Where the run's crawl processes spool evidence; None when this store does not archive."""
        return self.archiver.capture_folder(run_id) if self.archiver else None

    def archive_notice(self, run_id: int) -> str | None:
        """Spanish notice when the run's evidence was not archived whole."""
        return self.archiver.notice(run_id) if self.archiver else None

    def start(self, kind: str, municipalities: Sequence[Municipality], params: dict[str, object]) -> int:
        """Open a running run (marking runs of dead processes failed first)."""
        run_id = repository.start_run(self.db, kind, municipalities, params)
        self._opened(run_id)
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
        self._opened(new_id)
        return new_id, carried

    def finish(self, run_id: int, status: str, error: str | None = None, unread: Sequence[Unread] = ()) -> None:
        """Close the run with its final status and what it did not read; its evidence is ingested first, so that
        the run's archive_records exist when it closes."""
        if self.archiver is not None:
            ingest_run(self.db, self.archiver, run_id)
        repository.finish_run(self.db, run_id, status, error, catalogue=load_catalogue(), unread=unread)

    def last_read(self, names: frozenset[str], cves: Sequence[str]) -> dict[str, PriorRead]:
        """Per municipality, what the newest closed run that read its portal (one of names) recorded from it."""
        return results.last_reads(self.db, names, cves)
