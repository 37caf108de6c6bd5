"""Benchmark the dashboard's queries and pages on a generated year of nightly runs (run on demand).

    python -m bench.dashboard [--days 365] [--db /tmp/vigia-year.db] [--json out.json]

The history is generated once by bench.history_gen (125 municipalities × the catalogue's site checks + 87 IPOMEX fractions per
night through the real schema, statuses that mostly persist from night to night) and reused on later calls. Timings
are medians of repeated calls.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.history_gen import generate
from bench.measure import median_ms
from checks.catalogue import load_catalogue
from checks.obligations import load_obligations
from storage import dashboard
from storage.db import Database, open_database

TARGET_MS = 200.0


def measure(db: Database) -> list[dict[str, Any]]:
    """Time every dashboard query and, when the web app exists, every page."""
    catalogue, obligations = load_catalogue(), load_obligations()
    calls: dict[str, Callable[[], object]] = {
        "consulta ranking": lambda: dashboard.ranking(db),
        "consulta municipio": lambda: dashboard.municipality_page(db, "15106", catalogue, obligations),
        "consulta verificación": lambda: dashboard.check_page(db, "canal.telefono", catalogue, obligations),
        "consulta matriz IPOMEX": lambda: dashboard.ipomex_matrix(db, obligations),
        "consulta corridas": lambda: dashboard.runs(db),
    }
    calls.update(_pages(str(db.engine.url)))
    return [
        {
            "name": name,
            "value": (ms := round(median_ms(call), 1)),
            "unit": "ms",
            "target": TARGET_MS,
            "met": ms <= TARGET_MS,
        }
        for name, call in calls.items()
    ]


def _pages(db_url: str) -> dict[str, Callable[[], object]]:
    try:
        from fastapi.testclient import TestClient

        from web.app import create_app
    except ImportError:
        return {}
    client = TestClient(create_app(db_url, require_login=False))
    paths = {
        "página ranking": "/",
        "página municipio": "/municipio/15106",
        "página verificación": "/verificacion/canal.telefono",
        "página matriz IPOMEX": "/ipomex",
        "página corridas": "/corridas",
    }
    return {name: partial(_get, client, path) for name, path in paths.items()}


def _get(client: Any, path: str) -> None:
    client.get(path).raise_for_status()


def main() -> None:
    """Generate (once) and measure; print a table and optionally write JSON."""
    parser = argparse.ArgumentParser(description="Mide el tablero sobre un año generado de corridas nocturnas.")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--db", type=Path, default=Path("/tmp/vigia-bench-year.db"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not args.db.exists():
        started = time.perf_counter()
        generate(args.db, 125, args.days, 7)
        print(
            f"historial generado: {args.days} noches en {time.perf_counter() - started:.0f} s, "
            f"{args.db.stat().st_size / 1e6:.0f} MB"
        )
    db = open_database(f"sqlite:///{args.db}")
    rows = measure(db)
    for row in rows:
        print(f"{row['name']:<28} {row['value']:>8.1f} ms  {'✔' if row['met'] else '✘'} (meta ≤ {TARGET_MS:.0f} ms)")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    db.dispose()


if __name__ == "__main__":
    main()
