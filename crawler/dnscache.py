"""The mail-domain DNS answers of the probes, kept across nights in a small JSON file with an expiry per answer.

A domain's mail records change slowly: «ok» is trusted for a week, «none» for a day (a municipality that fixes its
domain is seen the next night). Several crawl processes share the file: each write re-reads it, merges and replaces
it atomically, so a lost race only costs one more query, never a corrupt file. Unknown answers are never kept.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from checks.probes import MailAnswer
from core.clock import machine_datetime

TTL = {"ok": timedelta(days=7), "none": timedelta(days=1)}
FILE_NAME = "sondas_dns.json"


def _now() -> datetime:
    return datetime.now(UTC)


class DnsCache:
    """domain → (answer, expiry) in a JSON file; expired or unreadable entries read as absent."""

    def __init__(self, path: Path, clock: Callable[[], datetime] = _now) -> None:
        self.path, self.clock = path, clock
        self.entries: dict[str, tuple[str, str]] | None = None

    def get(self, domain: str) -> MailAnswer | None:
        """The unexpired answer kept for domain, or None."""
        if self.entries is None:
            self.entries = self._read()
        answer, until = self.entries.get(domain, ("", ""))
        if answer not in TTL or not self._alive(until):
            return None
        return cast(MailAnswer, answer)

    def put(self, domain: str, answer: MailAnswer) -> None:
        """Keep a definitive answer (ok, none) with its expiry; merge with the file as it is now and replace it."""
        if answer not in TTL:
            return
        entries = self._read()
        entries[domain] = (answer, machine_datetime(self.clock() + TTL[answer]) or "")
        self.entries = {d: e for d, e in entries.items() if self._alive(e[1])}  # expired ones are dropped on write
        self._write(self.entries)

    def _alive(self, until: str) -> bool:
        """Whether an expiry (ISO 8601) is still ahead; an unreadable one is not."""
        try:
            return datetime.fromisoformat(until) > self.clock()
        except ValueError:
            return False

    def _read(self) -> dict[str, tuple[str, str]]:
        """The file's entries ({} when missing or unreadable: a cache never stops a crawl)."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(raw, dict):
            return {}
        return {str(d): (str(e[0]), str(e[1])) for d, e in raw.items() if isinstance(e, list) and len(e) == 2}

    def _write(self, entries: dict[str, tuple[str, str]]) -> None:
        """Replace the file atomically (write a temporary file beside it, then rename)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".sondas_dns.")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({d: list(e) for d, e in sorted(entries.items())}, out)
            os.replace(temporary, self.path)
        except OSError:
            return  # an unwritable cache only costs the next night a query
