"""Fault matrix, processes: two crawls on one database never run at once; the second refuses (naming the holder) or
waits, and the crawl lease is shared with the nightly job, renewed while held and released even on failure."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

import scheduler
import storage.crawl_lease as crawl_lease_module
from core.clock import people_datetime
from crawler.source import SourcePlan
from spiders.sitio.source import source_report
from storage.alerts_store import acquire_lease, release_lease
from storage.crawl_lease import LEASE_NAME, crawl_lease
from storage.db import Database
from storage.models import LeaseRow, RunRow
from tests.conftest import REPO
from tests.storage.factories import report
from vigia.cli import app

TOLUCA = "15106"
OTHER = "otra-maquina:4242"


def since() -> datetime:
    """When the other crawl took the lease: a few minutes ago, so the lease is still alive."""
    return datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)


def shown(moment: datetime) -> str:
    return f"desde el {people_datetime(moment, zone=True)}"


@pytest.fixture(autouse=True)
def offline(vigia_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No IPOMEX and no browser: the only network a crawl could touch goes through crawler.pipeline.crawl."""
    monkeypatch.setenv("VIGIA_IPOMEX", "false")
    monkeypatch.setenv("VIGIA_RENDER_JS", "false")


class FakeCrawl:
    """Stands in for the network crawl: one clean report per site, running a hook while the crawl is under way."""

    def __init__(self, during: Any = None) -> None:
        self.during, self.calls = during, 0

    def __call__(
        self, plans: Mapping[str, SourcePlan], _cfg: Any, _date: Any, _spool: str | None = None
    ) -> Iterator[object]:
        self.calls += 1
        if self.during is not None:
            self.during()
        for target in plans["spiders.sitio"].targets:
            yield source_report(report(target.cve_inegi, {"sitio.disponible": "cumple"}))


def no_network(*_args: Any) -> Iterator[object]:
    raise AssertionError("un rastreo rechazado no debe hacer ninguna petición")


def crawl_cli(db_url: str, *extra: str) -> Result:
    return CliRunner().invoke(app, ["crawl", "--db", db_url, "-m", TOLUCA, *extra], env={"COLUMNS": "200"})


def runs(db: Database) -> int:
    with db.ReadSession() as session:
        return session.scalar(select(func.count()).select_from(RunRow)) or 0


def lease(db: Database) -> LeaseRow | None:
    with db.ReadSession() as session:
        return session.get(LeaseRow, LEASE_NAME)


def test_second_crawl_is_refused(db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = since()
    assert acquire_lease(db, LEASE_NAME, OTHER, timedelta(hours=6), taken)
    monkeypatch.setattr("crawler.pipeline.crawl", no_network)
    result = crawl_cli(db_url)
    assert result.exit_code == 5, result.output
    message = " ".join(result.stderr.split())
    assert "Ya hay un rastreo en curso" in message
    assert "el proceso 4242 de la máquina «otra-maquina»" in message and shown(taken) in message
    assert "--esperar" in message and "Traceback" not in result.output
    assert runs(db) == 0
    held = lease(db)
    assert held is not None and held.holder == OTHER  # The refused crawl did not touch the other's lease.


def test_a_live_local_process_blocks_the_crawl_until_it_exits(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real second process holds the lease, as a crawl in another terminal would.
    other = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    holder = f"{socket.gethostname()}:{other.pid}"
    try:
        assert acquire_lease(db, LEASE_NAME, holder, timedelta(hours=6), datetime.now(UTC))
        monkeypatch.setattr("crawler.pipeline.crawl", no_network)
        refused = crawl_cli(db_url)
        assert refused.exit_code == 5 and f"el proceso {other.pid}" in " ".join(refused.stderr.split())
    finally:
        assert other.stdin is not None
        other.stdin.close()
        other.wait()
    fake = FakeCrawl()
    monkeypatch.setattr("crawler.pipeline.crawl", fake)
    done = crawl_cli(db_url)  # Its holder is dead now: the lease is broken and taken over.
    assert done.exit_code == 0, done.output
    assert fake.calls == 1 and runs(db) == 1 and lease(db) is None


def test_esperar_waits_for_the_other_crawl_then_runs(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = since()
    assert acquire_lease(db, LEASE_NAME, OTHER, timedelta(hours=6), taken)
    monkeypatch.setattr(crawl_lease_module, "WAIT_POLL_SECONDS", 0.01)
    told: list[str] = []

    def other_crawl_finishes(busy: crawl_lease_module.CrawlBusyError) -> None:
        told.append(busy.owner)
        release_lease(db, LEASE_NAME, OTHER)

    # vigia.cli exports the crawl function under the module's name: patch the module itself.
    monkeypatch.setattr(sys.modules["vigia.cli.crawl"], "_tell_waiting", other_crawl_finishes)
    fake = FakeCrawl()
    monkeypatch.setattr("crawler.pipeline.crawl", fake)
    result = crawl_cli(db_url, "--esperar")
    assert result.exit_code == 0, result.output
    assert told == [f"el proceso 4242 de la máquina «otra-maquina» tiene el candado «nightly-crawl» {shown(taken)}"]
    assert fake.calls == 1 and runs(db) == 1 and lease(db) is None


# A nightly job in its own process whose run_nightly, if it ever ran, would exit with 7.
NIGHTLY_CHILD = """
import sys, types
fake = types.ModuleType("vigia.nightly")
fake.run_nightly = lambda url: sys.exit(7)
sys.modules["vigia.nightly"] = fake
import scheduler
scheduler.nightly(sys.argv[1], "vigia.nightly:run_nightly")
"""


def test_nightly_job_skips_while_vigia_crawl_runs(db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    nightly: list[subprocess.CompletedProcess[str]] = []
    holders: list[str | None] = []

    def nightly_fires() -> None:
        held = lease(db)
        holders.append(held.holder if held else None)
        nightly.append(
            subprocess.run(
                [sys.executable, "-c", NIGHTLY_CHILD, db_url], capture_output=True, text=True, timeout=120, cwd=REPO
            )
        )

    monkeypatch.setattr("crawler.pipeline.crawl", FakeCrawl(nightly_fires))
    result = crawl_cli(db_url)
    assert result.exit_code == 0, result.output
    assert holders == [scheduler.lease_holder()]
    assert nightly[0].returncode == 0, nightly[0].stderr  # It skipped: its run_nightly never ran.
    assert runs(db) == 1 and lease(db) is None


def test_lease_is_released_when_the_crawl_fails(db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise RuntimeError("el rastreo se cayó")

    monkeypatch.setattr("crawler.pipeline.crawl", FakeCrawl(broken))
    result = crawl_cli(db_url)
    # An unexpected error reaches the user as one Spanish line and exit 1 (its traceback goes to vigia.log).
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert lease(db) is None
    with db.ReadSession() as session:
        assert session.scalars(select(RunRow.status)).all() == ["failed"]


def test_lease_is_renewed_while_held(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    renewed = threading.Event()
    real_renew = crawl_lease_module.renew_lease

    def renew(*args: Any) -> bool:
        ok = real_renew(*args)
        renewed.set()
        return ok

    monkeypatch.setattr(crawl_lease_module, "renew_lease", renew)
    with crawl_lease(db, ttl=timedelta(seconds=0.3)) as holder:
        first = lease(db)
        assert renewed.wait(10)
        later = lease(db)
        assert first is not None and later is not None and later.holder == holder
        assert later.expires_at > first.expires_at
    assert lease(db) is None
