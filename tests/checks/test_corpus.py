"""Agreement with the auditors' labels on real municipal sites (../shared/corpus, read in place, never copied)."""

from __future__ import annotations

import datetime

import pytest
import yaml

from checks.engine import SiteEvaluator
from checks.model import CrawlOutcome

from .conftest import SHARED

CORPUS = SHARED / "corpus"
SCORED = ("cumple", "no_cumple")


def _site_results(catalogue, site: str):
    evaluator = SiteEvaluator(catalogue, datetime.date(2026, 3, 31))
    files = sorted((CORPUS / site).glob("*.html"), key=lambda p: (p.name != "index.html", p.name))
    for path in files:
        html = path.read_text(encoding="utf-8", errors="replace")
        evaluator.add_page(f"http://corpus.test/{path.name}", html, 0 if path.name == "index.html" else 1)
    home = "http://corpus.test/index.html"
    crawl = CrawlOutcome(start_url=home, home_url=home, pages_ok=len(files))
    return {r.check_id: r for r in evaluator.finish(crawl)}


def test_agreement_with_auditor_labels(catalogue):
    labels_path = CORPUS / "labels.yaml"
    if not labels_path.exists():
        pytest.skip("no está el corpus compartido de sitios etiquetados")
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8"))["sites"]
    scored = agree = false_no = 0
    for site, checks in labels.items():
        if not (CORPUS / site).is_dir():
            continue
        results = _site_results(catalogue, site)
        for check_id, label in checks.items():
            if label["status"] not in SCORED:
                continue
            scored += 1
            got = results[check_id]
            if got.status == label["status"]:
                agree += 1
                continue
            false_no += got.status == "no_cumple" and label["status"] == "cumple"
            print(
                f"DESACUERDO {site} {check_id}: etiqueta={label['status']} resultado={got.status} "
                f"evidencia={got.evidence} motivo={got.reason}"
            )
    print(f"Acuerdo: {agree}/{scored} ({100 * agree / max(scored, 1):.1f} %); falsos no_cumple: {false_no}")
    assert scored > 0
    assert agree >= 0.90 * scored
    assert false_no <= 0.02 * scored
