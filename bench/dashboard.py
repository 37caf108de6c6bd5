"""Benchmark the dashboard's queries and pages on a generated year of nightly runs (run on demand).

    python -m bench.dashboard [--days 365] [--db /tmp/vigia-year.db] [--json out.json]

The history is generated once (125 municipalities × 29 site checks + 87 IPOMEX fractions per night, statuses that
mostly persist from night to night) and reused on later calls. Timings are medians of repeated calls.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from checks.catalogue import load_catalogue
from checks.obligations import load_obligations
from config.registry import load_registry
from storage import dashboard
from storage.db import Database, open_database
from storage.models import CheckResultRow, MunicipalityRow, RunRow, SiteOutcomeRow

STATUSES = ("cumple", "no_cumple", "indeterminado")
TARGET_MS = 200.0


def generate(db: Database, days: int, seed: int = 7) -> None:
    """Fill an empty database with `days` complete nightly runs for the 125 municipalities."""
    rng = random.Random(seed)
    ids = [c.id for c in load_catalogue().site_checks()] + [o.id for o in load_obligations().obligations]
    registry = load_registry()
    state = {(m.cve_inegi, c): rng.choice(STATUSES) for m in registry for c in ids}
    start = datetime(2025, 11, 24, 8, tzinfo=UTC)
    with db.engine.begin() as conn:
        conn.execute(insert(MunicipalityRow), [_municipality(m, start) for m in registry])
    for day in range(days):
        night = start + timedelta(days=day)
        for key in rng.sample(list(state), k=len(state) // 50):  # ~2% of results change each night
            state[key] = rng.choice(STATUSES)
        with db.engine.begin() as conn:
            run_id = conn.execute(insert(RunRow).values(
                kind="crawl", started_at=night, finished_at=night + timedelta(hours=1), status="complete",
                sites_planned=125, sites_done=125, pages_ok=4000, pages_failed=3, params="{}")).inserted_primary_key[0]
            conn.execute(insert(SiteOutcomeRow), [_outcome(run_id, m.cve_inegi, night) for m in registry])
            conn.execute(insert(CheckResultRow), [_result(run_id, cve, c, s, night) for (cve, c), s in state.items()])


def _municipality(m: Any, now: datetime) -> dict[str, Any]:
    return {"cve_inegi": m.cve_inegi, "nombre": m.nombre, "cabecera": m.cabecera, "poblacion_2020": m.poblacion_2020,
            "conapo_im_2020": m.conapo_im_2020, "conapo_gm_2020": m.conapo_gm_2020, "region": m.region,
            "sitio_web": f"https://{m.cve_inegi}.example.test/", "sitio_estado": "confirmado", "updated_at": now}


def _outcome(run_id: int, cve: str, night: datetime) -> dict[str, Any]:
    return {"run_id": run_id, "cve_inegi": cve, "start_url": f"https://{cve}.example.test/",
            "home_url": f"https://{cve}.example.test/", "pages_ok": 30, "pages_failed": 0, "truncated": False,
            "seconds": 20.0, "network_suspect": False, "recorded_at": night}


def _result(run_id: int, cve: str, check_id: str, status: str, night: datetime) -> dict[str, Any]:
    ipomex = check_id.startswith("ipomex.")
    return {"run_id": run_id, "cve_inegi": cve, "check_id": check_id, "status": status, "created_at": night,
            "source": "ipomex4" if ipomex else "sitio", "law": "LTAIPEMyM:2016" if ipomex else None,
            "evidence_url": f"https://{cve}.example.test/x" if status == "cumple" else None,
            "evidence_text": "evidencia" if status == "cumple" else None}


def median_ms(call: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of call in milliseconds (one warm-up call first)."""
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def measure(db: Database) -> list[dict[str, Any]]:
    """Time every dashboard query and, when the web app exists, every page."""
    catalogue, obligations = load_catalogue(), load_obligations()
    calls: dict[str, Callable[[], object]] = {
        "consulta ranking": lambda: dashboard.ranking(db, catalogue, obligations),
        "consulta municipio": lambda: dashboard.municipality_page(db, "15106", catalogue, obligations),
        "consulta verificación": lambda: dashboard.check_page(db, "canal.telefono"),
        "consulta matriz IPOMEX": lambda: dashboard.ipomex_matrix(db, obligations),
        "consulta corridas": lambda: dashboard.runs(db),
    }
    calls.update(_pages(str(db.engine.url)))
    return [{"name": name, "value": (ms := median_ms(call)), "unit": "ms", "target": TARGET_MS,
             "met": ms <= TARGET_MS} for name, call in calls.items()]


def _pages(db_url: str) -> dict[str, Callable[[], object]]:
    try:
        from fastapi.testclient import TestClient

        from web.app import create_app
    except ImportError:
        return {}
    client = TestClient(create_app(db_url, require_login=False))
    paths = {"página ranking": "/", "página municipio": "/municipio/15106",
             "página verificación": "/verificacion/canal.telefono", "página matriz IPOMEX": "/ipomex",
             "página corridas": "/corridas"}
    return {name: (lambda p=path: client.get(p).raise_for_status()) for name, path in paths.items()}


def main() -> None:
    """Generate (once) and measure; print a table and optionally write JSON."""
    parser = argparse.ArgumentParser(description="Mide el tablero sobre un año generado de corridas nocturnas.")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--db", type=Path, default=Path("/tmp/vigia-bench-year.db"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    fresh = not args.db.exists()
    db = open_database(f"sqlite:///{args.db}")
    if fresh:
        started = time.perf_counter()
        generate(db, args.days)
        print(f"historial generado: {args.days} noches en {time.perf_counter() - started:.0f} s, "
              f"{args.db.stat().st_size / 1e6:.0f} MB")
    rows = measure(db)
    for row in rows:
        print(f"{row['name']:<28} {row['value']:>8.1f} ms  {'✔' if row['met'] else '✘'} (meta ≤ {TARGET_MS:.0f} ms)")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    db.dispose()


if __name__ == "__main__":
    main()
