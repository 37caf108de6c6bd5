"""`vigia alertas`: what the outbox would send, sending it, and a test e-mail."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from alerts.config import load_operation_config
from alerts.outbox_sender import preview_pending, send_test
from storage.db import open_database, resolve_database_url
from vigia.cli.common import DbOption, handles_errors, out
from vigia.nightly import send_outbox, smtp_transport

app = typer.Typer(no_args_is_help=False, options_metavar="[OPCIONES]", subcommand_metavar="[COMANDO] [ARGS]...")


@app.callback(invoke_without_command=True)
@handles_errors
def alertas(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Sólo muestra lo que se enviaría.")] = False,
    db: DbOption = None,
) -> None:
    """Envía los resúmenes pendientes de la bandeja de salida (o sólo los muestra con --dry-run).

    Ejemplos: vigia alertas --dry-run; vigia alertas; vigia alertas probar auditor@ejemplo.org
    """
    if ctx.invoked_subcommand is not None:
        return
    db_url = resolve_database_url(db)
    if dry_run:
        database = open_database(db_url)
        try:
            pending = preview_pending(database)
        finally:
            database.dispose()
        table = Table(title=f"Correos pendientes de envío: {len(pending)}")
        for name in ("Destinatario", "Asunto", "Intentos", "Último error"):
            table.add_column(name, overflow="fold")
        for item in pending:
            table.add_row(item.recipient, item.subject, str(item.attempts), item.last_error or "")
        out.print(table)
        return
    report = send_outbox(db_url, load_operation_config().alerts)
    out.print(f"Enviados: {report.sent}; pendientes para el siguiente intento: {report.pending}; "
              f"rechazados definitivamente: {report.failed}.")


@app.command("probar")
@handles_errors
def probar(destino: Annotated[str, typer.Argument(help="Dirección de correo a la que se envía la prueba.")]) -> None:
    """Envía un correo de prueba con la configuración SMTP de config/operacion.yaml.

    Ejemplo: vigia alertas probar auditor@ejemplo.org
    """
    cfg = load_operation_config().alerts
    send_test(smtp_transport(cfg), cfg.remitente, destino)
    out.print(f"Correo de prueba enviado a {destino} por {cfg.smtp.host}:{cfg.smtp.port}.")
