"""`vigia programar`: the long-lived nightly service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from config.operation import load_operation_config
from core.clock import people_datetime
from storage.db import open_database, redact_url, resolve_database_url
from vigia.cli.common import DbOption, err, handles_errors, out


@handles_errors
def schedule(
    db: DbOption = None,
    proximas: Annotated[
        int,
        typer.Option("--proximas", min=0, max=50, help="Sólo muestra las próximas N corridas programadas y termina."),
    ] = 0,
) -> None:
    """Corre como servicio: rastrea cada noche según config/operacion.yaml y envía las alertas.

    Termina limpiamente con SIGTERM o Ctrl-C. Ejemplo: vigia programar --proximas 3
    """
    import scheduler
    from vigia.nightly import run_nightly

    cfg = load_operation_config().schedule
    if proximas:
        for moment in scheduler.next_fire_times(cfg, datetime.now(UTC), proximas):
            out.print(people_datetime(moment, zone=True))
        return
    db_url = resolve_database_url(db)
    open_database(db_url).dispose()  # fail now, in Spanish, if the database is unusable
    err.print(f"Vigía programado: «{cfg.cron}» ({cfg.zona}). Base de datos: {redact_url(db_url)}")
    scheduler.serve(db_url, cfg, run_nightly)
