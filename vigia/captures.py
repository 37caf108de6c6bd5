"""The run's screenshot pass: after the crawl, PNGs of each site's home page and of every page behind a regression.

One browser (crawler.screenshots) within VIGIA_CAPTURAS_SEGUNDOS, after the crawl's workers exited; each PNG becomes
a WARC `resource` record in the run's screenshots file (archive.layout.screenshots_file) and an archive_records row
of kind `captura`. What was not captured is logged and returned, in Spanish.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archive.layout import screenshots_file
from archive.warc import WarcAppender, sha256_hex
from config import paths
from config.settings import load_settings
from crawler.browser import browser_available, find_browser
from crawler.screenshots import BrowserCamera, Camera, ShotReport, shoot_all
from crawler.settings import CrawlSettings
from storage.archived import NewScreenshot, earlier_screenshots, record_screenshots
from storage.capture_targets import REGRESSION, CaptureTarget, capture_targets
from storage.db import Database, open_database

log = logging.getLogger("vigia.captures")
NO_BROWSER = "no hay navegador (Chromium) en esta máquina"
NO_BUDGET = "las capturas están apagadas (VIGIA_CAPTURAS_SEGUNDOS=0)"


@dataclass
class CaptureSummary:
    """How the screenshot pass went: pages taken, pages missed with their reason, seconds used of the budget."""

    taken: int = 0
    missed: list[tuple[CaptureTarget, str]] = field(default_factory=list)
    seconds: float = 0.0
    budget: float = 0.0

    def lines(self) -> list[str]:
        """The pass in Spanish for the run summary and the log: its use of the budget and every page missed."""
        if self.budget <= 0:
            return [f"Capturas apagadas (VIGIA_CAPTURAS_SEGUNDOS=0): {len(self.missed)} páginas sin captura."]
        head = (
            f"Capturas: {self.taken} de {self.taken + len(self.missed)} páginas en {self.seconds:.1f} s "
            f"(presupuesto {self.budget:.0f} s)."
        )
        return [head] + [f"  Sin captura: {t.cve_inegi} {_why(t)} {t.url}: {reason}" for t, reason in self.missed]


def _why(target: CaptureTarget) -> str:
    return f"regresión de {target.check_id}" if target.why == REGRESSION else "página de inicio"


def capture_run(
    db: Database,
    run_id: int,
    cfg: CrawlSettings,
    budget: float | None = None,
    camera: Camera | None = None,
    folder: Path | None = None,
) -> CaptureSummary:
    """Screenshot the run's pages within the budget (default VIGIA_CAPTURAS_SEGUNDOS), archive and record them."""
    budget = load_settings().capturas_segundos if budget is None else budget
    started, targets = capture_targets(db, run_id)
    summary = CaptureSummary(budget=budget)
    unavailable = NO_BUDGET if budget <= 0 else None
    if camera is None and unavailable is None and not browser_available(cfg.browser_executable):
        unavailable = NO_BROWSER
    if unavailable is not None:
        summary.missed = [(t, unavailable) for t in targets]
    elif targets:
        report = asyncio.run(_shoot(targets, cfg, budget, camera))
        _store(db, run_id, folder or paths.archive_dir(), screenshots_file(run_id, started), targets, report)
        summary.taken, summary.seconds = len(report.taken), report.seconds
        summary.missed = [(targets[i], reason) for i, reason in report.missed]
    for line in summary.lines():
        log.info("run %s: %s", run_id, line)
    return summary


async def _shoot(
    targets: Sequence[CaptureTarget], cfg: CrawlSettings, budget: float, camera: Camera | None
) -> ShotReport:
    if camera is None:
        camera = BrowserCamera(find_browser(cfg.browser_executable), cfg.allow_private_networks, cfg.browser_timeout)
    return await shoot_all([t.url for t in targets], camera, budget, cfg.browser_timeout)


def _store(
    db: Database, run_id: int, folder: Path, relative: Path, targets: Sequence[CaptureTarget], report: ShotReport
) -> None:
    """Append each PNG to the run's screenshots WARC file (a revisit when an identical one is archived) and record
    its row."""
    appender, rows = WarcAppender(folder / relative), []
    earlier = earlier_screenshots(db, [sha256_hex(shot.png) for shot in report.taken])
    for shot in report.taken:
        url, digest = targets[shot.index].url, sha256_hex(shot.png)
        same = earlier.get(digest)
        if same is None:
            written = appender.resource(url, "image/png", shot.png, shot.taken_at)
        else:
            written = appender.revisit(url, digest, same.url, same.captured_at, shot.taken_at)
        at = (relative.as_posix(), written.offset, written.length)
        cve = targets[shot.index].cve_inegi
        rows.append(NewScreenshot(cve, url, digest, *at, shot.taken_at, same.id if same else None))
    record_screenshots(db, run_id, rows)


def capture_after_run(db_url: str, run_id: int, status: str, cfg: CrawlSettings) -> CaptureSummary | None:
    """The pass after a run that read something (not a failed one); a failure here is logged, never costs the run."""
    if status == "failed":
        return None
    database = open_database(db_url)
    try:
        return capture_run(database, run_id, cfg)
    except Exception:  # the run is stored already: screenshots are extra evidence, not part of its verdicts
        log.exception("the screenshot pass of run %s failed", run_id)
        return None
    finally:
        database.dispose()
