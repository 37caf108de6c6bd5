"""IPOMEX 3: a server-rendered index per sujeto obligado, fraction pages whose records JavaScript renders."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import scrapy
from parsel import Selector
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy.http import Response

from checks.ipomex_model import FractionPage, FractionRecord
from config.registry import fold
from crawler.ipomex.base import IpomexTarget, fraction_label, record_from

# The rendered fraction page settles into exactly one of these; waiting for them replaces any sleep.
SETTLED = "table.registros, .sin-registros, .no-aplica, .error"
CAPTCHA_MARKERS = ("g-recaptcha", "h-captcha", "captcha", "no soy un robot", "no es un robot")
COLUMNS = (("ejercicio", "ejercicio"), ("inicio", "inicio"), ("termino", "termino"),
           ("actualizacion", "actualizacion"), ("validacion", "validacion"), ("area", "area"), ("nota", "nota"),
           ("document", "documentos"))


def is_captcha(html: str) -> bool:
    """Tell whether a page is a captcha gate instead of content."""
    folded = fold(html[:200_000])
    return any(marker in folded for marker in CAPTCHA_MARKERS)


def index_links(response: Response) -> Iterator[tuple[str, str]]:
    """Yield (fraction label, absolute URL) for every fraction link of an index, in page order."""
    for anchor in response.css("a[href]"):
        label = fraction_label(" ".join(anchor.css("::text").getall()))
        href = anchor.attrib.get("href", "")
        if label and href and not href.startswith(("#", "javascript:")):
            yield label, response.urljoin(href)


def index_request(target: IpomexTarget, callback: object, errback: object) -> scrapy.Request:
    """Browser request for an index; the callback keeps the page to visit every fraction with it."""
    return scrapy.Request(target.url, callback=callback, errback=errback, dont_filter=True,  # type: ignore[arg-type]
                          meta={"playwright": True, "playwright_include_page": True, "target": target})


async def read_fractions(page: Any, links: Sequence[tuple[str, str]], articulo: str,
                         timeout_ms: float) -> AsyncIterator[FractionPage]:
    """Visit each fraction with one browser page (a new page per fraction costs three times as much)."""
    for label, url in links:
        try:
            response = await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
            if response is not None and response.status >= 400:
                yield FractionPage(articulo, label, url, "error", error=f"http_error: código {response.status}")
                continue
            await page.wait_for_selector(SETTLED, timeout=timeout_ms)
            yield read_fraction(await page.content(), url, articulo, label)
        except PlaywrightError as exc:
            reason = "timeout" if isinstance(exc, PlaywrightTimeout) else "error"
            yield FractionPage(articulo, label, url, "error", error=f"{reason}: {exc.message[:120]}")


def read_fraction(html: str, url: str, articulo: str, label: str) -> FractionPage:
    """Turn a rendered fraction page into a FractionPage."""
    page = Selector(text=html)
    if page.css(".no-aplica"):
        justification = " ".join(t.strip() for t in page.css(".no-aplica p ::text").getall() if t.strip())
        return FractionPage(articulo, label, url, "no_aplica", justification=justification or None)
    table = page.css("table.registros")
    if table:
        records = tuple(_records(table[0]))
        return FractionPage(articulo, label, url, "records" if records else "empty", records)
    if page.css(".sin-registros"):
        return FractionPage(articulo, label, url, "empty")
    return FractionPage(articulo, label, url, "error", error="la página no mostró registros ni avisos")


def _records(table: Selector) -> Iterator[FractionRecord]:
    headers = [fold(" ".join(th.css("::text").getall())) for th in table.css("thead th")]
    names = [next((name for key, name in COLUMNS if key in header), None) for header in headers]
    for row in table.css("tbody tr"):
        cells = row.css("td")
        if len(cells) != len(names):
            continue
        values = {name: " ".join(c.css("::text").getall()).strip() or None
                  for name, c in zip(names, cells, strict=True) if name}
        documents = len(cells[names.index("documentos")].css("a")) if "documentos" in names else 0
        yield record_from(values, documents)
