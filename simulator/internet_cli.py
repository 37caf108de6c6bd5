"""`python -m simulator internet`: serve the simulated internet and write the DNS table the crawl must use."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from simulator.internet import build_internet
from simulator.internet_server import InternetServer
from simulator.world import DEFAULT_SEED


def add_internet_parser(commands: Any) -> None:
    """The `internet` subcommand and its options (help in Spanish)."""
    parser = commands.add_parser(
        "internet",
        help="Levanta el internet simulado (sitios oficiales, trampas, directorio estatal, Facebook) en 127.0.0.1.",
    )
    parser.add_argument("--puerto", type=int, default=0, help="Puerto local; por omisión, uno libre.")
    parser.add_argument(
        "--semilla", type=int, default=DEFAULT_SEED, help=f"Semilla del mundo (por omisión {DEFAULT_SEED})."
    )
    parser.add_argument("--verdad", type=Path, default=None, help="Guarda aquí la verdad por municipio (JSON).")
    parser.add_argument(
        "--dns",
        type=Path,
        default=None,
        help="Archivo donde se escribe la tabla DNS (JSON) para VIGIA_DNS_OVERRIDES; por omisión, uno temporal.",
    )
    parser.add_argument(
        "--run-date", type=date.fromisoformat, default=None, help="Fecha de la corrida (AAAA-MM-DD); por omisión, hoy."
    )


def parse(argv: list[str]) -> argparse.Namespace:
    """The options of `python -m simulator internet` alone (for callers and tests)."""
    parser = argparse.ArgumentParser(prog="python -m simulator")
    add_internet_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["internet", *argv])


def serve_internet(args: argparse.Namespace, wait: Callable[[], None]) -> int:
    """Build and serve the simulated internet until wait() returns; print how to point Vigía at it."""
    internet = build_internet(seed=args.semilla, run_date=args.run_date)
    if args.verdad is not None:
        args.verdad.write_text(internet.truth_json(), encoding="utf-8")
        print(f"Verdad guardada en {args.verdad}", file=sys.stderr)
    table = args.dns or Path(tempfile.mkstemp(prefix="vigia-dns-", suffix=".json")[1])
    table.write_text(json.dumps(internet.dns_table(), indent=1) + "\n", encoding="utf-8")
    try:
        server = InternetServer(internet, port=args.puerto)
        server.start()
    except OSError as exc:
        print(f"No se pudo abrir el puerto ({exc}). Pruebe otro --puerto u omítalo.", file=sys.stderr)
        return 1
    try:
        print(f"Internet simulado (semilla {args.semilla}) en {server.base_url}; tabla DNS en {table}", file=sys.stderr)
        print(f"export VIGIA_INTERNET_SIMULADO={server.base_url}")
        print(f'export VIGIA_DNS_OVERRIDES="$(cat {table})"', flush=True)
        print("Presione Ctrl-C para detener.", file=sys.stderr, flush=True)
        wait()
    finally:
        server.stop()
        print("Internet simulado detenido.", file=sys.stderr)
    return 0
