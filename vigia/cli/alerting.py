"""`vigia alertas`: what the outbox would send, sending it, the uncertain digests, and a test e-mail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from alerts.outbox_sender import (
    PendingMail,
    SendReport,
    UncertainMail,
    preview_pending,
    resend_uncertain,
    send_test,
    uncertain_mails,
)
from config.operation import AlertsConfig, load_operation_config
from core.clock import people_datetime
from storage.db import Database, redact_url, resolve_database_url
from vigia.cli.common import DbOption, err, handles_errors, out, with_database, with_reader
from vigia.nightly import send_outbox, smtp_transport, watch_runs

T = TypeVar("T")
app = typer.Typer(no_args_is_help=False, options_metavar="[OPCIONES]", subcommand_metavar="[COMANDO] [ARGS]...")


@app.callback(invoke_without_command=True)
@handles_errors
def alertas(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--simulacro", help="Sólo muestra lo que se enviaría.")] = False,
    reenviar_inciertos: Annotated[
        bool,
        typer.Option(
            "--reenviar-inciertos",
            help="Reenvía a propósito los correos inciertos (el servidor pudo haberlos "
            "recibido), con el mismo Message-ID para que el destinatario descarte el duplicado.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Envía los resúmenes pendientes de la bandeja de salida (o sólo los muestra con --simulacro).

    Los correos inciertos (el proceso que los enviaba terminó antes de registrar la respuesta del servidor) nunca
    se reenvían solos: se listan, y se reenvían sólo con --reenviar-inciertos.

    Ejemplos: vigia alertas --simulacro; vigia alertas; vigia alertas --reenviar-inciertos;
    vigia alertas probar auditor@ejemplo.org
    """
    if ctx.invoked_subcommand is not None:
        return
    if dry_run:
        with_reader(db, _show_dry_run)
        return
    # Sending never falls back to the demo's database: simulated alerts must not reach real auditors.
    db_url = resolve_database_url(db)
    err.print(f"Base de datos: {redact_url(db_url)}", highlight=False, soft_wrap=True)
    cfg = load_operation_config().alerts
    if reenviar_inciertos:
        report = with_database(db_url, lambda database: _resend(database, cfg))
        out.print(
            f"Reenviados: {report.sent}; siguen inciertos: {report.pending}; "
            f"rechazados definitivamente: {report.failed}."
        )
    else:
        report = send_outbox(db_url, cfg)
        out.print(
            f"Enviados: {report.sent}; pendientes para el siguiente intento: {report.pending}; "
            f"rechazados definitivamente: {report.failed}."
        )
    with_database(db_url, lambda database: _show_uncertain(uncertain_mails(database)))


def _resend(database: Database, cfg: AlertsConfig) -> SendReport:
    """Deliberately resend every uncertain digest through the configured SMTP server."""
    return resend_uncertain(
        database, smtp_transport(cfg), cfg.remitente, cfg.smtp.reintentos, lambda: datetime.now(UTC)
    )


def _show_dry_run(database: Database) -> None:
    """Print the pending digests and the uncertain ones, changing nothing."""
    _show_pending(preview_pending(database))
    _show_uncertain(uncertain_mails(database))


def _show_pending(pending: list[PendingMail]) -> None:
    table = Table(title=f"Correos pendientes de envío: {len(pending)}")
    for name in ("Destinatario", "Asunto", "Intentos", "Último error"):
        table.add_column(name, overflow="fold")
    for item in pending:
        table.add_row(item.recipient, item.subject, str(item.attempts), item.last_error or "")
    out.print(table)


def _show_uncertain(uncertain: list[UncertainMail]) -> None:
    """List the uncertain digests, or nothing when there are none."""
    if not uncertain:
        return
    table = Table(title=f"Correos inciertos (el servidor pudo haberlos recibido): {len(uncertain)}")
    for name in ("Destinatario", "Corrida", "Asunto", "Desde", "Motivo"):
        table.add_column(name, overflow="fold")
    for item in uncertain:
        table.add_row(item.recipient, str(item.run_id), item.subject, people_datetime(item.since), item.reason or "")
    out.print(table)
    out.print(
        "No se reenvían solos para no duplicar una alerta. Confirme con cada destinatario si llegaron; para "
        "reenviarlos (con el mismo Message-ID): vigia alertas --reenviar-inciertos"
    )


@app.command("probar")
@handles_errors
def probar(destino: Annotated[str, typer.Argument(help="Dirección de correo a la que se envía la prueba.")]) -> None:
    """Envía un correo de prueba con la configuración SMTP de config/operacion.yaml.

    Ejemplo: vigia alertas probar auditor@ejemplo.org
    """
    cfg = load_operation_config().alerts
    send_test(smtp_transport(cfg), cfg.remitente, destino)
    out.print(f"Correo de prueba enviado a {destino} por {cfg.smtp.host}:{cfg.smtp.port}.")


@app.command("vigilar")
@handles_errors
def vigilar(db: DbOption = None) -> None:
    """Avisa al operador si ninguna corrida terminó completa en las últimas horas (config/operacion.yaml,
    alertas.operador) y envía la bandeja de salida; pensado para un temporizador cada hora, aparte del rastreo.

    Ejemplo: vigia alertas vigilar
    """
    cfg = load_operation_config().alerts
    if cfg.operador.correo is None:
        out.print("Sin correo del operador en config/operacion.yaml (alertas.operador.correo): no hay a quién avisar.")
        return
    report = watch_runs(resolve_database_url(db), cfg, datetime.now(UTC))
    out.print(f"Enviados: {report.sent}; pendientes para el siguiente intento: {report.pending}.")
