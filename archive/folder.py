"""The archive folder of one installation (VIGIA_ARCHIVO_DIR): spool folders for the crawl, ingest, notices."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from archive.ingest import IngestReport, PayloadIndex, discard_spool, ingest_spool, spooled_runs
from archive.layout import spool_folder
from config.paths import archive_dir, data_dir
from config.settings import Settings, load_settings

log = logging.getLogger("vigia.archive")
DEFAULT_FOLDER = "evidencia"
NOT_ARCHIVED = "La evidencia de esta noche no se archivó ({cause}); los resultados de la corrida sí se guardaron."
INCOMPLETE = (
    "La evidencia de esta noche quedó incompleta: un proceso de rastreo no pudo escribir sus copias (vea vigia.log); "
    "los resultados de la corrida sí se guardaron."
)


def archive_root(settings: Settings | None = None) -> Path:
    """The archive folder: VIGIA_ARCHIVO_DIR, else <carpeta de datos>/evidencia (config.paths.archive_dir)."""
    if settings is None:
        return archive_dir()
    return Path(settings.archivo_dir).expanduser() if settings.archivo_dir else data_dir() / DEFAULT_FOLDER


OWNER_FILE = "base.txt"


class EvidenceArchive:
    """Where a run's crawl processes spool what they read, and how the run's store ingests it (storage/evidence.py).

    owner names the database the runs belong to (its URL without password): run numbers are per database, and
    `vigia demo` (demo.db) shares the archive folder with `vigia rastrear`, so a spool is only ever ingested by a run
    store of the database that wrote it."""

    def __init__(self, root: Path, owner: str = "") -> None:
        self.root, self.owner = root, owner
        self.notices: dict[int, str] = {}
        self.reports: dict[int, IngestReport] = {}

    @classmethod
    def from_settings(cls, owner: str = "", settings: Settings | None = None) -> EvidenceArchive | None:
        """The installation's archive for the database named owner, None when VIGIA_ARCHIVO is off."""
        chosen = settings or load_settings()
        return cls(archive_root(chosen), owner) if chosen.archivo else None

    def capture_folder(self, run_id: int) -> str | None:
        """The run's spool folder (absolute, created and proven writable); None, with the notice, when it cannot be."""
        folder = self.root / spool_folder(run_id)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / OWNER_FILE).write_text(self.owner, encoding="utf-8")
        except OSError as exc:
            self.failed(run_id, f"la carpeta {folder} no admite escritura: {exc.strerror or exc}")
            return None
        return str(folder.resolve())

    def pending(self) -> list[int]:
        """Runs of this archive's database whose spool waits to be ingested."""
        return [run_id for run_id in spooled_runs(self.root) if self._owned(run_id)]

    def _owned(self, run_id: int) -> bool:
        try:
            written = (self.root / spool_folder(run_id) / OWNER_FILE).read_text(encoding="utf-8")
        except OSError:
            return False  # a spool whose database is unknown is never guessed
        return written == self.owner

    def ingest(self, run_id: int, started_at: datetime, index: PayloadIndex) -> IngestReport:
        """Write the run's spool into its night file (deduplicated) and index each record."""
        report = ingest_spool(self.root, run_id, started_at, index)
        self.reports[run_id] = report
        if report.incomplete:
            self.notices.setdefault(run_id, INCOMPLETE)
        return report

    def discard(self, run_id: int) -> None:
        """Remove an ingested spool."""
        discard_spool(self.root, run_id)

    def failed(self, run_id: int, cause: str) -> None:
        """Remember that the run's evidence was not archived, and why."""
        log.error("evidence of run %d not archived: %s", run_id, cause)
        self.notices[run_id] = NOT_ARCHIVED.format(cause=cause)

    def notice(self, run_id: int) -> str | None:
        """The Spanish notice for the run, None when its evidence was archived whole."""
        return self.notices.get(run_id)
