"""What `vigia rastrear` and `vigia demo` show while and after they crawl: the progress bar and the run's summary."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from checks.ipomex_model import IpomexCapture
from checks.model import SiteReport, SourceReport, stage_label
from config.registry import Municipality
from core.errors import VigiaError
from core.text import plural
from crawler.pipeline import RunSummary
from storage.db import open_database
from storage.manifest import chain_head
from storage.models import RUN_STATUS_TEXT
from vigia.cli.common import err, out

# What a resume says it carried, per stage: «4 sitios», «3 municipios en IPOMEX».
CARRIED_NOUNS = {"sitio": "sitios", "ipomex": "municipios en IPOMEX"}


class _Track:
    """What the progress bar shows while reports come in."""

    def __init__(self, progress: Progress, names: dict[str, str], sites: int, portals: int) -> None:
        self.progress, self.names = progress, names
        self.sites = progress.add_task("", total=sites, phase="Sitios")
        self.portals = progress.add_task("", total=portals, phase="IPOMEX", visible=portals > 0)

    def event(self, event: object) -> None:
        """Advance the bar of the stage a report belongs to."""
        facts = event.facts if isinstance(event, SourceReport) else None
        if isinstance(facts, SiteReport):
            label = f"{self.names.get(facts.cve_inegi or '', '')}: {facts.outcome.pages_ok} págs."
            self.progress.update(self.sites, advance=1, description=label)
        elif isinstance(facts, IpomexCapture):
            kept = f", {len(facts.carried)} sin cambios" if facts.carried else ""
            label = f"{self.names.get(facts.cve_inegi or '', '')}: {len(facts.fractions)} fracciones{kept}"
            self.progress.update(self.portals, advance=1, description=label)

    def started(self, run_id: int) -> None:
        """Tell which run was opened."""
        err.print(f"Corrida {run_id} iniciada ({plural(len(self.names), 'municipio', 'municipios')}).")


@contextmanager
def progress_bar(municipalities: Sequence[Municipality], sites: int, portals: int) -> Iterator[_Track]:
    """A progress bar on stderr with one line for sites and one for IPOMEX portals."""
    columns = (
        TextColumn("[bold]{task.fields[phase]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err, transient=False) as progress:
        yield _Track(progress, {m.cve_inegi: m.nombre for m in municipalities}, sites, portals)


def print_summary(summary: RunSummary, db_url: str) -> None:
    """Tell the user how the run ended, what the browser cost and where it is stored."""
    style = "green" if summary.status == "complete" else "red"
    out.print(
        f"Corrida {summary.run_id}: [{style}]{RUN_STATUS_TEXT.get(summary.status, summary.status)}[/] — "
        f"{summary.sites_done}/{plural(summary.sites, 'sitio', 'sitios')}, "
        f"{plural(summary.pages_ok, 'página leída', 'páginas leídas')}, "
        f"{plural(summary.pages_failed, 'fallida', 'fallidas')}, "
        f"{plural(summary.unreachable, 'sitio inalcanzable', 'sitios inalcanzables')}; "
        f"{plural(summary.portals_done, 'municipio', 'municipios')} en IPOMEX "
        f"({summary.portals_unread} sin poder leerse); "
        f"{summary.seconds} s."
    )
    print_resume(summary)
    if summary.browser is not None and summary.browser.pages:
        out.print(
            f"Navegador: {plural(summary.browser.pages, 'página municipal renderizada', 'páginas municipales renderizadas')} "
            "con JavaScript en "
            f"{summary.browser.seconds:.1f} s."
        )
    if summary.error:
        # On stderr: a failed or partial run must be seen even when stdout goes to a file.
        err.print(f"[red]{summary.error}[/]", highlight=False)
    if summary.archive_notice:
        err.print(f"[yellow]{summary.archive_notice}[/]", highlight=False)
    print_chain_head(summary, db_url)
    out.print(f"Base de datos: {db_url}")


def print_chain_head(summary: RunSummary, db_url: str) -> None:
    """The evidence chain's head, so that a copy of it exists outside the database (a terminal, a log, a mail)."""
    try:
        database = open_database(db_url)
        try:
            head = chain_head(database)
        finally:
            database.dispose()
    except VigiaError as exc:
        # The run is stored; not being able to read the head back must not turn its summary into a failure.
        err.print(f"[yellow]No se pudo leer la cabeza de la cadena de evidencia: {exc}[/]", highlight=False)
        return
    if head is None:
        out.print("Cadena de evidencia: vacía todavía (empieza con la primera corrida completa).")
        return
    unchained = "" if head.run_id == summary.run_id else "; esta corrida no terminó completa y no se encadenó"
    out.print(f"Cadena de evidencia: {head.manifest_hash} (corrida {head.run_id}{unchained})", highlight=False)


def print_resume(summary: RunSummary) -> None:
    """A resume's line: which run it completes and what it kept from it instead of crawling it again."""
    if summary.resumed_run_id is None:
        return
    kept = ", ".join(f"{n} {CARRIED_NOUNS.get(stage, stage_label(stage))}" for stage, n in summary.carried.items())
    out.print(
        f"Reanuda la corrida {summary.resumed_run_id}: conserva lo que ya había leído ({kept or 'nada'}) y volvió "
        f"a rastrear sólo lo que le faltó."
    )
