"""The archive folder of one installation (VIGIA_ARCHIVO_DIR): spool folders for the crawl, ingest, notices."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from archive.ingest import IngestReport, PayloadIndex, discard_spool, ingest_spool, spooled_runs
from archive.layout import spool_folder
from config.paths import data_dir
from config.settings import Settings, load_settings

log = logging.getLogger("vigia.archive")
DEFAULT_FOLDER = "evidencia"
NOT_ARCHIVED = "La evidencia de esta noche no se archivó ({cause}); los resultados de la corrida sí se guardaron."
INCOMPLETE = (
    "La evidencia de esta noche quedó incompleta: un proceso de rastreo no pudo escribir sus copias (vea vigia.log); "
    "los resultados de la corrida sí se guardaron."
)


def archive_root(settings: Settings | None = None) -> Path:
    """The archive folder: VIGIA_ARCHIVO_DIR, else <carpeta de datos>/evidencia."""
    chosen = settings or load_settings()
    return Path(chosen.archivo_dir).expanduser() if chosen.archivo_dir else data_dir() / DEFAULT_FOLDER


class EvidenceArchive:
    """Where a run's crawl processes spool what they read, and how the run's store ingests it (storage/evidence.py)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.notices: dict[int, str] = {}
        self.reports: dict[int, IngestReport] = {}

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> EvidenceArchive | None:
        """The installation's archive, None when VIGIA_ARCHIVO is off."""
        chosen = settings or load_settings()
        return cls(archive_root(chosen)) if chosen.archivo else None

    def capture_folder(self, run_id: int) -> str | None:
        """The run's spool folder (absolute, created and proven writable); None, with the notice, when it cannot be."""
        folder = self.root / spool_folder(run_id)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".escritura"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            self.failed(run_id, f"la carpeta {folder} no admite escritura: {exc.strerror or exc}")
            return None
        return str(folder.resolve())

    def pending(self) -> list[int]:
        """Runs whose spool waits to be ingested."""
        return spooled_runs(self.root)

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
