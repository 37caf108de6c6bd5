"""Pure pieces of the crawler: scope, robots policy (RFC 9309), failure reasons, settings from env."""

from __future__ import annotations

import pytest
from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net_error
from twisted.python.failure import Failure

from core.errors import ConfigError
from crawler.failures import classify_failure
from crawler.robots import RobotsPolicy
from crawler.scope import site_key
from crawler.settings import CrawlSettings, scrapy_settings
from spiders.sitio.spider import is_document


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.toluca.gob.mx/inicio", "toluca.gob.mx"),
        ("http://transparencia.toluca.gob.mx/", "toluca.gob.mx"),
        ("https://toluca.gob.mx.evil.com/", "evil.com"),
        ("http://127.0.0.1:8001/a", "127.0.0.1:8001"),
        ("http://127.0.0.1:8002/a", "127.0.0.1:8002"),
        ("mailto:a@b.mx", None),
        ("javascript:alert(1)", None),
    ],
)
def test_site_key(url: str, key: str | None) -> None:
    assert site_key(url) == key


@pytest.mark.parametrize(
    ("status", "body", "allowed"),
    [
        (200, "User-agent: *\nDisallow: /", False),
        (200, "User-agent: *\nDisallow: /privado/", True),
        (404, "", True),
        (503, "", False),
    ],
)
def test_robots_policy_follows_rfc_9309(status: int, body: str, allowed: bool) -> None:
    policy = RobotsPolicy.from_response(status, body)
    assert policy.allows("http://x.gob.mx/tramites", "Vigia") is allowed


def test_unreadable_robots_has_its_own_reason() -> None:
    assert RobotsPolicy.unavailable().reason == "robots_unavailable"


def _http_error(status: int) -> HttpError:
    return HttpError(Response("http://x.mx/", status=status, request=Request("http://x.mx/")), "error")


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (net_error.DNSLookupError("x"), "dns"),
        (scrapy_errors.CannotResolveHostError("x"), "dns"),
        (scrapy_errors.DownloadConnectionRefusedError("x"), "connect"),
        (scrapy_errors.DownloadTimeoutError("x"), "timeout"),
        (scrapy_errors.ResponseDataLossError("x"), "data_loss"),
        (net_error.ConnectionRefusedError(), "connect"),
        (net_error.TimeoutError(), "timeout"),
        (_http_error(503), "http_error"),
        (IgnoreRequest("max redirections reached"), "redirect_loop"),
        (ValueError("boom"), "error"),
    ],
)
def test_failure_reasons(exc: BaseException, reason: str) -> None:
    got, detail = classify_failure(Failure(exc))
    assert got == reason and detail


def test_http_error_detail_names_the_status() -> None:
    assert "503" in classify_failure(Failure(_http_error(503)))[1]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x.mx/bando-2026.PDF", True),
        ("http://x.mx/datos.csv", True),
        ("http://x.mx/tramites.html", False),
        ("http://x.mx/noticias/", False),
        ("http://x.mx/v1.2/", False),
    ],
)
def test_documents_are_recognised_by_extension(url: str, expected: bool) -> None:
    assert is_document(url) is expected


def test_settings_from_environment_and_their_scrapy_translation() -> None:
    cfg = CrawlSettings.from_env({"VIGIA_MAX_PAGES": "10", "VIGIA_OBEY_ROBOTS": "no", "VIGIA_TIMEOUT": "3.5"})
    assert (cfg.max_pages, cfg.obey_robots, cfg.timeout) == (10, False, 3.5)
    scrapy = scrapy_settings(cfg)
    assert scrapy["TELNETCONSOLE_ENABLED"] is False and scrapy["REMOTE_CONTROL_ENABLED"] is False
    assert scrapy["DOWNLOAD_TIMEOUT"] == 3.5 and scrapy["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="VIGIA_MAX_PAGES"):
        CrawlSettings.from_env({"VIGIA_MAX_PAGES": "muchas"})
