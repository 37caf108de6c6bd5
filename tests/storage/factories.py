"""Small builders of registry entries and site reports for storage tests."""

from __future__ import annotations

from checks.model import CheckResult, CrawlOutcome, Evidence, PageRecord, SiteReport, Status
from config.registry import Municipality


def municipality(cve: str, nombre: str | None = None, poblacion: int = 1000) -> Municipality:
    return Municipality(
        cve_inegi=cve, nombre=nombre or f"Municipio {cve}", cabecera="Cabecera", poblacion_2020=poblacion,
        conapo_im_2020=0.5, conapo_gm_2020="Bajo", region="Toluca", sitio_web=f"https://{cve}.example.gob.mx/",
        sitio_estado="confirmado",
    )


def report(cve: str, statuses: dict[str, Status], failure: str | None = None, pages: int = 2) -> SiteReport:
    url = f"https://{cve}.example.gob.mx/"
    outcome = CrawlOutcome(
        start_url=url, home_url=None if failure else url, failure=failure,
        failure_detail="Conexión rechazada" if failure else None, pages_ok=0 if failure else pages,
        pages_failed=1 if failure else 0, https_valid=True,
    )
    results = [
        CheckResult(check_id, status, evidence=Evidence(url, f"{check_id} encontrado") if status == "cumple" else None,
                    reason=failure if status == "indeterminado" else None,
                    detail="No se pudo revisar" if status == "indeterminado" else None)
        for check_id, status in statuses.items()
    ]
    page_records = [PageRecord(url=f"{url}p{i}", final_url=f"{url}p{i}", status=200, content_hash=f"h{i}", depth=1,
                               kind="html") for i in range(0 if failure else pages)]
    return SiteReport(cve_inegi=cve, start_url=url, outcome=outcome, pages=page_records, results=results,
                      seconds=1.5)
