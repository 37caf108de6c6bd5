"""Judge one IPOMEX capture: exactly one result per obligation of the catalogue, no_cumple only for pages read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from checks.ipomex_model import FractionPage, IpomexCapture
from checks.model import CheckResult, Evidence, Status
from checks.obligations import Obligation, ObligationCatalogue
from checks.text import clip, collapse
from checks.update_rule import assess_update, fmt

# Why a whole capture could not be read, as users read it; unknown codes fall back to a generic sentence.
CAPTURE_FAILURES = {
    "captcha": "El portal pide resolver un captcha; no se pudo leer.",
    "no_ipomex": "El registro no tiene la dirección de IPOMEX de este municipio.",
    "timeout": "El portal de transparencia no respondió a tiempo; no se pudo leer.",
    "connect": "No se pudo conectar con el portal de transparencia.",
    "dns": "No se pudo resolver el nombre del portal de transparencia (DNS).",
    "http_error": "El portal de transparencia respondió con un error HTTP; no se pudo leer.",
    "not_found": "El portal no tiene el índice de este municipio en la dirección registrada.",
    "robots_disallowed": "Las reglas robots.txt del portal no permiten leerlo.",
    "needs_js": "El portal sólo muestra su contenido con JavaScript y no se pudo usar el navegador.",
    "parse_error": "El portal respondió, pero su contenido no tiene la forma esperada; no se pudo leer.",
    "interrupted": "La captura del portal se interrumpió antes de terminar.",
    "ipomex_sin_tiempo": "Se agotó el tiempo asignado a este municipio en IPOMEX antes de leer sus fracciones; "
    "se volverá a intentar.",
    "no_fractions": "El índice del municipio en el portal no enlaza ninguna fracción; no se pudo leer.",
    "login": "El portal pide iniciar sesión; no se pudo leer.",
    "no_browser": "No hay un navegador Chromium disponible para leer el portal de transparencia.",
}
NOT_LISTED = "La fracción no aparece entre las que se leyeron del índice del municipio en el portal."
NO_RECORDS = "Sin registros publicados: el portal no muestra información de esta fracción."
NO_APLICA = "El portal indica que esta fracción no aplica al sujeto obligado."
ROWS_FROM = {
    "pagina": "en la página de la fracción",
    "api": "en los datos del portal",
    "excel": "en su exportación a Excel",
}


def evaluate_capture(capture: IpomexCapture, catalogue: ObligationCatalogue, run_date: date) -> list[CheckResult]:
    """One result per obligation of the catalogue, in catalogue order, from what the adapter captured."""
    if capture.failure is not None:
        detail = capture_failure_detail(capture.failure)
        return [
            _Judge(capture, catalogue, o).result("indeterminado", capture.failure, detail)
            for o in catalogue.obligations
        ]
    pages = _pages_by_obligation(capture.fractions, catalogue)
    results: list[CheckResult] = []
    for obligation in catalogue.obligations:
        kept = capture.carried.get(obligation.id) if obligation.id not in pages else None
        judge = _Judge(capture, catalogue, obligation, pages.get(obligation.id))
        results.append(kept or judge.judge(run_date))
    return results


def capture_failure_detail(failure: str) -> str:
    """The Spanish sentence for a capture failure code."""
    return CAPTURE_FAILURES.get(failure, f"No se pudo leer el portal de transparencia (motivo: {failure}).")


def _pages_by_obligation(pages: Iterable[FractionPage], catalogue: ObligationCatalogue) -> dict[str, FractionPage]:
    """Map captured pages to obligations; when a fraction shows up twice, a page that was read beats one in error."""
    found: dict[str, FractionPage] = {}
    for page in pages:
        obligation = catalogue.by_label(page.articulo, page.fraccion)
        if obligation is None:
            continue  # Fractions outside this law's catalogue (e.g. ayuntamiento-specific) are judged elsewhere.
        previous = found.get(obligation.id)
        if previous is None or (previous.state == "error" and page.state != "error"):
            found[obligation.id] = page
    return found


class _Judge:
    """Builds the result of one obligation from its captured page (None when the capture did not list it)."""

    def __init__(
        self,
        capture: IpomexCapture,
        catalogue: ObligationCatalogue,
        obligation: Obligation,
        page: FractionPage | None = None,
    ) -> None:
        self.capture, self.catalogue, self.obligation, self.page = capture, catalogue, obligation, page
        dates = [r.fecha_actualizacion for r in page.records if r.fecha_actualizacion] if page else []
        self.newest: date | None = max(dates) if dates else None

    def result(self, status: Status, reason: str | None, detail: str, snippet: str | None = None) -> CheckResult:
        """A result carrying the capture's source, the catalogue's law key and the newest update date."""
        evidence = Evidence(self.page.url, snippet) if self.page is not None and snippet is not None else None
        return CheckResult(
            self.obligation.id,
            status,
            evidence=evidence,
            reason=reason,
            detail=detail,
            source=self.capture.source,
            law=self.catalogue.key,
            last_update=self.newest,
        )

    def judge(self, run_date: date) -> CheckResult:
        """The verdict for the obligation; no_cumple only when its page was actually read."""
        page = self.page
        if page is None:
            return self.result("indeterminado", "not_listed", NOT_LISTED)
        if page.state == "error":
            cause = f" ({clip(page.error, 150)})" if page.error else ""
            where = "su exportación a Excel" if page.rows_from == "excel" else "la página de esta fracción en el portal"
            detail = f"No se pudo leer {where}{cause}."
            return self.result("indeterminado", "page_error", detail, "No se pudo leer la página")
        if page.state == "no_aplica":
            detail = collapse(page.justification or "") or NO_APLICA
            return self.result("no_aplica", None, detail, f"No aplica: {detail}")
        if page.state == "empty" or not page.records:
            return self.result("no_cumple", "no_records", NO_RECORDS, "Sin registros publicados")
        return self.judge_records(page, run_date)

    def judge_records(self, page: FractionPage, run_date: date) -> CheckResult:
        """Judge a page with records by its newest fecha de actualización."""
        count = len(page.records)
        records = f"{count} registro{'s' if count != 1 else ''}"
        if self.newest is None:
            detail = f"Hay {records} publicados, pero ninguno indica su fecha de actualización; no se puede juzgar."
            return self.result("indeterminado", "no_dates", detail, f"{records} sin fecha de actualización")
        verdict = assess_update(self.obligation.update, self.newest, run_date, self.catalogue.grace_days)
        reason = None if verdict.status == "cumple" else "stale"
        snippet = f"Última actualización {fmt(self.newest)} ({records})"
        return self.result(verdict.status, reason, f"{verdict.detail} {self.rows_basis(page)}", snippet)

    def rows_basis(self, page: FractionPage) -> str:
        """Which dates the verdict rests on: the rows' own fechas de actualización, and where they were read."""
        assert self.newest is not None
        count = len(page.records)
        undated = sum(1 for r in page.records if r.fecha_actualizacion is None)
        rows = f"{count} fila{'s' if count != 1 else ''}, la más reciente del {fmt(self.newest)}"
        if undated:
            rows += f"; {undated} sin fecha de actualización legible"
        return f"Según las fechas de actualización de sus filas ({rows}), {ROWS_FROM[page.rows_from]}."
