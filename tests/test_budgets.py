"""Budgets come from the latency model: expected requests × expected seconds ÷ what the unit asks at once, with a
margin, divided by the time compression, plus a fixed allowance for CPU that no compression shrinks."""

from __future__ import annotations

import pytest

from checks.obligations import load_obligations
from config.latency import ipomex_profile, slowest_site_profile
from core.errors import ConfigError
from crawler import budgets
from crawler.settings import CrawlSettings, playwright_settings, scrapy_settings


def test_the_ipomex_budget_is_the_model_s_expected_portal_time_with_a_margin() -> None:
    requests = 1 + 2 * len(load_obligations().obligations)
    network = requests * ipomex_profile().expected_seconds()
    assert budgets.expected_ipomex_requests() == requests == 175
    assert budgets.ipomex_portal_budget(CrawlSettings()) == pytest.approx(120 + 2 * network)
    assert budgets.ipomex_portal_budget(CrawlSettings(compression=20)) == pytest.approx(120 + 2 * network / 20)


def test_the_site_budget_plans_for_the_slowest_site_the_model_draws() -> None:
    profile = slowest_site_profile()
    cfg = CrawlSettings(max_pages=60, max_documents=8, per_site_concurrency=2, form_probe_requests=9)
    # Pages and robots.txt, the documents read, and the safe-method probes of form endpoints.
    requests = 61 * profile.expected_seconds() + 9 * profile.expected_seconds()
    network = (requests + 8 * profile.expected_seconds(budgets.DOCUMENT_BYTES)) / 2
    assert budgets.site_budget(cfg) == pytest.approx(180 + 2 * network)
    assert scrapy_settings(cfg)["CLOSESPIDER_TIMEOUT"] == budgets.site_budget(cfg)


def test_compression_never_shrinks_the_fixed_cpu_allowance() -> None:
    squeezed = CrawlSettings(compression=1e9)
    assert budgets.site_budget(squeezed) == pytest.approx(budgets.SITE_FIXED_SECONDS)
    assert budgets.ipomex_portal_budget(squeezed) == pytest.approx(budgets.IPOMEX_FIXED_SECONDS)


def test_an_explicit_budget_overrides_the_model() -> None:
    cfg = CrawlSettings.from_env({"VIGIA_IPOMEX_PORTAL_BUDGET_SECONDS": "6", "VIGIA_SITE_BUDGET_SECONDS": "30"})
    assert (budgets.ipomex_portal_budget(cfg), budgets.site_budget(cfg)) == (6.0, 30.0)
    assert CrawlSettings.from_env({}).ipomex_portal_budget_seconds is None


def test_compression_and_the_ipomex_limit_are_settings_validated_in_spanish() -> None:
    cfg = CrawlSettings.from_env({"VIGIA_COMPRESSION": "10", "VIGIA_IPOMEX_CONCURRENCY": "1"})
    assert (cfg.compression, cfg.ipomex_concurrency) == (10.0, 1)
    with pytest.raises(ConfigError, match="VIGIA_COMPRESSION"):
        CrawlSettings.from_env({"VIGIA_COMPRESSION": "0.5"})
    with pytest.raises(ConfigError, match="VIGIA_IPOMEX_CONCURRENCY"):
        CrawlSettings.from_env({"VIGIA_IPOMEX_CONCURRENCY": "0"})
    with pytest.raises(ConfigError, match="float"):
        CrawlSettings.from_env({"VIGIA_SITE_BUDGET_SECONDS": "mucho"})


@pytest.mark.parametrize(("pages", "limit", "open_pages"), [(2, 2, 2), (4, 2, 2), (2, 1, 1), (1, 3, 1)])
def test_no_more_ipomex_pages_open_than_requests_the_host_may_have_in_flight(
    pages: int, limit: int, open_pages: int
) -> None:
    settings = playwright_settings(CrawlSettings(browser_max_pages=pages, ipomex_concurrency=limit))
    assert settings["PLAYWRIGHT_MAX_PAGES_PER_CONTEXT"] == open_pages
    assert settings["PLAYWRIGHT_CONTEXTS"]["default"]["user_agent"].startswith("Vigia/")


def test_a_portal_s_retry_goes_ahead_of_portals_not_started_while_its_budget_runs() -> None:
    # Scrapy's default (-1) queued a retried IPOMEX entry behind the whole state: its budget ran out waiting.
    assert playwright_settings(CrawlSettings())["RETRY_PRIORITY_ADJUST"] > 0
