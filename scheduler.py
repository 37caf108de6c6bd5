"""The nightly schedule: an APScheduler 3 cron job persisted in the Vigía database, guarded by a lease."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from types import FrameType

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_SCHEDULER_STARTED,
    JobEvent,
    SchedulerEvent,
)
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.util import obj_to_ref, ref_to_obj
from sqlalchemy import inspect, make_url, select

from config.operation import ScheduleConfig
from core.clock import people_datetime
from storage.crawl_lease import DEFAULT_LEASE_MINUTES, LEASE_NAME, CrawlBusyError, crawl_lease, lease_holder
from storage.db import READ_ONLY_OPTION, create_database_engine, open_database, redact_url

logger = logging.getLogger("vigia.scheduler")

JOB_ID = "vigia-nightly"
JOB_NAME = "Rastreo nocturno de Vigía"
JOBS_TABLE = "apscheduler_jobs"
# The lease is shared with `vigia rastrear` and `vigia demo` (storage.crawl_lease); re-exported for callers.
__all__ = ["DEFAULT_LEASE_MINUTES", "LEASE_NAME", "build_scheduler", "lease_holder", "nightly", "serve"]


def nightly(db_url: str, work: str, lease_minutes: int = DEFAULT_LEASE_MINUTES) -> None:
    """The scheduled job: take the crawl lease or skip, run the work ("module:function" of the application), always
    release the lease."""
    # The work is named, not imported: the application layer above hands it over, as the job store persists it.
    run_work: Callable[[str], object] = ref_to_obj(work)
    db = open_database(db_url)
    try:
        with crawl_lease(db, timedelta(minutes=lease_minutes)) as holder:
            logger.info("Rastreo nocturno iniciado (candado «%s» tomado por %s).", LEASE_NAME, holder)
            run_work(db_url)
        logger.info("Rastreo nocturno terminado; candado «%s» liberado.", LEASE_NAME)
    except CrawlBusyError as busy:
        logger.warning("Se omite el rastreo nocturno: %s", busy)
    finally:
        db.dispose()


def make_trigger(cfg: ScheduleConfig) -> CronTrigger:
    """The cron trigger of the schedule, in its time zone."""
    return CronTrigger.from_crontab(cfg.cron, timezone=cfg.timezone)


def next_fire_times(cfg: ScheduleConfig, after: datetime, count: int) -> list[datetime]:
    """The next `count` fire times strictly after `after` (naive means the schedule's zone), by APScheduler's rules."""
    trigger = make_trigger(cfg)
    moment = after if after.tzinfo else after.replace(tzinfo=cfg.timezone)
    times: list[datetime] = []
    while len(times) < count:
        # With previous == now, APScheduler 3 looks from one microsecond later: strictly after.
        fire: datetime | None = trigger.get_next_fire_time(moment, moment)
        if fire is None:
            break
        times.append(fire)
        moment = fire
    return times


def build_scheduler(
    db_url: str,
    cfg: ScheduleConfig,
    job: Callable[..., None] = nightly,
    clock: Callable[[], datetime] | None = None,
    job_args: Sequence[object] | None = None,
    work: Callable[[str], object] | None = None,
) -> BlockingScheduler:
    """A scheduler storing its jobs in the Vigía database, with the nightly job added (stored when it starts)."""
    # job must be a module-level function (persisted by reference); its args default to (db_url, work's reference,
    # lease minutes) for nightly and to () otherwise. A run missed within the grace while the service was down is kept.
    store = SQLAlchemyJobStore(engine=create_database_engine(make_url(db_url)), tablename=JOBS_TABLE)
    scheduler = BlockingScheduler(jobstores={"default": store}, timezone=cfg.timezone)
    now = (clock or (lambda: datetime.now(cfg.timezone)))()
    trigger = make_trigger(cfg)
    args = tuple(job_args) if job_args is not None else _nightly_args(db_url, cfg, job, work)
    scheduler.add_job(
        job,
        trigger,
        args=args,
        id=JOB_ID,
        name=JOB_NAME,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=cfg.gracia_minutos * 60,
        next_run_time=_first_run(store, trigger, cfg, now),
    )
    return scheduler


def _nightly_args(
    db_url: str, cfg: ScheduleConfig, job: Callable[..., None], work: Callable[[str], object] | None
) -> tuple[object, ...]:
    if job is not nightly:
        return ()
    if work is None:
        raise ValueError("the nightly job needs the work it runs (a module-level function of the application)")
    return (db_url, obj_to_ref(work), cfg.candado_minutos)


def _first_run(store: SQLAlchemyJobStore, trigger: CronTrigger, cfg: ScheduleConfig, now: datetime) -> datetime:
    """The stored next run when it was missed within the grace, else the trigger's next fire time after now."""
    fresh: datetime | None = trigger.get_next_fire_time(None, now)
    assert fresh is not None  # A cron expression always fires again.
    stored = stored_next_run(store)
    if stored is None or stored > now:
        return fresh
    if now - stored <= cfg.grace:
        logger.warning(
            "La corrida programada para %s no se hizo (el servicio estaba detenido); se hará ahora.",
            people_datetime(stored, zone=True),
        )
        return stored
    logger.warning(
        "Se perdió la corrida programada para %s: el servicio estuvo detenido más de %d minutos "
        "después de esa hora. La próxima será %s.",
        people_datetime(stored, zone=True),
        cfg.gracia_minutos,
        people_datetime(fresh, zone=True),
    )
    return fresh


def stored_next_run(store: SQLAlchemyJobStore) -> datetime | None:
    """The next run time of the nightly job as stored in the database (UTC), or None when not stored yet."""
    engine = store.engine.execution_options(**{READ_ONLY_OPTION: True})
    with engine.connect() as connection:
        if not inspect(connection).has_table(JOBS_TABLE):
            return None
        column = store.jobs_t.c.next_run_time
        value = connection.execute(select(column).where(store.jobs_t.c.id == JOB_ID)).scalar()
    return None if value is None else datetime.fromtimestamp(float(value), UTC)


def serve(db_url: str, cfg: ScheduleConfig, work: Callable[[str], object]) -> None:
    """Run the scheduler in the foreground until SIGTERM or SIGINT, then stop cleanly (waiting for a running job)."""
    open_database(db_url).dispose()  # Migrate (and fail clearly) before anything is scheduled.
    scheduler = build_scheduler(db_url, cfg, work=work)
    install_signal_handlers(scheduler)
    scheduler.add_listener(
        lambda event: _on_event(scheduler, cfg, event),
        EVENT_SCHEDULER_STARTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED,
    )
    logger.info(
        "Programador de Vigía iniciado sobre %s (cron «%s», zona %s, gracia %d min).",
        redact_url(db_url),
        cfg.cron,
        cfg.zona,
        cfg.gracia_minutos,
    )
    scheduler.start()
    logger.info("Programador de Vigía detenido.")


def install_signal_handlers(scheduler: BlockingScheduler) -> None:
    """SIGTERM and SIGINT shut the scheduler down once, waiting for a running crawl to finish."""
    stopping = threading.Event()

    def handle(signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if stopping.is_set() or scheduler.state == STATE_STOPPED:
            logger.warning("Señal %s recibida: el programador ya se está deteniendo.", name)
            return
        stopping.set()
        logger.info("Señal %s recibida: deteniendo el programador (se espera a la corrida en curso).", name)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


def _on_event(scheduler: BlockingScheduler, cfg: ScheduleConfig, event: SchedulerEvent) -> None:
    """Log, in Spanish, missed and failed runs and the next run time."""
    if event.code == EVENT_JOB_MISSED and isinstance(event, JobEvent):
        logger.warning(
            "Se omitió la corrida programada para %s: pasó el margen de gracia de %d minutos.",
            people_datetime(event.scheduled_run_time, zone=True),
            cfg.gracia_minutos,
        )
    elif event.code == EVENT_JOB_ERROR:
        logger.error("El rastreo nocturno falló: %s", getattr(event, "exception", None))
    job = scheduler.get_job(JOB_ID)
    if job is not None and job.next_run_time is not None:
        logger.info("Próximo rastreo nocturno: %s.", people_datetime(job.next_run_time, zone=True))
