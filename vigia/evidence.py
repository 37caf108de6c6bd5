"""`vigia evidencia verificar`: the evidence chain (storage.chain_check) and every archived WARC record it covers.

Each record row of the checked runs is read back from its file and offset (archive.warc.read_record), one at a time
in file order, and its payload's SHA-256 compared with the row (for a revisit: the digest it declares, and that the
record it refers to exists with that digest). Records the retention policy thinned (listed in `depurados.jsonl` in
the archive folder) are counted apart, never reported as tampering.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Connection

from archive.warc import ArchiveReadError, StoredRecord, read_record, sha256_hex
from config import paths
from core.errors import VigiaError
from storage.chain_check import ChainReport, check_contents, walk_chain
from storage.db import Database
from storage.manifest import records_by_id, records_to_read, revisit_targets
from storage.work import unit_of_work

logger = logging.getLogger("vigia.evidence")

THINNED_FILE = "depurados.jsonl"
# Record ids named per missing file; the rest are counted.
IDS_SHOWN = 10
# A thinned entry whose digest was not written: any digest is accepted.
ANY_DIGEST = ""


def default_archive_dir() -> Path:
    """The archive folder when --archivo is not given: VIGIA_ARCHIVO_DIR, else `evidencia` in Vigía's data folder."""
    return paths.archive_dir()


def thinned_records(root: Path) -> dict[int, str]:
    """Record id → SHA-256 of every record the retention policy thinned, from `depurados.jsonl` (absent: none).
    Blank or unreadable lines are skipped: the file is another component's log, read tolerantly."""
    path = root / THINNED_FILE
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return dict(item for item in map(_thinned_entry, handle) if item is not None)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise VigiaError(f"No se pudo leer la lista de registros depurados {path}: {exc.strerror or exc}.") from exc


def _thinned_entry(line: str) -> tuple[int, str] | None:
    try:
        item = json.loads(line)
    except ValueError:
        return None
    if not isinstance(item, dict):
        return None
    record_id, digest = item.get("id"), item.get("sha256")
    if not isinstance(record_id, int) or isinstance(record_id, bool):
        return None
    return record_id, digest.lower() if isinstance(digest, str) else ANY_DIGEST


@dataclass
class RecordTally:
    """What reading the archive found: records read, thinned ones, problems and the files that are gone."""

    checked: int = 0
    thinned: int = 0
    problems: list[str] = field(default_factory=list)
    missing: dict[str, list[int]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """Every problem, missing files last (one line per file)."""
        return [*self.problems, *(_missing_line(name, ids) for name, ids in self.missing.items())]


def _missing_line(name: str, ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:IDS_SHOWN])
    more = f" y {len(ids) - IDS_SHOWN} más" if len(ids) > IDS_SHOWN else ""
    noun = "el registro" if len(ids) == 1 else "los registros"
    return f"Archivo {name}: archivo faltante ({noun} {shown}{more})."


def _where(row: Any) -> str:
    return f"Registro {row.id} ({row.url}, archivo {row.warc_file}, posición {row.offset})"


def _mismatch(row: Any, stored: StoredRecord) -> str | None:
    """What in the stored record no longer matches its row, or None."""
    if stored.record_type != row.record_type:
        return f"el archivo guarda un registro de tipo {stored.record_type}, no {row.record_type}"
    if stored.url != row.url:
        return f"el registro del archivo es de otra dirección ({stored.url})"
    if row.record_type == "revisit":
        return _revisit_mismatch(row, stored)
    if sha256_hex(stored.payload) != row.sha256:
        return "el contenido cambió"
    if stored.declared_sha256 != row.sha256:
        return "el resumen que declara el registro cambió"
    return None


def _revisit_mismatch(row: Any, stored: StoredRecord) -> str | None:
    if stored.declared_sha256 != row.sha256:
        return "el resumen que declara el registro cambió"
    if row.refers_to is None or row.target_id is None:
        return "remite a un registro que no existe"
    if row.target_sha256 != row.sha256:
        return f"remite al registro {row.target_id}, cuyo contenido es otro"
    return None


def _intact(path: Path, offset: int, length: int) -> None:
    """The record's gzip member still decompresses whole with its CRC-32: a changed byte the digests do not cover
    (the WARC headers) is caught too. ArchiveReadError when not."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            member = handle.read(length)
        if len(member) != length:
            raise ArchiveReadError(f"{path}@{offset}: {len(member)} de {length} bytes")
        # A stream decompressor stops at the member's end; gzip.decompress would also read what follows.
        reader = zlib.decompressobj(wbits=31)
        reader.decompress(member)
        if not reader.eof or reader.unused_data:
            raise ArchiveReadError(f"{path}@{offset}: el miembro gzip no termina donde la base dice")
    except (OSError, zlib.error) as exc:
        raise ArchiveReadError(f"{path}@{offset}: {exc}") from exc


def _inside(name: str) -> bool:
    """A relative path that stays in the archive folder (a row cannot send the reader elsewhere)."""
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in name


class RecordChecker:
    """Reads records back from the archive folder and tallies what matches, what was thinned and what not."""

    def __init__(self, root: Path, thinned: dict[int, str]) -> None:
        self.root, self.thinned, self.tally = root, thinned, RecordTally()
        self._exists: dict[str, bool] = {}

    def check(self, row: Any) -> None:
        """Read one record and compare it with its row."""
        self.tally.checked += 1
        if not _inside(row.warc_file):
            self._problem(row, "la ruta del archivo sale de la carpeta del archivo")
            return
        if not self._file_exists(row.warc_file):
            if not self._thinned(row):
                self.tally.missing.setdefault(row.warc_file, []).append(row.id)
            return
        path = self.root / row.warc_file
        try:
            _intact(path, row.offset, row.length)
            problem = _mismatch(row, read_record(path, row.offset))
        except ArchiveReadError as exc:
            logger.info("Registro %s ilegible: %s", row.id, exc)
            problem = "el contenido cambió: el registro ya no se lee íntegro"
        if problem is not None and not self._thinned(row):
            self._problem(row, problem)

    def _file_exists(self, name: str) -> bool:
        if name not in self._exists:
            self._exists[name] = (self.root / name).is_file()
        return self._exists[name]

    def _thinned(self, row: Any) -> bool:
        """A record gone by the retention policy: listed with the row's digest (another digest is a problem)."""
        digest = self.thinned.get(row.id)
        if digest is None:
            return False
        if digest not in (ANY_DIGEST, row.sha256):
            self._problem(row, f"figura como depurado, pero con otro contenido ({digest[:12]}…)")
        else:
            self.tally.thinned += 1
        return True

    def _problem(self, row: Any, text: str) -> None:
        self.tally.problems.append(f"{_where(row)}: {text}.")


def check_records(conn: Connection, checker: RecordChecker, run_ids: Iterable[int]) -> None:
    """Read back every record the runs' manifests cover, then the records their revisits refer to that no checked
    run covers (a revisit of an older night)."""
    runs = list(run_ids)
    targets: set[int] = set()
    for run_id in runs:
        targets.update(conn.scalars(revisit_targets(run_id)))
    for run_id in runs:
        for row in conn.execute(records_to_read(run_id)):
            checker.check(row)
            targets.discard(row.id)
    pending = sorted(targets)
    for start in range(0, len(pending), 500):
        for row in conn.execute(records_by_id(pending[start : start + 500])):
            checker.check(row)


def check_published(chain: ChainReport, published: str) -> None:
    """A head published earlier is still a link of the chain (its manifest unchanged), or a problem says so."""
    wanted = published.strip().lower()
    found = next((link for link in chain.links if link.manifest_hash == wanted), None)
    if found is None:
        chain.problems.append(
            f"La cabeza publicada {wanted} no está en la cadena: ningún manifiesto guardado da ese hash."
        )


@dataclass(frozen=True)
class EvidenceReport:
    """The chain as walked and the records as read; ok when nothing differs."""

    chain: ChainReport
    records: RecordTally

    @property
    def problems(self) -> list[str]:
        """Every line that no longer matches: chain and results first, then records."""
        return [*self.chain.problems, *self.records.lines()]

    @property
    def ok(self) -> bool:
        """Whether everything matches (thinned records are no problem)."""
        return not self.problems


def verify_evidence(
    db: Database, root: Path, since: date | None = None, published: str | None = None
) -> EvidenceReport:
    """Recompute the chain, the results and record rows of the runs finished since `since`, and read back each of
    their archived records; one read-only transaction, records streamed one at a time. A `published` head (a hash
    copied outside the database) must be one of the chain's links."""
    checker = RecordChecker(root, thinned_records(root))
    with unit_of_work(db, "verificar la cadena de evidencia", read_only=True) as session:
        conn = session.connection()
        chain = walk_chain(conn, since)
        if published is not None:
            check_published(chain, published)
        check_contents(conn, chain)
        check_records(conn, checker, chain.checked_runs)
    return EvidenceReport(chain, checker.tally)
