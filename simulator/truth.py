"""Ground truth: what an ideal crawl (same host, depth ≤ 2, ≤ 60 pages, robots obeyed) must conclude per check."""

from __future__ import annotations

from collections import deque
from datetime import date, timedelta
from urllib.parse import urljoin, urlsplit

import lxml.html

from simulator.catalogue import (
    CHECK_IDS,
    CUMPLE,
    FEATURE_CHECKS,
    HOME_CHECKS,
    INDETERMINADO,
    NO_CUMPLE,
    PROBE_CHECKS,
    RECENCY_DAYS,
)
from simulator.model import DOWN, EVALUATED, HTTP_503, SimSite
from simulator.platforms import profile_truth
from simulator.truth_quality import accessibility_truth, broken_truth, ficha_truth, form_truth, missing_links
from simulator.variants import BROKEN

MAX_DEPTH = 2
MAX_PAGES = 60
RECENT_DAYS = RECENCY_DAYS["sitio.actualizacion_reciente"]
BASE = "http://sim.invalid"
NOT_LINKS = ("#", "javascript:", "mailto:", "tel:", "whatsapp:")


def same_host_links(body: bytes, page_path: str) -> list[str]:
    """Same-host paths (with query, without fragment) linked by <a href> from a page."""
    tree = lxml.html.fromstring(body)
    found: list[str] = []
    for href in tree.xpath("//a/@href"):
        href = str(href).strip()
        if not href or href.lower().startswith(NOT_LINKS):
            continue
        parts = urlsplit(urljoin(BASE + page_path, href))
        if f"{parts.scheme}://{parts.netloc}" != BASE:
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def resolve(site: SimSite, path: str, hops: int = 10) -> str | None:
    """Follow the site's own redirects to the path that answers; None for loops or dead ends."""
    for _ in range(hops):
        resource = site.resources.get(path)
        if resource is None:
            return None
        if resource.location is None:
            return path
        path = urljoin(path, resource.location)
    return None


def crawl_depths(site: SimSite) -> dict[str, int]:
    """Breadth-first depth of every HTML page reachable from the home."""
    home = resolve(site, "/")
    if home is None:
        return {}
    depths = {home: 0}
    queue = deque([home])
    while queue:
        path = queue.popleft()
        resource = site.resources[path]
        if depths[path] >= MAX_DEPTH or not (resource.content_type or "").startswith("text/html"):
            continue
        for link in same_host_links(site.dom(path), path):
            target = resolve(site, link)
            if target is not None and target not in depths:
                depths[target] = depths[path] + 1
                queue.append(target)
    return depths


def recency(dates: list[date], run_date: date, days: int = RECENT_DAYS) -> str:
    """A recency check (sitio.actualizacion_reciente by default) from the dates the crawl can see."""
    if not dates:
        return INDETERMINADO
    window_start = run_date - timedelta(days=days)
    return CUMPLE if any(window_start <= d <= run_date for d in dates) else NO_CUMPLE


def unscored(site: SimSite) -> dict[str, str]:
    """Truth for a site whose content cannot be judged."""
    truth = dict.fromkeys(CHECK_IDS, INDETERMINADO)
    # A parked page at a confirmed address fails the nightly identity watch: the domain may have moved, so nothing
    # is judged (indeterminado: identidad), never no_cumple. Down or erring servers are the municipality's own.
    if site.behaviour in (DOWN, HTTP_503):
        truth["sitio.disponible"] = NO_CUMPLE
    return truth


def derive_truth(site: SimSite, run_date: date) -> dict[str, str]:
    """Expected status of each simulated check for one site."""
    if site.behaviour not in EVALUATED:
        return unscored(site)
    depths = crawl_depths(site)
    reachable = [p for p, depth in depths.items() if p in site.evidence]
    if len(depths) > MAX_PAGES:
        raise ValueError(f"{site.cve_inegi}: {len(depths)} pages reachable, more than the crawl reads")
    home = site.evidence[resolve(site, "/") or "/"]
    seen = set().union(*(site.evidence[p].tags for p in reachable))
    truth = {"sitio.disponible": CUMPLE, "sitio.https": NO_CUMPLE}
    for check in FEATURE_CHECKS:
        found = check in home.tags if check in HOME_CHECKS else check in seen
        truth[check] = CUMPLE if found else NO_CUMPLE
    dates = [d for p in reachable for d in site.evidence[p].dates]
    for check, days in RECENCY_DAYS.items():
        truth[check] = recency(dates, run_date, days)
    truth["canal.formulario_funcional"] = form_truth(seen)
    truth["tramites.transparencia"] = ficha_truth(seen)
    truth["sitio.enlaces_rotos"] = links_truth(site, depths)
    truth["sitio.accesibilidad_basica"] = accessibility_truth(site, resolve(site, "/") or "/")
    for check in PROBE_CHECKS:
        truth[check] = probe_truth(check, seen, site)
    return {check: truth[check] for check in CHECK_IDS}


def links_truth(site: SimSite, depths: dict[str, int]) -> str:
    """sitio.enlaces_rotos: missing pages linked from the pages whose links the crawl follows (depth < MAX_DEPTH)."""
    html = [p for p in depths if (site.resources[p].content_type or "").startswith("text/html")]
    broken: set[str] = set()
    for path in html:
        if depths[path] < MAX_DEPTH:
            broken |= missing_links(site, same_host_links(site.dom(path), path))
    return broken_truth(len(html), len(broken))


def probe_truth(check: str, seen: set[str], site: SimSite) -> str:
    """A probe's verdict: cumple for a working instance, no_cumple for only broken ones, else indeterminado (the
    site publishes no such channel, or only walled or unresolvable platforms answer its accounts)."""
    existence = PROBE_CHECKS[check]
    if check == "canal.redes_sociales_perfil":
        return profile_truth(site.social, site.channel)
    if check == "canal.correo_entregable" and existence in seen:
        # Every address of a site uses one domain: its own (in the farm's DNS), webmail, or a lapsed one.
        return CUMPLE if all(ok for _, ok in site.mail_domains) else NO_CUMPLE
    if check == "canal.telefono_valido" and existence in seen:
        return CUMPLE  # every phone the farm publishes as one is a real number of its area code
    if check in seen:
        return CUMPLE
    return NO_CUMPLE if BROKEN + check in seen else INDETERMINADO
