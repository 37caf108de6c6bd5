"""The benchmark suite behind `vigia bench`: which benchmarks run, at which sizes, in which order."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Measurement

GROWTH_SIZES = (500, 2469)
# A year of 2,469 municipalities is ~105 M results: the growth history holds fewer nights (said in the name).
GROWTH_DAYS = {500: 365, 2469: 60}


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
    from bench.history import measure_history

    return measure_history(125, 365, folder / "historial-125x365.db")


def _growth(folder: Path) -> list[Measurement]:
    from bench.crawl import measure_crawl
    from bench.history import measure_history

    found: list[Measurement] = []
    for size in GROWTH_SIZES:
        found += measure_crawl(size)
        days = GROWTH_DAYS[size]
        found += measure_history(size, days, folder / f"historial-{size}x{days}.db")
    return found


BENCHMARKS = (
    Benchmark("verificaciones", "CPU de las verificaciones por página", _checks),
    Benchmark("rastreo", "Rastreo nocturno vs Scrapy mínimo y vs la cota de latencia", _crawl),
    Benchmark("navegador", "Presupuesto de navegador y memoria de la corrida", _browser),
    Benchmark("historial", "Historial de un año a escala", _history),
)
GROWTH = Benchmark("crecimiento", "Crecimiento a 500 y 2,469 municipios (--full)", _growth)


def selected(keys: list[str] | None, full: bool) -> list[Benchmark]:
    """The benchmarks to run: the named ones, or all (growth only with full)."""
    every = [*BENCHMARKS, GROWTH]
    if keys:
        return [b for b in every if b.key in keys]
    return every if full else list(BENCHMARKS)


def run_suite(benchmarks: list[Benchmark], folder: Path | None,
              on_done: Callable[[Benchmark, list[Measurement]], None]) -> list[Measurement]:
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
