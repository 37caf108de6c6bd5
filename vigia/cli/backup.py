"""`vigia respaldo`: an online backup of the database while it stays in use."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from storage.backup import backup
from storage.db import redact_url, resolve_database_url
from vigia.cli.common import DbOption, err, handles_errors, out


@handles_errors
def respaldo(
    destino: Annotated[
        Path, typer.Argument(help="Archivo donde se escribe la copia (no debe existir).", show_default=False)
    ],
    db: DbOption = None,
    forzar: Annotated[bool, typer.Option("--forzar", help="Reemplazar el archivo de destino si ya existe.")] = False,
) -> None:
    """Respalda la base de datos en un archivo sin detenerla: los rastreos y el tablero pueden seguir trabajando.

    SQLite se copia página por página con la API de respaldo de SQLite (la copia es la base tal como estaba al
    empezar y se verifica con integrity_check); PostgreSQL se respalda con pg_dump (formato personalizado, se
    restaura con pg_restore). Nunca sobrescribe un archivo existente salvo con --forzar.
    Ejemplo: vigia respaldo /respaldos/vigia-2026-11-24.db
    """
    url = resolve_database_url(db)
    columns = (TextColumn("[bold]Respaldo"), BarColumn(), MofNCompleteColumn(), TextColumn("páginas"))
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("", total=None)
        result = backup(url, destino, forzar, lambda done, total: progress.update(task, completed=done, total=total))
    how = f"{result.pages} páginas, verificado con integrity_check" if result.method == "sqlite" else "con pg_dump"
    out.print(f"Respaldo de {redact_url(url)} escrito en {result.destination} ({how}).")
