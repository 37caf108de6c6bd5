"""The `vigia` command: one module per command group, Spanish help throughout."""

from __future__ import annotations

import typer

from vigia.cli import i18n
from vigia.cli.audit import audit
from vigia.cli.crawl import crawl, demo
from vigia.cli.reports import municipios, report

i18n.install()

app = typer.Typer(
    name="vigia",
    help="Vigía: monitor de los portales de transparencia de los 125 municipios del Estado de México.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
app.command("demo")(demo)
app.command("audit")(audit)
app.command("crawl")(crawl)
app.command("report")(report)
app.command("municipios")(municipios)


def main() -> None:
    """Console entry point."""
    app()
