"""Retention: old payloads are thinned, provably, except the evidence of a change, of a review and of the newest
complete run (and any payload a kept revisit still uses); kept records stay where they were."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.capture import Label
from archive.folder import EvidenceArchive
from archive.retention import THINNED_LOG, thinned_ids
from archive.warc import ArchiveReadError, WarcAppender, read_record, sha256_hex
from config.registry import load_registry
from storage.db import Database
from storage.evidence_models import ArchiveRecordRow, ReviewRow
from storage.models import CheckKeyRow, ResultChangeRow, ResultDetailRow
from storage.runstore import DatabaseRunStore
from vigia.cli.evidence_thin import thin_archive

LATER = datetime.now(UTC) + timedelta(days=500)  # every record is older than 400 days then


def payload(tag: str) -> bytes:
    # Incompressible and larger than a disk block: thinning it releases real space.
    return tag.encode() + os.urandom(20_000)


def night(store: DatabaseRunStore, archive: EvidenceArchive, captures: dict[str, bytes], cves: list[str]) -> int:
    run_id = store.start("crawl", [], {})
    folder = archive.capture_folder(run_id)
    assert folder is not None
    appender = WarcAppender(Path(folder) / "captura-1.warc.gz")
    for cve in cves:
        label = Label(cve, "sitio", "pagina", f"https://{cve}.gob.mx/")
        body = captures.get(cve) or payload(f"{cve}-{run_id}")
        appender.response(
            label.url, 200, [("Content-Type", "text/html")], body, datetime.now(UTC), warcinfo=label.headers()
        )
    store.finish(run_id, "complete")
    return run_id


def rows(db: Database) -> dict[tuple[int, str | None], ArchiveRecordRow]:
    with db.Session() as session:
        return {(r.run_id, r.cve_inegi): r for r in session.scalars(select(ArchiveRecordRow))}


def mark_change_and_review(db: Database, changed: tuple[int, int, str], reviewed: tuple[int, str]) -> None:
    run_id, previous, cve = changed
    with db.Session.begin() as session:
        key = CheckKeyRow(check_id="sitio.directorio", source="sitio")
        detail = ResultDetailRow(digest="0" * 32, evidence_url=f"https://{cve}.gob.mx/")
        session.add_all([key, detail])
        session.flush()
        session.add(
            ResultChangeRow(
                run_id=run_id,
                cve_inegi=cve,
                check_key=key.id,
                previous_run_id=previous,
                previous_status="cumple",
                status="no_cumple",
                detail_id=detail.id,
            )
        )
        session.add(
            ReviewRow(
                cve_inegi=reviewed[1],
                check_id="sitio.directorio",
                source="sitio",
                run_id=reviewed[0],
                action="confirmar",
                status_before="no_cumple",
                status_after="no_cumple",
                reason="revisado",
                auditor="ana",
                at=datetime.now(UTC),
            )
        )


@pytest.fixture
def archived(db: Database, tmp_path: Path) -> tuple[Database, Path, list[int], list[str]]:
    towns = load_registry()[:3]
    cves = [m.cve_inegi for m in towns]
    archive = EvidenceArchive(tmp_path / "evidencia")
    store = DatabaseRunStore(db, archiver=archive)
    store.start("crawl", towns, {})  # the municipalities' rows
    unchanged = payload("sin-cambios")
    runs = [night(store, archive, {cves[2]: unchanged}, cves) for _ in range(4)]
    mark_change_and_review(db, (runs[1], runs[0], cves[0]), (runs[2], cves[1]))
    return db, tmp_path / "evidencia", runs, cves


def test_thinning_keeps_changes_reviews_the_newest_run_and_used_payloads(archived) -> None:  # type: ignore[no-untyped-def]
    db, root, (r1, r2, r3, r4), (a, b, c) = archived
    before = rows(db)
    assert before[(r2, c)].record_type == "revisit" and before[(r4, c)].refers_to == before[(r1, c)].id
    simulated = thin_archive(db, root, 400, LATER, dry_run=True)
    assert (simulated.records, simulated.payloads) == (5, 3) and not (root / THINNED_LOG).exists()

    sizes = {p: p.stat().st_size for p in root.rglob("*.warc.gz")}
    blocks = sum(p.stat().st_blocks for p in sizes)
    report = thin_archive(db, root, 400, LATER)
    # Kept: all of r4 (newest), a's r1 and r2 (a change), b's r3 on (a review), c's r1 (r4 revisits its payload).
    # Thinned: b's nights before its review, a's r3, and c's revisits in r2 and r3.
    gone = thinned_ids(root)
    assert gone == {before[key].id for key in [(r1, b), (r2, b), (r3, a), (r2, c), (r3, c)]}
    assert (report.records, report.payloads) == (5, 3)
    assert {p: p.stat().st_size for p in sizes} == sizes
    assert sum(p.stat().st_blocks for p in sizes) < blocks
    lines = [json.loads(line) for line in (root / THINNED_LOG).read_text(encoding="utf-8").splitlines()]
    assert {line["regla"] for line in lines} == {"conservar_dias=400"} and {line["id"] for line in lines} == gone
    for key, row in before.items():
        if row.id in gone and row.record_type == "response":
            with pytest.raises(ArchiveReadError):
                read_record(root / row.warc_file, row.offset)
        elif row.id not in gone:
            stored = read_record(root / row.warc_file, row.offset)
            assert stored.declared_sha256 == row.sha256
            if row.record_type == "response":
                assert sha256_hex(stored.payload) == row.sha256, key
    assert thin_archive(db, root, 400, LATER).records == 0  # nothing thinned twice


def test_the_retention_days_are_validated_at_load() -> None:
    from config import paths
    from config.operation import parse_operation_config
    from core.errors import ConfigError

    text = paths.OPERATION.read_text(encoding="utf-8")
    assert parse_operation_config(text).evidence.conservar_dias == 400
    with pytest.raises(ConfigError, match="conservar_dias"):
        parse_operation_config(text.replace("conservar_dias: 400", "conservar_dias: 0"))
    with pytest.raises(ConfigError, match="conservar"):
        parse_operation_config(text.replace("conservar_dias: 400", "conservar: 30"))
