"""The `vigia` command: one module per command group, Spanish help throughout."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

import typer
from typer._click import core as click_core
from typer.core import TyperGroup

from vigia.cli import alerting, evidence, i18n, sites, usage_errors
from vigia.cli.audit import audit
from vigia.cli.backup import respaldo
from vigia.cli.bench import bench
from vigia.cli.common import report_unexpected, start_operator_log
from vigia.cli.constancia import constancia
from vigia.cli.crawl import crawl, demo
from vigia.cli.discover import descubrir
from vigia.cli.history import cambios, historial
from vigia.cli.precision import precision
from vigia.cli.reports import municipios, report
from vigia.cli.schedule import schedule
from vigia.cli.serve import serve

i18n.install()
usage_errors.install()


class SpanishGroup(TyperGroup):
    """The root command: English option names of the first versions are read as their Spanish names."""

    def parse_args(self, ctx: click_core.Context, args: list[str]) -> list[str]:
        """Translate option aliases anywhere on the line (every subcommand's arguments pass through here)."""
        return super().parse_args(ctx, i18n.spanish_options(args))


app = typer.Typer(
    cls=SpanishGroup,
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


# Spanish names, in the order `vigia --help` lists them. The English names the first versions used stay as hidden
# aliases (ALIASES) so that existing scripts and systemd units keep running.
COMMANDS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("demo", demo),
    ("auditar", audit),
    ("rastrear", crawl),
    ("reporte", report),
    ("municipios", municipios),
    ("descubrir", descubrir),
    ("historial", historial),
    ("cambios", cambios),
    ("programar", schedule),
    ("servir", serve),
    ("medir", bench),
    ("respaldo", respaldo),
    ("precision", precision),
    ("constancia", constancia),
)
ALIASES = {
    "audit": "auditar",
    "crawl": "rastrear",
    "report": "reporte",
    "schedule": "programar",
    "serve": "servir",
    "bench": "medir",
}
for _name, _function in COMMANDS:
    app.command(_name)(_function)
for _alias, _name in ALIASES.items():
    app.command(_alias, hidden=True)(dict(COMMANDS)[_name])
app.add_typer(alerting.app, name="alertas")
app.add_typer(sites.app, name="sitios")
app.add_typer(evidence.app, name="evidencia")


def main() -> None:
    """Console entry point: whatever escapes a command becomes one Spanish line, never a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("Interrumpido por el usuario.\n")
        sys.exit(130)
    except Exception as exc:
        sys.exit(report_unexpected(exc))
