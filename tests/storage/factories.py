"""Small builders of registry entries and site reports for storage tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from checks.ipomex_model import FractionPage, FractionRecord, IpomexCapture
from checks.model import CheckResult, CrawlOutcome, Evidence, PageRecord, SiteReport, Status
from config.registry import Municipality


def municipality(cve: str, nombre: str | None = None, poblacion: int = 1000) -> Municipality:
    return Municipality(
        cve_inegi=cve,
        nombre=nombre or f"Municipio {cve}",
        cabecera="Cabecera",
        poblacion_2020=poblacion,
        conapo_im_2020=0.5,
        conapo_gm_2020="Bajo",
        region="Toluca",
        sitio_web=f"https://{cve}.example.gob.mx/",
        sitio_estado="confirmado",
    )


def report(cve: str, statuses: dict[str, Status], failure: str | None = None, pages: int = 2) -> SiteReport:
    url = f"https://{cve}.example.gob.mx/"
    outcome = CrawlOutcome(
        start_url=url,
        home_url=None if failure else url,
        failure=failure,
        failure_detail="Conexión rechazada" if failure else None,
        pages_ok=0 if failure else pages,
        pages_failed=1 if failure else 0,
        https_valid=True,
    )
    results = [
        CheckResult(
            check_id,
            status,
            evidence=Evidence(url, f"{check_id} encontrado") if status == "cumple" else None,
            reason=failure if status == "indeterminado" else None,
            detail="No se pudo revisar" if status == "indeterminado" else None,
        )
        for check_id, status in statuses.items()
    ]
    page_records = [
        PageRecord(url=f"{url}p{i}", final_url=f"{url}p{i}", status=200, content_hash=f"h{i}", depth=1, kind="html")
        for i in range(0 if failure else pages)
    ]
    return SiteReport(cve_inegi=cve, start_url=url, outcome=outcome, pages=page_records, results=results, seconds=1.5)


def capture(cve: str | None, source: str = "ipomex3", failure: str | None = None) -> IpomexCapture:
    """An IPOMEX capture of three fractions (read, empty, in error), or a failed one."""
    index = f"https://www.ipomex.org.mx/ipo3/lgt/indice/m{cve}.web"
    pages = (
        []
        if failure
        else [
            FractionPage(
                "92",
                "I",
                f"{index[:-4]}/art_92_i.web",
                "records",
                (FractionRecord(fecha_actualizacion=date(2026, 10, 15)),),
            ),
            FractionPage("92", "II A", f"{index[:-4]}/art_92_ii_a.web", "empty"),
            FractionPage("92", "II B", f"{index[:-4]}/art_92_ii_b.web", "error", error="HTTP 500"),
        ]
    )
    return IpomexCapture(
        cve_inegi=cve,
        source=source,
        index_url=index,
        captured_at=datetime(2026, 10, 31, 9, tzinfo=UTC),
        failure=failure,
        failure_detail="Se mostró un reCAPTCHA" if failure else None,
        fractions=pages,
        browser_pages=2,
    )
