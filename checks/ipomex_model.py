"""What a transparency-portal adapter captures for one municipality, before any rule judges it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from checks.model import CheckResult

# records: a records table was read; empty: the portal says nothing is published; no_aplica: the portal shows a
# justified "no aplica"; error: that page or its data failed in this run.
FractionState = Literal["records", "empty", "no_aplica", "error"]
# Where a fraction's rows were read: the fraction's page, the portal's data API, or its Excel export.
RowsFrom = Literal["pagina", "api", "excel"]


@dataclass(frozen=True)
class FractionRecord:
    """One published record (row) of a fraction's format."""

    ejercicio: str | None = None
    periodo_inicio: date | None = None
    periodo_fin: date | None = None
    fecha_actualizacion: date | None = None
    fecha_validacion: date | None = None
    area: str | None = None
    nota: str | None = None
    documentos: int = 0


@dataclass(frozen=True)
class FractionPage:
    """What the portal shows for one (article, fraction) of one sujeto obligado."""

    articulo: str
    fraccion: str  # as the portal labels it, e.g. "II A"
    url: str
    state: FractionState
    records: tuple[FractionRecord, ...] = ()
    justification: str | None = None
    error: str | None = None
    rows_from: RowsFrom = "pagina"


@dataclass
class IpomexCapture:
    """One municipality's capture from one source (ipomex3, ipomex4) in one run."""

    cve_inegi: str | None
    source: str
    index_url: str | None
    captured_at: datetime
    # Machine reason when the index could not be read at all: no_ipomex, captcha, timeout, connect, http_error, ...
    failure: str | None = None
    failure_detail: str | None = None
    fractions: list[FractionPage] = field(default_factory=list)
    browser_pages: int = 0
    # Results kept from the last run that read the fraction, by obligation id: the portal says it has not changed
    # since (checks.ipomex_carry), so it was not requested again.
    carried: dict[str, CheckResult] = field(default_factory=dict)
