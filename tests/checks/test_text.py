"""Folding keeps offsets, patterns match whole-word starts, and the literal prefilter never changes results."""

from __future__ import annotations

import random
import re

import pytest

from checks.engine import SiteEvaluator
from checks.text import compile_any, fold_pattern, required_literal, window
from core.text import fold

from .conftest import RUN_DATE, html, outcome


def test_fold_is_accent_and_case_insensitive_and_keeps_length():
    for text in ("Información PÚBLICA", "Niños y Niñas", "Pingüino", "Çà va", "Año 2026"):
        folded = fold(text)
        assert folded == folded.lower() and folded.isascii() and len(folded) == len(text)
    assert fold("Informacio\u0301n") == "informacion"  # decomposed input still folds (offsets then differ)


def test_fold_pattern_keeps_escapes():
    assert fold_pattern(r"Trámites\s+\D\b") == r"tramites\s+\D\b"


def test_matches_start_at_words():
    matcher = compile_any(["copaci", r"\bconac\b"])
    assert matcher is not None
    assert matcher.search("convocatoria copaci 2025") and matcher.search("(conac)")
    assert matcher.search("xcopaci") is None and matcher.search("conacyt") is None


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        ("avisos? de privacidad", " de privacidad"),
        ("x|y", None),
        ("(?:a|b)c", None),
        ("copacis?", "copaci"),
    ],
)
def test_required_literal(pattern, literal):
    assert required_literal(pattern) == literal


def test_prefilter_never_changes_results():
    patterns = ["cuentas? publicas?", "plan (?:de )?desarrollo municipal", "buzon (?:ciudadano|de quejas)", "x|y"]
    matcher = compile_any(patterns)
    assert matcher is not None and [literal for _, literal in matcher.parts][:3] == [
        " publica",
        "desarrollo m",  # "municipal" also accepts its abbreviation "mpal."
        "buzon ",
    ]
    naive = re.compile("|".join(f"(?:{p})" for p in patterns))
    for text in ("la cuenta publica 2025 y el plan desarrollo municipal", "buzon ciudadano", "y", "nada", ""):
        assert [m.group(0) for m in matcher.finditer(text)] == [m.group(0) for m in naive.finditer(text)]


def test_window_uses_original_spelling_and_stays_short():
    text = "x" * 300 + " Teléfono: (722) 123 45 67 " + "y" * 300
    folded = fold(text)
    start = folded.index("telefono")
    snippet = window(text, folded, start, start + 8)
    assert "Teléfono" in snippet and len(snippet) <= 200 and snippet.startswith("…")


def test_hostile_pages_never_break_the_evaluator(catalogue):
    evaluator = SiteEvaluator(catalogue, RUN_DATE)
    evaluator.add_page("https://municipio.gob.mx/", html("<p>{{7*7}} <script>alert(1)</script>=HYPERLINK(</p>"), 0)
    generator = random.Random(20260331)
    for i in range(30):
        junk = bytes(generator.randrange(256) for _ in range(2000)).decode("latin-1")
        tags = "".join(
            generator.choice(["<a href='", "'>", "<form>", "<textarea>", "<div", "</", "&#", "\x00"]) for _ in range(50)
        )
        analysis = evaluator.add_page(f"https://municipio.gob.mx/{i}", junk + tags, 1)
        assert analysis.kind in ("ok", "parked", "maintenance", "js_shell", "challenge")
    deep = "<div>" * 5000 + "Teléfono 722 123 4567" + "</div>" * 5000
    evaluator.add_page("https://municipio.gob.mx/profundo", deep, 1)
    huge_attribute = '<a href="/x" title="' + "a" * 200_000 + '">x</a>'
    evaluator.add_page("https://municipio.gob.mx/grande", html(huge_attribute), 1)
    assert len(evaluator.finish(outcome(pages_ok=33))) == len(catalogue.site_checks())
