"""`vigia precision`: measure the site checks against the auditors' labels on the corpus of real sites."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from bench.precision import measure_corpus
from checks.catalogue import load_catalogue
from checks.labels import load_labels
from checks.precision import CheckFigures, Measurement
from checks.reliability import percent, save_measurement
from config import paths
from core.clock import today_local
from core.errors import VigiaError
from core.text import plural
from vigia.cli.common import err, handles_errors, out, print_json


def _share(value: float | None) -> str:
    return "—" if value is None else percent(value)


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def state_text(figures: CheckFigures) -> str:
    """Estado column: en revisión, confiable, or sin etiquetas."""
    if not figures.scored:
        return "sin etiquetas"
    return "en revisión" if figures.under_review else "confiable"


def figures_json(f: CheckFigures) -> dict[str, Any]:
    """One check's figures (or the totals) as JSON."""
    return {
        "id": f.check_id,
        "etiquetas": f.scored,
        "acuerdos": f.agree,
        "acuerdo": _rate(f.agreement),
        "acusaciones_falsas": f.false_accusations,
        "tasa_acusaciones_falsas": _rate(f.false_accusation_rate),
        "credito_falso": f.false_credit,
        "decididas": f.decided,
        "cobertura": _rate(f.coverage),
        "en_revision": f.under_review,
        "desacuerdos": [
            {"sitio": d.site, "verificacion": d.check_id, "nuestro": d.ours, "etiqueta": d.label}
            for d in f.disagreements
        ],
    }


def measurement_json(m: Measurement) -> dict[str, Any]:
    """The whole measurement as JSON (what `vigia precision --json` prints)."""
    return {
        "fecha": m.measured_on.isoformat(),
        "version_catalogo": m.catalogue_version,
        "corpus": {"sitios": m.sites, "etiquetas": m.scored},
        "verificaciones": [figures_json(f) for f in m.checks],
        "totales": figures_json(m.totals),
    }


def _row(f: CheckFigures, name: str, state: str | None = None) -> list[str]:
    state = state or state_text(f)
    style = {"en revisión": "red", "confiable": "green"}.get(state, "dim")
    return [
        name,
        str(f.scored),
        _share(f.agreement),
        str(f.false_accusations),
        str(f.false_credit),
        _share(f.coverage),
        f"[{style}]{state}[/]",
    ]


def measurement_table(m: Measurement) -> Table:
    """Rich table: one row per check, then the totals."""
    title = f"Confiabilidad: {plural(m.sites, 'sitio', 'sitios')}, {plural(m.scored, 'etiqueta', 'etiquetas')}, catálogo {m.catalogue_version}"
    table = Table(title=title, show_footer=False)
    names = ("Verificación", "Etiquetas", "Acuerdo", "Acusaciones falsas", "Crédito falso", "Cobertura", "Estado")
    for name in names:
        table.add_column(name, justify="left" if name in ("Verificación", "Estado") else "right")
    for figures in m.checks:
        table.add_row(*_row(figures, figures.check_id))
    table.add_section()
    review = len(m.under_review())
    table.add_row(*_row(m.totals, "[bold]Total[/]", f"{review} en revisión"))
    table.caption = (
        "Acuerdo: etiquetas en que dimos el mismo resultado que el auditor. Acusación falsa: dijimos no_cumple y el "
        "auditor, cumple. Crédito falso: dijimos cumple y el auditor, no_cumple. Cobertura: etiquetas en que "
        "decidimos (cumple o no_cumple) en vez de indeterminado. En revisión: acusaciones falsas en más del 1 %."
    )
    return table


def _corpus(corpus: Path | None) -> Path:
    found = corpus or paths.CORPUS
    if not found.is_dir():
        how = "Indique otro con --corpus DIR" if corpus else "Indíquelo con --corpus DIR"
        raise VigiaError(
            f"No se encontró el corpus de sitios etiquetados en «{found}». {how} (una carpeta por sitio con sus "
            "páginas y un labels.yaml con las etiquetas; otro archivo de etiquetas con --etiquetas ARCHIVO)."
        )
    return found


@handles_errors
def precision(
    corpus: Annotated[
        Path | None, typer.Option("--corpus", help="Carpeta del corpus (por omisión ../shared/corpus).")
    ] = None,
    etiquetas: Annotated[
        Path | None, typer.Option("--etiquetas", help="Archivo de etiquetas (por omisión labels.yaml del corpus).")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Imprime sólo JSON en la salida estándar.")] = False,
    guardar: Annotated[
        bool, typer.Option("--guardar", help="Guarda la medición en config/confiabilidad.yaml (la lee el tablero).")
    ] = False,
) -> None:
    """Mide cada verificación del sitio contra las etiquetas de los auditores en los sitios reales del corpus.

    Sirve cada carpeta del corpus en 127.0.0.1, la revisa como `vigia auditar` (sin red externa) y compara cada
    resultado con su etiqueta: acuerdo, acusaciones falsas (no_cumple donde el auditor dice cumple), crédito falso
    y cobertura. Una verificación con acusaciones falsas en más del 1 % de sus etiquetas queda «en revisión».
    Ejemplo: vigia precision --guardar
    """
    root = _corpus(corpus)
    catalogue = load_catalogue()
    labels = load_labels(etiquetas or root / "labels.yaml", root, catalogue)
    if not json_output:
        err.print(f"Revisando {plural(len(labels.sites), 'sitio', 'sitios')} del corpus {root}…")
    measurement = measure_corpus(labels, today_local(), catalogue=catalogue)
    saved = save_measurement(measurement) if guardar else None
    if json_output:
        print_json(measurement_json(measurement))
    else:
        out.print(measurement_table(measurement))
    if saved is not None:
        err.print(f"Medición guardada en {saved}.")
