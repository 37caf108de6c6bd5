"""`vigia municipios --cruce`: each municipality's identifiers (PNT, IPOMEX generations, official sites) with their
source and date, config facts first (they win), then what auditors confirmed and discovery found."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from typing import Any, TypeVar

from rich import box
from rich.table import Table

from config.crosswalk import CrosswalkFact, load_config_crosswalk
from config.registry import Municipality
from core.text import plural
from storage.site_registry import crosswalk
from vigia.cli.common import OutputFormat, out, print_json, with_reader

T = TypeVar("T")
CAMPO_LABEL = {
    "nombre_pnt": "Nombre en la PNT",
    "id_pnt": "Id PNT",
    "ipomex3_slug": "IPOMEX 3",
    "ipomex4_id": "IPOMEX 4",
    "ipomex_legado_slug": "IPOMEX antiguo",
    "sitio_oficial": "Sitio(s) oficial(es)",
}


def write_csv(rows: Sequence[dict[str, Any]]) -> None:
    """Rows as CSV on stdout (nothing when there are none)."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    sys.stdout.write(buffer.getvalue())


def crosswalk_facts(db: str | None, registry: Sequence[Municipality]) -> dict[str, list[CrosswalkFact]]:
    """The crosswalk of the registry: config facts merged with the database's."""
    config = load_config_crosswalk(registry)
    # A reader: it may fall back to the demo's database, which writers (sitios confirmar…) never do.
    return with_reader(db, lambda d: crosswalk(d.ReadSession, config))


def print_crosswalk(registry: Sequence[Municipality], facts: dict[str, list[CrosswalkFact]], fmt: OutputFormat) -> None:
    """The crosswalk as a table (one row per municipality), JSON (facts per campo) or CSV (one row per fact)."""
    if fmt is OutputFormat.json:
        print_json(
            [{"cve_inegi": m.cve_inegi, "nombre": m.nombre, "cruce": _by_campo(facts[m.cve_inegi])} for m in registry]
        )
    elif fmt is OutputFormat.csv:
        write_csv(
            [
                {
                    "cve_inegi": m.cve_inegi,
                    "nombre": m.nombre,
                    "campo": f.campo,
                    "valor": f.valor,
                    "fuente": f.fuente,
                    "fecha": f.fecha or "",
                    "origen": f.origen,
                }
                for m in registry
                for f in facts[m.cve_inegi]
            ]
        )
    else:
        out.print(_crosswalk_table(registry, facts))


def _by_campo(facts: Sequence[CrosswalkFact]) -> dict[str, list[dict[str, str | None]]]:
    grouped: dict[str, list[dict[str, str | None]]] = {}
    for f in facts:
        grouped.setdefault(f.campo, []).append(
            {"valor": f.valor, "fuente": f.fuente, "fecha": f.fecha, "origen": f.origen}
        )
    return grouped


def _crosswalk_table(registry: Sequence[Municipality], facts: dict[str, list[CrosswalkFact]]) -> Table:
    table = Table(
        title=f"Cruce de identificadores: {plural(len(registry), 'municipio', 'municipios')}", box=box.SIMPLE_HEAD
    )
    campos = ("nombre_pnt", "id_pnt", "ipomex3_slug", "ipomex4_id", "ipomex_legado_slug", "sitio_oficial")
    for name in ("Clave", "Municipio", *(CAMPO_LABEL[c] for c in campos)):
        table.add_column(name, overflow="fold")
    for m in registry:
        cells = []
        for campo in campos:
            found = [f for f in facts[m.cve_inegi] if f.campo == campo]
            cells.append("\n".join(f"{f.valor}\n[dim]{f.fuente}, {f.fecha or 'sin fecha'}[/]" for f in found) or "—")
        table.add_row(m.cve_inegi, m.nombre, *cells)
    table.caption = (
        "Cada dato con su fuente y fecha; lo que dice config/ manda sobre lo descubierto. «—»: no se conoce."
    )
    return table
