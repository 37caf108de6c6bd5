"""IPOMEX 4: a single-page application; its JSON API is read through the page's own browser session."""

from __future__ import annotations

import asyncio
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from checks.ipomex_model import FractionPage, IpomexCapture
from spiders.ipomex.base import OUT_OF_TIME, OUT_OF_TIME_DETAIL, Budget, IpomexTarget, fraction_label, record_from

# The SPA fetched its list of obligations: find that API call among the page's resource timings.
LIST_CALL = (
    "() => performance.getEntriesByType('resource').map(e => e.name).find(n => /\\/obligaciones(\\?|$)/.test(n))"
)
FETCH_JSON = """async (url) => {
  const r = await fetch(url, {credentials: 'include', headers: {'Accept': 'application/json'}});
  let body = null; try { body = await r.json(); } catch (e) {}
  return {status: r.status, body: body};
}"""
FETCH_MANY = """async (urls) => {
  const out = {};
  for (let i = 0; i < urls.length; i += 6) {
    await Promise.all(urls.slice(i, i + 6).map(async (u) => {
      try {
        const r = await fetch(u, {credentials: 'include', headers: {'Accept': 'application/json'}});
        let body = null; try { body = await r.json(); } catch (e) {}
        out[u] = {status: r.status, body: body};
      } catch (e) { out[u] = {status: 0, body: null}; }
    }));
  }
  return out;
}"""


async def collect(page: Any, timeout_ms: float, budget: Budget) -> dict[str, Any]:
    """Read the portal's API data within the portal's budget; {"sin_tiempo": True} when it runs out first."""
    try:
        return await asyncio.wait_for(_collect(page, budget.cap_ms(timeout_ms)), budget.remaining())
    except TimeoutError:
        return {"sin_tiempo": True}


async def _collect(page: Any, timeout_ms: float) -> dict[str, Any]:
    """Inside the SPA's session: wait for its obligations call, then read the list and every fraction's records."""
    await page.wait_for_function(f"({LIST_CALL})() !== undefined", timeout=timeout_ms)
    list_url = await page.evaluate(LIST_CALL)
    listing = await page.evaluate(FETCH_JSON, list_url)
    body = listing.get("body") or {}
    if listing["status"] in (401, 403) or (isinstance(body, dict) and body.get("error") == "captcha"):
        return {"captcha": True, "list_url": list_url}
    if listing["status"] != 200 or not isinstance(body, dict):
        return {"list_url": list_url, "list_status": listing["status"]}
    urls = [f"{list_url}/{item['id']}/registros" for item in body.get("obligaciones", []) if item.get("aplica", True)]
    records = await page.evaluate(FETCH_MANY, urls)
    return {"list_url": list_url, "listing": body, "records": records}


class Ipomex4Adapter:
    """IPOMEX 4: the single-page application's own JSON API, read inside its browser session."""

    source = "ipomex4"

    def __init__(self, timeout_ms: float) -> None:
        self.timeout_ms = timeout_ms

    def entry_request(self, target: IpomexTarget, budget: Budget) -> scrapy.Request:
        """The application's page; a page method gathers the API data once the SPA has called it."""
        return scrapy.Request(
            target.url,
            dont_filter=True,
            meta={
                "playwright": True,
                "target": target,
                "playwright_page_methods": [PageMethod(collect, self.timeout_ms, budget)],
            },
        )

    async def read(self, response: Response, capture: IpomexCapture, budget: Budget) -> None:
        """Fill capture from the data the page method collected (within budget)."""
        capture.browser_pages += 1
        fill_capture(capture, response.meta["playwright_page_methods"][0].result, response.meta["target"].url)


def fill_capture(capture: IpomexCapture, data: dict[str, Any], spa_url: str) -> None:
    """Turn the collected API data into fraction pages, or a failure when the portal gated or refused it."""
    if data.get("sin_tiempo"):
        capture.failure, capture.failure_detail = OUT_OF_TIME, OUT_OF_TIME_DETAIL
        return
    if data.get("captcha"):
        capture.failure, capture.failure_detail = "captcha", "el portal pide resolver un captcha"
        return
    if "listing" not in data:
        capture.failure = "http_error"
        capture.failure_detail = f"la API de obligaciones respondió {data.get('list_status')}"
        return
    for item in data["listing"].get("obligaciones", []):
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
    return FractionPage(articulo, label, url, "records" if rows else "empty", rows)


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
