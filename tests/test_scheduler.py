"""The nightly schedule: cron arithmetic, job options, persistence, missed runs within grace, the crawl lease."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import types
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

import scheduler
from config.operation import ScheduleConfig
from storage.alerts_store import acquire_lease
from storage.db import Database
from storage.models import LeaseRow

MX = ZoneInfo("America/Mexico_City")
CFG = ScheduleConfig(cron="0 2 * * *", zona="America/Mexico_City", gracia_minutos=180, candado_minutos=360)


WORK = "vigia.nightly:run_nightly"


def noop() -> None:
    """A module-level job (jobs are persisted by reference)."""


def noop_work(db_url: str) -> None:
    """A module-level nightly work (handed to the job by reference)."""


def persist(db_url: str, at: datetime) -> None:
    """Build the scheduler with the clock at `at`, start it only long enough to store the job, stop it."""
    sched = scheduler.build_scheduler(db_url, CFG, scheduler.nightly, clock=lambda: at, work=noop_work)
    sched.add_listener(lambda _e: sched.shutdown(wait=False), EVENT_SCHEDULER_STARTED)
    sched.start()


def stored_jobs(db_url: str) -> list[object]:
    reader = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=db_url, tablename="apscheduler_jobs")})
    reader.start(paused=True)
    try:
        return list(reader.get_jobs())
    finally:
        reader.shutdown(wait=False)


def test_daily_at_two_in_mexico_city() -> None:
    times = scheduler.next_fire_times(CFG, datetime(2025, 1, 10, 12, 0, tzinfo=MX), 3)
    assert times == [datetime(2025, 1, d, 2, 0, tzinfo=MX) for d in (11, 12, 13)]
    assert all(t.utcoffset() == timedelta(hours=-6) for t in times)


def test_next_fire_times_are_strictly_after_and_accept_naive_local_times() -> None:
    assert scheduler.next_fire_times(CFG, datetime(2025, 1, 10, 2, 0), 1) == [datetime(2025, 1, 11, 2, 0, tzinfo=MX)]
    utc = datetime(2025, 1, 10, 7, 59, tzinfo=UTC)  # 01:59 in Mexico City
    assert scheduler.next_fire_times(CFG, utc, 1) == [datetime(2025, 1, 10, 2, 0, tzinfo=MX)]


def test_no_daylight_saving_jump_in_spring() -> None:
    # The United States moved their clocks on 9 March 2025; Mexico City stays at UTC-6 (no DST since 2022).
    times = scheduler.next_fire_times(CFG, datetime(2025, 3, 1, tzinfo=MX), 60)
    assert len(times) == 60
    assert {t.astimezone(UTC).hour for t in times} == {8}
    assert [b - a for a, b in itertools.pairwise(times)] == [timedelta(days=1)] * 59


def test_job_options_and_first_run_from_the_injected_clock(db_url: str) -> None:
    sched = scheduler.build_scheduler(db_url, CFG, noop, clock=lambda: datetime(2025, 1, 10, 12, tzinfo=MX))
    [job] = sched.get_jobs()
    assert job.id == scheduler.JOB_ID
    assert job.misfire_grace_time == 180 * 60
    assert job.coalesce is True and job.max_instances == 1
    assert job.args == ()
    assert job.next_run_time == datetime(2025, 1, 11, 2, 0, tzinfo=MX)
    assert str(job.trigger) == "cron[month='*', day='*', day_of_week='*', hour='2', minute='0']"


def test_job_is_persisted_in_the_database_by_reference(db_url: str) -> None:
    persist(db_url, datetime(2025, 1, 10, 12, tzinfo=MX))
    persist(db_url, datetime(2025, 1, 10, 13, tzinfo=MX))  # replace_existing: still one job
    [job] = stored_jobs(db_url)
    assert job.func_ref == "scheduler:nightly"  # type: ignore[attr-defined]
    # The application work is handed over by reference too: the scheduler imports nothing above it.
    assert job.args == (db_url, "tests.test_scheduler:noop_work", 360)  # type: ignore[attr-defined]
    assert job.misfire_grace_time == 10800  # type: ignore[attr-defined]
    assert job.next_run_time == datetime(2025, 1, 11, 2, 0, tzinfo=MX)  # type: ignore[attr-defined]


def test_run_missed_within_the_grace_is_kept(db_url: str) -> None:
    persist(db_url, datetime(2025, 1, 10, 12, tzinfo=MX))
    late = scheduler.build_scheduler(db_url, CFG, clock=lambda: datetime(2025, 1, 11, 4, 59, tzinfo=MX), work=noop_work)
    assert late.get_jobs()[0].next_run_time == datetime(2025, 1, 11, 2, 0, tzinfo=MX)


def test_run_missed_beyond_the_grace_is_skipped_and_logged(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    persist(db_url, datetime(2025, 1, 10, 12, tzinfo=MX))
    late = scheduler.build_scheduler(db_url, CFG, clock=lambda: datetime(2025, 1, 11, 5, 1, tzinfo=MX), work=noop_work)
    assert late.get_jobs()[0].next_run_time == datetime(2025, 1, 12, 2, 0, tzinfo=MX)
    assert "Se perdió la corrida programada para 11/01/2025 02:00" in caplog.text


class FakeNightly:
    """Stands in for vigia.nightly.run_nightly, recording who held the lease while it ran."""

    def __init__(self, db: Database, error: Exception | None = None) -> None:
        self.db, self.error = db, error
        self.holders: list[str | None] = []

    def __call__(self, db_url: str) -> None:
        with self.db.ReadSession() as session:
            lease = session.get(LeaseRow, scheduler.LEASE_NAME)
            self.holders.append(lease.holder if lease else None)
        if self.error:
            raise self.error


def install(monkeypatch: pytest.MonkeyPatch, fake: FakeNightly) -> None:
    module = types.ModuleType("vigia.nightly")
    module.run_nightly = fake  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vigia.nightly", module)


def lease(db: Database) -> LeaseRow | None:
    with db.ReadSession() as session:
        return session.get(LeaseRow, scheduler.LEASE_NAME)


def test_nightly_runs_under_the_lease_and_releases_it(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeNightly(db)
    install(monkeypatch, fake)
    scheduler.nightly(db_url, WORK)
    assert fake.holders == [scheduler.lease_holder()]
    assert lease(db) is None


def test_nightly_releases_the_lease_when_the_run_fails(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch, FakeNightly(db, RuntimeError("falla")))
    with pytest.raises(RuntimeError):
        scheduler.nightly(db_url, WORK)
    assert lease(db) is None


def test_nightly_skips_while_another_live_holder_has_the_lease(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert acquire_lease(db, scheduler.LEASE_NAME, "otra-maquina:4242", timedelta(hours=6), datetime.now(UTC))
    fake = FakeNightly(db)
    install(monkeypatch, fake)
    scheduler.nightly(db_url, WORK)
    assert fake.holders == []
    held = lease(db)
    assert held is not None and held.holder == "otra-maquina:4242"


def test_nightly_takes_over_the_lease_of_a_dead_local_process(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    holder = f"{socket.gethostname()}:{dead.stdout.strip()}"
    assert acquire_lease(db, scheduler.LEASE_NAME, holder, timedelta(hours=6), datetime.now(UTC))
    fake = FakeNightly(db)
    install(monkeypatch, fake)
    scheduler.nightly(db_url, WORK)
    assert fake.holders == [scheduler.lease_holder()]
    assert lease(db) is None


def test_sigterm_stops_the_scheduler_cleanly(db_url: str) -> None:
    sched: BlockingScheduler = scheduler.build_scheduler(db_url, CFG, noop)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        scheduler.install_signal_handlers(sched)

        def send_sigterm(_event: SchedulerEvent) -> None:
            os.kill(os.getpid(), signal.SIGTERM)

        sched.add_listener(send_sigterm, EVENT_SCHEDULER_STARTED)
        sched.start()  # returns once the handler has shut the scheduler down
        assert not sched.running
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
    assert len(stored_jobs(db_url)) == 1
