"""Thinning old payloads by the retention policy, provably: every thinned record is written to depurados.jsonl.

A thinned record's bytes are released without moving any other record: the night file is copied with the thinned
gzip members left out as holes (a sparse file of the same length) and put in place of the original. Every kept
record stays at its offset, so archive_records (append-only) never changes, and reading a thinned record fails as
it would for a tampered one; `thinned_ids` tells the verifier it was thinned by the policy instead. depurados.jsonl
is append-only and is written before any file is touched (a thinning cut short is listed, never silent).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

THINNED_LOG = "depurados.jsonl"
COPY_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Located:
    """A record's place in the archive: its id, payload digest, file relative to the archive folder, offset, length."""

    id: int
    sha256: str
    warc_file: str
    offset: int
    length: int


def thinned_ids(root: Path) -> set[int]:
    """The archive_records ids the retention policy has thinned (listed in <root>/depurados.jsonl)."""
    path = root / THINNED_LOG
    if not path.is_file():
        return set()
    ids: set[int] = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                ids.add(int(json.loads(line)["id"]))
    return ids


def log_thinned(root: Path, records: Iterable[Located], at: str, rule: str) -> int:
    """Append one line per thinned record (id, sha256, file, date, rule) to depurados.jsonl; how many were listed."""
    lines = [
        json.dumps(
            {"id": r.id, "sha256": r.sha256, "warc_file": r.warc_file, "fecha": at, "regla": rule},
            ensure_ascii=False,
            sort_keys=True,
        )
        for r in records
    ]
    if lines:
        root.mkdir(parents=True, exist_ok=True)
        with (root / THINNED_LOG).open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    return len(lines)


def release(root: Path, warc_file: str, thinned: Sequence[Located]) -> int:
    """Rewrite one WARC file with the thinned records' bytes left out as holes; bytes released (0 if absent)."""
    path = root / warc_file
    if not path.is_file() or not thinned:
        return 0
    gaps = sorted((r.offset, r.offset + r.length) for r in thinned)
    size = path.stat().st_size
    temporary = path.with_name(path.name + ".depurando")
    with path.open("rb") as source, temporary.open("wb") as target:
        position = 0
        for start, end in [*gaps, (size, size)]:
            _copy(source, target, position, min(start, size))
            position = max(position, end)
        target.truncate(size)
        target.flush()
        os.fsync(target.fileno())
    os.replace(temporary, path)
    return sum(min(end, size) - start for start, end in gaps if start < size)


def _copy(source: BinaryIO, target: BinaryIO, start: int, end: int) -> None:
    """Copy bytes [start, end) of source to the same offset of target."""
    source.seek(start)
    target.seek(start)
    remaining = end - start
    while remaining > 0:
        chunk = source.read(min(COPY_CHUNK, remaining))
        if not chunk:
            break
        target.write(chunk)
        remaining -= len(chunk)
