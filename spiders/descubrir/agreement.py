"""Discovery measured against a simulated internet's truth: right site first, and which traps were proposed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from spiders.descubrir import Proved
from spiders.descubrir.candidates import host_of
from spiders.descubrir.ranking import VERDICT_ORDER, best

UNSEEN = "no_visto"
# Farm behaviours whose home page cannot prove anything (down, erring, parked, closed to robots, a loop, a notice,
# a page only a browser fills): such a site is measured apart, and must only never lose to a wrong probable page.
UNREADABLE = frozenset({"down", "http_503", "parked", "robots_disallow", "redirect_loop", "maintenance", "js_only"})


@dataclass
class Agreement:
    """Outcome per municipality with a site, and the verdicts given to each class of page."""

    with_site: int = 0
    right_first: int = 0
    unreadable: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    # (class of page, verdict) → count; classes are "oficial" and the truth's trap classes.
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def share(self) -> float:
        """Share of municipalities with a site whose right site was first and probable."""
        return self.right_first / self.with_site if self.with_site else 1.0

    def traps_probable(self) -> int:
        """How many trap pages were proposed as probable."""
        return sum(
            n for (cls, verdict), n in self.confusion.items() if not cls.startswith("oficial") and verdict == "probable"
        )


def _verdict_for(proved: list[Proved], url: str) -> str:
    """The best verdict of a page ending on url's host (a redirect elsewhere proposes its target), or no_visto."""
    host = host_of(url)
    verdicts = [p.proof.veredicto for p in proved if host_of(p.final_url or p.candidate.url) == host]
    return min(verdicts, key=lambda v: VERDICT_ORDER.get(v, 9)) if verdicts else UNSEEN


def truth_sites(truth: Mapping[str, Any]) -> Mapping[str, Any]:
    """Per clave, the truth of a simulated internet's document (`python -m simulator internet --verdad`)."""
    sites: Mapping[str, Any] = truth.get("municipios", truth)
    return sites


def measure(truth: Mapping[str, Any], ranked: Mapping[str, list[Proved]], cves: list[str]) -> Agreement:
    """Compare the ranking of the given claves with the truth document's entries."""
    sites = truth_sites(truth)
    result = Agreement()
    for cve in cves:
        expected, proved = sites.get(cve, {}), ranked.get(cve, [])
        top = best(dict(ranked), cve)
        official = expected.get("oficial")
        if official and expected.get("comportamiento") in UNREADABLE:
            result.unreadable += 1
            wrong = (
                top is not None and top.proof.veredicto == "probable" and host_of(top.final_url) != host_of(official)
            )
            result.outcomes["ilegible_otro_probable" if wrong else "ilegible_sin_acusar"] += 1
            result.confusion[("oficial_ilegible", _verdict_for(proved, official))] += 1
        elif official:
            result.with_site += 1
            right = (
                top is not None and top.proof.veredicto == "probable" and host_of(top.final_url) == host_of(official)
            )
            result.right_first += right
            result.outcomes["acierto" if right else _miss(top)] += 1
            result.confusion[("oficial", _verdict_for(proved, official))] += 1
        elif top is not None and top.proof.veredicto == "probable" and top.proof.presencia == "sitio":
            result.outcomes["sitio_inventado"] += 1
        else:
            result.outcomes["sin_sitio_correcto"] += 1
        for trap in expected.get("trampas", []):
            result.confusion[(trap["clase"], _verdict_for(proved, trap["url"]))] += 1
    return result


def _miss(top: Proved | None) -> str:
    if top is None:
        return "sin_candidatos"
    return "otro_primero" if top.proof.veredicto == "probable" else "sin_probable"
