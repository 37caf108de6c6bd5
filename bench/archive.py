"""The evidence archive's cost: bytes per night and per year, deduplication, time added to a night, database bytes.

    vigia medir --solo archivo
    python -m bench.archive [--noches 5] [--ipomex]

Five simulated nights of the 125-municipality world, the simulator's run date one day later each night (pages
whose dates move change, the rest does not), each crawled into one SQLite database with the evidence archive on.
The first night is crawled twice more without archiving, paired with the archived one, to time what archiving adds
(alternating, so that a warm cache favours neither). A year is the first night plus 364 nights like the later ones;
2,469 municipalities scale the 125 linearly (every municipality's pages cost about the same), and the note says so.
IPOMEX (a browser per portal page) is left out unless asked for: its pages are measured apart by the farm tests.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from archive.folder import EvidenceArchive
from bench.crawl import RUN_DATE
from bench.measure import Measurement, at_most
from crawler.netprobe import NetworkProbe
from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from simulator.server import FarmServer
from simulator.world import build_world
from storage.db import Database, open_database
from storage.evidence_models import ArchiveRecordRow
from storage.runstore import DatabaseRunStore

STATE = 2469
YEAR_TARGET_GB = 5.0
DB_TARGET_MB = 1.0
MB = 1_000_000


@dataclass
class ArchiveNight:
    """One archived night: wall seconds, archive bytes it added, database bytes it added, records and revisits."""

    seconds: float
    archive_bytes: int
    database_bytes: int
    records: int
    revisits: int


def _folder_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def _db_bytes(db: Database, path: Path) -> int:
    """The database's size in pages in use, as a reader sees it (the write-ahead log included)."""
    with db.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar() or 0
        free = connection.exec_driver_sql("PRAGMA freelist_count").scalar() or 0
        size = connection.exec_driver_sql("PRAGMA page_size").scalar() or 0
    return int((pages - free) * size)


def _night(db: Database, db_path: Path, archive: EvidenceArchive | None, day: int, cfg: CrawlSettings) -> ArchiveNight:
    world = build_world(run_date=RUN_DATE + timedelta(days=day))
    before_archive = _folder_bytes(archive.root) if archive else 0
    before_db = _db_bytes(db, db_path)
    with FarmServer(world) as farm:
        probe = NetworkProbe.of(urlsplit(farm.ipomex_base).netloc)
        run_cfg = replace(cfg, ipomex4_base=farm.ipomex4_url)
        started = time.perf_counter()
        summary = run_and_store(
            DatabaseRunStore(db, archiver=archive), farm.registry(), run_cfg, world.run_date, "crawl", probe=probe
        )
        seconds = time.perf_counter() - started
    with db.Session() as session:
        types = dict(
            session.execute(
                select(ArchiveRecordRow.record_type, func.count())
                .where(ArchiveRecordRow.run_id == summary.run_id)
                .group_by(ArchiveRecordRow.record_type)
            ).all()
        )
    return ArchiveNight(
        seconds,
        (_folder_bytes(archive.root) - before_archive) if archive else 0,
        _db_bytes(db, db_path) - before_db,
        sum(types.values()),
        types.get("revisit", 0),
    )


def dedup_ratio(db: Database) -> float:
    """Bytes every record would take as a full copy over the bytes actually stored (responses and revisits)."""
    payload = aliased(ArchiveRecordRow)
    with db.Session() as session:
        stored = session.scalar(select(func.sum(ArchiveRecordRow.length))) or 0
        copies = (
            session.scalar(
                select(func.sum(func.coalesce(payload.length, ArchiveRecordRow.length)))
                .select_from(ArchiveRecordRow)
                .outerjoin(payload, payload.id == ArchiveRecordRow.refers_to)
            )
            or 0
        )
    return copies / stored if stored else 1.0


def revisit_bytes(db: Database) -> float:
    """The mean size of a revisit record (what an unchanged page costs a night)."""
    with db.Session() as session:
        mean = session.scalar(
            select(func.avg(ArchiveRecordRow.length)).where(ArchiveRecordRow.record_type == "revisit")
        )
    return float(mean or 0.0)


@dataclass
class Nights:
    """The archived nights, the paired unarchived ones, the deduplication ratio and a revisit's mean size."""

    archived: list[ArchiveNight]
    unarchived: list[ArchiveNight]
    ratio: float
    revisit: float


def run_nights(folder: Path, nights: int, cfg: CrawlSettings) -> Nights:
    """The archived nights, the paired unarchived first nights, and what deduplication saved."""
    db_path = folder / "archivo.db"
    db = open_database(f"sqlite:///{db_path}")
    plain_path = folder / "sin-archivo.db"
    plain = open_database(f"sqlite:///{plain_path}")
    archive = EvidenceArchive(folder / "evidencia")
    try:
        unarchived = [_night(plain, plain_path, None, 0, cfg)]
        archived = [_night(db, db_path, archive, 0, cfg)]
        unarchived.append(_night(plain, plain_path, None, 1, cfg))
        archived += [_night(db, db_path, archive, day, cfg) for day in range(1, nights)]
        return Nights(archived, unarchived, dedup_ratio(db), revisit_bytes(db))
    finally:
        db.dispose()
        plain.dispose()


def archive_measurements(measured: Nights, sites: int) -> list[Measurement]:
    """Turn the nights into measurements: per night, per year, at the state's scale, time added, database bytes."""
    archived, ratio = measured.archived, measured.ratio
    unarchived = [n.seconds for n in measured.unarchived]
    first, later = archived[0], archived[1:] or archived[:1]
    unchanged = measured.revisit * sum(n.records for n in later) / len(later)
    plain_db = measured.unarchived[-1].database_bytes
    per_night = sum(n.archive_bytes for n in later) / len(later)
    year = first.archive_bytes + 364 * per_night
    scale = STATE / sites
    plain = sum(unarchived) / len(unarchived)
    added = first.seconds - plain
    db_night = sum(n.database_bytes for n in later) / len(later)
    revisits = sum(n.revisits for n in later) / max(1, sum(n.records for n in later))
    linear = f"×{scale:.2f} lineal desde {sites} municipios"
    return [
        at_most(
            f"archivo: primera noche ({sites} municipios)",
            first.archive_bytes / MB,
            "MB",
            None,
            note=f"{first.records} registros",
        ),
        at_most(
            f"archivo: cada noche siguiente ({sites} municipios)",
            per_night / MB,
            "MB",
            None,
            note=f"{100 * revisits:.0f} % de los registros son revisitas (sin copia nueva)",
        ),
        at_most(
            f"archivo: una noche sin cambios ({sites} municipios)",
            unchanged / MB,
            "MB",
            None,
            note=f"sólo revisitas, {measured.revisit:.0f} B cada una",
        ),
        at_most(
            f"archivo: deduplicación en {len(archived)} noches",
            ratio,
            "×",
            None,
            note="bytes como copias completas ÷ bytes guardados",
        ),
        at_most(f"archivo: un año ({sites} municipios)", year / 1e9, "GB", None),
        at_most(f"archivo: un año a {STATE} municipios", year * scale / 1e9, "GB", YEAR_TARGET_GB, note=linear),
        at_most(
            f"archivo: tiempo que agrega a una noche ({sites} municipios)",
            added,
            "s",
            None,
            note=f"noche con archivo {first.seconds:.1f} s, sin archivo {plain:.1f} s (media de 2)",
        ),
        at_most(
            f"base de datos: bytes por noche con archivo ({sites} municipios)",
            db_night / MB,
            "MB",
            DB_TARGET_MB,
            note=f"sin archivo {plain_db / MB:.2f} MB; archive_records {(db_night - plain_db) / MB:.2f} MB",
        ),
        at_most(f"base de datos: bytes por noche a {STATE} municipios", db_night * scale / MB, "MB", None, note=linear),
    ]


def measure_archive(folder: Path | None = None, nights: int = 5, ipomex: bool = False) -> list[Measurement]:
    """Run the archived nights (in folder, else a temporary one) and measure them."""
    cfg = replace(CrawlSettings.from_env(), ipomex=ipomex, render_js=ipomex)
    with tempfile.TemporaryDirectory(prefix="vigia-archivo-") as tmp:
        where = Path(folder or tmp) / "archivo"
        where.mkdir(parents=True, exist_ok=True)
        measured = run_nights(where, nights, cfg)
    return archive_measurements(measured, 125)


def main() -> None:
    """Command line: measure and print the measurements as JSON."""
    parser = argparse.ArgumentParser(description="Costo del archivo de evidencia en noches simuladas.")
    parser.add_argument("--noches", type=int, default=5)
    parser.add_argument("--ipomex", action="store_true")
    args = parser.parse_args()
    for item in measure_archive(nights=args.noches, ipomex=args.ipomex):
        print(json.dumps({**item.to_json(), "nota": item.note}, ensure_ascii=False))


if __name__ == "__main__":
    main()
