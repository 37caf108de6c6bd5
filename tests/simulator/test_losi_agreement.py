"""The LOSI topics the farm writes (simulator.content_losi) agree with the crawl's checks on every site, look-alikes
included (no crawler: the pages an ideal crawl reads, as in test_probe_agreement)."""

from __future__ import annotations

from collections import Counter

import pytest

from simulator import World, build_world
from simulator.catalogue import LOSI_CHECKS
from simulator.model import EVALUATED
from tests.simulator.conftest import RUN_DATE
from tests.simulator.test_probe_agreement import results


def verdicts(world: World) -> tuple[list[str], Counter[tuple[str, str]]]:
    """(every disagreement between the checks and the truth, how often each (check, truth) occurs)."""
    mismatches: list[str] = []
    seen: Counter[tuple[str, str]] = Counter()
    for site in (s for s in world.sites if s.behaviour in EVALUATED):
        got, truth = results(site, world), world.ground_truth[site.cve_inegi]
        for check in LOSI_CHECKS:
            seen[(check, truth[check])] += 1
            if got[check].status != truth[check]:
                mismatches.append(f"{site.cve_inegi} {check}: {got[check].status} ≠ {truth[check]}")
    return mismatches, seen


@pytest.mark.parametrize("seed", [2026, 1, 99])
def test_losi_topics_agree_with_the_truth(seed: int, world: World) -> None:
    mismatches, seen = verdicts(world if seed == world.seed else build_world(seed=seed, run_date=RUN_DATE))
    assert mismatches == []
    for check in LOSI_CHECKS:
        assert seen[(check, "cumple")] > 0 and seen[(check, "no_cumple")] > 0, (check, seen)


def test_look_alikes_are_written_where_the_topic_is_absent(world: World) -> None:
    """Each look-alike shows on some site whose truth for its topic is no_cumple."""
    markers = {
        "sitio.mapa_sitio": b"google.com/maps/search",
        "transparencia.licitaciones": "adjudicada mediante licitación pública".encode(),
        "transparencia.datos_abiertos_metadatos": b"citando la fuente. Licencia",
        "transparencia.organigrama": b"foto-oficial-ayuntamiento",
    }
    for check, marker in markers.items():
        hits = [
            s.cve_inegi
            for s in world.sites
            if s.behaviour in EVALUATED
            and world.ground_truth[s.cve_inegi][check] == "no_cumple"
            and any(marker in s.dom(p) for p in s.evidence if p in s.resources)
        ]
        assert len(hits) >= 3, check
