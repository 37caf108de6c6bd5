"""The benchmark suite behind `vigia medir`: which benchmarks run, at which sizes, in which order."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Measurement

GROWTH_SIZES = (500, 2469)
# A year of 2,469 municipalities is ~105 M results (hours to generate): the growth histories hold fewer nights,
# enough for the 30-day window; the shape is in every measurement's name.
GROWTH_DAYS = {500: 91, 2469: 31}


@dataclass(frozen=True)
class Benchmark:
    """A named benchmark: key for --solo, Spanish title, and the function that measures it."""

    key: str
    title: str
    run: Callable[[Path], list[Measurement]]


def _checks(_: Path) -> list[Measurement]:
    from bench.checks_cpu import measure_checks

    return measure_checks()


def _crawl(_: Path) -> list[Measurement]:
    from bench.crawl import measure_crawl

    return measure_crawl(125)


def _browser(_: Path) -> list[Measurement]:
    from bench.browser import measure_browser

    return measure_browser()


def _history(folder: Path) -> list[Measurement]:
    return _history_of(125, 365, folder)


def _history_of(municipalities: int, days: int, folder: Path) -> list[Measurement]:
    from bench.history import measure_history

    rows = measure_history(municipalities, days, folder / f"historial-{municipalities}x{days}.db")
    for row in rows:
        row.name = f"{row.name} ({municipalities} municipios × {days} noches)"
    return rows


def _growth(folder: Path) -> list[Measurement]:
    from bench.crawl import measure_crawl

    found: list[Measurement] = []
    for size in GROWTH_SIZES:
        found += measure_crawl(size)
        found += _history_of(size, GROWTH_DAYS[size], folder)
    return found


def _night(folder: Path) -> list[Measurement]:
    from bench.night import measure_night

    return measure_night(folder=folder)


def _archive(folder: Path) -> list[Measurement]:
    from bench.archive import measure_archive

    return measure_archive(folder)


BENCHMARKS = (
    Benchmark("verificaciones", "CPU de las verificaciones por página", _checks),
    Benchmark("rastreo", "Rastreo nocturno vs Scrapy mínimo y vs la cota de latencia", _crawl),
    Benchmark("navegador", "Presupuesto de navegador y memoria de la corrida", _browser),
    Benchmark("historial", "Historial de un año a escala", _history),
    Benchmark("archivo", "Archivo de evidencia: bytes por noche y por año, deduplicación y tiempo", _archive),
)
GROWTH = Benchmark("crecimiento", "Crecimiento a 500 y 2,469 municipios (--completa)", _growth)
# Two whole nights at real latency, compressed: ~10 min or more, so only when named or with --completa.
NIGHT = Benchmark("noche", "Noche real: dos noches enteras con latencia real, contra su cota y su ventana", _night)


def selected(keys: list[str] | None, full: bool) -> list[Benchmark]:
    """The benchmarks to run: the named ones, or all (growth and the real night only with full)."""
    every = [*BENCHMARKS, GROWTH, NIGHT]
    if keys:
        return [b for b in every if b.key in keys]
    return every if full else list(BENCHMARKS)


def run_suite(
    benchmarks: list[Benchmark], folder: Path | None, on_done: Callable[[Benchmark, list[Measurement]], None]
) -> list[Measurement]:
    """Run each benchmark in order (generated databases go to folder, else a temporary one)."""
    found: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="vigia-bench-") as tmp:
        where = folder or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        for benchmark in benchmarks:
            measured = benchmark.run(where)
            on_done(benchmark, measured)
            found += measured
    return found
