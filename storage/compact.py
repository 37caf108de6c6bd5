"""The compact result layout shared by the repository and the benchmark generator: check keys, deduplicated
details, change rows and compressed page logs."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, Insert, Table, and_, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from checks.model import CheckResult, PageRecord
from storage.models import CheckKeyRow, CheckResultRow, ResultChangeRow, ResultDetailRow
from storage.reads import ReadResults

# (reason, detail, evidence_url, evidence_text, law, last_update): what result_details deduplicates.
DetailValues = tuple[str | None, str | None, str | None, str | None, str | None, date | None]
KeyPair = tuple[str, str]  # (check_id, source)
# Content hashes are kept only to tell pages apart between nights: 64 bits are plenty and save space.
HASH_CHARS = 16
# Bound on IN lists and multi-row inserts, well under SQLite's and PostgreSQL's parameter limits.
CHUNK = 500

_key_cache: WeakKeyDictionary[Engine, dict[KeyPair, int]] = WeakKeyDictionary()


def _dialect_insert(table: Table, dialect: str) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL (a plain INSERT elsewhere)."""
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    return insert(table)


def _insert_new(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    # Another writer may insert the same row concurrently: its row is as good as ours.
    if rows:
        conn.execute(_dialect_insert(table, conn.dialect.name), list(rows))


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def known_keys(engine: Engine) -> dict[KeyPair, int]:
    """The check keys this engine has seen committed (keys are never deleted nor renumbered)."""
    return dict(_key_cache.get(engine, {}))


def remember_keys(engine: Engine, keys: Mapping[KeyPair, int]) -> None:
    """Cache keys after their transaction committed; a rolled-back insert must never reach the cache."""
    _key_cache.setdefault(engine, {}).update(keys)


def resolve_keys(conn: Connection, pairs: Iterable[KeyPair], known: Mapping[KeyPair, int]) -> dict[KeyPair, int]:
    """The key of every (check_id, source), inserting missing ones (another process may have added them)."""
    wanted = dict.fromkeys(pairs)
    found = {pair: known[pair] for pair in wanted if pair in known}
    # New keys are numbered in recording order, so that key order reproduces the order of the checks.
    missing = [pair for pair in wanted if pair not in found]
    if missing:
        table = CheckKeyRow.__table__
        _insert_new(conn, table, [{"check_id": c, "source": s} for c, s in missing])  # type: ignore[arg-type]
        for chunk in _chunks(sorted({c for c, _ in missing})):
            query = select(CheckKeyRow.id, CheckKeyRow.check_id, CheckKeyRow.source).where(
                CheckKeyRow.check_id.in_(chunk)
            )
            found.update({(c, s): i for i, c, s in conn.execute(query) if (c, s) in wanted})
    return found


def key_names(conn: Connection) -> dict[int, KeyPair]:
    """Every check key with its (check_id, source); the table holds a few hundred rows."""
    query = select(CheckKeyRow.id, CheckKeyRow.check_id, CheckKeyRow.source)
    return {key: (check_id, source) for key, check_id, source in conn.execute(query)}


def detail_values(result: CheckResult) -> DetailValues:
    """The detail tuple of a result."""
    evidence = result.evidence
    return (
        result.reason,
        result.detail,
        evidence.url if evidence else None,
        evidence.text if evidence else None,
        result.law,
        result.last_update,
    )


def detail_digest(values: DetailValues) -> str:
    """blake2b-16 hex of the tuple's canonical JSON."""
    last_update = values[5]
    canonical = [*values[:5], last_update.isoformat() if last_update else None]
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def resolve_details(
    conn: Connection, tuples: Iterable[DetailValues], known: dict[str, int] | None = None
) -> dict[str, int]:
    """The details id of every tuple by digest, inserting the tuples never stored; `known` caches digests."""
    by_digest = {detail_digest(values): values for values in tuples}
    found = {d: known[d] for d in by_digest if d in known} if known is not None else {}
    missing = sorted(by_digest.keys() - found.keys())
    for chunk in _chunks(missing):
        found.update(_select_details(conn, chunk))
    new = [d for d in missing if d not in found]
    if new:
        rows = [_detail_row(d, by_digest[d]) for d in new]
        _insert_new(conn, ResultDetailRow.__table__, rows)  # type: ignore[arg-type]
        for chunk in _chunks(new):
            found.update(_select_details(conn, chunk))
    if known is not None:
        known.update(found)
    return found


def _select_details(conn: Connection, digests: Sequence[str]) -> dict[str, int]:
    query = select(ResultDetailRow.digest, ResultDetailRow.id).where(ResultDetailRow.digest.in_(digests))
    return {digest: detail_id for digest, detail_id in conn.execute(query)}


def _detail_row(digest: str, values: DetailValues) -> dict[str, Any]:
    reason, detail, url, text, law, last_update = values
    return {
        "digest": digest,
        "reason": reason,
        "detail": detail,
        "evidence_url": url,
        "evidence_text": text,
        "law": law,
        "last_update": last_update,
    }


def result_rows(
    run_id: int, cve: str, results: Sequence[CheckResult], keys: Mapping[KeyPair, int], details: Mapping[str, int]
) -> list[dict[str, Any]]:
    """The check_results rows of one municipality's results in one run."""
    return [
        {
            "cve_inegi": cve,
            "check_key": keys[(r.check_id, r.source)],
            "run_id": run_id,
            "status": r.status,
            "detail_id": details[detail_digest(detail_values(r))],
        }
        for r in results
    ]


def store_results(
    conn: Connection, run_id: int, cve: str, results: Sequence[CheckResult], known: Mapping[KeyPair, int]
) -> dict[KeyPair, int]:
    """Insert one municipality's results of a run; return the keys used (to cache once committed)."""
    keys = resolve_keys(conn, [(r.check_id, r.source) for r in results], known)
    details = resolve_details(conn, [detail_values(r) for r in results])
    conn.execute(insert(CheckResultRow), result_rows(run_id, cve, results, keys, details))
    return keys


def record_changes(conn: Connection, run_id: int) -> None:
    """Write the run's status changes: each result read in it against the last complete run that read the same
    check (storage.reads); a result that was not read is no change and no baseline."""
    conn.execute(changes_statement(run_id))


def changes_statement(run_id: int) -> Insert:
    """INSERT … SELECT of the run's change rows (plain SQLAlchemy constructs: SQLite and PostgreSQL alike)."""
    current, older = ReadResults(), ReadResults()
    cur = current.results
    paired = (
        current.select(cur, older.previous_run(cur, run_id).label("previous_run_id"))
        .where(cur.c.run_id == run_id)
        .subquery()
    )
    before = CheckResultRow.__table__.alias("before")
    changed = (
        select(
            paired.c.run_id,
            paired.c.cve_inegi,
            paired.c.check_key,
            paired.c.previous_run_id,
            before.c.status,
            paired.c.status,
            paired.c.detail_id,
        )
        .join(
            before,
            and_(
                before.c.cve_inegi == paired.c.cve_inegi,
                before.c.check_key == paired.c.check_key,
                before.c.run_id == paired.c.previous_run_id,
            ),
        )
        .where(before.c.status != paired.c.status)
    )
    columns = ["run_id", "cve_inegi", "check_key", "previous_run_id", "previous_status", "status", "detail_id"]
    return insert(ResultChangeRow).from_select(columns, changed)


def encode_pages(pages: Sequence[PageRecord], rendered: Iterable[str] = ()) -> bytes:
    """A site's page records as zlib-compressed JSON lines (final_url only when it differs from url)."""
    listed = set(rendered)
    lines = [json.dumps(_page_item(page, listed), ensure_ascii=False, separators=(",", ":")) for page in pages]
    return zlib.compress("\n".join(lines).encode("utf-8"), 9)


def _page_item(page: PageRecord, rendered: set[str]) -> dict[str, Any]:
    # A page needed the browser when its record says so or the report lists its URL among the rendered ones.
    was_rendered = page.rendered or page.url in rendered or (page.final_url is not None and page.final_url in rendered)
    item: dict[str, Any] = {"u": page.url, "s": page.status, "d": page.depth, "k": page.kind}
    if page.final_url != page.url:
        item["f"] = page.final_url
    if page.content_hash is not None:
        item["h"] = page.content_hash[:HASH_CHARS]
    if page.error is not None:
        item["e"] = page.error
    if was_rendered:
        item["r"] = True
    return item


def decode_pages(data: bytes) -> list[PageRecord]:
    """The page records of one page log, in crawl order."""
    text = zlib.decompress(data).decode("utf-8")
    return [_page_record(json.loads(line)) for line in text.split("\n") if line]


def _page_record(item: dict[str, Any]) -> PageRecord:
    return PageRecord(
        url=item["u"],
        final_url=item.get("f", item["u"]),
        status=item.get("s"),
        content_hash=item.get("h"),
        depth=item.get("d", 0),
        error=item.get("e"),
        kind=item.get("k"),
        rendered=bool(item.get("r", False)),
    )
