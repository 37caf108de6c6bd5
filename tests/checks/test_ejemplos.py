"""The catalogue's worked examples (config/ejemplos.yaml) hold, and cover every class and every site check."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.catalogue import load_catalogue
from checks.examples import Example, load_examples, matches, run_example, verdict
from core.errors import ConfigError

EXAMPLES = load_examples()
# The classes of real-world variants issue 12 names; each must keep worked examples.
REQUIRED_CLASSES = {"telefonos", "servicios_externos", "documentos", "nombres_regionales", "evidencia_oculta", "casi"}
# Decided by how the site answers (DNS, TLS), not by page content: covered by tests/checks/test_engine.py.
SERVING_KINDS = {"https"}


@pytest.mark.parametrize("example", EXAMPLES.items, ids=[f"{e.check}-l{e.line}" for e in EXAMPLES.items])
def test_example_gives_its_expected_verdict(example: Example) -> None:
    result = run_example(example)
    assert matches(example, result), f"línea {example.line}: {verdict(result)} ({result.evidence or result.detail})"
    if result.status == "cumple" or result.reason == "revisar":
        assert result.evidence is not None and result.evidence.text


def test_every_required_class_has_examples_that_pass_and_fail() -> None:
    for name in REQUIRED_CLASSES:
        assert name in EXAMPLES.classes
        assert sum(e.kind == name for e in EXAMPLES.items) >= 2, name
    assert any(e.expected == "no_cumple" for e in EXAMPLES.items if e.kind == "ausencia")


def test_every_site_check_of_the_catalogue_has_an_example() -> None:
    checked = {e.check for e in EXAMPLES.items}
    missing = [s.id for s in load_catalogue().site_checks() if s.id not in checked and s.kind not in SERVING_KINDS]
    assert not missing


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("clases: {}\nejemplos:\n  - check: canal.inexistente\n    clase: x\n", "línea 3, campo «check»"),
        (
            "clases: {a: b}\nejemplos:\n  - {check: canal.telefono, clase: a, html: x, espera: quizas}\n",
            "campo «espera»",
        ),
        ("ejemplos: []\n", "clases"),
    ],
)
def test_bad_examples_file_names_line_and_field(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "ejemplos.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_examples(path)
    assert where in str(error.value)


def test_vocabulary_document_is_current() -> None:
    from checks.vocabulary import render

    path = Path(__file__).resolve().parents[2] / "docs" / "vocabulario.md"
    assert path.read_text(encoding="utf-8") == render(), "regenérelo: python -m checks.vocabulary > docs/vocabulario.md"
