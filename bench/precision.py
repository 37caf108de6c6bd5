"""Measure the site checks against auditor labels: serve each labelled site folder on 127.0.0.1, crawl them all
with the code `vigia auditar` uses, and compare every verdict with its label (checks.precision)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from checks.catalogue import Catalogue, load_catalogue
from checks.labels import Labels
from checks.precision import Measurement, compare
from config.paths import ensure_log_file
from crawler.settings import CrawlSettings
from spiders.sitio import crawl_sites
from spiders.sitio.target import SiteTarget

# The same page budget as `vigia auditar` by default.
MAX_PAGES = 60


class QuietHandler(SimpleHTTPRequestHandler):
    """The handler of `python -m http.server`, without its access log on stderr."""

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve a folder of static pages on 127.0.0.1 (an ephemeral port) and yield its home URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def audit_settings() -> CrawlSettings:
    """Crawl settings as `vigia auditar` uses them: the environment's, robots obeyed, 60 pages, a log file."""
    cfg = CrawlSettings.from_env()
    return replace(cfg, max_pages=MAX_PAGES, obey_robots=True, log_file=cfg.log_file or str(ensure_log_file()))


def crawl_corpus(labels: Labels, cfg: CrawlSettings, run_date: date) -> dict[str, dict[str, str]]:
    """Our status of every site check on every labelled site (site folder → check id → status)."""
    # The corpus is static copies: a verdict that needs the live server would judge the copy, not the site.
    cfg = replace(cfg, static_copy=True)
    with ExitStack() as stack:
        urls = {stack.enter_context(serve_directory(labels.corpus / site)): site for site in labels.sites}
        reports = list(crawl_sites([SiteTarget(None, None, url) for url in urls], cfg, run_date))
    return {urls[r.outcome.start_url]: {x.check_id: x.status for x in r.results} for r in reports}


def measure_corpus(
    labels: Labels, run_date: date, cfg: CrawlSettings | None = None, catalogue: Catalogue | None = None
) -> Measurement:
    """Crawl the labelled corpus and compare our verdicts with the labels."""
    catalogue = catalogue or load_catalogue()
    verdicts = crawl_corpus(labels, cfg or audit_settings(), run_date)
    check_ids = [spec.id for spec in catalogue.site_checks()]
    return compare(labels.all(), verdicts, check_ids, run_date, catalogue.version)
