"""Online backups: SQLite through its backup API while the database stays in use; PostgreSQL through pg_dump."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, make_url
from sqlalchemy.exc import ArgumentError

from core.errors import VigiaError
from storage.db import BUSY_TIMEOUT_MS, redact_url

# Pages copied per step: small enough to report progress, large enough not to slow the copy down.
PAGES_PER_STEP = 1024
Progress = Callable[[int, int], None]


class BackupError(VigiaError):
    """The backup could not be made; nothing was written at the destination."""

    exit_code = 6


@dataclass(frozen=True)
class BackupResult:
    """Where the backup went and how it was made."""

    destination: Path
    method: str
    pages: int = 0


def backup(url: str, destination: Path, force: bool = False, progress: Progress | None = None) -> BackupResult:
    """Back the database at url up into destination; refuse to overwrite it unless force."""
    parsed = _parse(url)
    _check_destination(destination, force)
    try:
        if parsed.get_backend_name() == "sqlite":
            return backup_sqlite(parsed, destination, force, progress)
        if parsed.get_backend_name() == "postgresql":
            return backup_postgresql(parsed, destination, force)
    except OSError as exc:
        raise BackupError(
            f"No se pudo escribir el respaldo en «{destination}» ({exc.strerror or exc}); revise el "
            "espacio libre y los permisos de la carpeta."
        ) from exc
    raise BackupError(f"Vigía sólo sabe respaldar bases SQLite y PostgreSQL, no «{redact_url(url)}».")


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise BackupError(f"La dirección de base de datos «{redact_url(url)}» no es válida.") from exc


def _check_destination(destination: Path, force: bool) -> None:
    """Refuse a destination that exists (unless force) or whose folder does not."""
    if destination.is_dir():
        raise BackupError(
            f"El destino «{destination}» es una carpeta; indique un archivo, p. ej. "
            f"{destination / 'vigia-respaldo.db'}."
        )
    if destination.exists() and not force:
        raise BackupError(
            f"El archivo «{destination}» ya existe: no se sobrescribe. Elija otro nombre o use "
            "--forzar para reemplazarlo."
        )
    if not destination.absolute().parent.is_dir():
        raise BackupError(f"La carpeta «{destination.absolute().parent}» no existe; créela antes del respaldo.")


def backup_sqlite(url: URL, destination: Path, force: bool, progress: Progress | None = None) -> BackupResult:
    """Copy a SQLite database page by page with sqlite3's backup API, from one consistent snapshot."""
    source_path = _sqlite_file(url)
    partial = destination.with_name(f".{destination.name}.parcial-{os.getpid()}")
    try:
        pages = _copy_pages(source_path, partial, progress)
        _publish(partial, destination, force)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(destination, "sqlite", pages)


def _sqlite_file(url: URL) -> Path:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise BackupError(
            "Una base SQLite en memoria o con dirección «file:» no se puede respaldar desde aquí; "
            "indique el archivo con --db sqlite:////ruta/vigia.db."
        )
    path = Path(database).expanduser()
    if not path.is_file():
        raise BackupError(f"No existe la base de datos «{path}» que se quiere respaldar.")
    return path


def _copy_pages(source_path: Path, target: Path, progress: Progress | None) -> int:
    """Run the backup into target and check the copy; return the number of pages copied."""
    source = sqlite3.connect(source_path, isolation_level=None)
    copy = sqlite3.connect(target, isolation_level=None)
    copied = 0

    def step(_status: int, remaining: int, total: int) -> None:
        nonlocal copied
        copied = total
        if progress is not None:
            progress(total - remaining, total)

    try:
        source.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # An open read transaction pins one snapshot for every step: writers keep committing (WAL) without
        # forcing the copy to restart, and the copy is the database as it was at this instant.
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        source.backup(copy, pages=PAGES_PER_STEP, progress=step)
        source.execute("COMMIT")
        _check_copy(copy)
    except sqlite3.Error as exc:
        raise BackupError(
            f"No se pudo respaldar la base SQLite «{source_path}» ({exc}). No se escribió nada en el destino."
        ) from exc
    finally:
        copy.close()
        source.close()
    return copied


def _check_copy(copy: sqlite3.Connection) -> None:
    """Refuse a copy that SQLite itself finds damaged, and make the copy a self-contained file."""
    verdict = copy.execute("PRAGMA integrity_check").fetchone()
    if verdict is None or verdict[0] != "ok":
        raise BackupError(f"La copia no pasó la verificación de integridad de SQLite ({verdict}).")
    # Rollback journal: the backup is a single file, with no -wal beside it to lose when copied elsewhere.
    copy.execute("PRAGMA journal_mode = DELETE")


def _publish(partial: Path, destination: Path, force: bool) -> None:
    """Move the finished copy into place: atomically, and never over an existing file unless force."""
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    if force:
        os.replace(partial, destination)
        return
    try:
        try:
            os.link(partial, destination)  # Fails if the destination appeared meanwhile, unlike a rename.
        except FileExistsError:
            raise
        except OSError:  # A file system without hard links: create exclusively, then copy.
            with destination.open("xb") as target, partial.open("rb") as source:
                shutil.copyfileobj(source, target)
    except FileExistsError as exc:
        raise BackupError(
            f"El archivo «{destination}» ya existe: no se sobrescribe. Use --forzar para reemplazarlo."
        ) from exc


def backup_postgresql(url: URL, destination: Path, force: bool) -> BackupResult:
    """Run pg_dump (custom format) with the URL's parameters; the password goes through PGPASSWORD only."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "Para PostgreSQL el respaldo se hace con pg_dump, que no está instalado en esta máquina. Instálelo "
            f"(sudo apt-get install postgresql-client) o, desde otra máquina: pg_dump --format=custom "
            f"--file {destination} {pg_dump_target(url)}"
        )
    partial = destination.with_name(f".{destination.name}.parcial-{os.getpid()}")
    command = [pg_dump, "--format=custom", "--no-password", f"--file={partial}", *pg_dump_arguments(url)]
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            detail = (done.stderr.strip().splitlines() or ["sin detalle"])[-1]
            if url.password:
                detail = detail.replace(str(url.password), "***")
            raise BackupError(
                f"pg_dump no pudo respaldar «{redact_url(url.render_as_string())}» ({detail}). "
                "No se escribió nada en el destino."
            )
        _publish(partial, destination, force)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupResult(destination, "pg_dump")


def pg_dump_arguments(url: URL) -> list[str]:
    """pg_dump's connection options for url (host may come from the query, as with Unix sockets)."""
    host = url.host or _query(url, "host")
    port = url.port or _query(url, "port")
    arguments = [f"--host={host}"] if host else []
    arguments += [f"--port={port}"] if port else []
    arguments += [f"--username={url.username}"] if url.username else []
    return [*arguments, f"--dbname={url.database or 'postgres'}"]


def pg_dump_target(url: URL) -> str:
    """The connection options as shown to a user, without the password."""
    return " ".join(pg_dump_arguments(url))


def _query(url: URL, name: str) -> str | None:
    value = url.query.get(name)
    if isinstance(value, tuple):
        return value[0] if value else None
    return value
