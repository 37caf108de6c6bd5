"""Check the evidence chain against the database as it is now: each manifest's hash and link, each run's status and
finish time, and each run's results and archive record rows against the digests its manifest holds.

The WARC files themselves are checked by vigia.evidence (storage does not read the archive). Every problem is one
Spanish line naming the run, municipality or manifest that no longer matches.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from core.clock import machine_datetime, people_datetime, to_local
from storage.evidence_models import RunManifestRow
from storage.manifest import (
    EMPTY,
    NO_MUNICIPALITY,
    ChainHead,
    Digest,
    manifests,
    record_digests,
    result_digests,
    sha256_text,
)
from storage.models import MunicipalityRow, RunRow


@dataclass(frozen=True)
class Link:
    """One manifest as walked: its run, its hash recomputed from its text, when the run finished."""

    run_id: int
    manifest_hash: str
    finished_at: datetime | None


@dataclass
class ChainReport:
    """What walking the chain found: its links, the runs to check in depth, the complete runs before it, problems."""

    links: list[Link] = field(default_factory=list)
    checked_runs: list[int] = field(default_factory=list)
    runs_before: list[int] = field(default_factory=list)
    results_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def head(self) -> ChainHead | None:
        """The newest link as recomputed (None without manifests)."""
        return ChainHead(self.links[-1].run_id, self.links[-1].manifest_hash) if self.links else None


def walk_chain(conn: Connection, since: date | None = None) -> ChainReport:
    """Recompute every manifest's hash and link; runs finished on or after `since` (local date) are listed to be
    checked in depth. Complete runs without a manifest after the chain started are problems."""
    report, previous = ChainReport(), None
    for row in manifests(conn):
        data = _check_text(row, report.problems)
        run = conn.execute(select(RunRow.status, RunRow.finished_at).where(RunRow.id == row.run_id)).first()
        if data is not None:
            _check_link(row.run_id, data, previous, report.problems)
            _check_run(row.run_id, data, run, report.problems)
        link = Link(row.run_id, sha256_text(row.manifest), run.finished_at if run else None)
        report.links.append(link)
        if since is None or (link.finished_at is not None and to_local(link.finished_at).date() >= since):
            report.checked_runs.append(row.run_id)
        previous = link
    _unchained_runs(conn, report)
    return report


def _check_text(row: Any, problems: list[str]) -> dict[str, Any] | None:
    """The manifest's JSON when its text still hashes to its stored hash and its columns agree with it."""
    run_id = row.run_id
    if sha256_text(row.manifest) != row.manifest_hash:
        problems.append(f"El manifiesto de la corrida {run_id} fue modificado: su texto ya no da su hash.")
    try:
        data = json.loads(row.manifest)
    except ValueError:
        problems.append(f"El manifiesto de la corrida {run_id} no se puede leer (no es JSON).")
        return None
    if not isinstance(data, dict):
        problems.append(f"El manifiesto de la corrida {run_id} no se puede leer (no es un objeto JSON).")
        return None
    anterior = data.get("anterior") or {}
    columns = (row.previous_run_id, row.previous_hash, row.results_digest, row.records_digest)
    written = (anterior.get("corrida"), anterior.get("sha256"), _sha(data, "resultados"), _sha(data, "registros"))
    if data.get("corrida") != run_id or columns != written:
        problems.append(f"Las columnas del manifiesto de la corrida {run_id} no coinciden con su texto.")
    return data


def _sha(data: dict[str, Any], key: str) -> Any:
    part = data.get(key)
    return part.get("sha256") if isinstance(part, dict) else None


def _check_link(run_id: int, data: dict[str, Any], previous: Link | None, problems: list[str]) -> None:
    """The manifest names the one written before it, by run and by that manifest's recomputed hash."""
    anterior = data.get("anterior")
    if previous is None:
        if anterior:
            problems.append(
                f"El manifiesto de la corrida {run_id} enlaza con el de la corrida {anterior.get('corrida')}, "
                "que ya no está en la base."
            )
        return
    if not isinstance(anterior, dict) or anterior.get("corrida") != previous.run_id:
        named = anterior.get("corrida") if isinstance(anterior, dict) else None
        also = f": enlaza con el de la corrida {named}, que ya no está en la base" if named else ""
        problems.append(f"El manifiesto de la corrida {run_id} no enlaza con el de la {previous.run_id}{also}.")
    elif anterior.get("sha256") != previous.manifest_hash:
        problems.append(
            f"El manifiesto de la corrida {run_id} no enlaza con el de la {previous.run_id}: "
            f"el de la {previous.run_id} cambió después de encadenarse."
        )


def _check_run(run_id: int, data: dict[str, Any], run: Any, problems: list[str]) -> None:
    """The run still exists, is complete and finished when the manifest says."""
    if run is None:
        problems.append(f"La corrida {run_id} tiene manifiesto pero ya no está en la base.")
    elif run.status != "complete":
        problems.append(f"La corrida {run_id} ya no figura como completa (estado: {run.status}).")
    elif machine_datetime(run.finished_at) != data.get("terminada"):
        problems.append(
            f"La hora de cierre de la corrida {run_id} cambió: {people_datetime(run.finished_at)} en la base, "
            f"{data.get('terminada')} en el manifiesto."
        )


def _unchained_runs(conn: Connection, report: ChainReport) -> None:
    """Complete runs with no manifest: before the first link they predate the chain; after it, one was removed."""
    chained = select(RunManifestRow.run_id)
    query = (
        select(RunRow.id, RunRow.finished_at)
        .where(RunRow.status == "complete", RunRow.id.not_in(chained))
        .order_by(RunRow.finished_at, RunRow.id)
    )
    first = conn.scalar(select(func.min(RunManifestRow.created_at)))
    for run_id, finished_at in conn.execute(query):
        if first is None or finished_at is None or finished_at < first:
            report.runs_before.append(run_id)
        else:
            report.problems.append(
                f"La corrida {run_id} terminó completa después de que empezó la cadena y no tiene manifiesto "
                "(se borró, o la corrida se marcó completa después)."
            )


def check_contents(conn: Connection, report: ChainReport) -> None:
    """Recompute the results and record-row digests of every run to check and name each municipality that differs."""
    names = {cve: name for cve, name in conn.execute(select(MunicipalityRow.cve_inegi, MunicipalityRow.nombre))}
    for run_id in report.checked_runs:
        text = conn.scalar(select(RunManifestRow.manifest).where(RunManifestRow.run_id == run_id))
        try:
            towns = json.loads(text or "").get("municipios", {})
        except (ValueError, AttributeError):
            continue  # already reported by walk_chain
        results = result_digests(conn, run_id)
        records, _ = record_digests(conn, run_id)
        report.results_checked += sum(item.count for item in results.values())
        report.problems.extend(_town_lines(run_id, towns, results, records, names))


def _town_lines(
    run_id: int, towns: dict[str, Any], results: dict[str, Digest], records: dict[str, Digest], names: dict[str, str]
) -> Iterator[str]:
    for key in sorted(towns.keys() | results.keys() | records.keys()):
        stored = towns.get(key) or {}
        where = f"Corrida {run_id}, {_town(key, names)}"
        now = results.get(key, EMPTY)
        if (now.count, now.sha256) != (stored.get("resultados", 0), stored.get("resultados_sha256", EMPTY.sha256)):
            yield (
                f"{where}: los resultados guardados no coinciden con el manifiesto "
                f"({now.count} ahora, {stored.get('resultados', 0)} en el manifiesto)."
            )
        now = records.get(key, EMPTY)
        if (now.count, now.sha256) != (stored.get("registros", 0), stored.get("registros_sha256", EMPTY.sha256)):
            yield (
                f"{where}: los registros del archivo guardados en la base no coinciden con el manifiesto "
                f"({now.count} ahora, {stored.get('registros', 0)} en el manifiesto)."
            )


def _town(key: str, names: dict[str, str]) -> str:
    if key == NO_MUNICIPALITY:
        return "páginas sin municipio"
    return f"{names.get(key, 'municipio desconocido')} ({key})"
