"""Area scores: weighted share of cumple among definitive results; None when nothing is definitive."""

from __future__ import annotations

from dataclasses import replace

from checks.model import CheckResult
from checks.scoring import AreaScore, area_scores, overall_score


def test_scores_by_area_and_overall(catalogue):
    results = [
        CheckResult("sitio.disponible", "cumple"),  # P3
        CheckResult("sitio.https", "no_cumple"),  # P3
        CheckResult("canal.chat", "indeterminado", reason="crawl_incomplete"),  # P3
        CheckResult("participacion.copaci", "cumple"),  # P2
        CheckResult("transparencia.conac", "indeterminado", reason="timeout"),  # P4
        CheckResult("ipomex.92.i", "cumple"),  # not in this catalogue: ignored
    ]
    scores = area_scores(results, catalogue)
    assert scores["P3"] == AreaScore(50.0, 1, 1, 1)
    assert scores["P2"] == AreaScore(100.0, 1, 0, 0)
    assert scores["P4"] == AreaScore(None, 0, 0, 1)
    assert scores["total"] == AreaScore(66.7, 2, 1, 2) == overall_score(results, catalogue)


def test_weights_count(catalogue):
    heavy = replace(catalogue.get("sitio.https"), weight=3.0)
    weighted = replace(catalogue, checks=[heavy if s.id == heavy.id else s for s in catalogue.checks])
    results = [CheckResult("sitio.disponible", "cumple"), CheckResult("sitio.https", "no_cumple")]
    assert area_scores(results, weighted)["P3"].score == 25.0


def test_no_results(catalogue):
    assert area_scores([], catalogue)["total"] == AreaScore(None, 0, 0, 0)
