"""`vigia demo --latencia --compresion`: the options reach the simulated world's latency model, in Spanish."""

from __future__ import annotations

from typer.testing import CliRunner

from config.latency import INSTANT, REAL
from crawler.budgets import ipomex_portal_budget
from crawler.settings import CrawlSettings
from vigia.cli import app
from vigia.cli.crawl import LatencyName, demo_settings, describe_latency, latency_model


def invoke(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; exit code and output."""
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_options_build_the_latency_model() -> None:
    real = latency_model(LatencyName.real, 10.0, 7)
    assert (real.mode, real.compression, real.seed) == (REAL, 10.0, 7)
    assert latency_model(LatencyName.instantanea, 10.0, 7).mode == INSTANT
    assert describe_latency(real) == "latencia real (comprimida ×10)"
    assert describe_latency(latency_model(LatencyName.real, 1.0, 7)) == "latencia real (escala de tiempo real)"
    assert describe_latency(latency_model(LatencyName.instantanea, 1.0, 7)) == "latencia instantánea"


def test_help_explains_both_options_in_spanish() -> None:
    code, output = invoke("demo", "--help")
    assert code == 0 and "--latencia" in output and "--compresion" in output and "escala de tiempo real" in output


def test_unknown_mode_and_compression_below_one_are_refused_before_serving() -> None:
    code, output = invoke("demo", "--latencia", "lenta")
    assert code == 2 and "lenta" in output
    code, output = invoke("demo", "--latencia", "real", "--compresion", "0.5")
    assert code == 2 and "la compresión debe ser al menos 1" in output


def test_the_compression_reaches_the_crawl_budgets_and_instant_keeps_the_true_timescale() -> None:
    base = CrawlSettings()
    real = demo_settings(base, latency_model(LatencyName.real, 20.0, 7), "http://127.0.0.1:1/ipomex/")
    assert real.compression == 20.0 and real.ipomex4_base == "http://127.0.0.1:1/ipomex/"
    assert ipomex_portal_budget(real) < ipomex_portal_budget(base)
    assert demo_settings(base, latency_model(LatencyName.instantanea, 20.0, 7), "u").compression == 1.0
