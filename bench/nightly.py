"""The measured nightly run's own process: imports only what `vigia crawl` needs (not the simulator or psutil)."""

from __future__ import annotations

from datetime import date
from typing import Any

from config.registry import Municipality
from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from storage.db import open_database
from storage.runstore import DatabaseRunStore


def nightly_main(registry: list[Municipality], cfg: CrawlSettings, run_date: date, db_path: str, channel: Any) -> None:
    """Run the nightly crawl into db_path and send its summary back."""
    store = DatabaseRunStore(open_database(f"sqlite:///{db_path}"))
    channel.put(run_and_store(store, registry, cfg, run_date, "demo"))
