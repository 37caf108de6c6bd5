"""`vigia evidencia depurar`: the evidence archive's retention; what was thinned stays provable."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from archive.folder import archive_root
from archive.retention import Located, log_thinned, release, thinned_ids
from config.operation import load_operation_config
from core.clock import machine_datetime, people_datetime
from core.text import plural
from storage.db import Database, open_database, resolve_database_url
from storage.evidence_retention import Thinnable, thinnable
from vigia.cli.common import DbOption, handles_errors, out


@dataclass(frozen=True)
class ThinReport:
    """What a thinning did (or would do): records listed, payload bytes released, files rewritten."""

    records: int
    payloads: int
    released: int
    files: int


def thin_archive(db: Database, root: Path, keep_days: int, now: datetime, dry_run: bool = False) -> ThinReport:
    """Thin the archive under root by the policy: list the records in depurados.jsonl first, then release their
    bytes file by file (nothing is written with dry_run)."""
    chosen = thinnable(db, now - timedelta(days=keep_days), thinned_ids(root))
    by_file: dict[str, list[Thinnable]] = defaultdict(list)
    for item in chosen:
        by_file[item.warc_file].append(item)
    payloads = sum(item.record_type == "response" for item in chosen)
    if dry_run or not chosen:
        return ThinReport(len(chosen), payloads, sum(item.length for item in chosen), len(by_file))
    located = [Located(i.id, i.sha256, i.warc_file, i.offset, i.length) for i in chosen]
    log_thinned(root, located, machine_datetime(now) or "", f"conservar_dias={keep_days}")
    released = sum(release(root, name, [i for i in located if i.warc_file == name]) for name in by_file)
    return ThinReport(len(chosen), payloads, released, len(by_file))


@handles_errors
def depurar(
    db: DbOption = None,
    simulacro: Annotated[bool, typer.Option("--simulacro", help="Sólo dice qué se depuraría; no toca nada.")] = False,
) -> None:
    """Depura las copias archivadas más antiguas que `evidencia.conservar_dias` (config/operacion.yaml).

    Conserva siempre la evidencia de un cambio de resultado (las dos corridas comparadas), de un hallazgo revisado
    por un auditor (desde la corrida revisada) y de la última corrida completa, y toda copia que una corrida
    conservada todavía use. Cada registro depurado queda listado en depurados.jsonl (id, sha256, archivo, fecha y
    regla) antes de liberar su espacio; los demás registros no se mueven, así que la verificación sigue valiendo y
    nombra lo depurado como tal. Ejemplos: vigia evidencia depurar --simulacro; vigia evidencia depurar
    """
    keep_days = load_operation_config().evidence.conservar_dias
    root = archive_root()
    database = open_database(resolve_database_url(db))
    now = datetime.now(UTC)
    try:
        report = thin_archive(database, root, keep_days, now, simulacro)
    finally:
        database.dispose()
    verb = "Se depurarían" if simulacro else "Se depuraron"
    out.print(
        f"{verb} {plural(report.records, 'registro', 'registros')} "
        f"({plural(report.payloads, 'copia', 'copias')} de páginas) de antes del "
        f"{people_datetime(now - timedelta(days=keep_days))} en {plural(report.files, 'archivo', 'archivos')}: "
        f"{report.released / 1_000_000:.1f} MB. Archivo de evidencia: {root}"
    )
