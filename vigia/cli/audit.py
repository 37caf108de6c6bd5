"""`vigia auditar`: crawl one arbitrary site and print every site check, without a database."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import typer
from rich.table import Table

from checks.catalogue import load_catalogue
from checks.engine import FAILURES
from checks.model import CheckResult, SiteReport
from checks.reasons import reason_text
from config.paths import ensure_log_file
from config.registry import valid_http_url
from core.clock import today_local
from core.errors import VigiaError
from core.text import plural
from crawler.settings import CrawlSettings
from spiders.sitio import crawl_sites
from spiders.sitio.target import SiteTarget
from vigia.cli.common import err, handles_errors, out, print_json

STATUS_STYLE = {"cumple": "green", "no_cumple": "red", "indeterminado": "yellow", "no_aplica": "dim"}


def audit_json(report: SiteReport) -> dict[str, Any]:
    """The documented JSON shape of `vigia auditar --json`."""
    return {
        "url": report.start_url,
        "pages_crawled": report.outcome.pages_ok,
        "checks": [
            {
                "id": r.check_id,
                "status": r.status,
                "evidence": {"url": r.evidence.url, "text": r.evidence.text} if r.evidence else None,
            }
            for r in report.results
        ],
    }


def explain(result: CheckResult) -> str:
    """One line telling the user why a check has its status."""
    if result.evidence and result.status != "no_cumple":
        return f"{result.evidence.text} — {result.evidence.url}"
    return result.detail or reason_text(result.reason)


def results_table(report: SiteReport, title: str) -> Table:
    """Rich table of one site's check results."""
    catalogue = load_catalogue()
    table = Table(title=title, show_lines=False)
    for name in ("Verificación", "Área", "Resultado", "Evidencia o motivo"):
        table.add_column(name, overflow="fold")
    for result in report.results:
        spec = catalogue.get(result.check_id)
        style = STATUS_STYLE[result.status]
        table.add_row(spec.label, spec.seed, f"[{style}]{result.status}[/]", explain(result))
    return table


@handles_errors
def audit(
    url: Annotated[str, typer.Argument(help="Dirección del sitio a revisar, p. ej. https://toluca.gob.mx/")],
    json_output: Annotated[bool, typer.Option("--json", help="Imprime sólo JSON en la salida estándar.")] = False,
    max_pages: Annotated[int, typer.Option("--max-paginas", min=1, max=500, help="Páginas como máximo.")] = 60,
    ignore_robots: Annotated[bool, typer.Option("--ignorar-robots", help="No obedecer robots.txt.")] = False,
) -> None:
    """Revisa un sitio cualquiera y muestra cada verificación del catálogo (no usa base de datos).

    Ejemplo: vigia auditar https://toluca.gob.mx/ --json
    """
    if not valid_http_url(url):
        raise VigiaError(f"«{url}» no es una dirección http(s) válida. Ejemplo: https://toluca.gob.mx/")
    cfg = CrawlSettings.from_env()
    cfg = replace(
        cfg, max_pages=max_pages, obey_robots=not ignore_robots, log_file=cfg.log_file or str(ensure_log_file())
    )
    if not json_output:
        err.print(f"Revisando {url} (hasta {plural(max_pages, 'página', 'páginas')})…")
    report = next(iter(crawl_sites([SiteTarget(None, None, url)], cfg, today_local())))
    if json_output:
        print_json(audit_json(report))
    else:
        out.print(results_table(report, f"{url} — {plural(report.outcome.pages_ok, 'página leída', 'páginas leídas')}"))
    fail_if_unread(report)


def fail_if_unread(report: SiteReport) -> None:
    """A site whose home page could not be read is a failed audit: one Spanish line on stderr and exit 1."""
    outcome = report.outcome
    if outcome.failure is None or outcome.pages_ok > 0:
        return
    why = FAILURES.get(outcome.failure, outcome.failure)
    detail = f" ({outcome.failure_detail})" if outcome.failure_detail else ""
    err.print(
        f"[bold red]Error:[/] no se pudo leer {outcome.start_url}: {why}{detail}.", highlight=False, soft_wrap=True
    )
    raise typer.Exit(1)
