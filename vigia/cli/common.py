"""Pieces shared by the CLI command groups: consoles, the --db option, error reporting."""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from config.registry import Municipality, load_registry
from core.errors import VigiaError

P = ParamSpec("P")
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


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn Vigía's errors into a Spanish message on stderr and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except VigiaError as exc:
            log.debug("command failed", exc_info=True)
            err.print(f"[bold red]Error:[/] {exc}", highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err.print("[yellow]Interrumpido por el usuario.[/]")
            raise typer.Exit(130) from None

    return wrapper


def setup_logging(log_file: Path | None) -> None:
    """Send operator logs (causes, tracebacks) to a file, keeping the terminal for users."""
    handler: logging.Handler
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.ERROR)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


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
