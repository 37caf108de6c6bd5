"""`python -m simulator serve`: serve the simulated farm on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import FrameType

from config.latency import DEFAULT_COMPRESSION, MODE_BY_NAME, LatencyModel
from simulator.internet_cli import add_internet_parser, serve_internet
from simulator.server import FarmServer
from simulator.world import DEFAULT_SEED, World, build_world


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (help text in Spanish)."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="Portales municipales simulados de Vigía, servidos en 127.0.0.1."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMANDO")
    serve = commands.add_parser("serve", help="Levanta los 125 portales simulados hasta que se presione Ctrl-C.")
    serve.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"Semilla del mundo (por omisión {DEFAULT_SEED})."
    )
    serve.add_argument(
        "--port-base",
        type=int,
        default=None,
        help="Primer puerto; los sitios usan P, P+1, ... en el orden del registro. "
        "Por omisión, puertos libres elegidos por el sistema.",
    )
    serve.add_argument("--latency", type=float, default=0.0, help="Retraso añadido a cada respuesta, en segundos.")
    serve.add_argument(
        "--latencia",
        choices=sorted(MODE_BY_NAME),
        default="instantanea",
        help="instantanea (por omisión): responde en milisegundos; real: cada sitio y el IPOMEX tardan lo que un "
        "portal real (ida y vuelta, tiempo del servidor, bloqueos ocasionales, ancho de banda, conexiones por "
        "servidor), sembrado por --seed.",
    )
    serve.add_argument(
        "--compresion",
        type=float,
        default=DEFAULT_COMPRESSION,
        help=f"Con --latencia real, divide cada espera entre este factor (por omisión {DEFAULT_COMPRESSION:g}; "
        "1 = escala de tiempo real).",
    )
    serve.add_argument("--ground-truth", type=Path, default=None, help="Guarda aquí la verdad esperada (JSON).")
    serve.add_argument(
        "--run-date",
        type=date.fromisoformat,
        default=None,
        help="Fecha de la corrida (AAAA-MM-DD) para la vigencia de las noticias; por omisión, hoy.",
    )
    serve.add_argument(
        "--ipomex-hang",
        type=float,
        default=60.0,
        help="Segundos que IPOMEX retiene las respuestas de los municipios que no responden (por omisión 60; con "
        "--latencia real, divididos entre --compresion, como toda espera).",
    )
    serve.add_argument(
        "--sin-variantes",
        action="store_true",
        help="Todos los sitios escriben las formas habituales (sin las variantes de sitios reales); la verdad es la "
        "misma.",
    )
    listing = commands.add_parser(
        "variantes", help="Lista, por municipio, las formas de sitios reales (clase=opción) que escribe su sitio."
    )
    listing.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"Semilla del mundo (por omisión {DEFAULT_SEED})."
    )
    listing.add_argument(
        "--run-date", type=date.fromisoformat, default=None, help="Fecha de la corrida (AAAA-MM-DD); por omisión, hoy."
    )
    add_internet_parser(commands)
    return parser.parse_args(argv)


def list_variants(args: argparse.Namespace) -> int:
    """Print `clave  clase=opción ...` for every site that writes real-world forms."""
    world = build_world(seed=args.seed, run_date=args.run_date)
    for site in world.sites:
        if site.variants:
            print(f"{site.cve_inegi}  " + " ".join(f"{name}={option}" for name, option in site.variants))
    return 0


def ipomex_column(world: World, cve_inegi: str) -> str:
    """How a municipality appears on IPOMEX: ipomex3:<ID>, ipomex_legado:<slug>, ipomex4:<id> or -, with /behaviour
    when not normal."""
    portal = world.ipomex(cve_inegi)
    if portal.generation == "none":
        return "-"
    where = f"ipomex4:{portal.ipo4_id}" if portal.generation == "ipomex4" else f"{portal.generation}:{portal.slug}"
    return where if portal.behaviour == "normal" else f"{where}/{portal.behaviour}"


def print_sites(world: World, farm: FarmServer) -> None:
    """One line per site: clave, URL, behaviour, IPOMEX and name."""
    for site in world.sites:
        print(
            f"{site.cve_inegi}  {farm.url_for(site.cve_inegi):<26} {site.behaviour:<16} "
            f"{ipomex_column(world, site.cve_inegi):<36} {site.nombre}"
        )


def stop_on_signal() -> Callable[[], None]:
    """Catch Ctrl-C and SIGTERM from now on and return the wait that ends when one arrives.

    Installed before any server starts: a KeyboardInterrupt landing inside a thread's lock while servers start or
    print would leave farm.stop() waiting forever; an event set by the handler cannot.
    """
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)

    def wait() -> None:
        stop.wait()

    return wait


def describe(model: LatencyModel) -> str:
    """The latency mode in Spanish, with its compression when real."""
    if not model.real:
        return "instantánea"
    return "real (escala de tiempo real)" if model.compression == 1 else f"real comprimida ×{model.compression:g}"


def serve(args: argparse.Namespace) -> int:
    """Build the world, optionally write its ground truth, and serve it."""
    if args.latency < 0:
        print("La latencia no puede ser negativa.", file=sys.stderr)
        return 2
    if not args.compresion >= 1:
        print("La compresión debe ser al menos 1 (1 = escala de tiempo real).", file=sys.stderr)
        return 2
    model = LatencyModel(MODE_BY_NAME[args.latencia], args.compresion, args.seed)
    world = build_world(seed=args.seed, run_date=args.run_date, variants=not args.sin_variantes)
    if args.ground_truth is not None:
        world.write_ground_truth(args.ground_truth)
        print(f"Verdad esperada guardada en {args.ground_truth}", file=sys.stderr)
    wait = stop_on_signal()
    try:
        farm = FarmServer(
            world,
            latency=args.latency,
            port_base=args.port_base,
            ipomex_hang_seconds=args.ipomex_hang,
            latency_model=model,
        )
        farm.start()
    except OSError as exc:
        print(f"No se pudo abrir un puerto ({exc}). Pruebe otro --port-base u omítalo.", file=sys.stderr)
        return 1
    try:
        print(
            f"Granja simulada: semilla {world.seed}, fecha {world.run_date.isoformat()}, "
            f"{len(world.sites)} portales en 127.0.0.1; IPOMEX en {farm.ipomex_base} "
            f"(IPOMEX 4: {farm.ipomex4_url}); redes sociales simuladas en {farm.platform_base}; "
            f"latencia {describe(model)}.",
            file=sys.stderr,
        )
        print_sites(world, farm)
        print("Presione Ctrl-C para detener.", file=sys.stderr, flush=True)
        sys.stdout.flush()
        wait()
    finally:
        farm.stop()
        print("Granja detenida.", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m simulator`."""
    args = parse_args(argv)
    if args.command == "internet":
        return serve_internet(args, stop_on_signal())
    return serve(args) if args.command == "serve" else list_variants(args)


if __name__ == "__main__":
    sys.exit(main())
