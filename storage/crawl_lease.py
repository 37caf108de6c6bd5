"""The crawl lease shared by `vigia rastrear`, `vigia demo` and the nightly job: one crawl per database at a time."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from core.clock import people_datetime
from core.errors import VigiaError
from storage.alerts_store import acquire_lease, release_lease, renew_lease
from storage.db import Database
from storage.models import LeaseRow
from storage.process import process_alive

logger = logging.getLogger("vigia.storage")

LEASE_NAME = "nightly-crawl"
DEFAULT_LEASE_MINUTES = 360
# The lease is renewed this many times per lifetime while the crawl runs, so a live crawl never loses it.
RENEWALS_PER_TTL = 3
# How often a waiting crawl (--esperar) looks at the lease again.
WAIT_POLL_SECONDS = 5.0


class CrawlBusyError(VigiaError):
    """Another crawl holds the lease of this database."""

    exit_code = 5

    def __init__(self, holder: str, since: datetime | None) -> None:
        self.holder, self.since = holder, since
        when = f" desde el {people_datetime(since, zone=True)}" if since is not None else ""
        host, _, pid = holder.rpartition(":")
        who = f"el proceso {pid} de la máquina «{host}»" if host and pid.isdigit() else f"«{holder}»"
        self.owner = f"{who} tiene el candado «{LEASE_NAME}»{when}"
        super().__init__(
            f"Ya hay un rastreo en curso sobre esta base de datos: {self.owner}. "
            "Espere a que termine o use --esperar para esperar su turno."
        )


def lease_holder() -> str:
    """This process as a lease holder: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def current_lease(db: Database) -> LeaseRow | None:
    """The crawl lease as stored, or None when nobody holds it."""
    with db.ReadSession() as session:
        return session.get(LeaseRow, LEASE_NAME)


def take_lease(db: Database, holder: str, ttl: timedelta) -> CrawlBusyError | None:
    """Acquire the crawl lease, first breaking one left by a dead process of this machine; None when taken, else the
    error naming who holds it."""
    if acquire_lease(db, LEASE_NAME, holder, ttl, datetime.now(UTC)):
        return None
    lease = current_lease(db)
    # Retry once when the holder is dead, or when the lease was released between our attempt and our read.
    if lease is None or _break_if_dead(db, lease):
        if acquire_lease(db, LEASE_NAME, holder, ttl, datetime.now(UTC)):
            return None
        lease = current_lease(db)
    return CrawlBusyError(lease.holder, lease.acquired_at) if lease else CrawlBusyError("otro proceso", None)


def _break_if_dead(db: Database, lease: LeaseRow) -> bool:
    """Release a lease whose holder died on this machine; return whether it was released."""
    if not holder_dead(lease.holder, lease.acquired_at):
        return False
    logger.warning("El candado «%s» era de %s, un proceso que ya terminó: se libera.", LEASE_NAME, lease.holder)
    release_lease(db, LEASE_NAME, lease.holder)
    return True


def holder_dead(holder: str, acquired_at: datetime) -> bool:
    """True when holder (host:pid) is a process of this machine that no longer runs."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    return not process_alive(int(pid), acquired_at)


@contextmanager
def renewing(db: Database, holder: str, ttl: timedelta) -> Iterator[None]:
    """Renew the lease in a background thread while the body runs."""
    stop = threading.Event()
    thread = threading.Thread(target=_renew_loop, args=(db, holder, ttl, stop), name="vigia-candado", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _renew_loop(db: Database, holder: str, ttl: timedelta, stop: threading.Event) -> None:
    """Extend the lease every ttl/RENEWALS_PER_TTL until stopped; log if it was lost."""
    while not stop.wait(ttl.total_seconds() / RENEWALS_PER_TTL):
        try:
            if not renew_lease(db, LEASE_NAME, holder, ttl, datetime.now(UTC)):
                logger.error("Se perdió el candado «%s»: otro proceso pudo tomarlo tras expirar.", LEASE_NAME)
        except Exception:
            logger.exception("No se pudo renovar el candado «%s»; se reintentará.", LEASE_NAME)


@contextmanager
def crawl_lease(
    db: Database,
    ttl: timedelta = timedelta(minutes=DEFAULT_LEASE_MINUTES),
    wait: bool = False,
    on_wait: Callable[[CrawlBusyError], None] | None = None,
) -> Iterator[str]:
    """Hold the crawl lease while the body runs (renewed, released even on failure); raise CrawlBusyError when
    another crawl holds it, or wait for it when wait is true."""
    holder = lease_holder()
    _acquire(db, holder, ttl, wait, on_wait)
    try:
        with renewing(db, holder, ttl):
            yield holder
    finally:
        try:
            release_lease(db, LEASE_NAME, holder)
        except VigiaError:
            # Unreleased, it expires after ttl (or is broken at once once this process is gone).
            logger.exception("No se pudo liberar el candado «%s».", LEASE_NAME)


def _acquire(
    db: Database, holder: str, ttl: timedelta, wait: bool, on_wait: Callable[[CrawlBusyError], None] | None
) -> None:
    """Take the lease, or raise (or wait and retry) while another holder keeps it."""
    told = False
    while (busy := take_lease(db, holder, ttl)) is not None:
        if not wait:
            raise busy
        if on_wait is not None and not told:
            on_wait(busy)
            told = True
        threading.Event().wait(WAIT_POLL_SECONDS)
