"""Judging IPOMEX captures fraction by fraction, and the transparency index over the results."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from checks.ipomex_eval import CAPTURE_FAILURES, evaluate_capture
from checks.ipomex_model import FractionPage, FractionRecord, FractionState, IpomexCapture
from checks.model import CheckResult
from checks.obligations import ObligationCatalogue, load_obligations, parse_obligations
from checks.scoring import AreaScore, area_scores, transparency_index

RUN = date(2026, 10, 31)  # Q3 2026 (closed 30/09, deadline 30/10) is the one due.
INDEX = "https://www.ipomex.org.mx/ipo3/lgt/indice/ejemplo.web"
SMALL = """\
ley: LTAIPEMyM
version: "2016"
articulo: 92
gracia_dias: 30
fracciones:
""" + "".join(
    f'  - fraccion: "{label}"\n    id: ipomex.92.{slug}\n    titulo: "T {label}"\n    page: art_92_{slug}.web\n'
    f"    update: trimestral\n"
    for label, slug in [("I", "i"), ("II A", "ii_a"), ("II B", "ii_b"), ("III", "iii"), ("IV", "iv"), ("V A", "v_a")]
)


@pytest.fixture(scope="module")
def small() -> ObligationCatalogue:
    return parse_obligations(SMALL)


def page(fraccion: str, state: FractionState = "records", *updates: date | None, **changes: Any) -> FractionPage:
    """A fraction page of article 92 with one record per update date."""
    slug = fraccion.lower().replace(" ", "_")
    records = tuple(FractionRecord(ejercicio="2026", fecha_actualizacion=u) for u in updates)
    return FractionPage(
        articulo="92", fraccion=fraccion, url=f"{INDEX[:-4]}/art_92_{slug}.web", state=state, records=records, **changes
    )


def capture(*pages: FractionPage, failure: str | None = None, source: str = "ipomex3") -> IpomexCapture:
    return IpomexCapture(
        cve_inegi="15106",
        source=source,
        index_url=INDEX,
        captured_at=datetime(2026, 10, 31, 12, tzinfo=UTC),
        failure=failure,
        failure_detail="detalle" if failure else None,
        fractions=list(pages),
    )


def by_id(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {r.check_id.removeprefix("ipomex.92."): r for r in results}


def test_one_result_per_obligation_in_catalogue_order_with_source_and_law(small: ObligationCatalogue) -> None:
    results = evaluate_capture(capture(page("III", "empty"), page("I", "records", date(2026, 10, 15))), small, RUN)
    assert [r.check_id for r in results] == [o.id for o in small.obligations]
    assert {(r.source, r.law) for r in results} == {("ipomex3", "LTAIPEMyM:2016")}


def test_each_state_of_a_fraction_page(small: ObligationCatalogue) -> None:
    results = by_id(
        evaluate_capture(
            capture(
                page("I", "records", date(2026, 10, 15), date(2026, 7, 2), None),
                page("Fracción II-A", "records", date(2026, 5, 12)),
                page("II B", "empty"),
                page("III", "no_aplica", justification="El municipio no cuenta con sindicatos."),
                page("IV", "error", error="HTTP 500"),
            ),
            small,
            RUN,
        )
    )

    current = results["i"]
    assert (current.status, current.reason, current.last_update) == ("cumple", None, date(2026, 10, 15))
    assert current.evidence is not None
    assert current.evidence.url.endswith("/art_92_i.web")
    assert current.evidence.text == "Última actualización 15/10/2026 (3 registros)"

    stale = results["ii_a"]
    assert (stale.status, stale.reason, stale.last_update) == ("no_cumple", "stale", date(2026, 5, 12))
    assert "12/05/2026" in (stale.detail or "") and "30/09/2026" in (stale.detail or "")
    assert stale.evidence is not None and stale.evidence.text == "Última actualización 12/05/2026 (1 registro)"

    empty = results["ii_b"]
    assert (empty.status, empty.reason, empty.last_update) == ("no_cumple", "no_records", None)
    assert "Sin registros publicados" in (empty.detail or "")

    justified = results["iii"]
    assert (justified.status, justified.detail) == ("no_aplica", "El municipio no cuenta con sindicatos.")

    broken = results["iv"]
    assert (broken.status, broken.reason) == ("indeterminado", "page_error")
    assert "HTTP 500" in (broken.detail or "")

    missing = results["v_a"]
    assert (missing.status, missing.reason, missing.evidence) == ("indeterminado", "not_listed", None)


def test_records_without_dates_are_not_judged(small: ObligationCatalogue) -> None:
    result = by_id(evaluate_capture(capture(page("I", "records", None, None)), small, RUN))["i"]
    assert (result.status, result.reason, result.last_update) == ("indeterminado", "no_dates", None)
    assert result.evidence is not None and result.evidence.text == "2 registros sin fecha de actualización"


def test_no_aplica_without_justification_gets_a_default_sentence(small: ObligationCatalogue) -> None:
    result = by_id(evaluate_capture(capture(page("I", "no_aplica")), small, RUN))["i"]
    assert result.status == "no_aplica" and "no aplica" in (result.detail or "")


@pytest.mark.parametrize(
    ("failure", "fragment"),
    [
        ("captcha", "captcha"),
        ("no_ipomex", "el registro no tiene la dirección de IPOMEX"),
        ("timeout", "no respondió a tiempo"),
        ("connect", "No se pudo conectar"),
        ("http_error", "error HTTP"),
        ("algo_nuevo", "motivo: algo_nuevo"),
    ],
)
def test_an_unread_portal_makes_every_fraction_indeterminado(
    small: ObligationCatalogue, failure: str, fragment: str
) -> None:
    # Pages captured before the failure do not count: the capture as a whole was not read.
    results = evaluate_capture(capture(page("II B", "empty"), failure=failure), small, RUN)
    assert len(results) == len(small.obligations)
    assert {(r.status, r.reason, r.last_update, r.evidence) for r in results} == {
        ("indeterminado", failure, None, None)
    }
    assert all(fragment.lower() in (r.detail or "").lower() for r in results)


def test_every_known_failure_has_a_spanish_sentence() -> None:
    assert all(text[0].isupper() and text.endswith(".") for text in CAPTURE_FAILURES.values())


def test_a_fraction_seen_twice_prefers_the_page_that_was_read(small: ObligationCatalogue) -> None:
    results = by_id(evaluate_capture(capture(page("I", "error", error="timeout"), page("i", "empty")), small, RUN))
    assert results["i"].reason == "no_records"
    results = by_id(evaluate_capture(capture(page("I", "empty"), page("I", "error")), small, RUN))
    assert results["i"].reason == "no_records"


def test_fractions_outside_the_catalogue_are_ignored(small: ObligationCatalogue) -> None:
    extra = FractionPage(articulo="93", fraccion="I", url=INDEX, state="empty")
    results = by_id(evaluate_capture(capture(extra, page("XL", "empty")), small, RUN))
    assert {r.status for r in results.values()} == {"indeterminado"}


def test_no_cumple_only_for_pages_that_were_read() -> None:
    catalogue = load_obligations()
    states: list[FractionState] = ["records", "empty", "no_aplica", "error"]
    pages = [
        page(o.fraccion, states[i % 4], date(2026, 1, 1) if i % 8 else None)
        for i, o in enumerate(catalogue.obligations)
        if i % 5
    ]
    results = evaluate_capture(capture(*pages), catalogue, RUN)
    assert len(results) == 87
    read = {
        found.id for p in pages if p.state in ("records", "empty") if (found := catalogue.by_label("92", p.fraccion))
    }
    assert {r.check_id for r in results if r.status == "no_cumple"} <= read
    assert all(r.evidence is None or len(r.evidence.text) <= 200 for r in results)


def test_long_justifications_are_clipped_in_the_evidence(small: ObligationCatalogue) -> None:
    result = by_id(evaluate_capture(capture(page("I", "no_aplica", justification="x " * 300)), small, RUN))["i"]
    assert result.evidence is not None and len(result.evidence.text) <= 200


def ipomex(check: str, status: str, source: str = "ipomex3") -> CheckResult:
    return CheckResult(f"ipomex.92.{check}", status, source=source, law="LTAIPEMyM:2016")  # type: ignore[arg-type]


def test_transparency_index_counts_only_definitive_applicable_fractions() -> None:
    results = [
        ipomex("i", "cumple"),
        ipomex("ii_a", "cumple"),
        ipomex("ii_b", "no_cumple"),
        ipomex("iii", "no_aplica"),
        ipomex("iv", "indeterminado"),
        CheckResult("sitio.https", "no_cumple"),
    ]
    assert transparency_index(results) == AreaScore(66.7, 2, 1, 1, no_aplica=1)


def test_transparency_index_without_definitive_results_is_none() -> None:
    assert transparency_index([ipomex("i", "indeterminado"), ipomex("ii_a", "no_aplica")]).score is None
    assert transparency_index([]) == AreaScore(None, 0, 0, 0)


def test_transparency_index_keeps_the_best_verdict_per_fraction_across_sources() -> None:
    results = [
        ipomex("i", "no_cumple"),
        ipomex("i", "cumple", "ipomex4"),
        ipomex("ii_a", "indeterminado"),
        ipomex("ii_a", "no_cumple", "ipomex4"),
    ]
    assert transparency_index(results) == AreaScore(50.0, 1, 1, 0)


def test_area_scores_ignore_ipomex_results_and_no_aplica(catalogue) -> None:  # type: ignore[no-untyped-def]
    site = [CheckResult("sitio.disponible", "cumple"), CheckResult("sitio.https", "no_cumple")]
    noise = [
        ipomex("i", "cumple"),
        ipomex("ii_a", "no_cumple"),
        CheckResult("sitio.https", "cumple", source="ipomex3"),  # A site id from another source.
        CheckResult("sitio.movil", "no_aplica"),
    ]
    assert area_scores(site + noise, catalogue)["P3"] == AreaScore(50.0, 1, 1, 0, no_aplica=1)
    assert area_scores(site + noise, catalogue)["total"].score == area_scores(site, catalogue)["total"].score
