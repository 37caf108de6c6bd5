"""Find calendar dates written the Spanish way in folded page text (a bare year or '© 2026' is not a date)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

MONTHS = {
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
    "ene": 1,
    "feb": 2,
    "mar": 3,
    "abr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "ago": 8,
    "sep": 9,
    "sept": 9,
    "set": 9,
    "oct": 10,
    "nov": 11,
    "dic": 12,
}
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?:[0-2]?\d|3[01])"
_YEAR = r"(?:19|20)\d\d"
# Every accepted form contains a four-digit year: the text is scanned for years (fast), and each form is then
# tried only in a short window around each year.
_YEAR_RUN = re.compile(rf"{_YEAR}")
_BEFORE_YEAR = 32
_YEAR_LAST = [
    # 12 de marzo de 2026 · 12 marzo 2026 · 12-mar-2026 · 1° de mayo del 2026
    re.compile(
        rf"(?<![\d])(?P<d>{_DAY})(?:°|º|o)?(?:\s+de\s+|\s+|-|/|\.)(?P<m>{_MONTH})"
        rf"(?:\s+de(?:l)?\s+|\s+|-|/|,\s*)(?P<y>{_YEAR})\Z"
    ),
    # marzo 12, 2026 · marzo 12 de 2026
    re.compile(rf"(?<![a-z])(?P<m>{_MONTH})\s+(?P<d>{_DAY}),?\s+(?:de(?:l)?\s+)?(?P<y>{_YEAR})\Z"),
    # 12/03/2026 · 12-03-2026 · 12.03.2026 (day first, as Mexico writes them)
    re.compile(rf"(?<![\d/.\-])(?P<d>{_DAY})(?P<s>[/.\-])(?P<m>0?[1-9]|1[0-2])(?P=s)(?P<y>{_YEAR})\Z"),
]
# 2026-03-12 and ISO timestamps
_YEAR_FIRST = re.compile(rf"(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?!\d)")
_ISO = re.compile(rf"^\s*(?P<y>{_YEAR})-(?P<m>\d\d)-(?P<d>\d\d)")


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date and where it sits in the folded text (start/end offsets)."""

    date: datetime.date
    start: int
    end: int


def _build(year: str, month: str, day: str) -> datetime.date | None:
    """A date from matched parts (month as number or Spanish name), or None when impossible (31/02)."""
    month_number = int(month) if month.isdigit() else MONTHS.get(month.rstrip("."), 0)
    try:
        return datetime.date(int(year), month_number, int(day))
    except ValueError:
        return None


def find_dates(folded: str) -> Iterator[FoundDate]:
    """Yield every valid date written in the folded text, in document order."""
    for year in _YEAR_RUN.finditer(folded):
        start, end = year.start(), year.end()
        if (start and folded[start - 1].isdigit()) or (end < len(folded) and folded[end].isdigit()):
            continue
        match = next((m for p in _YEAR_LAST if (m := p.search(folded, max(0, start - _BEFORE_YEAR), end))), None)
        if match is None:
            match = _YEAR_FIRST.match(folded, start)
        found = _build(match["y"], match["m"], match["d"]) if match else None
        if match is not None and found is not None:
            yield FoundDate(found, match.start(), match.end())


def parse_iso(value: str) -> datetime.date | None:
    """Parse the date part of an ISO 8601 value such as <time datetime> or article:published_time."""
    match = _ISO.match(value)
    return _build(match["y"], match["m"], match["d"]) if match else None
