"""Pieces shared by the CLI command groups: consoles, the --db option, error reporting."""

from __future__ import annotations

import functools
import getpass
import logging
import logging.handlers
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from config.registry import Municipality, load_registry
from core.errors import EmptyDatabaseError, VigiaError
from storage.data_home import (
    ReaderDatabase,
    default_database_path,
    demo_database_path,
    fill_command,
    reader_database,
)
from storage.db import Database, open_database, redact_url, resolve_database_url

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")

# Piped output (files, CI logs) gets room for the ranking's columns instead of Rich's 80-column default.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160)
err = Console(stderr=True)
log = logging.getLogger("vigia.cli")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="URL de SQLAlchemy de la base de datos (p. ej. sqlite:////ruta/vigia.db). "
        "Por omisión: VIGIA_DATABASE_URL o el archivo SQLite de Vigía.",
    ),
]


class OutputFormat(StrEnum):
    """Output formats of the listing commands."""

    table = "table"
    csv = "csv"
    json = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--formato", "-f", help="Formato de salida: table, csv o json.")]


# Exit codes (documented in the README): 0 ok, 1 a failed run or finding, 2 usage or configuration, 3 database,
# 4 crawl or network, 130 interrupted.
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 5


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn every failure into one Spanish line on stderr and an exit code; the cause goes to vigia.log."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except VigiaError as exc:
            log.info("command failed: %s", exc, exc_info=True)
            err.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err.print("[yellow]Interrumpido por el usuario.[/]")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:
            raise typer.Exit(report_unexpected(exc)) from None

    return wrapper


def report_unexpected(exc: BaseException) -> int:
    """Log an unforeseen failure with its traceback and tell the user in one Spanish line; return the exit code."""
    from sqlalchemy.exc import SQLAlchemyError

    log.error("unexpected failure", exc_info=exc)
    where = _log_path_text()
    if isinstance(exc, SQLAlchemyError):
        err.print(
            f"[bold red]Error:[/] falló una operación de la base de datos ({type(exc).__name__}). "
            f"El detalle técnico quedó en {where}.",
            highlight=False,
            soft_wrap=True,
        )
        return 3
    err.print(
        f"[bold red]Error inesperado:[/] {type(exc).__name__}. El detalle técnico quedó en {where}; "
        "repórtelo a quien opera Vigía.",
        highlight=False,
        soft_wrap=True,
    )
    return EXIT_FAILED


def _log_path_text() -> str:
    from config.paths import log_file

    try:
        return str(log_file())
    except Exception:  # the path itself may be what is broken (a bad VIGIA_HOME)
        return "vigia.log"


class _OperatorLog(logging.handlers.RotatingFileHandler):
    """The handler setup_logging installs, recognisable so that a second call replaces it."""


def setup_logging(log_file: Path | None) -> None:
    """Send operator logs (causes, tracebacks) to a rotating file (5 MB × 5), keeping the terminal for users."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _OperatorLog | _TerminalLog)]:
        root.removeHandler(old)
        old.close()
    handler: logging.Handler
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = _OperatorLog(log_file, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    else:
        handler = _TerminalLog(sys.stderr)
        handler.setLevel(logging.ERROR)
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)


class _TerminalLog(logging.StreamHandler):  # type: ignore[type-arg]
    """The stderr fallback when the log file cannot be written."""


def start_operator_log() -> None:
    """Open vigia.log for this command; without a writable data folder, log errors to stderr instead."""
    from config.paths import ensure_log_file

    try:
        setup_logging(ensure_log_file())
    except OSError:
        setup_logging(None)


def open_reader(db: str | None) -> tuple[str, Database]:
    """Open the database a reading command reads and then name it in one line on stderr (see storage.data_home).

    Named only once open: a database that cannot be opened gets its one error line, nothing before it.
    """
    choice = reader_database(db)
    database = open_database(choice.url)
    _announce(choice)
    return choice.url, database


def with_database(db: str | None, action: Callable[[Database], T]) -> T:
    """Run action on the database given (--db, VIGIA_DATABASE_URL or the default), disposing it afterwards."""
    database = open_database(resolve_database_url(db))
    try:
        return action(database)
    finally:
        database.dispose()


def auditor_name(name: str | None, doing: str) -> str:
    """The auditor given, else the OS user; `doing` completes «No se pudo saber quién …» when neither is known."""
    if name and name.strip():
        return name.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        raise VigiaError(f"No se pudo saber quién {doing}: indique --auditor NOMBRE.") from None


def with_reader(db: str | None, action: Callable[[Database], T]) -> T:
    """Run action on the reading command's database (opened and named by open_reader), disposing it afterwards."""
    _, database = open_reader(db)
    try:
        return action(database)
    finally:
        database.dispose()


def _announce(choice: ReaderDatabase) -> None:
    if choice.demo:
        err.print(
            f"Base de datos: {demo_database_path()} (la de la demostración; `vigia rastrear` escribe en "
            f"{default_database_path()})",
            highlight=False,
            soft_wrap=True,
        )
    else:
        err.print(f"Base de datos: {redact_url(choice.url)}", highlight=False, soft_wrap=True)


def empty_database_error(db_url: str) -> EmptyDatabaseError:
    """The Spanish refusal for a database with no runs, naming it and the command that fills it."""
    return EmptyDatabaseError(
        f"La base de datos {redact_url(db_url)} está vacía: no tiene ninguna corrida. Llénela con "
        f"`{fill_command(db_url)}` (o pruebe con `vigia demo`, el mundo simulado)."
    )


def print_json(data: Any) -> None:
    """Print JSON on stdout with nothing else around it."""
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


RegistryOption = Annotated[
    Path | None,
    typer.Option(
        "--registro",
        help="Otro archivo de registro de municipios (mismo formato que config/municipios.csv), p. ej. un subconjunto.",
    ),
]


def registry_from(path: Path | None) -> list[Municipality]:
    """The default registry of the 125 municipalities, or the given file (which may hold a subset)."""
    return load_registry(path, expect_all=False) if path is not None else load_registry()
