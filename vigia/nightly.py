"""The nightly job: crawl the registry, detect regressions in the same database, send the pending digests."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from alerts.detect import detect_changes
from alerts.digest import render_digest
from alerts.operator import identity_lost, run_notices, watch
from alerts.outbox_sender import SendReport, send_pending
from alerts.smtp import MailTransport, SmtpTransport
from archive.folder import EvidenceArchive
from config.discovery import load_rules
from config.operation import AlertsConfig, OperationConfig, load_operation_config
from config.paths import ensure_log_file
from config.registry import Municipality
from config.settings import load_settings
from core.clock import today_local
from core.errors import VigiaError
from crawler.pipeline import RunSummary, run_and_store
from crawler.settings import CrawlSettings
from storage.db import Database, open_database
from storage.operator_store import site_facts
from storage.runstore import DatabaseRunStore
from vigia.captures import capture_after_run
from vigia.discovery import discovery_request, run_discovery
from vigia.discovery_store import DatabaseDiscoveryStore, reference_candidates, working_registry

log = logging.getLogger("vigia.nightly")


def smtp_transport(cfg: AlertsConfig) -> SmtpTransport:
    """The SMTP transport of the configuration; credentials come from VIGIA_SMTP_USER and VIGIA_SMTP_PASSWORD."""
    smtp = cfg.smtp
    return SmtpTransport(smtp.host, smtp.port, smtp.seguridad, smtp.timeout_segundos)


def send_outbox(db_url: str, cfg: AlertsConfig, transport: MailTransport | None = None) -> SendReport:
    """Send every pending digest (this run's and earlier runs' that failed to go out)."""
    database = open_database(db_url)
    try:
        return send_pending(
            database, transport or smtp_transport(cfg), cfg.remitente, cfg.smtp.reintentos, lambda: datetime.now(UTC)
        )
    finally:
        database.dispose()


def watch_runs(db_url: str, cfg: AlertsConfig, now: datetime, transport: MailTransport | None = None) -> SendReport:
    """The dead-man's switch on its own (for an hourly timer): queue the notice if it is due, then send the outbox."""
    database = open_database(db_url)
    try:
        watch(database, cfg, now)
    finally:
        database.dispose()
    return send_outbox(db_url, cfg, transport)


def rediscover(
    database: Database, db_url: str, run_id: int, registry: Sequence[Municipality], cfg: CrawlSettings, run_date: date
) -> list[str]:
    """Run discovery for every confirmed site that failed tonight's identity watch; return their claves. A failure
    here is logged and never costs the night's run."""
    lost = {s.cve_inegi for s in identity_lost(site_facts(database, run_id))}
    chosen = [m for m in registry if m.cve_inegi in lost]
    if not chosen:
        return []
    try:
        request = discovery_request(chosen, registry, load_rules(), reference_candidates())
        simulated = bool(load_settings().internet_simulado)
        run_discovery(request, cfg, run_date, DatabaseDiscoveryStore(db_url, database), simulated)
    except VigiaError:
        log.exception("discovery after a failed identity watch did not run")
    return sorted(lost)


def run_nightly(
    db_url: str,
    transport: MailTransport | None = None,
    crawl: CrawlSettings | None = None,
    registry: Sequence[Municipality] | None = None,
    run_date: date | None = None,
    operation: OperationConfig | None = None,
) -> tuple[RunSummary, SendReport]:
    """Crawl every municipality, turn a complete run's changes into outbox digests, then send the outbox."""
    operation = operation or load_operation_config()
    registry = working_registry(db_url, registry)
    cfg = crawl or CrawlSettings.from_env()
    cfg = cfg if cfg.log_file else replace(cfg, log_file=str(ensure_log_file()))
    database = open_database(db_url)
    try:
        store = DatabaseRunStore(database, archiver=EvidenceArchive.from_settings(database.url))
        summary = run_and_store(store, registry, cfg, run_date or today_local(), "crawl")
        if summary.archive_notice:
            log.warning("%s", summary.archive_notice)
        if summary.status == "complete":
            detect_changes(database, summary.run_id, operation.alerts, registry, render_digest)
        else:
            log.warning("run %s ended %s: no alerts are derived from it", summary.run_id, summary.status)
        run_notices(database, operation.alerts, summary.run_id, registry)
        capture_after_run(db_url, summary.run_id, summary.status, cfg)
        rediscover(database, db_url, summary.run_id, registry, cfg, run_date or today_local())
        watch(database, operation.alerts, datetime.now(UTC))
    finally:
        database.dispose()
    return summary, send_outbox(db_url, operation.alerts, transport)
