"""Leases: one live holder at a time; an expired lease is taken over; only the holder renews or releases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.alerts_store import acquire_lease, release_lease, renew_lease
from storage.db import Database

NOW = datetime(2026, 5, 25, 8, tzinfo=UTC)
TTL = timedelta(hours=6)


def test_second_holder_is_refused_while_the_lease_lives(db: Database) -> None:
    assert acquire_lease(db, "crawl", "host-a:1", TTL, NOW)
    assert not acquire_lease(db, "crawl", "host-b:2", TTL, NOW + timedelta(hours=5))
    assert acquire_lease(db, "crawl", "host-a:1", TTL, NOW + timedelta(hours=1))  # Ours again: renewed.
    assert acquire_lease(db, "other", "host-b:2", TTL, NOW)  # Names are independent.


def test_expired_lease_is_taken_over_and_the_old_holder_loses_it(db: Database) -> None:
    assert acquire_lease(db, "crawl", "host-a:1", TTL, NOW)
    assert acquire_lease(db, "crawl", "host-b:2", TTL, NOW + TTL)
    assert not renew_lease(db, "crawl", "host-a:1", TTL, NOW + TTL)
    assert not release_lease(db, "crawl", "host-a:1")
    assert not acquire_lease(db, "crawl", "host-a:1", TTL, NOW + TTL + timedelta(minutes=1))


def test_renew_extends_and_release_frees(db: Database) -> None:
    assert acquire_lease(db, "crawl", "host-a:1", TTL, NOW)
    assert renew_lease(db, "crawl", "host-a:1", TTL, NOW + timedelta(hours=5))
    assert not acquire_lease(db, "crawl", "host-b:2", TTL, NOW + TTL + timedelta(minutes=1))
    assert release_lease(db, "crawl", "host-a:1")
    assert acquire_lease(db, "crawl", "host-b:2", TTL, NOW + timedelta(hours=7))
