"""The probe checks agree with the farm's ground truth on every site, broken channels included (no crawler: the
pages an ideal crawl reads, the farm's own DNS table as the probes' resolver)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks.engine import evaluate_pages
from checks.model import CheckResult, CrawlOutcome
from checks.probes import MailAnswer, ProfileAnswer
from crawler.dns import MISSING, lookup
from simulator import World
from simulator.catalogue import PROBE_CHECKS
from simulator.model import EVALUATED, SimSite
from simulator.truth import BASE, crawl_depths
from tests.simulator.conftest import RUN_DATE

FRAME = re.compile(rb'<iframe[^>]*src="(/[^"]+)"')


class FarmProber:
    """Mail domains answered by the farm's DNS table; profiles never answer (the farm makes platforms unresolvable)."""

    def __init__(self, world: World) -> None:
        self.table = world.dns_table()

    def mail_domain(self, domain: str) -> MailAnswer:
        address = lookup(self.table, domain)
        return "unknown" if address is MISSING else ("ok" if address else "none")

    def profile(self, url: str) -> ProfileAnswer:
        return ProfileAnswer("unknown")


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


def results(site: SimSite, world: World) -> dict[str, CheckResult]:
    read = list(pages(site))
    outcome = CrawlOutcome(start_url=BASE + "/", home_url=read[0][0], pages_ok=len(read))
    found = evaluate_pages(read, RUN_DATE, municipality=site.nombre, outcome=outcome, prober=FarmProber(world))
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
