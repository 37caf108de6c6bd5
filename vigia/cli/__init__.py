"""The `vigia` command: one module per command group, Spanish help throughout."""

from __future__ import annotations

import logging
import sys

import typer

from vigia.cli import alerting, i18n, sites
from vigia.cli.audit import audit
from vigia.cli.backup import respaldo
from vigia.cli.bench import bench
from vigia.cli.common import report_unexpected, start_operator_log
from vigia.cli.crawl import crawl, demo
from vigia.cli.discover import descubrir
from vigia.cli.history import cambios, historial
from vigia.cli.precision import precision
from vigia.cli.reports import municipios, report
from vigia.cli.schedule import schedule
from vigia.cli.serve import serve

i18n.install()

app = typer.Typer(
    name="vigia",
    help="Vigía: monitor de los portales de transparencia de los 125 municipios del Estado de México.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    options_metavar="[OPCIONES]",
    subcommand_metavar="COMANDO [ARGS]...",
)


@app.callback()
def _start(ctx: typer.Context) -> None:
    # Every command, subcommands included, writes its causes and tracebacks to vigia.log.
    start_operator_log()
    logging.getLogger("vigia.cli").info("vigia %s", ctx.invoked_subcommand)


app.command("demo")(demo)
app.command("audit")(audit)
app.command("crawl")(crawl)
app.command("report")(report)
app.command("municipios")(municipios)
app.command("descubrir")(descubrir)
app.command("historial")(historial)
app.command("cambios")(cambios)
app.command("schedule")(schedule)
app.command("serve")(serve)
app.command("bench")(bench)
app.command("respaldo")(respaldo)
app.command("precision")(precision)
app.add_typer(alerting.app, name="alertas")
app.add_typer(sites.app, name="sitios")


def main() -> None:
    """Console entry point: whatever escapes a command becomes one Spanish line, never a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("Interrumpido por el usuario.\n")
        sys.exit(130)
    except Exception as exc:
        sys.exit(report_unexpected(exc))
