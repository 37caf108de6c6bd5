"""Document candidates (which linked PDFs to read) and documents as evidence in the engine."""

from __future__ import annotations

from checks.documents import DocumentText
from checks.engine import SiteEvaluator
from checks.model import CheckResult
from checks.page import parse_page

from .conftest import HOME, RUN_DATE, html, outcome

NORMS = HOME + "normatividad.html"
BANDO_DOC = DocumentText(
    "Bando Municipal 2025",
    ((1, "BANDO MUNICIPAL DE EJEMPLO 2025\nAdministración 2025-2027"), (2, "Artículo 1.")),
    page_count=40,
    year="2025",
    period="2025-2027",
)


def evaluator_with(catalogue, body: str) -> tuple[SiteEvaluator, list[str]]:  # type: ignore[no-untyped-def]
    evaluator = SiteEvaluator(catalogue, RUN_DATE, "Ejemplo")
    evaluator.add_page(HOME, html('<a href="/normatividad.html">Normatividad</a>'), 0)
    analysis = evaluator.add_page(NORMS, html(body), 1)
    return evaluator, [c.url for c in analysis.candidates]


def results(evaluator: SiteEvaluator) -> dict[str, CheckResult]:
    return {r.check_id: r for r in evaluator.finish(outcome(pages_ok=2))}


def test_a_generic_link_in_a_table_row_naming_the_topic_is_a_candidate(catalogue) -> None:
    body = (
        "<h2>Documentos</h2><table><tr><td>Bando de Policía y Gobierno vigente</td>"
        '<td><a href="/docs/d7f3.pdf">Descargar</a></td></tr></table>'
    )
    evaluator, urls = evaluator_with(catalogue, body)
    assert urls == [HOME + "docs/d7f3.pdf"]
    assert evaluator.document_links[urls[0]].checks == ("normatividad.bando_municipal",)
    assert evaluator.document_links[urls[0]].text == "Descargar"


def test_the_heading_above_a_viewer_link_names_the_topic(catalogue) -> None:
    # The heading alone proves the Bando, but not its year (record_year): the document may state it.
    body = (
        "<section><h3>Bando Municipal</h3><div><p>Versión vigente</p>"
        '<p><a href="https://docs.google.com/gview?url=https://normas.example.org/b.pdf">Ver documento</a></p>'
        "</div></section>"
    )
    evaluator, urls = evaluator_with(catalogue, body)
    assert urls == ["https://normas.example.org/b.pdf"]
    evaluator.add_document(urls[0], BANDO_DOC, NORMS, "Ver documento")
    evidence = results(evaluator)["normatividad.bando_municipal"].evidence
    assert evidence is not None and evidence.url == urls[0]


def test_a_list_item_and_the_url_words_name_the_topic(catalogue) -> None:
    body = (
        '<ul><li>Plan de Desarrollo Municipal 2025-2027 — <a href="/visor/viewer.html?file=/docs/x1.pdf">Consultar</a>'
        '</li><li><a href="/docs/bando_municipal.pdf">Descargar</a></li></ul>'
    )
    # The URL words prove the Bando without its year (record_year): the document is still worth reading.
    _, urls = evaluator_with(catalogue, body)
    assert urls == [HOME + "docs/x1.pdf", HOME + "docs/bando_municipal.pdf"]


def test_unrelated_or_excluded_or_already_proven_documents_are_not_candidates(catalogue) -> None:
    body = (
        '<ul><li>Reglamento de Tránsito <a href="/docs/r1.pdf">Descargar</a></li>'
        '<li>Evaluación del Plan de Desarrollo Municipal <a href="/docs/e1.pdf">Descargar</a></li>'
        '<li><a href="/docs/g1.pdf">Gaceta Municipal No. 3</a></li>'
        '<li>Gaceta Municipal No. 2 <a href="/docs/g2.pdf">Descargar</a></li></ul>'
    )
    evaluator, urls = evaluator_with(catalogue, body)
    # The first gaceta link is itself evidence: the check is settled and its other issues are not needed.
    assert urls == []
    assert results(evaluator)["normatividad.gaceta_municipal"].status == "cumple"


def test_a_document_gives_evidence_naming_the_document_page_and_period(catalogue) -> None:
    body = '<table><tr><td>Bando de Policía y Gobierno</td><td><a href="/docs/d7f3.pdf">Descargar</a></td></tr></table>'
    evaluator, urls = evaluator_with(catalogue, body)
    assert results(evaluator)["normatividad.bando_municipal"].status == "no_cumple"
    found = evaluator.add_document(urls[0], BANDO_DOC, NORMS, "Descargar")
    assert found == ["normatividad.bando_municipal"]
    result = results(evaluator)["normatividad.bando_municipal"]
    assert result.status == "cumple" and result.evidence is not None and result.evidence.url == urls[0]
    assert result.evidence.text.startswith("Año 2025: Documento (p. 1) «BANDO MUNICIPAL DE EJEMPLO 2025»")
    assert "enlazado desde " + NORMS in result.evidence.text
    # Checks that do not accept documents never see one.
    assert evaluator.pages_used == 2


def test_a_document_matching_no_check_changes_nothing(catalogue) -> None:
    evaluator, _ = evaluator_with(catalogue, "<p>Nada</p>")
    before = {k: r.status for k, r in results(evaluator).items()}
    other = DocumentText("Reglamento de Tránsito", ((1, "Reglamento de Tránsito\nTeléfono 722 123 4567"),), 1)
    assert evaluator.add_document(HOME + "docs/r.pdf", other, NORMS, "Descargar") == []
    assert {k: r.status for k, r in results(evaluator).items()} == before


def test_an_unreadable_document_is_a_recorded_near_miss_never_an_accusation(catalogue) -> None:
    body = '<ul><li>Plan de Desarrollo Municipal <a href="/docs/roto.pdf">Descargar</a></li></ul>'
    evaluator, urls = evaluator_with(catalogue, body)
    before = {k: r.status for k, r in results(evaluator).items()}
    evaluator.document_unreadable(urls[0], "corrupt", NORMS, "Descargar")
    miss = evaluator.document_misses[0]
    assert (miss.url, miss.reason, miss.checks) == (urls[0], "corrupt", ("normatividad.plan_desarrollo",))
    assert "dañado" in miss.detail and miss.linked_from == NORMS
    after = results(evaluator)
    # Never an accusation: the plan named by the link cannot be said absent (revisar); nothing else changes.
    assert before["normatividad.plan_desarrollo"] == "no_cumple"
    plan = after.pop("normatividad.plan_desarrollo")
    assert (plan.status, plan.reason) == ("indeterminado", "revisar") and plan.evidence is not None
    assert {k: r.status for k, r in after.items()} == {k: v for k, v in before.items() if k in after}


def test_document_link_context_reads_rows_items_and_headings() -> None:
    page = parse_page(
        NORMS,
        html(
            '<h2>Bando Municipal</h2><p>Vigente</p><div><a href="/a.pdf">PDF</a></div>'
            '<table><tr><td>Gaceta 4</td><td><a href="/b.pdf">Descargar</a></td></tr></table>'
            '<a href="/pagina.html">Otra</a>'
        ),
    )
    contexts = {link.url.rsplit("/", 1)[1]: link.context for link in page.links}
    assert contexts["a.pdf"] == "pdf bando municipal"
    assert contexts["b.pdf"] == "gaceta 4 descargar bando municipal"
    assert contexts["pagina.html"] == ""
