"""Legacy IPOMEX (/ipo/lgt/indice/<slug>.web): a server-rendered index and fraction pages, the rows in Excel exports.

Nothing here needs rendering: after the index (the entry page, opened in the browser so that the pass's gate routes
it), each fraction page and each Excel export is fetched with the page's session through the same gate
(`PoliteHost.get`). A fraction page that links its format's export shows only some rows and none of their dates, so
the export is read *instead of* the page's pager: its rows carry their own fecha de actualización, which decides the
fraction's freshness (`checks.ipomex_eval`). A page that links no export but whose records table has a «Fecha de
actualización» column is read as it is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import urljoin

from parsel import Selector
from w3lib.encoding import html_to_unicode

from checks.ipomex_model import FractionPage, IpomexCapture
from checks.obligations import ObligationCatalogue
from checks.text import collapse
from core.text import fold
from spiders.ipomex.base import Budget
from spiders.ipomex.excel import read_export
from spiders.ipomex.ipomex3 import Ipomex3Adapter, table_records
from spiders.ipomex.polite import Answer, PoliteHost

Guard = Callable[[str], Awaitable[bool]]
# How a legacy page says that nothing is published (folded).
EMPTY_NOTICES = ("no existe informacion", "no se ha registrado informacion", "sin informacion registrada")
NO_APLICA = "no aplica"


def export_link(page: Selector, url: str) -> str | None:
    """The absolute address of the format's Excel export the page links, if any."""
    for anchor in page.css("a[href]"):
        href = anchor.attrib.get("href", "")
        text = fold(" ".join(anchor.css("::text").getall()))
        if href and not href.startswith(("#", "javascript:")) and ("infoexcel" in fold(href) or "excel" in text):
            return urljoin(url, href)
    return None


def justification(page: Selector) -> str | None:
    """The text of the block that starts with "No aplica", without those words; None when there is none."""
    for block in page.xpath("//p | //div[not(.//p)] | //td"):
        text = collapse(" ".join(block.css("::text").getall()))
        if fold(text).startswith(NO_APLICA):
            return text[len(NO_APLICA) :].lstrip(" .:-—") or ""
    return None


def read_page(html: str, url: str, articulo: str, label: str) -> FractionPage | str:
    """A legacy fraction page as a FractionPage, or the address of the export that holds its rows."""
    page = Selector(text=html)
    link = export_link(page, url)
    if link is not None:
        return link  # the export has every row; a table beside it may be one page of a pager
    table = next((t for t in page.css("table") if "actualizacion" in fold(" ".join(t.css("th ::text").getall()))), None)
    if table is not None:
        records = tuple(table_records(table))
        return FractionPage(articulo, label, url, "records" if records else "empty", records)
    reason = justification(page)
    if reason is not None:
        return FractionPage(articulo, label, url, "no_aplica", justification=reason or None)
    if any(notice in fold(" ".join(page.css("body ::text").getall())) for notice in EMPTY_NOTICES):
        return FractionPage(articulo, label, url, "empty")
    return FractionPage(articulo, label, url, "error", error="la página no mostró registros, avisos ni exportación")


def failed(answer: Answer, what: str) -> str | None:
    """Why an answer cannot be read (Spanish), or None."""
    if answer.status == 0:
        return f"{what} no respondió"
    return f"{what} respondió con código {answer.status}" if answer.status >= 400 else None


class IpomexLegadoAdapter(Ipomex3Adapter):
    """Legacy IPOMEX: the index in the browser, then every fraction page and Excel export through the pass's gate."""

    source = "ipomex_legado"

    def __init__(
        self, obligations: ObligationCatalogue, timeout_ms: float, host: PoliteHost, guard: Guard | None = None
    ) -> None:
        super().__init__(obligations, timeout_ms)
        self.host, self.guard = host, guard
        # The capture being read, for the evidence archive (one portal at a time per adapter call).
        self.current: IpomexCapture | None = None

    async def read_fractions(
        self, page: Any, links: Sequence[tuple[str, str]], capture: IpomexCapture, budget: Budget
    ) -> None:
        """Fetch each fraction page (and its export) with the index's session, through the pass's gate."""
        self.current = capture
        for label, url in links:
            capture.fractions.append(await self.fraction(page, label, url, budget))

    async def fraction(self, page: Any, label: str, url: str, budget: Budget) -> FractionPage:
        """One fraction: its page, and its export when the page links one."""
        articulo = self.obligations.articulo
        if not await self.allowed(url):
            return FractionPage(articulo, label, url, "error", error="destino bloqueado por seguridad")
        answer = await self.host.get(page, url, budget)
        self._keep_answer(url, answer, "text/html")
        problem = failed(answer, "la página de la fracción")
        if problem is not None:
            return FractionPage(articulo, label, url, "error", error=problem)
        _, html = html_to_unicode(None, answer.body)  # the page's own <meta charset>, else a guess
        found = read_page(html, url, articulo, label)
        if isinstance(found, FractionPage):
            return found
        if not await self.allowed(found):
            blocked = "apunta a un destino bloqueado por seguridad"
            return FractionPage(articulo, label, url, "error", error=blocked, rows_from="excel")
        export = await self.host.get(page, found, budget)
        self._keep_answer(found, export, "application/octet-stream")
        problem = failed(export, "el servidor")
        if problem is not None:
            return FractionPage(articulo, label, url, "error", error=problem, rows_from="excel")
        return read_export(export.body, articulo, label, url)

    def _keep_answer(self, url: str, answer: Answer, content_type: str) -> None:
        # The gate does not keep the answer's headers: the type is what the legacy portal serves there.
        if self.current is not None and 200 <= answer.status < 300:
            self.keep(self.current, url, answer.body, content_type)

    async def allowed(self, url: str) -> bool:
        """Whether the crawl's SSRF policy lets it fetch url (links come from the portal's pages)."""
        return self.guard is None or await self.guard(url)
