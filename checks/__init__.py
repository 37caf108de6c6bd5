"""Vigía's check engine: catalogue loading, page analysis, streaming site evaluation and area scores."""

from checks.catalogue import Catalogue, load_catalogue
from checks.classify import PAGE_KINDS, classify
from checks.engine import PageAnalysis, SiteEvaluator, evaluate_pages
from checks.scoring import AreaScore, area_scores, overall_score
from checks.spec import CheckSpec

__all__ = [
    "PAGE_KINDS",
    "AreaScore",
    "Catalogue",
    "CheckSpec",
    "PageAnalysis",
    "SiteEvaluator",
    "area_scores",
    "classify",
    "evaluate_pages",
    "load_catalogue",
    "overall_score",
]
