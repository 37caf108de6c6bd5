"""Tamper-evident manifests of complete runs (run_manifests): what a run stored, digested, chained to the last run.

A manifest is canonical JSON: the run, its finish time, per municipality the SHA-256 of its stored results (every
check_results row with its result_details and check_keys) and of its archive records (the rows that say where each
WARC record lives and its payload digest), the totals, and the previous manifest's hash. `manifest_hash` is the
SHA-256 of that text, so editing a stored result, a record row or an earlier manifest breaks a hash or a link.
finish_run writes it in the transaction that closes a run complete; runs completed before this existed have none.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, Select, and_, insert, select, union

from core.clock import machine_date, machine_datetime
from storage.db import Database
from storage.evidence_models import ArchiveRecordRow, RunManifestRow
from storage.models import CarriedStageRow, CheckKeyRow, CheckResultRow, ResultDetailRow
from storage.work import unit_of_work

MANIFEST_VERSION = 1
# The key of archive records not tied to one municipality (a shared IPOMEX page).
NO_MUNICIPALITY = "-"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# Rows fetched at a time when streaming a run's results or records.
BATCH = 2000


@dataclass(frozen=True)
class Digest:
    """How many rows a digest covers and their SHA-256 (hex)."""

    count: int
    sha256: str


EMPTY = Digest(0, EMPTY_SHA256)


@dataclass(frozen=True)
class ChainHead:
    """The newest link of the chain: its run and its manifest hash."""

    run_id: int
    manifest_hash: str


def canonical_json(value: Any) -> str:
    """The one serialisation every digest uses: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_text(text: str) -> str:
    """Hex SHA-256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest(lines: Iterable[str]) -> Digest:
    hasher, count = hashlib.sha256(), 0
    for line in lines:
        hasher.update(line.encode("utf-8") + b"\n")
        count += 1
    return Digest(count, hasher.hexdigest())


def _result_line(row: Any) -> str:
    values = [row.check_id, row.source, row.status, row.reason, row.detail]
    return canonical_json([*values, row.evidence_url, row.evidence_text, row.law, machine_date(row.last_update)])


def result_digests(conn: Connection, run_id: int) -> dict[str, Digest]:
    """Per municipality, the digest of the run's stored results (rows sorted in Python: collations differ)."""
    c, k, d = CheckResultRow, CheckKeyRow, ResultDetailRow
    query = (
        select(c.cve_inegi, k.check_id, k.source, c.status, d.reason, d.detail)
        .add_columns(d.evidence_url, d.evidence_text, d.law, d.last_update)
        .join(k, k.id == c.check_key)
        .join(d, d.id == c.detail_id)
        .where(c.run_id == run_id)
        .order_by(c.cve_inegi)
        .execution_options(yield_per=BATCH)
    )
    rows = conn.execute(query)
    return {cve: _digest(sorted(_result_line(row) for row in group)) for cve, group in groupby(rows, lambda r: r[0])}


def _covered(run_id: int) -> Any:
    """The condition on archive_records of what a run's manifest covers: its own records, and those of the runs
    it carried results from (storage.resume copies results, the records stay with the run that read them). Two
    indexed lookups united, never a scan of the whole archive."""
    a, carried = ArchiveRecordRow, CarriedStageRow
    own = select(a.id).where(a.run_id == run_id)
    kept = (
        select(a.id)
        .join(carried, and_(carried.from_run_id == a.run_id, carried.cve_inegi == a.cve_inegi))
        .where(carried.run_id == run_id)
    )
    return a.id.in_(union(own, kept))


def covered_records(run_id: int) -> Select[Any]:
    """The archive record rows (all columns) a run's manifest covers."""
    return select(*ArchiveRecordRow.__table__.c).where(_covered(run_id))


def _with_targets() -> Select[Any]:
    """Record rows (all columns) with the id and SHA-256 of the record each revisit refers to (None when absent)."""
    a = ArchiveRecordRow.__table__
    target = a.alias("target")
    columns = [*a.c, target.c.id.label("target_id"), target.c.sha256.label("target_sha256")]
    return select(*columns).outerjoin(target, target.c.id == a.c.refers_to)


def records_to_read(run_id: int) -> Select[Any]:
    """The records a run's manifest covers, with their revisit targets, in file and offset order (to read the
    WARC files front to back)."""
    a = ArchiveRecordRow
    return _with_targets().where(_covered(run_id)).order_by(a.warc_file, a.offset).execution_options(yield_per=BATCH)


def records_by_id(ids: Iterable[int]) -> Select[Any]:
    """Record rows by id, with their revisit targets, in file and offset order."""
    a = ArchiveRecordRow
    return _with_targets().where(a.id.in_(list(ids))).order_by(a.warc_file, a.offset)


def revisit_targets(run_id: int) -> Select[Any]:
    """The distinct records the revisits a run's manifest covers refer to."""
    covered = covered_records(run_id).subquery()
    return select(covered.c.refers_to).where(covered.c.refers_to.is_not(None)).distinct()


def record_line(row: Any) -> str:
    """The canonical line of one archive record row (what its digest covers)."""
    values = [row.id, row.cve_inegi, row.source, row.kind, row.record_type, row.url, row.sha256]
    return canonical_json([*values, row.warc_file, row.offset, row.length, row.refers_to])


def record_digests(conn: Connection, run_id: int) -> tuple[dict[str, Digest], Digest]:
    """Per municipality (NO_MUNICIPALITY for shared pages) and in total, the digest of the covered record rows."""
    query = covered_records(run_id).order_by(ArchiveRecordRow.id).execution_options(yield_per=BATCH)
    total = hashlib.sha256()
    counts: dict[str, int] = {}
    parts: dict[str, Any] = {}
    for row in conn.execute(query):
        line = (record_line(row) + "\n").encode("utf-8")
        total.update(line)
        key = row.cve_inegi or NO_MUNICIPALITY
        parts.setdefault(key, hashlib.sha256()).update(line)
        counts[key] = counts.get(key, 0) + 1
    per_town = {key: Digest(counts[key], hasher.hexdigest()) for key, hasher in parts.items()}
    return per_town, Digest(sum(counts.values()), total.hexdigest())


def towns_entry(results: dict[str, Digest], records: dict[str, Digest]) -> dict[str, dict[str, Any]]:
    """The manifest's «municipios» map: per key, counts and digests of results and records (empty when none)."""
    return {
        key: {
            "resultados": results.get(key, EMPTY).count,
            "resultados_sha256": results.get(key, EMPTY).sha256,
            "registros": records.get(key, EMPTY).count,
            "registros_sha256": records.get(key, EMPTY).sha256,
        }
        for key in sorted(results.keys() | records.keys())
    }


def results_total(results: dict[str, Digest]) -> Digest:
    """The digest of every municipality's results digest, in key order."""
    lines = (canonical_json([key, item.count, item.sha256]) for key, item in sorted(results.items()))
    digest = _digest(lines)
    return Digest(sum(item.count for item in results.values()), digest.sha256)


def build_manifest(conn: Connection, run_id: int, finished_at: datetime, previous: ChainHead | None) -> dict[str, Any]:
    """The manifest of a run as stored now, linked to the previous head."""
    results = result_digests(conn, run_id)
    records, records_total = record_digests(conn, run_id)
    total = results_total(results)
    return {
        "version": MANIFEST_VERSION,
        "corrida": run_id,
        "terminada": machine_datetime(finished_at),
        "anterior": {"corrida": previous.run_id, "sha256": previous.manifest_hash} if previous else None,
        "resultados": {"total": total.count, "sha256": total.sha256},
        "registros": {"total": records_total.count, "sha256": records_total.sha256},
        "municipios": towns_entry(results, records),
    }


def head_of(conn: Connection) -> ChainHead | None:
    """The newest manifest (the order they were written in), or None before the first one."""
    m = RunManifestRow
    query = select(m.run_id, m.manifest_hash).order_by(m.created_at.desc(), m.run_id.desc()).limit(1)
    row = conn.execute(query).first()
    return ChainHead(row.run_id, row.manifest_hash) if row is not None else None


def write_manifest(conn: Connection, run_id: int, finished_at: datetime) -> ChainHead:
    """Write the run's manifest chained to the current head (one writer at a time: the crawl lease)."""
    previous = head_of(conn)
    manifest = build_manifest(conn, run_id, finished_at, previous)
    text = canonical_json(manifest)
    digest = sha256_text(text)
    row = {
        "run_id": run_id,
        "previous_run_id": previous.run_id if previous else None,
        "previous_hash": previous.manifest_hash if previous else None,
        "results_digest": manifest["resultados"]["sha256"],
        "records_digest": manifest["registros"]["sha256"],
        "manifest": text,
        "manifest_hash": digest,
        "created_at": finished_at,
    }
    conn.execute(insert(RunManifestRow), [row])
    return ChainHead(run_id, digest)


def chain_head(db: Database) -> ChainHead | None:
    """The chain's head as stored, or None when no run closed complete since manifests exist."""
    with unit_of_work(db, "leer la cabeza de la cadena de evidencia", read_only=True) as session:
        return head_of(session.connection())


def manifests(conn: Connection) -> Iterator[Any]:
    """Every manifest row (all columns) in the order it was written, one at a time."""
    m = RunManifestRow
    query = select(*RunManifestRow.__table__.c).order_by(m.created_at, m.run_id).execution_options(yield_per=50)
    yield from conn.execute(query)
