"""LOSI in the catalogue: every check names its criterion, every indicator is a published one with its source,
and the LOSI-style score counts each indicator once, definitive verdicts only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checks.catalogue import parse_catalogue
from checks.losi import CRITERIA, INDICATORS, SCANNER
from checks.losi_doc import NOT_DECIDED, SAME_AS, deciding_checks, render
from checks.model import CheckResult
from checks.scoring import LOSI, SCORE_KEYS, AreaScore, all_scores, indicator_status, losi_score
from core.errors import ConfigError

from .conftest import SHARED

ENTRY = """checks:
  - id: canal.telefono
    seed: P3
    scope: site
    label: "Teléfono"
    kind: phone
"""
SOURCE_2022 = (
    "UN E-Government Survey 2022, LOSI, participation and engagement figure (publicadministration.un.org/egovkb)"
)


def test_every_check_names_a_criterion_and_every_indicator_its_source(catalogue):
    for spec in catalogue.checks:
        assert spec.losi is not None and spec.losi.criterion in CRITERIA, spec.id
        indicator = spec.losi.indicator
        if indicator is not None:
            assert indicator in INDICATORS and indicator.source.strip(), spec.id
            assert indicator.criterion in (None, spec.losi.criterion), spec.id
    named = {spec.losi.indicator.name for spec in catalogue.checks if spec.losi and spec.losi.indicator}
    assert len(named) >= 10  # the LOSI score rests on a real share of the published indicators


def test_indicator_names_are_those_of_the_shared_spec():
    spec = SHARED / "spec" / "losi.md"
    if not spec.exists():
        pytest.skip("no está la carpeta compartida con lo que se sabe de LOSI")
    text = re.sub(r"\s+", " ", spec.read_text(encoding="utf-8"))
    for indicator in INDICATORS:
        assert indicator.name in text, indicator.name
        if indicator.source.startswith(SCANNER):
            assert indicator.source.rsplit(" ", 1)[1] in text, indicator.source
    assert "rinenweb/LOSI-scanner" in text and "publicadministration.un.org/egovkb" in text


@pytest.mark.parametrize(
    ("losi", "field", "fragment"),
    [
        ("", "losi", "diccionario"),
        ("losi: {criterion: economia}", "losi.criterion", "no es un criterio"),
        ("losi: {criterion: technology, color: azul}", "losi.color", "campo desconocido"),
        ("losi: {criterion: technology, indicator: HTTPS}", "losi.indicator", "fuente"),
        ("losi: {criterion: technology, indicator: telepathy, source: x}", "losi.indicator", "no es un indicador"),
        (f'losi: {{criterion: technology, indicator: e-voting, source: "{SOURCE_2022}"}}', "losi.criterion", "fuente"),
    ],
)
def test_invalid_losi_names_field_and_line(losi, field, fragment):
    with pytest.raises(ConfigError) as caught:
        parse_catalogue(ENTRY + (f"    {losi}\n" if losi else ""), "prueba.yaml")
    assert caught.value.field == field and fragment in caught.value.problem
    assert caught.value.line is not None and caught.value.line >= 2


def test_valid_losi_is_parsed():
    text = ENTRY + f'    losi: {{criterion: participation_engagement, indicator: e-voting, source: "{SOURCE_2022}"}}\n'
    spec = parse_catalogue(text).checks[0]
    assert spec.losi is not None and spec.losi.indicator is not None and spec.losi.indicator.name == "e-voting"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["no_cumple", "cumple"], "cumple"),
        (["no_cumple", "indeterminado"], "indeterminado"),
        (["no_cumple", "no_aplica"], "no_cumple"),
        (["no_aplica"], "no_aplica"),
    ],
)
def test_indicator_status_never_accuses_what_was_not_seen(statuses, expected):
    assert indicator_status(statuses) == expected


def test_losi_score_counts_each_indicator_once_definitive_only(catalogue):
    results = [
        CheckResult("canal.telefono", "no_cumple"),  # contact details: met through the e-mail
        CheckResult("canal.correo", "cumple"),
        CheckResult("sitio.https", "no_cumple"),  # HTTPS: not met
        CheckResult("canal.chat", "indeterminado", reason="crawl_incomplete"),  # not counted
        CheckResult("canal.whatsapp", "cumple"),  # a criterion but no published indicator: not counted
        CheckResult("canal.redes_sociales", "cumple", source="ipomex3"),  # not a site result: ignored
    ]
    assert losi_score(results, catalogue) == AreaScore(50.0, 1, 1, 1)
    assert losi_score([], catalogue) == AreaScore(None, 0, 0, 0)


def test_losi_is_a_stored_score_key(catalogue):
    scores = all_scores([CheckResult("sitio.buscador", "cumple")], catalogue)
    assert LOSI in SCORE_KEYS and list(scores) == list(SCORE_KEYS)
    assert scores[LOSI] == AreaScore(100.0, 1, 0, 0)


def test_every_indicator_is_decided_or_says_why(catalogue):
    decided = deciding_checks(catalogue)
    assert set(decided) == {i.name for i in INDICATORS} and set(SAME_AS) <= set(decided)
    undecided = {name for name, checks in decided.items() if not checks}
    assert undecided == set(NOT_DECIDED)  # no silent gap, and no reason left for an indicator now decided


def test_losi_document_is_current():
    path = Path(__file__).resolve().parents[2] / "docs" / "losi.md"
    assert path.read_text(encoding="utf-8") == render(), "regenérelo: python -m checks.losi_doc > docs/losi.md"
