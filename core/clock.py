"""Dates as users see them: runs are dated in Mexico City time; storage keeps UTC."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("America/Mexico_City")


def today_local() -> date:
    """Today's date in America/Mexico_City, the date a nightly run is about."""
    return datetime.now(LOCAL_TZ).date()


def local_date(moment: datetime | None) -> str:
    """A stored time (UTC; naive read as UTC) as dd/mm/aaaa in Mexico City time, or «sin registro»."""
    if moment is None:
        return "sin registro"
    aware = moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))
    return aware.astimezone(LOCAL_TZ).strftime("%d/%m/%Y")


def local_minutes(moment: datetime | None) -> str | None:
    """A stored UTC time in Mexico City time as ISO 8601 to the minute with its offset (dashboard and API), or None."""
    return moment.astimezone(LOCAL_TZ).isoformat(timespec="minutes") if moment else None


def local_text(moment: datetime | None) -> str:
    """Format a stored UTC time in Mexico City time, or a dash when absent."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
