"""Order each municipality's proved candidates: one line per distinct final page, the best proof first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

from spiders.descubrir import Proved
from spiders.descubrir.candidates import host_of

VERDICT_ORDER = {"probable": 0, "dudoso": 1, "descartado": 2}
# Where an idea came from, as a tie-breaker: a link on an official page says more than a guessed pattern.
ORIGIN_ORDER = {"enlace": 0, "cruce": 1, "referencia": 2, "patron": 3}


def page_key(url: str) -> str:
    """A page's identity across schemes, 'www.' and a trailing slash."""
    return f"{host_of(url)}{urlsplit(url).path.rstrip('/')}"


def _order(p: Proved) -> tuple[int, int, int, int]:
    # A site outranks a social-network page of the same verdict: the site is what the checks read.
    social = int(p.proof.presencia != "sitio")
    return (VERDICT_ORDER.get(p.proof.veredicto, 3), social, -p.proof.score, ORIGIN_ORDER.get(p.candidate.origen, 9))


def rank(proved: Iterable[Proved]) -> dict[str, list[Proved]]:
    """Per clave, distinct pages best first; a page reached from several candidates keeps its best proof."""
    by_page: dict[tuple[str, str], Proved] = {}
    for p in proved:
        key = (p.candidate.cve_inegi, page_key(p.final_url or p.candidate.url))
        if key not in by_page or _order(p) < _order(by_page[key]):
            by_page[key] = p
    ranked: dict[str, list[Proved]] = defaultdict(list)
    for (cve, _), p in by_page.items():
        ranked[cve].append(p)
    return {cve: sorted(items, key=_order) for cve, items in ranked.items()}


def best(ranked: dict[str, list[Proved]], cve: str) -> Proved | None:
    """The first-ranked candidate of a clave, if any."""
    items = ranked.get(cve)
    return items[0] if items else None
