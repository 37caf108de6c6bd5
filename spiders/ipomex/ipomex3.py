"""IPOMEX 3: a server-rendered index per sujeto obligado, fraction pages whose records JavaScript renders."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from typing import Any

import scrapy
from parsel import Selector
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy.http import Response

from checks.ipomex_model import FractionPage, FractionRecord, IpomexCapture
from checks.obligations import ObligationCatalogue
from core.text import fold
from spiders.ipomex.base import (
    OUT_OF_TIME,
    OUT_OF_TIME_DETAIL,
    Budget,
    IpomexTarget,
    Keep,
    fraction_label,
    keep_nothing,
    record_from,
)

# The rendered fraction page settles into exactly one of these; waiting for them replaces any sleep.
SETTLED = "table.registros, .sin-registros, .no-aplica, .error"
CAPTCHA_MARKERS = ("g-recaptcha", "h-captcha", "captcha", "no soy un robot", "no es un robot")
COLUMNS = (
    ("ejercicio", "ejercicio"),
    ("inicio", "inicio"),
    ("termino", "termino"),
    ("actualizacion", "actualizacion"),
    ("validacion", "validacion"),
    ("area", "area"),
    ("nota", "nota"),
    ("document", "documentos"),
)


GATES = {"captcha": "el índice pide resolver un captcha", "login": "el índice pide iniciar sesión"}


def gate_kind(html: str) -> str | None:
    """Name the gate (captcha, login) a page puts in front of its content, or None."""
    folded = fold(html[:200_000])
    if any(marker in folded for marker in CAPTCHA_MARKERS):
        return "captcha"
    if 'type="password"' in folded or "type='password'" in folded or "iniciar sesion" in folded:
        return "login"
    return None


def is_captcha(html: str) -> bool:
    """Tell whether a page is a captcha gate instead of content."""
    return gate_kind(html) == "captcha"


def index_links(response: Response) -> Iterator[tuple[str, str]]:
    """Yield (fraction label, absolute URL) for every fraction link of an index, in page order; a link whose text
    names no fraction ("Consultar", "Ver") takes the label of its table row or list item."""
    for anchor in response.css("a[href]"):
        label = fraction_label(" ".join(anchor.css("::text").getall()))
        if label is None:
            row = anchor.xpath("ancestor::tr[1] | ancestor::li[1]")
            label = fraction_label(" ".join(row[-1].css("::text").getall())) if row else None
        href = anchor.attrib.get("href", "")
        if label and href and not href.startswith(("#", "javascript:")):
            yield label, response.urljoin(href)


def known_links(obligations: ObligationCatalogue, links: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Links of the catalogue's fractions, first link of each only."""
    seen: set[str] = set()
    for label, url in links:
        obligation = obligations.by_label(obligations.articulo, label)
        if obligation is not None and obligation.id not in seen:
            seen.add(obligation.id)
            yield label, url


class Ipomex3Adapter:
    """IPOMEX 3: a browser page opens the index, then visits each linked fraction and reads its rendered table."""

    source = "ipomex3"

    def __init__(self, obligations: ObligationCatalogue, timeout_ms: float) -> None:
        self.obligations, self.timeout_ms = obligations, timeout_ms
        self.keep: Keep = keep_nothing

    def entry_request(self, target: IpomexTarget, budget: Budget) -> scrapy.Request:
        """The index, kept open so that the same page visits every fraction."""
        return scrapy.Request(
            target.url, dont_filter=True, meta={"playwright": True, "playwright_include_page": True, "target": target}
        )

    async def read(self, response: Response, capture: IpomexCapture, budget: Budget) -> None:
        """Fill capture from the index and its fractions (never built URLs: real slugs are irregular)."""
        page = response.meta["playwright_page"]
        try:
            await asyncio.wait_for(self._read(page, response, capture, budget), budget.remaining())
        except TimeoutError:
            # Fractions read so far are not a verdict on the others: the whole portal is reported out of time.
            capture.failure, capture.failure_detail = OUT_OF_TIME, OUT_OF_TIME_DETAIL
        finally:
            await page.close()

    async def _read(self, page: Any, response: Response, capture: IpomexCapture, budget: Budget) -> None:
        capture.browser_pages += 1
        gate = gate_kind(response.text)
        if gate is not None:
            capture.failure, capture.failure_detail = gate, GATES[gate]
            return
        links = list(known_links(self.obligations, index_links(response)))
        if not links:
            capture.failure, capture.failure_detail = "no_fractions", "el índice no enlaza fracciones"
        await self.read_fractions(page, links, capture, budget)

    async def read_fractions(
        self, page: Any, links: Sequence[tuple[str, str]], capture: IpomexCapture, budget: Budget
    ) -> None:
        """Render each linked fraction in the index's browser page."""

        def keep(url: str, html: str) -> None:
            self.keep(capture, url, html.encode("utf-8"), "text/html; charset=utf-8")

        timeout_ms = budget.cap_ms(self.timeout_ms)
        async for fraction in read_fractions(page, links, self.obligations.articulo, timeout_ms, keep):
            capture.fractions.append(fraction)
            capture.browser_pages += 1


async def read_fractions(
    page: Any,
    links: Sequence[tuple[str, str]],
    articulo: str,
    timeout_ms: float,
    keep: Callable[[str, str], None] | None = None,
) -> AsyncIterator[FractionPage]:
    """Visit each fraction with one browser page (a new page per fraction costs three times as much); keep gets
    each rendered page read."""
    for label, url in links:
        try:
            response = await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
            if response is not None and response.status >= 400:
                yield FractionPage(articulo, label, url, "error", error=f"http_error: código {response.status}")
                continue
            await page.wait_for_selector(SETTLED, timeout=timeout_ms)
            html = await page.content()
            if keep is not None:
                keep(url, html)
            yield read_fraction(html, url, articulo, label)
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
        records = tuple(table_records(table[0]))
        return FractionPage(articulo, label, url, "records" if records else "empty", records)
    if page.css(".sin-registros"):
        return FractionPage(articulo, label, url, "empty")
    return FractionPage(articulo, label, url, "error", error="la página no mostró registros ni avisos")


def table_records(table: Selector) -> Iterator[FractionRecord]:
    """The rows of a records table, each cell named by its column's header text."""
    # The first row of header cells, then every row of data cells (with or without thead and tbody).
    header_row = table.xpath(".//tr[th][1]")
    headers = [fold(" ".join(th.css("::text").getall())) for th in header_row.xpath("./th")]
    names = [next((name for key, name in COLUMNS if key in header), None) for header in headers]
    for row in table.xpath(".//tr[td]"):
        cells = row.css("td")
        if len(cells) != len(names):
            continue
        values = {
            name: " ".join(c.css("::text").getall()).strip() or None
            for name, c in zip(names, cells, strict=True)
            if name
        }
        documents = len(cells[names.index("documentos")].css("a")) if "documentos" in names else 0
        yield record_from(values, documents)
