"""The measured nightly run's own process: imports only what `vigia rastrear` needs (not the simulator or psutil)."""

from __future__ import annotations

from datetime import date
from typing import Any

from config.registry import Municipality
from crawler.netprobe import NetworkProbe
from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from storage.db import open_database
from storage.runstore import DatabaseRunStore


def nightly_main(
    registry: list[Municipality], cfg: CrawlSettings, run_date: date, db_path: str, channel: Any, probe_hosts: str
) -> None:
    """Run the nightly crawl into db_path (probe_hosts: the farm's reference host) and send its summary back."""
    store = DatabaseRunStore(open_database(f"sqlite:///{db_path}"))
    channel.put(run_and_store(store, registry, cfg, run_date, "demo", probe=NetworkProbe.of(probe_hosts)))
