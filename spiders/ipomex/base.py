"""What every IPOMEX adapter shares: targets, label parsing, record parsing and the per-municipality capture."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from checks.ipomex_eval import capture_failure_detail
from checks.ipomex_model import FractionRecord, IpomexCapture
from checks.model import PriorRead
from config.registry import Municipality
from core.text import fold

# "Fracción II A", "FRACCIÓN II-A", "Fraccion XLVIII b." → ("ii", "a").
FRACTION_LABEL = re.compile(r"\bfraccion\s+([ivxlc]+)(?:\s*[-_ ]\s*([a-z])\b)?")
DATE_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
LEGACY_INDEX = "/ipo/lgt/indice/"


@dataclass(frozen=True)
class IpomexTarget:
    """One municipality's pages on one portal generation."""

    cve_inegi: str | None
    nombre: str | None
    source: str  # ipomex3 | ipomex4 | ipomex_legado
    url: str
    # This portal's results in the last run that read it (what the adapter may carry forward), if any.
    prior: PriorRead | None = field(default=None, compare=False, repr=False)


def index_generation(url: str) -> str:
    """The generation of an IPOMEX index address, told by its path: the legacy /ipo/lgt/indice/ or IPOMEX 3."""
    return "ipomex_legado" if LEGACY_INDEX in urlsplit(url).path else "ipomex3"


def targets_for(municipalities: Sequence[Municipality], ipomex4_base: str) -> list[IpomexTarget | Municipality]:
    """IPOMEX 4 when the registry knows the municipality's id (the current portal), else the index address it has
    (IPOMEX 3 or legacy, told by the address's path).

    Municipalities with neither are returned as they are: their fractions cannot be read (no guessing of URLs).
    """
    result: list[IpomexTarget | Municipality] = []
    for m in municipalities:
        if m.ipomex4_id is not None:
            url = f"{ipomex4_base.rstrip('/')}/#/obligaciones/{m.ipomex4_id}"
            result.append(IpomexTarget(m.cve_inegi, m.nombre, "ipomex4", url))
        elif m.ipomex_url:
            result.append(IpomexTarget(m.cve_inegi, m.nombre, index_generation(m.ipomex_url), m.ipomex_url))
        else:
            result.append(m)
    return result


def fraction_label(text: str) -> str | None:
    """Normalise a portal's fraction label to "II A" form, or None when text names no fraction."""
    match = FRACTION_LABEL.search(fold(text))
    if match is None:
        return None
    roman, letter = match.group(1).upper(), match.group(2)
    return f"{roman} {letter.upper()}" if letter else roman


def parse_date(text: str | None) -> date | None:
    """Read dd/mm/aaaa or aaaa-mm-dd; None when absent or impossible."""
    if not text:
        return None
    try:
        if match := DATE_DMY.search(text):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if match := DATE_ISO.search(text):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return None


def new_capture(target: IpomexTarget) -> IpomexCapture:
    """An empty capture stamped with the capture time (UTC)."""
    return IpomexCapture(target.cve_inegi, target.source, target.url, datetime.now(UTC))


def record_from(values: dict[str, str | None], documents: int) -> FractionRecord:
    """A record from named cell values (keys: ejercicio, inicio, termino, actualizacion, validacion, area, nota)."""
    return FractionRecord(
        ejercicio=values.get("ejercicio"),
        periodo_inicio=parse_date(values.get("inicio")),
        periodo_fin=parse_date(values.get("termino")),
        fecha_actualizacion=parse_date(values.get("actualizacion")),
        fecha_validacion=parse_date(values.get("validacion")),
        area=values.get("area"),
        nota=values.get("nota"),
        documentos=documents,
    )


Sink = Callable[[IpomexCapture], None]
# Hand a page read inside the browser to the evidence archive: (capture, url, body, content type).
Keep = Callable[[IpomexCapture, str, bytes, str], None]


def keep_nothing(capture: IpomexCapture, url: str, body: bytes, content_type: str) -> None:
    """The Keep of an adapter used outside a spider (tests): nothing is archived."""


OUT_OF_TIME = "ipomex_sin_tiempo"
OUT_OF_TIME_DETAIL = capture_failure_detail(OUT_OF_TIME)


@dataclass
class Budget:
    """One portal's time budget, counted from when its browser page opens (not while it waits for a free page)."""

    seconds: float
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    started: float | None = None

    def start(self) -> None:
        """Start counting (only the first call counts)."""
        if self.started is None:
            self.started = self.clock()

    def remaining(self) -> float:
        """Seconds left (never negative); starts the budget if it was not started yet."""
        self.start()
        assert self.started is not None
        return max(0.0, self.started + self.seconds - self.clock())

    def spent(self) -> bool:
        """Whether the budget is used up."""
        return self.remaining() <= 0.0

    def cap_ms(self, timeout_ms: float) -> float:
        """A browser wait's timeout, never past the end of the budget (at least 1 ms: 0 means "no limit")."""
        return max(1.0, min(timeout_ms, self.remaining() * 1000))


class SourceAdapter(Protocol):
    """One portal generation: how to enter a municipality's pages and read them into a capture."""

    source: str
    keep: Keep

    def entry_request(self, target: IpomexTarget, budget: Budget) -> scrapy.Request:
        """The one request that opens the target's pages (callbacks are set by the spider)."""
        ...

    async def read(self, response: Response, capture: IpomexCapture, budget: Budget) -> None:
        """Fill capture with fraction pages, or set its failure when the portal could not be read within budget."""
        ...
