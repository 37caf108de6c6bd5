"""Benchmark history at scale: a generated year of nightly runs through the real schema (run on demand).

    python -m bench.history --municipios 125 --dias 365 --db /tmp/vigia-hist.db

The history is generated once per file (bench_meta records municipalities × days × seed) and reused afterwards.
Timings are medians of five calls after a warm-up.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from bench.history_gen import GENERATION_START, generate, generated_size, stored_shape
from bench.measure import Measurement, at_most, median_ms
from core.clock import LOCAL_TZ
from storage.db import Database, open_database
from storage.history import changes_since, status_on, timeline

TIMELINE_MS, CHANGES_MS, PAGE_MS, RUN_MB = 50.0, 500.0, 200.0, 1.0
PAGES = {
    "tablero ranking": "/",
    "tablero municipio": "/municipio/{cve}",
    "tablero verificación": "/verificacion/canal.telefono",
    "tablero matriz IPOMEX": "/ipomex",
    "tablero corridas": "/corridas",
}


def default_path(municipalities: int, days: int) -> Path:
    """Where a generated history of that shape is kept between calls."""
    return Path(f"/tmp/vigia-hist-{municipalities}x{days}.db")


def measure_history(
    municipalities: int = 125, days: int = 365, db_path: Path | None = None, seed: int = 7
) -> list[Measurement]:
    """Generate (once per file) and measure the history queries, the dashboard pages and the size per run."""
    path = db_path or default_path(municipalities, days)
    seconds = _ensure_generated(path, municipalities, days, seed)
    db = open_database(f"sqlite:///{path}")
    try:
        cve = _sample_municipality(db)
        found = [
            _timed(
                "historial municipio (año)",
                lambda: timeline(db, cve),
                TIMELINE_MS,
                f"una fila por check más sus cambios ({cve})",
            ),
            _timed(
                "cambios desde (30 días, todo el estado)",
                lambda: changes_since(db, _since(days)),
                CHANGES_MS,
                "lee result_changes de las corridas de la ventana",
            ),
            _timed(
                "estado en una fecha (todo el estado)",
                lambda: status_on(db, _since(days)),
                None,
                "corrida completa más reciente de cada municipio hasta ese día",
            ),
        ]
        found += [_timed(name, call, PAGE_MS) for name, call in _pages(db, cve).items()]
    finally:
        db.dispose()
    found.append(_size(path, days))
    note = "historial reutilizado" if seconds is None else f"{municipalities} municipios × {days} noches"
    found.append(at_most("generación", seconds or 0.0, "s", None, note))
    return found


def _ensure_generated(path: Path, municipalities: int, days: int, seed: int) -> float | None:
    """Seconds spent generating, or None when the file already holds this history."""
    if path.exists() and stored_shape(path) == (municipalities, days, seed):
        return None
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    generate(path, municipalities, days, seed)
    return time.perf_counter() - started


def _sample_municipality(db: Database) -> str:
    with db.engine.connect() as conn:
        cves = [row[0] for row in conn.exec_driver_sql("SELECT cve_inegi FROM municipalities ORDER BY cve_inegi")]
    return "15106" if "15106" in cves else cves[len(cves) // 2]


def _since(days: int) -> date:
    """The local day 30 days before the last generated night (both ends included)."""
    last = GENERATION_START + timedelta(days=days - 1, hours=1)
    return last.astimezone(LOCAL_TZ).date() - timedelta(days=29)


def _timed(name: str, call: Callable[[], object], target: float | None, note: str = "") -> Measurement:
    return at_most(name, median_ms(call), "ms", target, note)


def _pages(db: Database, cve: str) -> dict[str, Callable[[], object]]:
    from fastapi.testclient import TestClient

    from web.app import create_app

    client = TestClient(create_app(str(db.engine.url), require_login=False))
    paths = {name: path.format(cve=cve) for name, path in PAGES.items()}
    return {name: partial(_get, client, path) for name, path in paths.items()}


def _get(client: Any, path: str) -> None:
    client.get(path).raise_for_status()


def _size(path: Path, days: int) -> Measurement:
    used, file_bytes = generated_size(path)
    note = f"suma de dbstat.pgsize / corridas; archivo: {file_bytes / days / 1e6:.2f} MB por corrida"
    return at_most("tamaño por corrida", used / days / 1e6, "MB", RUN_MB, note)


def _print(rows: list[Measurement]) -> None:
    for row in rows:
        mark = "" if row.met is None else ("✔" if row.met else "✘")
        target = "" if row.target is None else f"(meta ≤ {row.target:g} {row.unit})"
        print(f"{row.name:<42} {row.value:>10.2f} {row.unit:<3} {mark} {target:<18} {row.note}")


def main() -> None:
    """Generate (once) and measure; print a table."""
    parser = argparse.ArgumentParser(description="Mide el historial y el tablero sobre corridas nocturnas generadas.")
    parser.add_argument("--municipios", type=int, default=125, help="municipios por noche (125, 500, 2469...)")
    parser.add_argument("--dias", type=int, default=365, help="noches generadas")
    parser.add_argument("--db", type=Path, help="archivo SQLite (se genera una vez y se reutiliza)")
    parser.add_argument("--semilla", type=int, default=7)
    args = parser.parse_args()
    _print(measure_history(args.municipios, args.dias, args.db, args.semilla))


if __name__ == "__main__":
    main()
