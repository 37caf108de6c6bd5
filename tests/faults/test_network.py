"""Fault matrix, network and server rows: every fault served on 127.0.0.1, crawled through the worker processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy.exceptions import NotConfigured

from crawler.dns import load_overrides, resolve_all
from crawler.retry_after import RetryAfterMiddleware, retry_after_seconds
from crawler.ssrf import SsrfMiddleware, SsrfPolicy
from tests.faults.conftest import FaultRun, only_indeterminate

slow = pytest.mark.slow
SITE_ONLY = frozenset({"sitio.disponible"})


# The fault sites' social account is on Facebook, which does not resolve in the fault run: never judged.
WALLED = "canal.redes_sociales_perfil"
# A share of broken links needs the site's other pages; a one-page fault site (its links fail) cannot give it.
LINK_SHARE = "sitio.enlaces_rotos"


def _cumple_but_https(run: FaultRun, name: str) -> None:
    """Every check but sitio.https was scored cumple (the ordinary page carries all the evidence); the unreachable
    profile and, on a one-page fault site, the broken-link share are indeterminado, never no_cumple."""
    assert run.reports[name].outcome.failure is None
    results = run.results(name)
    scored = {c: r.status for c, r in results.items() if c not in ("sitio.https", WALLED, LINK_SHARE)}
    assert scored == dict.fromkeys(scored, "cumple")
    assert (results[WALLED].status, results[WALLED].reason) == ("indeterminado", "sonda_sin_red")
    links = results[LINK_SHARE]
    assert links.status == "cumple" or (links.status, links.reason) == ("indeterminado", "crawl_incomplete"), links


@slow
def test_connection_refused(fault_run: FaultRun) -> None:
    results = fault_run.results("refused")
    assert results["sitio.disponible"].status == "no_cumple" and results["sitio.disponible"].reason == "connect"
    only_indeterminate(fault_run, "refused", "connect", allowed=SITE_ONLY)


@slow
def test_dns_nxdomain_through_the_resolver_table(fault_run: FaultRun) -> None:
    assert fault_run.reports["dns_nxdomain"].outcome.failure == "dns"
    # checks.yaml: a domain that does not resolve on every attempt fails sitio.disponible; nothing else is judged.
    results = fault_run.results("dns_nxdomain")
    assert results["sitio.disponible"].status == "no_cumple" and results["sitio.disponible"].reason == "dns"
    only_indeterminate(fault_run, "dns_nxdomain", "dns", allowed=SITE_ONLY)
    # The same table answers a name with a loopback address: that crawl's own origin, so it is fetched.
    _cumple_but_https(fault_run, "dns_local")


def test_dns_override_table_parsing() -> None:
    table = load_overrides('{"Municipio.TEST.": "127.0.0.1", "caido.test": null}')
    assert table == {"municipio.test": "127.0.0.1", "caido.test": None}
    assert resolve_all("municipio.test", table) == ["127.0.0.1"] and resolve_all("caido.test", table) == []


@slow
def test_timeout_mid_body(fault_run: FaultRun) -> None:
    report = fault_run.reports["hang_body"]
    assert report.outcome.failure == "timeout" and report.outcome.server_answered
    # Headers arrived, so the server is up: no availability verdict, every check indeterminado.
    only_indeterminate(fault_run, "hang_body", "timeout")
    cfg = fault_run.cfg
    assert report.seconds < cfg.timeout * (cfg.retries + 1) + 3
    # The run went on: the ordinary sites crawled alongside were scored.
    _cumple_but_https(fault_run, "http_only")


@slow
@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error_then_success_is_retried_and_scored(fault_run: FaultRun, status: int) -> None:
    name = f"flaky_{status}"
    home_hits = [path for _, path in fault_run.farm.hits(name) if path == "/"]
    assert len(home_hits) == 2
    _cumple_but_https(fault_run, name)


@slow
def test_retry_after_is_honoured(fault_run: FaultRun) -> None:
    times = [when for when, path in fault_run.farm.hits("retry_after") if path == "/"]
    assert len(times) == 2 and times[1] - times[0] >= 1.0
    _cumple_but_https(fault_run, "retry_after")


@slow
def test_retry_after_beyond_the_cap_gives_up_rate_limited(fault_run: FaultRun) -> None:
    only_indeterminate(fault_run, "retry_after_long", "rate_limited")
    assert len([p for _, p in fault_run.farm.hits("retry_after_long") if p == "/"]) == 1
    assert fault_run.reports["retry_after_long"].seconds < 5


def test_retry_after_header_forms() -> None:
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert retry_after_seconds("120") == 120.0
    date_value = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert retry_after_seconds(date_value, now=now.timestamp()) == pytest.approx(30)
    assert retry_after_seconds("mañana") is None and retry_after_seconds(None) is None


def test_retry_after_middleware_is_optional() -> None:
    class Settings:
        def __init__(self, values: dict[str, object]) -> None:
            self.values = values

        def getfloat(self, key: str, default: float = 0.0) -> float:
            return float(self.values.get(key, default))  # type: ignore[arg-type]

        def getbool(self, key: str, default: bool = False) -> bool:
            return bool(self.values.get(key, default))

    class Crawler:
        def __init__(self, **values: object) -> None:
            self.settings = Settings(values)

    with pytest.raises(NotConfigured):
        RetryAfterMiddleware.from_crawler(Crawler(RETRY_ENABLED=False, VIGIA_RETRY_AFTER_MAX=60))
    with pytest.raises(NotConfigured):
        RetryAfterMiddleware.from_crawler(Crawler(RETRY_ENABLED=True, VIGIA_RETRY_AFTER_MAX=0))
    with pytest.raises(NotConfigured):
        SsrfMiddleware.from_crawler(Crawler(VIGIA_ALLOW_PRIVATE_NETWORKS=True))


@slow
@pytest.mark.parametrize(
    ("name", "fault"),
    [("tls_expired", "caducado"), ("tls_selfsigned", "autofirmado"), ("tls_wronghost", "no corresponde")],
)
def test_bad_certificate_still_scores_content(fault_run: FaultRun, name: str, fault: str) -> None:
    https = fault_run.results(name)["sitio.https"]
    assert https.status == "no_cumple" and https.reason == "tls_invalid"
    assert fault in (https.detail or ""), https.detail
    _cumple_but_https(fault_run, name)


@slow
def test_valid_certificate_control(fault_run: FaultRun) -> None:
    assert fault_run.results("tls_valid")["sitio.https"].status == "cumple"


@slow
def test_http_only_site(fault_run: FaultRun) -> None:
    https = fault_run.results("http_only")["sitio.https"]
    assert https.status == "no_cumple" and https.reason == "no_https" and "sin HTTPS" in (https.detail or "")
    _cumple_but_https(fault_run, "http_only")


@slow
def test_redirect_loop(fault_run: FaultRun) -> None:
    only_indeterminate(fault_run, "redirect_loop", "redirect_loop")


@slow
def test_redirect_chain_longer_than_the_limit(fault_run: FaultRun) -> None:
    only_indeterminate(fault_run, "redirect_chain", "too_many_redirects")
    detail = fault_run.results("redirect_chain")["canal.telefono"].detail or ""
    assert "demasiadas redirecciones" in detail


@slow
def test_ssrf_redirects_and_links_never_reach_another_loopback_origin(fault_run: FaultRun) -> None:
    # ssrf_home redirects its home, ssrf_link redirects an inner page and links to internal targets.
    assert fault_run.farm.hits("canary") == []
    only_indeterminate(fault_run, "ssrf_home", "ssrf_blocked")
    _cumple_but_https(fault_run, "ssrf_link")
    blocked = [p for p in fault_run.reports["ssrf_link"].pages if p.error == "ssrf_blocked"]
    assert [p.url for p in blocked] == [fault_run.farm.url("canary") + "interno"]


PUBLIC = SsrfPolicy()


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://127.0.0.1:8000/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://0.0.0.0/",
        "file:///etc/passwd",
        "ftp://example.com/",
        "gopher://x/",
        "http:\\\\127.0.0.1\\admin",
        "http://municipio.gob.mx\\@127.0.0.1/",
        "http://user@127.0.0.1/",
    ],
)
def test_ssrf_decision_blocks_internal_targets(url: str) -> None:
    assert PUBLIC.decide(url, resolve=lambda host: []) is not None


def test_ssrf_decision_checks_the_resolved_address() -> None:
    table = {"municipio-publico.test": "127.0.0.1", "municipio-real.test": "201.144.10.20"}

    def resolve(host: str) -> list[str]:
        return resolve_all(host, table)

    assert "127.0.0.1" in (PUBLIC.decide("http://municipio-publico.test/transparencia", resolve) or "")
    assert PUBLIC.decide("https://municipio-real.test/", resolve) is None


def test_ssrf_private_start_allows_only_its_own_origin() -> None:
    local = SsrfPolicy.for_urls(["http://127.0.0.1:8000/"])
    assert local.decide("http://127.0.0.1:8000/contacto") is None
    assert local.decide("http://127.0.0.1:8001/") is not None
    assert local.decide("http://10.0.0.5:8000/") is not None
    assert local.decide("http://169.254.169.254/") is not None
    assert SsrfPolicy(allow_private=True).decide("http://10.0.0.5/") is None
    assert SsrfPolicy(allow_private=True).decide("file:///etc/passwd") is not None


def test_ssrf_browser_gate() -> None:
    local = SsrfPolicy.for_urls(["http://127.0.0.1:8000/"])

    async def verdicts() -> list[bool]:
        urls = [
            "http://127.0.0.1:8000/app.js",
            "http://127.0.0.1:9000/x",
            "http://169.254.169.254/",
            "data:text/plain,hola",
            "file:///etc/passwd",
        ]
        return [await local.allows_async(url) for url in urls]

    assert asyncio.run(verdicts()) == [True, False, False, True, False]
