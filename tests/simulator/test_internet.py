"""The simulated internet: its truth, its server's answers per class, the crawl's transport seam, night changes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener, urlopen

import pytest

from checks.model import SiteReport
from config.registry import load_registry
from core.net import SIMNET_ERROR, SIMNET_HOST, SIMNET_PORT, SIMNET_SCHEME
from crawler.browser import BrowserPool, browser_available, find_browser
from crawler.settings import CrawlSettings
from crawler.ssrf import SsrfPolicy
from simulator import internet_cli
from simulator.internet import SITE, Internet, build_internet
from simulator.internet_names import plan_names
from simulator.internet_pages import HOMONYMS
from simulator.internet_server import InternetServer
from spiders.sitio import site_events
from spiders.sitio.target import SiteTarget

RUN_DATE = date(2026, 12, 6)
ROOT = Path(__file__).resolve().parents[2]
CFG = CrawlSettings(timeout=5, retries=0, render_js=False, ipomex=False, crawl_processes=1)


@pytest.fixture(scope="module")
def internet() -> Internet:
    """The simulated internet of the 125 municipalities (default seed)."""
    return build_internet(run_date=RUN_DATE)


@pytest.fixture(scope="module")
def server(internet: Internet) -> Iterator[InternetServer]:
    """The simulated internet served on 127.0.0.1."""
    with InternetServer(internet) as running:
        yield running


class NoRedirect(HTTPRedirectHandler):
    """Hand back 3xx answers instead of following them."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def get(server: InternetServer, url: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    """One request through the server with the headers naming url's host (no redirect followed)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    headers = {SIMNET_HOST: parts.hostname or "", SIMNET_SCHEME: parts.scheme, SIMNET_PORT: str(port)}
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = Request(f"{server.base_url}{path}", headers=headers, method=method)
    try:
        with build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


def test_truth_covers_every_municipality_consistently(internet: Internet) -> None:
    truth = json.loads(internet.truth_json())["municipios"]
    assert set(truth) == {m.cve_inegi for m in load_registry()}
    presence = Counter(t["presencia"] for t in truth.values())
    assert presence["ninguna"] >= 2 and presence["red_social"] >= 1 and presence["sitio"] >= 115
    for cve, row in truth.items():
        assert (row["oficial"] is not None) == (row["presencia"] == "sitio"), cve
        if row["oficial"]:
            host = urlsplit(row["oficial"]).hostname
            assert internet.hosts[host].kind == SITE and internet.hosts[host].cve == cve
        if row["presencia"] == "red_social":
            assert row["red_social"].startswith("https://www.facebook.com/")
        for trap in row["trampas"]:
            assert trap["url"] != row["oficial"]
    classes = Counter(t["clase"] for row in truth.values() for t in row["trampas"])
    homonym_towns = {cve for cve, row in truth.items() if any(t["clase"] == "homonimo" for t in row["trampas"])}
    assert len(homonym_towns) >= 6
    for clase in ("estacionado", "casino", "vecino", "privada"):
        assert classes[clase] >= 1, clase


def test_the_registry_sites_stay_where_the_registry_says(internet: Internet) -> None:
    for m in load_registry():
        if m.sitio_web:
            assert internet.official_url(m.cve_inegi) == m.sitio_web


def test_same_seed_same_internet() -> None:
    registry = load_registry()
    assert plan_names(registry, 7) == plan_names(registry, 7)
    assert plan_names(registry, 7).sites != plan_names(registry, 8).sites


def test_dns_table_classes(internet: Internet) -> None:
    table = internet.dns_table()
    assert table["*"] is None
    for host, address in table.items():
        if host in internet.private:
            assert address is not None and address.startswith("10.")
        elif host in internet.hosts:
            assert address is not None and address.startswith("11.")
    layouts = {n.layout for n in plan_names(load_registry(), 2026).sites.values()}
    assert {"www_only", "https_only", "http_only"} <= layouts
    www_only = [n for n in plan_names(load_registry(), 2026).sites.values() if n.layout == "www_only"]
    assert all(table[n.host.removeprefix("www.")] is None for n in www_only)


def test_server_answers_each_class(internet: Internet, server: InternetServer) -> None:
    plan = plan_names(internet.world.municipalities, internet.seed)
    names = next(
        n for n in plan.sites.values() if n.layout == "www" and internet.truth[n.cve].comportamiento == "normal"
    )
    status, headers, body = get(server, f"https://{names.host}/")
    assert status == 200 and "Estado de México" in body and "2025-2027" in body
    status, headers, _ = get(server, f"http://{names.host.removeprefix('www.')}/tramites?x=1")
    assert status == 301 and headers["Location"] == f"https://{names.host}/tramites?x=1"
    https_only = next(n for n in plan.sites.values() if n.layout == "https_only")
    assert get(server, f"http://{https_only.host}/")[1].get(SIMNET_ERROR) == "refused"
    assert get(server, "https://no-existe-en-ningun-lado.gob.mx/")[1].get(SIMNET_ERROR) == "nxdomain"
    homonym = HOMONYMS[0]
    trap = next(t["url"] for t in internet.truth[homonym.cve].trampas if t["clase"] == "homonimo")
    status, _, body = get(server, trap)
    assert status == 200 and homonym.state in body and "Estado de México" not in body
    casino = next(t["url"] for row in internet.truth.values() for t in row.trampas if t["clase"] == "casino")
    assert "Casino" in get(server, casino)[2]
    directory = get(server, "https://edomex.gob.mx/municipios")[2]
    assert "facebook.com/" in directory and "Municipios del Estado de México" in directory
    status, _, wall = get(server, "https://www.facebook.com/")
    assert status == 200 and "Inicia sesión" in wall
    assert "Disallow: /" in get(server, "https://www.facebook.com/robots.txt")[2]


def test_every_official_home_page_says_who_it_is(internet: Internet) -> None:
    for cve, row in internet.truth.items():
        if row.oficial and row.comportamiento in ("normal", "slow", "cp1252", "js_only"):
            parts = urlsplit(str(row.oficial))
            home = internet.world.site(cve).home_path  # where "/" redirects, when it does
            port = 443 if parts.scheme == "https" else 80
            resource = internet.answer(parts.hostname or "", parts.scheme, port, home)
            assert resource is not None and resource.status == 200, cve
            try:
                text = resource.body.decode("utf-8")
            except UnicodeDecodeError:  # the farm's legacy-encoded sites
                text = resource.body.decode("cp1252")
            nombre = internet.world.site(cve).nombre
            assert nombre in text and "Estado de México" in text and "Ayuntamiento" in text and "2025-2027" in text


def test_night_changes_on_a_running_server(internet: Internet, server: InternetServer) -> None:
    moved, hijacked = "15106", "15054"  # Toluca moves its site; Metepec's lapses into a casino
    old = str(internet.official_url(moved))
    server.move_site(moved, "toluca2027.gob.mx", old="redirect")
    status, headers, _ = get(server, f"{old}agenda")
    assert status == 301 and headers["Location"] == "https://toluca2027.gob.mx/agenda"
    assert get(server, "https://toluca2027.gob.mx/")[0] == 200
    assert internet.dns_table()["toluca2027.gob.mx"] is not None
    former = str(internet.official_url(hijacked))
    server.hijack(hijacked, "casino")
    assert "Casino" in get(server, former)[2]
    assert internet.truth[hijacked].oficial is None
    assert {"url": former, "clase": "casino"} in internet.truth[hijacked].trampas  # type: ignore[operator]


def probe(server: InternetServer, internet: Internet, urls: list[str]) -> dict[str, dict[str, object]]:
    """Fetch urls with a tiny Scrapy crawl in its own process, through the seam; start URL → what came back."""
    env = {
        **os.environ,
        "VIGIA_DNS_OVERRIDES": json.dumps(internet.dns_table()),
        "VIGIA_INTERNET_SIMULADO": server.base_url,
        "VIGIA_RETRIES": "0",
    }
    command = [sys.executable, "-m", "tests.simulator.simnet_probe", *urls]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=True, cwd=ROOT)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {str(line["start"]): line for line in lines}


def test_a_crawl_through_the_seam_sees_the_simulated_network(internet: Internet, server: InternetServer) -> None:
    plan = plan_names(internet.world.municipalities, internet.seed)
    www = next(n for n in plan.sites.values() if n.layout == "www" and internet.truth[n.cve].comportamiento == "normal")
    www_only = next(n for n in plan.sites.values() if n.layout == "www_only")
    https_only = next(n for n in plan.sites.values() if n.layout == "https_only")
    private = next(iter(internet.private))
    urls = {
        "redirect": f"http://{www.host.removeprefix('www.')}/",
        "nxdomain": f"https://{www_only.host.removeprefix('www.')}/",
        "refused": f"http://{https_only.host}/",
        "private": f"http://{private}/",
        "unknown": "https://nadie-lo-registro.gob.mx/",
    }
    seen = probe(server, internet, list(urls.values()))
    assert seen[urls["redirect"]]["url"] == f"https://{www.host}/" and seen[urls["redirect"]]["status"] == 200
    assert seen[urls["nxdomain"]]["failure"] == "dns"
    assert seen[urls["unknown"]]["failure"] == "dns"
    assert seen[urls["refused"]]["failure"] == "connect"
    assert seen[urls["private"]]["failure"] == "ssrf_blocked"


def test_a_confirmed_official_site_keeps_the_farm_truth(internet: Internet, server: InternetServer) -> None:
    """The site spider on an official URL of the simulated internet reads the farm's site: same ground truth."""
    plan = plan_names(internet.world.municipalities, internet.seed)
    names = next(
        n for n in plan.sites.values() if n.layout == "www" and internet.truth[n.cve].comportamiento == "normal"
    )
    target = SiteTarget(names.cve, internet.world.site(names.cve).nombre, names.url)
    env = {"VIGIA_DNS_OVERRIDES": json.dumps(internet.dns_table()), "VIGIA_INTERNET_SIMULADO": server.base_url}
    previous = {key: os.environ.get(key) for key in env}
    os.environ.update(env)  # inherited by the spawned crawl worker
    try:
        cfg = replace(CFG, internet_simulado=server.base_url)
        reports = [r for r in site_events([target], cfg, RUN_DATE) if isinstance(r, SiteReport)]
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    report = reports[0]
    assert report.outcome.home_url is not None and report.outcome.home_url.startswith(names.url)
    statuses = {r.check_id: r.status for r in report.results}
    truth = {k: v for k, v in internet.world.ground_truth[names.cve].items() if not k.startswith("ipomex.")}
    assert {k: (statuses.get(k), v) for k, v in truth.items() if statuses.get(k) != v} == {}


@pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina")
def test_the_browser_route_serves_simulated_names(
    internet: Internet, server: InternetServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page rendered with the browser comes from the simulated internet, redirects included; a dead name fails."""
    monkeypatch.setenv("VIGIA_DNS_OVERRIDES", json.dumps(internet.dns_table()))
    monkeypatch.setenv("VIGIA_INTERNET_SIMULADO", server.base_url)
    plan = plan_names(internet.world.municipalities, internet.seed)
    names = next(
        n for n in plan.sites.values() if n.layout == "www" and internet.truth[n.cve].comportamiento == "normal"
    )

    async def render(urls: list[str]) -> list[str | None]:
        pool = BrowserPool(find_browser(None), 1, 20)
        try:
            return [await pool.render(url, SsrfPolicy().allows_async) for url in urls]
        finally:
            await pool.close()

    home, dead, private = asyncio.run(
        render(
            [
                f"http://{names.host.removeprefix('www.')}/",
                "https://nadie-lo-registro.gob.mx/",
                f"http://{next(iter(internet.private))}/",
            ]
        )
    )
    assert home is not None and "Estado de México" in home and internet.world.site(names.cve).nombre in home
    assert dead is None and private is None


def test_the_internet_command_writes_truth_and_dns_and_serves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth, table = tmp_path / "verdad.json", tmp_path / "dns.json"
    served: list[str] = []

    def while_serving() -> None:
        base = capsys.readouterr().out.split("VIGIA_INTERNET_SIMULADO=")[1].split()[0]
        served.append(base)
        with urlopen(
            Request(f"{base}/municipios", headers={SIMNET_HOST: "edomex.gob.mx", SIMNET_SCHEME: "https"}), timeout=10
        ) as answer:
            served.append(answer.read().decode())

    args = internet_cli.parse([f"--verdad={truth}", f"--dns={table}", "--run-date=2026-12-06"])
    assert internet_cli.serve_internet(args, while_serving) == 0
    assert served[0].startswith("http://127.0.0.1:") and "Municipios del Estado de México" in served[1]
    assert set(json.loads(truth.read_text())["municipios"]) == {m.cve_inegi for m in load_registry()}
    assert json.loads(table.read_text())["*"] is None


def test_an_unreadable_official_site_gets_no_identity_footer(internet: Internet) -> None:
    """A farm site that is parked or in maintenance tonight must not look like the town hall's page."""
    for cve, row in internet.truth.items():
        if row.oficial and row.comportamiento in ("parked", "maintenance"):
            parts = urlsplit(row.oficial)
            resource = internet.answer(parts.hostname or "", parts.scheme, 443 if parts.scheme == "https" else 80, "/")
            assert resource is not None and b"2025-2027" not in resource.body, cve
