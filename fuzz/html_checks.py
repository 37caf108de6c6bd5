"""Coverage-guided fuzz of HTML -> checks with atheris (optional, not in CI): python fuzz/html_checks.py [corpus_dir].

Same property as tests/faults/test_fuzz.py: the engine never raises, every status is known, snippets stay short.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.catalogue import load_catalogue
from checks.engine import SiteEvaluator
from checks.model import EVIDENCE_MAX_CHARS, STATUSES, CrawlOutcome

CATALOGUE = load_catalogue()
HOME = "https://www.municipio.gob.mx/"


def check_one(data: bytes) -> None:
    """Evaluate data as a home page (decoded with bad bytes replaced) and assert the invariants."""
    evaluator = SiteEvaluator(CATALOGUE, date(2026, 11, 24), "Metepec")
    evaluator.add_page(HOME, data.decode("utf-8", errors="replace"), 0)
    for result in evaluator.finish(CrawlOutcome(HOME, HOME, pages_ok=1)):
        assert result.status in STATUSES, result
        assert result.evidence is None or len(result.evidence.text) <= EVIDENCE_MAX_CHARS, result


def main() -> None:
    """Run atheris over check_one, seeded with the arguments (e.g. ../shared/corpus/*)."""
    try:
        import atheris
    except ImportError:
        sys.exit("atheris no está instalado: pip install atheris")
    atheris.Setup(sys.argv, check_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
