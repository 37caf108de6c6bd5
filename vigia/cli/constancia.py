"""`vigia constancia`: the PDF that states what Vigía read of one municipality as of a date, and how to verify it."""

from __future__ import annotations

import errno
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from checks.catalogue import load_catalogue
from checks.obligations import load_obligations
from config.registry import select
from core.clock import people_date
from core.errors import UsageError
from storage.constancia import read_constancia
from vigia.cli.common import DbOption, RegistryOption, handles_errors, log, open_reader, out, registry_from
from web.constancia_pdf import constancia_filename, render_constancia


def parse_day(text: str) -> date:
    """A date given as AAAA-MM-DD; UsageError in Spanish otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"La fecha «{text}» no es válida: escríbala como AAAA-MM-DD (p. ej. 2026-10-31).") from None


def output_path(salida: Path | None, cve: str, day: date) -> Path:
    """Where to write: the given file, the default name inside a given folder, or the default name here."""
    if salida is None:
        return Path(constancia_filename(cve, day))
    return salida / constancia_filename(cve, day) if salida.is_dir() else salida


def write_pdf(path: Path, data: bytes) -> None:
    """Write the PDF; an unwritable path is a Spanish UsageError naming it and the cause (English detail logged)."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        log.info("cannot write %s", path, exc_info=exc)
        raise UsageError(
            f"No se pudo escribir la constancia en «{path}»: {_write_problem(exc)}. Elija otra ruta con --salida."
        ) from None


def _write_problem(exc: OSError) -> str:
    """Why the system refused to write the file, in Spanish."""
    if isinstance(exc, FileNotFoundError):
        return "la carpeta no existe"
    if isinstance(exc, PermissionError):
        return "no hay permiso para escribir ahí"
    if exc.errno == errno.ENOSPC:
        return "el disco está lleno"
    if exc.errno == errno.EROFS:
        return "el sistema de archivos es de sólo lectura"
    return f"el sistema no pudo escribir el archivo (código {errno.errorcode.get(exc.errno or 0, exc.errno)})"


@handles_errors
def constancia(
    municipio: Annotated[str, typer.Option("--municipio", "-m", help="Clave INEGI o nombre del municipio.")],
    fecha: Annotated[
        str, typer.Option("--fecha", help="Fecha de corte AAAA-MM-DD: se usa la última corrida completa hasta ese día.")
    ],
    salida: Annotated[
        Path | None,
        typer.Option(
            "--salida", "-o", help="Archivo PDF (o carpeta) donde escribir; por omisión constancia-CLAVE-FECHA.pdf."
        ),
    ] = None,
    db: DbOption = None,
    registro: RegistryOption = None,
) -> None:
    """Escribe en PDF la constancia de un municipio a una fecha: cada verificación con su evidencia y su copia archivada.

    Usa la última corrida completa terminada a más tardar al final de ese día (hora del centro de México) y cita
    la huella SHA-256 de cada copia archivada, la revisión de los auditores, el puntaje por área guardado y el hash
    de la cadena de manifiestos, con las instrucciones para verificarlos (vigia evidencia verificar). La misma base
    y la misma fecha dan el mismo documento.
    Ejemplos: vigia constancia --municipio Toluca --fecha 2026-10-31; vigia constancia -m 15106 --fecha 2026-10-31 --salida toluca.pdf
    """
    day = parse_day(fecha)
    town = select(registry_from(registro), [municipio])[0]
    path = output_path(salida, town.cve_inegi, day)
    _, database = open_reader(db)
    try:
        data = read_constancia(database, town.cve_inegi, day, load_catalogue(), load_obligations(), town.nombre)
    finally:
        database.dispose()
    write_pdf(path, render_constancia(data))
    out.print(
        f"Constancia de {town.nombre} al {people_date(day)} escrita en {path}: corrida {data.run_id} del "
        f"{people_date(data.run_finished_at)}, {len(data.verdicts)} verificaciones.",
        highlight=False,
        soft_wrap=True,
    )
