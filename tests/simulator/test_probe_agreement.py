"""The probe checks agree with the farm's ground truth on every site, broken channels included (no crawler: the
pages an ideal crawl reads, the farm's own DNS table as the probes' resolver, the farm's simulated platforms as the
profiles' answers: offline, and through a running farm with the crawl's own prober)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from urllib.parse import urljoin, urlsplit

import pytest

from checks.engine import evaluate_pages
from checks.model import CheckResult, CrawlOutcome
from checks.probes import PASSWORD_FIELD, MailAnswer, Prober, ProfileAnswer
from crawler.dns import MISSING, lookup
from crawler.probes import MAX_HOPS, NetworkProber, ProbeBudget
from simulator import FarmServer, World, build_world
from simulator.catalogue import PROBE_CHECKS
from simulator.model import EVALUATED, SimSite
from simulator.platforms import PLATFORM_HOSTS, PROBE_REQUESTS, answer
from simulator.truth import BASE, crawl_depths
from tests.simulator.conftest import RUN_DATE

FRAME = re.compile(rb'<iframe[^>]*src="(/[^"]+)"')
PROFILE = "canal.redes_sociales_perfil"


class FarmProber:
    """Mail domains answered by the farm's DNS table; profiles by the farm's simulated platforms (redirects followed,
    each hop from the site's budget), unknown where the table makes a platform unresolvable."""

    def __init__(self, world: World) -> None:
        self.table, self.channels = world.dns_table(), world.channels()
        self.spent = 0

    def mail_domain(self, domain: str) -> MailAnswer:
        address = lookup(self.table, domain)
        return "unknown" if address is MISSING else ("ok" if address else "none")

    def profile(self, url: str) -> ProfileAnswer:
        for _ in range(MAX_HOPS):
            if self.spent >= PROBE_REQUESTS:
                return ProfileAnswer("budget")
            self.spent += 1
            parts = urlsplit(url)
            found = (
                answer(parts.hostname or "", parts.path or "/", self.channels)
                if lookup(self.table, parts.hostname or "")
                else None
            )
            if found is None:
                return ProfileAnswer("unknown")
            if found.location is None:
                return ProfileAnswer("answered", found.status, url, PASSWORD_FIELD.search(found.body) is not None)
            url = urljoin(url, found.location)
        return ProfileAnswer("unknown")

    def cost(self) -> dict[str, float]:
        return {"requests": float(self.spent), "seconds": 0.0}


def decoded(site: SimSite, path: str) -> str:
    body = site.dom(path)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", "replace")


def pages(site: SimSite) -> Iterator[tuple[str, str, int]]:
    """Every HTML page an ideal crawl reads, with the same-site pages its iframes show."""
    depths = crawl_depths(site)
    html = [
        p
        for p in sorted(depths, key=depths.__getitem__)
        if (site.resources[p].content_type or "").startswith("text/html")
    ]
    frames = {src.decode() for p in html for src in FRAME.findall(site.dom(p))}
    frames = {
        f
        for f in frames
        if f in site.resources and f not in depths and "html" in (site.resources[f].content_type or "")
    }
    yield from ((BASE + p, decoded(site, p), depths[p]) for p in html)
    yield from ((BASE + f, decoded(site, f), 1) for f in sorted(frames))


def results(site: SimSite, world: World, prober: Prober | None = None) -> dict[str, CheckResult]:
    read = list(pages(site))
    outcome = CrawlOutcome(start_url=BASE + "/", home_url=read[0][0], pages_ok=len(read))
    used = prober if prober is not None else FarmProber(world)
    found = evaluate_pages(read, RUN_DATE, municipality=site.nombre, outcome=outcome, prober=used)
    return {r.check_id: r for r in found}


def test_every_probe_agrees_with_the_truth_including_broken_channels(world: World) -> None:
    mismatches, verdicts = [], set()
    for site in (s for s in world.sites if s.behaviour in EVALUATED):
        got, truth = results(site, world), world.ground_truth[site.cve_inegi]
        for check in PROBE_CHECKS:
            verdicts.add((check, truth[check]))
            if got[check].status != truth[check]:
                mismatches.append(
                    f"{site.cve_inegi} {check}: {got[check].status} ≠ {truth[check]} ({got[check].evidence})"
                )
    assert mismatches == []
    for check in ("canal.telefono_valido", "canal.correo_entregable", "canal.whatsapp_valido"):
        assert {(check, "cumple"), (check, "no_cumple")} <= verdicts


def network_prober(world: World, farm: FarmServer) -> NetworkProber:
    """The crawl's prober of one site, its GETs delivered to the running farm's platforms (crawler.simnet)."""
    return NetworkProber(ProbeBudget(PROBE_REQUESTS, 60.0), world.dns_table(), None, farm.platform_base)


def profile_agreement(world: World, farm: FarmServer) -> tuple[list[str], Counter[tuple[str, str | None]]]:
    """Mismatches of the profile check, offline and through the farm, and the (status, reason) pairs seen."""
    mismatches, seen = [], Counter[tuple[str, str | None]]()
    for site in (s for s in world.sites if s.behaviour in EVALUATED):
        truth = world.ground_truth[site.cve_inegi][PROFILE]
        offline = results(site, world)[PROFILE]
        online = results(site, world, network_prober(world, farm))[PROFILE]
        seen[(online.status, online.reason)] += 1
        for how, got in (("sin red", offline), ("granja", online)):
            if got.status != truth or got.reason != offline.reason:
                mismatches.append(f"{world.seed} {site.cve_inegi} {how}: {got.status} {got.reason} ≠ {truth}")
    return mismatches, seen


@pytest.mark.parametrize("seed", [2026, 1, 99])
def test_profiles_agree_with_the_truth_through_the_simulated_platforms(seed: int) -> None:
    world = build_world(seed=seed, run_date=date(2026, 11, 24))
    with FarmServer(world) as farm:
        mismatches, seen = profile_agreement(world, farm)
        requests = list(farm.platform_requests)
    assert mismatches == []
    assert {s for s, _ in seen} == {"cumple", "no_cumple", "indeterminado"}
    assert seen[("indeterminado", "plataforma_bloquea")] > 0
    # Only GET ever reached the platforms, and only the simulated platforms' names.
    assert requests and {method for method, _, _ in requests} == {"GET"}
    assert {host for _, host, _ in requests} <= PLATFORM_HOSTS


def test_the_farm_table_keeps_every_other_social_host_unresolvable(world: World) -> None:
    table = world.dns_table()
    social = {
        h for h in table if any(n in h for n in ("facebook", "twitter", "x.com", "instagram", "youtube", "tiktok"))
    }
    assert {h for h in social if table[h] is not None} == PLATFORM_HOSTS
    assert all(table[h] == "127.0.0.1" for h in PLATFORM_HOSTS)
