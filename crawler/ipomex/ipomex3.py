"""IPOMEX 3: a server-rendered index per sujeto obligado, fraction pages whose records JavaScript renders."""

from __future__ import annotations

from collections.abc import Iterator

import scrapy
from parsel import Selector
from scrapy.http import Response
from scrapy_playwright.page import PageMethod
from twisted.python.failure import Failure

from checks.ipomex_model import FractionPage, FractionRecord
from config.registry import fold
from crawler.failures import classify_failure
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


def fraction_request(target: IpomexTarget, articulo: str, label: str, url: str, timeout_ms: float,
                     callback: object, errback: object) -> scrapy.Request:
    """Browser request for one fraction page, waiting until its records (or their absence) are rendered."""
    return scrapy.Request(url, callback=callback, errback=errback, dont_filter=True,  # type: ignore[arg-type]
                          meta={"playwright": True, "target": target, "articulo": articulo, "fraccion": label,
                                "playwright_page_methods": [PageMethod("wait_for_selector", SETTLED,
                                                                       timeout=timeout_ms)]})


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


def fraction_failed(failure: Failure) -> FractionPage:
    """A fraction page that could not be rendered in this run."""
    request = failure.request  # type: ignore[attr-defined]
    reason, detail = classify_failure(failure)
    return FractionPage(request.meta["articulo"], request.meta["fraccion"], request.url, "error",
                        error=f"{reason}: {detail}")
