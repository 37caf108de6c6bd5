"""Test helpers for the simulated IPOMEX: concurrent fetching and an independent reading of what it serves."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import aiohttp

from core.text import fold

# For the run date of the tests (2026-11-24): the quarter Jul–Sep 2026 was due by 30 Oct 2026.
DUE_END = date(2026, 9, 30)
FRACTION_LINK = re.compile(r"^fraccion\s+([ivxlc]+)(?:[\s-]+([a-g]))?\.\s")


async def _fetch_all(urls: list[str], timeout: float) -> dict[str, tuple[int, bytes]]:
    connector = aiohttp.TCPConnector(limit=32)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)) as session:

        async def one(url: str) -> tuple[str, int, bytes]:
            async with session.get(url) as response:
                return url, response.status, await response.read()

        results = await asyncio.gather(*(one(u) for u in urls))
    return {url: (status, body) for url, status, body in results}


def fetch_all(urls: Iterable[str], timeout: float = 30) -> dict[str, tuple[int, bytes]]:
    """GET every URL concurrently: url → (status, body)."""
    return asyncio.run(_fetch_all(sorted(set(urls)), timeout))


def fraction_id(link_text: str) -> str | None:
    """ipomex.92.<x> from an index link text such as "FRACCIÓN II A. …" or "Fraccion II-A. …"."""
    match = FRACTION_LINK.match(fold(link_text))
    if match is None:
        return None
    return f"ipomex.92.{match[1]}" + (f"_{match[2]}" if match[2] else "")


def label_id(fraccion: str) -> str:
    """ipomex.92.<x> from an IPOMEX 4 "fraccion" label ("II A")."""
    return "ipomex.92." + "_".join(fraccion.lower().split())


def verdict(aplica: bool, updates: list[date]) -> str:
    """What a page that was read says: no_aplica, no_cumple (nothing or old) or cumple (covers DUE_END)."""
    if not aplica:
        return "no_aplica"
    return "cumple" if updates and max(updates) >= DUE_END else "no_cumple"


def judge_ipomex3(status: int, document: dict[str, Any] | None) -> str:
    """Verdict on an IPOMEX 3 data response (dates dd/mm/aaaa)."""
    if status != 200 or document is None:
        return "indeterminado"
    updates = [datetime.strptime(r["fecha_actualizacion"], "%d/%m/%Y").date() for r in document["registros"]]
    return verdict(bool(document["aplica"]), updates)


def judge_ipomex4(status: int, aplica: bool, document: dict[str, Any] | None) -> str:
    """Verdict on an IPOMEX 4 registros response (ISO dates); aplica comes from the obligations list."""
    if status != 200 or document is None:
        return "indeterminado"
    return verdict(aplica, [date.fromisoformat(r["fecha_actualizacion"]) for r in document["registros"]])
