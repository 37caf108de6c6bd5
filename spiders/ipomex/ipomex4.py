"""IPOMEX 4: a single-page application; its JSON API is read through the page's own browser session.

The SPA fetches the municipality's list of obligations itself: that answer (seen by the page's `Tap`) is reused,
never asked again. Then each obligation that applies is read through the page's session, at most `lanes` calls at
once (the host-wide limit is `PoliteHost`'s: a page alone may use every slot, two pages share them, and a page
always has its next call queued while one is being answered). A fraction the list shows as unchanged since the last
run that read it keeps that run's result (`checks.ipomex_carry`) and is not requested.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, replace
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from checks.ipomex_carry import CarryRule
from checks.ipomex_model import FractionPage, IpomexCapture
from checks.model import CheckResult, Evidence
from checks.obligations import ObligationCatalogue
from spiders.ipomex.base import (
    OUT_OF_TIME,
    OUT_OF_TIME_DETAIL,
    Budget,
    IpomexTarget,
    Keep,
    fraction_label,
    keep_nothing,
    parse_date,
    record_from,
)
from spiders.ipomex.polite import Answer, Tap

# The SPA's own call for the sujeto's list of obligations.
LIST_CALL = re.compile(r"/obligaciones/?(?:\?|$)")
FETCH_JSON = """async (url) => {
  try {
    const r = await fetch(url, {credentials: 'include', headers: {'Accept': 'application/json'}});
    let body = null; try { body = await r.json(); } catch (e) {}
    return {status: r.status, body: body};
  } catch (e) { return {status: 0, body: null}; }
}"""
# ASSUMPTION: the real IPOMEX 4 API is not publicly documented. The simulated one lists, per obligation, the newest
# fecha de actualización of its records ("fecha_actualizacion", null when it has none). When the list carries no
# such field, nothing is carried forward: every fraction that applies is read, as before.
LISTED_DATE = "fecha_actualizacion"


@dataclass(frozen=True)
class Reuse:
    """What lets a portal skip fractions: the carry rule, the catalogue and the last run that read this portal."""

    rule: CarryRule
    catalogue: ObligationCatalogue
    target: IpomexTarget

    def carried(self, item: dict[str, Any]) -> CheckResult | None:
        """The kept result of a listed obligation the portal shows as unchanged, or None: read it."""
        if self.target.prior is None or LISTED_DATE not in item:
            return None
        raw = item[LISTED_DATE]
        listed = parse_date(str(raw)) if raw else None
        label = fraction_label(f"fraccion {item.get('fraccion', '')}")
        obligation = self.catalogue.by_label(str(item.get("articulo", "")), label) if label else None
        if obligation is None or (raw and listed is None):
            return None
        kept = self.rule.carried(self.target.prior, obligation, listed, self.target.source)
        if kept is None or kept.evidence is None:
            return kept
        # The evidence points where the fraction is shown tonight (the portal's address may have moved).
        return replace(kept, evidence=Evidence(f"{self.target.url}/{item['id']}", kept.evidence.text))


async def collect(
    page: Any, tap: Tap, reuse: Reuse | None, timeout_ms: float, budget: Budget, lanes: int = 1
) -> dict[str, Any]:
    """Read the portal's API data within the portal's budget, at most lanes calls at once; {"sin_tiempo": True}
    when the budget runs out first."""
    try:
        reading = _collect(page, tap, reuse, budget.cap_ms(timeout_ms), lanes)
        return await asyncio.wait_for(reading, budget.remaining())
    except TimeoutError:
        return {"sin_tiempo": True}


def _list_or_failure(answer: Answer) -> bool:
    return LIST_CALL.search(answer.url) is not None or answer.failed


async def _collect(page: Any, tap: Tap, reuse: Reuse | None, timeout_ms: float, lanes: int) -> dict[str, Any]:
    """Reuse the list the SPA fetched (or stop at its first failed call), then read each fraction to read."""
    try:
        answer = await asyncio.wait_for(tap.first(_list_or_failure), timeout_ms / 1000)
    except TimeoutError:
        return {"list_timeout": True}
    body = answer.json()
    if answer.status in (401, 403) or (isinstance(body, dict) and body.get("error") == "captcha"):
        return {"captcha": True, "list_url": answer.url}
    if not LIST_CALL.search(answer.url) or answer.status != 200 or not isinstance(body, dict):
        return {"list_url": answer.url, "list_status": answer.status}
    list_url = answer.url.split("?")[0].rstrip("/")
    carried: dict[str, CheckResult] = {}
    urls: list[str] = []
    for item in body.get("obligaciones", []):
        if not item.get("aplica", True):
            continue  # the list itself says it does not apply: nothing to fetch
        kept = reuse.carried(item) if reuse is not None else None
        if kept is not None:
            carried[str(item["id"])] = kept
        else:
            urls.append(f"{list_url}/{item['id']}/registros")
    records = await _read_all(page, urls, lanes)
    return {"list_url": list_url, "listing": body, "records": records, "carried": carried}


async def _read_all(page: Any, urls: list[str], lanes: int) -> dict[str, Any]:
    """Each URL's answer, at most lanes calls of this page at once (the host-wide limit is the gate's)."""
    pending, answers = iter(urls), {}

    async def lane() -> None:
        for url in pending:  # one iterator shared by the lanes: each URL is taken once
            answers[url] = await _fetch(page, url)

    await asyncio.gather(*(lane() for _ in range(lanes)))
    return answers


async def _fetch(page: Any, url: str) -> dict[str, Any]:
    """One API call's answer, asked once more when it came back unreadable (no status, or a 200 without JSON)."""
    answer: dict[str, Any] = await page.evaluate(FETCH_JSON, url)
    if answer.get("body") is None and answer.get("status") in (0, 200):
        # A connection cut or a body cut short under load is not the portal's answer; a second one that is the same is.
        answer = await page.evaluate(FETCH_JSON, url)
    return answer


class Ipomex4Adapter:
    """IPOMEX 4: the single-page application's own JSON API, read inside its browser session."""

    source = "ipomex4"

    def __init__(
        self,
        timeout_ms: float,
        rule: CarryRule | None = None,
        catalogue: ObligationCatalogue | None = None,
        lanes: int = 1,
    ) -> None:
        self.timeout_ms, self.rule, self.catalogue, self.lanes = timeout_ms, rule, catalogue, lanes
        self.keep: Keep = keep_nothing

    def entry_request(self, target: IpomexTarget, budget: Budget) -> scrapy.Request:
        """The application's page; a page method gathers the API data once the SPA has called it."""
        tap = Tap(bodies=LIST_CALL)
        reuse = Reuse(self.rule, self.catalogue, target) if self.rule and self.catalogue else None
        return scrapy.Request(
            target.url,
            dont_filter=True,
            meta={
                "playwright": True,
                "target": target,
                "ipomex_tap": tap,
                "playwright_page_methods": [PageMethod(collect, tap, reuse, self.timeout_ms, budget, self.lanes)],
            },
        )

    async def read(self, response: Response, capture: IpomexCapture, budget: Budget) -> None:
        """Fill capture from the data the page method collected (within budget)."""
        capture.browser_pages += 1
        data = response.meta["playwright_page_methods"][0].result
        self._keep_api(capture, data)
        fill_capture(capture, data, response.meta["target"].url)

    def _keep_api(self, capture: IpomexCapture, data: dict[str, Any]) -> None:
        """Archive the API answers read (the list and each fraction's records), as canonical JSON: the browser's
        fetch hands over the parsed body, not its bytes."""
        if "listing" in data:
            self.keep(capture, data["list_url"], _json_bytes(data["listing"]), JSON_TYPE)
        for url, answer in (data.get("records") or {}).items():
            if answer.get("status") == 200 and answer.get("body") is not None:
                self.keep(capture, url, _json_bytes(answer["body"]), JSON_TYPE)


JSON_TYPE = "application/json"


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


FAILURES = {
    "sin_tiempo": (OUT_OF_TIME, OUT_OF_TIME_DETAIL),
    "captcha": ("captcha", "el portal pide resolver un captcha"),
    "list_timeout": ("timeout", "la aplicación no pidió la lista de obligaciones a tiempo"),
}


def fill_capture(capture: IpomexCapture, data: dict[str, Any], spa_url: str) -> None:
    """Turn the collected API data into fraction pages, or a failure when the portal gated or refused it."""
    failed = next((failure for key, failure in FAILURES.items() if data.get(key)), None)
    if failed is not None:
        capture.failure, capture.failure_detail = failed
        return
    if "listing" not in data:
        capture.failure = "http_error"
        capture.failure_detail = f"la API de obligaciones respondió {data.get('list_status')}"
        return
    carried: dict[str, CheckResult] = data.get("carried", {})
    for item in data["listing"].get("obligaciones", []):
        kept = carried.get(str(item.get("id")))
        if kept is not None:
            capture.carried[kept.check_id] = kept
            continue
        page = _fraction(item, data["list_url"], data["records"], spa_url)
        if page is not None:
            capture.fractions.append(page)


def _fraction(item: dict[str, Any], list_url: str, records: dict[str, Any], spa_url: str) -> FractionPage | None:
    label = fraction_label(f"fraccion {item.get('fraccion', '')}")
    if label is None:
        return None
    articulo = str(item.get("articulo", ""))
    url = f"{spa_url}/{item['id']}"
    if not item.get("aplica", True):
        return FractionPage(articulo, label, url, "no_aplica", justification=item.get("justificacion"))
    answer = records.get(f"{list_url}/{item['id']}/registros") or {}
    body = answer.get("body")
    if answer.get("status") != 200 or not isinstance(body, dict):
        return FractionPage(articulo, label, url, "error", error=f"la API respondió {answer.get('status')}")
    rows = tuple(_record(row) for row in body.get("registros", []))
    return FractionPage(articulo, label, url, "records" if rows else "empty", rows, rows_from="api")


def _record(row: dict[str, Any]) -> Any:
    values = {
        "ejercicio": str(row.get("ejercicio") or "") or None,
        "inicio": row.get("fecha_inicio"),
        "termino": row.get("fecha_termino"),
        "actualizacion": row.get("fecha_actualizacion"),
        "validacion": row.get("fecha_validacion"),
        "area": row.get("area_responsable"),
        "nota": row.get("nota"),
    }
    return record_from(values, len(row.get("documentos") or []))
