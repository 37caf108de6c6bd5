"""Dates: storage keeps UTC; people read dd/mm/aaaa HH:MM in Mexico City time; machines read ISO 8601 with offset.

This module is the one place that formats a date (tests/test_date_policy.py enforces it): CLI tables and messages,
dashboard pages, people exports and e-mails use `people_datetime`/`people_date`; JSON, CSV and the API use
`machine_datetime` (or keep the ISO format their published contract pins, e.g. `local_minutes`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("America/Mexico_City")
ZONE_NAME = "hora del centro de México"
ABSENT = "—"


def today_local() -> date:
    """Today's date in America/Mexico_City, the date a nightly run is about."""
    return datetime.now(LOCAL_TZ).date()


def to_local(moment: datetime) -> datetime:
    """A stored time (naive read as UTC) converted to Mexico City time."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL_TZ)


def people_datetime(moment: datetime | None, *, zone: bool = False, absent: str = ABSENT) -> str:
    """A time as people read it, «dd/mm/aaaa HH:MM» in Mexico City (optionally naming the zone), or `absent`."""
    if moment is None:
        return absent
    text = f"{to_local(moment):%d/%m/%Y %H:%M}"
    return f"{text} ({ZONE_NAME})" if zone else text


def people_date(day: date | datetime | None, *, absent: str = ABSENT) -> str:
    """A day as people read it, «dd/mm/aaaa» (a datetime is first taken to Mexico City), or `absent`."""
    if day is None:
        return absent
    if isinstance(day, datetime):
        day = to_local(day).date()
    return f"{day:%d/%m/%Y}"


def machine_datetime(moment: datetime | None) -> str | None:
    """A time for machines (CSV, new JSON fields): ISO 8601 to the second with its Mexico City offset, or None."""
    return to_local(moment).isoformat(timespec="seconds") if moment else None


def machine_date(day: date | None) -> str | None:
    """A day for machines: ISO 8601 (aaaa-mm-dd), or None."""
    return day.isoformat() if day else None


def local_date(moment: datetime | None) -> str:
    """A stored time as «dd/mm/aaaa» in Mexico City time, or «sin registro» (e-mails: the day it last complied)."""
    return people_date(moment, absent="sin registro")


def local_minutes(moment: datetime | None) -> str | None:
    """A stored UTC time in Mexico City time as ISO 8601 to the minute with its offset (the API contract), or None."""
    return to_local(moment).isoformat(timespec="minutes") if moment else None
