"""CPU cost of parsing a page and running every check on it, as the crawler's spider does (run on demand).

    python -m bench.checks_cpu [--perfil]

Pages are fed site by site to one SiteEvaluator per site, home first (depth 0), in crawl order; each site is
evaluated three times and every page keeps its fastest time, which removes most scheduling noise. The final
finish() of each site is timed apart and shared out among its pages.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import pstats
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from scrapy.http import HtmlResponse

from bench.measure import Measurement, at_most
from checks.catalogue import Catalogue, load_catalogue
from checks.engine import SiteEvaluator
from checks.model import CrawlOutcome
from simulator.model import SimSite
from simulator.truth import crawl_depths, resolve
from simulator.world import build_world

RUN_DATE = date(2026, 11, 24)
REPEATS = 3
TARGET_MEDIAN_MS = 5.0
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SIM_HOST = "sim-{cve}.invalid"
NS_PER_MS = 1_000_000


@dataclass(frozen=True)
class BenchSite:
    """One site's pages in crawl order: (final URL, decoded HTML, depth); the home comes first."""

    municipality: str | None
    pages: tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class SiteTimes:
    """Fastest add_page time of each page and fastest finish() of the site, in nanoseconds."""

    pages: tuple[int, ...]
    finish: int


def decode(url: str, body: bytes, content_type: str | None) -> str:
    """The page's text exactly as the spider gets it (Scrapy's response decoding: header, BOM, meta, guess)."""
    headers = {"Content-Type": content_type} if content_type else {}
    return HtmlResponse(url, body=body, headers=headers).text


def is_html_page(site: SimSite, path: str) -> bool:
    """Whether a resource is a 200 HTML page."""
    resource = site.resources[path]
    return resource.status == 200 and (resource.content_type or "").startswith("text/html")


def world_site(site: SimSite) -> BenchSite | None:
    """Every HTML page a simulated site serves: reachable ones in crawl order, then the rest at depth 1."""
    paths = [p for p in site.resources if is_html_page(site, p)]
    if not paths:
        return None
    depths = crawl_depths(site)
    home = resolve(site, "/")
    ordered = sorted(paths, key=lambda p: (p != home, p not in depths, depths.get(p, 1)))
    base = f"http://{SIM_HOST.format(cve=site.cve_inegi)}"
    pages = tuple(
        (
            base + p,
            decode(base + p, site.resources[p].body, site.resources[p].content_type),
            0 if p == home else max(1, depths.get(p, 1)),
        )
        for p in ordered
    )
    return BenchSite(site.nombre, pages)


def world_sites() -> list[BenchSite]:
    """The default simulated farm (125 sites), every HTML page of it."""
    found = (world_site(s) for s in build_world(run_date=RUN_DATE).sites)
    return [s for s in found if s is not None]


def corpus_sites(root: Path = CORPUS) -> list[BenchSite]:
    """The real sites of ../shared/corpus (index.html is the home); none when the folder is absent."""
    if not root.is_dir():
        return []
    sites = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        files = sorted(folder.glob("*.html"), key=lambda f: (f.name != "index.html", f.name))
        base = f"http://{folder.name}.corpus.invalid/"
        pages = tuple(
            (base + f.name, decode(base + f.name, f.read_bytes(), "text/html"), 0 if f.name == "index.html" else 1)
            for f in files
        )
        if pages:
            sites.append(BenchSite(None, pages))
    return sites


def sites_from_pages(pages: Iterable[tuple[str, str]]) -> list[BenchSite]:
    """Group (url, html) pages by host; each host's first page is its home."""
    by_host: dict[str, list[tuple[str, str, int]]] = {}
    for url, html in pages:
        found = by_host.setdefault(urlsplit(url).netloc, [])
        found.append((url, html, 0 if not found else 1))
    return [BenchSite(None, tuple(p)) for p in by_host.values()]


def run_site(catalogue: Catalogue, site: BenchSite, clock: Callable[[], int]) -> SiteTimes:
    """One evaluation of a site, as the spider does it: add_page per page, then finish()."""
    evaluator = SiteEvaluator(catalogue, RUN_DATE, site.municipality)
    times = []
    for url, html, depth in site.pages:
        started = clock()
        evaluator.add_page(url, html, depth)
        times.append(clock() - started)
    home = site.pages[0][0]
    outcome = CrawlOutcome(start_url=home, home_url=home, failure=None, pages_ok=len(site.pages))
    started = clock()
    evaluator.finish(outcome)
    return SiteTimes(tuple(times), clock() - started)


def time_site(catalogue: Catalogue, site: BenchSite, clock: Callable[[], int]) -> SiteTimes:
    """The fastest of REPEATS evaluations, page by page."""
    runs = [run_site(catalogue, site, clock) for _ in range(REPEATS)]
    return SiteTimes(tuple(min(t) for t in zip(*(r.pages for r in runs), strict=True)), min(r.finish for r in runs))


def parse_only(site: BenchSite, clock: Callable[[], int]) -> list[int]:
    """The same-run baseline: lxml's bare parse of each page (the least any HTML check must pay), fastest of
    REPEATS."""
    return [min(_parse_once(html, clock) for _ in range(REPEATS)) for _, html, _ in site.pages]


def _parse_once(html: str, clock: Callable[[], int]) -> int:
    started = clock()
    # Empty or undecodable documents cost what they cost.
    with contextlib.suppress(ValueError, lxml.etree.ParserError):
        lxml.html.document_fromstring(html)
    return clock() - started


def percentile(values: list[float], share: float) -> float:
    """The share-th quantile (nearest rank) of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure_checks(pages: list[tuple[str, str]] | None = None) -> list[Measurement]:
    """Per-page CPU of parse + every check: the given (url, html) pages, else the simulated farm and, apart, the
    real pages of ../shared/corpus (much heavier than the farm's; absent in clones without ../shared)."""
    catalogue = load_catalogue()
    if pages is not None:
        return _population("verificaciones", sites_from_pages(pages), catalogue)
    found = _population("verificaciones (granja simulada)", world_sites(), catalogue)
    corpus = corpus_sites()
    if corpus:
        found += _population("verificaciones (corpus real)", corpus, catalogue)
    return found


def _population(label: str, sites: list[BenchSite], catalogue: Catalogue) -> list[Measurement]:
    if not sites:
        raise ValueError("no hay páginas que medir")
    gc.collect()
    timed = [(s, time_site(catalogue, s, time.process_time_ns)) for s in sites]
    per_page = [(t + times.finish / len(times.pages)) / NS_PER_MS for _, times in timed for t in times.pages]
    parsed = [t / NS_PER_MS for site in sites for t in parse_only(site, time.process_time_ns)]
    finish = sum(times.finish for _, times in timed) / len(per_page) / NS_PER_MS
    sizes = [len(html.encode("utf-8")) / 1024 for site in sites for _, html, _ in site.pages]
    note = (
        f"{len(sites)} sitios, {len(per_page)} páginas de {statistics.fmean(sizes):.1f} KB de media; mínimo de "
        f"{REPEATS} repeticiones por página; incluye finish() prorrateado ({finish:.3f} ms)"
    )
    return [
        _with_baseline(
            at_most(f"{label}: mediana por página", statistics.median(per_page), "ms", TARGET_MEDIAN_MS, note),
            statistics.median(parsed),
        ),
        at_most(f"{label}: p95 por página", percentile(per_page, 0.95), "ms", None),
    ]


def _with_baseline(row: Measurement, parse_ms: float) -> Measurement:
    """Attach the bare-parse median as the same-run baseline (the target stays on the value)."""
    row.baseline, row.ratio = round(parse_ms, 3), round(row.value / parse_ms, 3) if parse_ms else None
    row.note += f"; referencia: análisis lxml solo ({parse_ms:.3f} ms)"
    return row


def profile(top: int = 10) -> str:
    """cProfile of one pass over every default page: the top functions by cumulative time."""
    sites = world_sites() + corpus_sites()
    catalogue = load_catalogue()
    profiler = cProfile.Profile()
    profiler.enable()
    for site in sites:
        run_site(catalogue, site, time.process_time_ns)
    profiler.disable()
    report = io.StringIO()
    pstats.Stats(profiler, stream=report).sort_stats("cumulative").print_stats(top)
    return report.getvalue()


def table(rows: list[Measurement]) -> str:
    """Plain-text table of the measurements."""
    lines = [f"{'Medición':<50} {'Valor':>10} {'Unidad':<8} {'Meta':>6} ¿Cumple?"]
    for row in rows:
        met = "" if row.met is None else ("sí" if row.met else "no")
        target = "" if row.target is None else f"{row.target:g}"
        lines.append(f"{row.name:<50} {row.value:>10g} {row.unit:<8} {target:>6} {met}")
    return "\n".join(lines)


def main() -> None:
    """Measure and print the table; with --perfil, also the top functions of one profiled pass."""
    parser = argparse.ArgumentParser(description="CPU de las verificaciones por página.")
    parser.add_argument("--perfil", action="store_true", help="también perfila una pasada (cProfile, top 10)")
    args = parser.parse_args()
    print(table(measure_checks()))
    if args.perfil:
        print(profile())


if __name__ == "__main__":
    main()
