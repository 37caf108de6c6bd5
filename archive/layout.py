"""Where the evidence archive keeps its files, relative to the archive folder (VIGIA_ARCHIVO_DIR)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from core.clock import to_local


def night_file(run_id: int, started_at: datetime) -> Path:
    """The WARC file of one run's pages, documents and IPOMEX pages: AAAA/MM/vigia-<run>.warc.gz (Mexico City month)."""
    local = to_local(started_at)
    return Path(f"{local:%Y}") / f"{local:%m}" / f"vigia-{run_id:06d}.warc.gz"


def screenshots_file(run_id: int, started_at: datetime) -> Path:
    """The WARC file of one run's screenshots (PNG resource records), beside its night file."""
    return night_file(run_id, started_at).with_name(f"vigia-{run_id:06d}-capturas.warc.gz")


def spool_folder(run_id: int) -> Path:
    """Where crawl processes write their captures before the run ingests them: spool/<run>/."""
    return Path("spool") / f"{run_id:06d}"
