"""The simulated world: one site per municipality, the special behaviours, and the ground truth."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from config.registry import FIRST_CVE, LAST_CVE, Municipality, load_registry
from simulator.ipomex_model import IpomexSite
from simulator.ipomex_plan import assign_ipomex, assignment_for, build_ipomex
from simulator.model import NORMAL, SPECIAL_BEHAVIOURS, SimSite
from simulator.obligaciones import fraction_ids
from simulator.platforms import OPEN_HOSTS, PLATFORM_HOSTS, channel_path
from simulator.sitebuild import build_site
from simulator.truth import MAX_PAGES, derive_truth

DEFAULT_SEED = 2026
# The address the farm serves on: a simulated name with it is delivered to the farm (crawler.simnet), never out.
FARM_ADDRESS = "127.0.0.1"
# Hosts of the social networks the sites link (config/checks.yaml, canal.redes_sociales), with their www. forms.
SOCIAL_HOSTS = tuple(
    prefix + host
    for host in (
        "facebook.com",
        "fb.com",
        "fb.me",
        "twitter.com",
        "x.com",
        "instagram.com",
        "youtube.com",
        "tiktok.com",
    )
    for prefix in ("", "www.", "m.")
)


@dataclass
class World:
    """All simulated sites (registry order), the municipalities they stand for, and the expected results."""

    seed: int
    run_date: date
    municipalities: list[Municipality]
    sites: list[SimSite]
    ground_truth: dict[str, dict[str, str]] = field(default_factory=dict)
    # clave → position in sites: a linear scan per lookup made the registry of a 2,469-site farm quadratic.
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def site(self, cve_inegi: str) -> SimSite:
        """The simulated site of one municipality."""
        position = self._index.get(cve_inegi)
        if position is None or position >= len(self.sites) or self.sites[position].cve_inegi != cve_inegi:
            self._index = {s.cve_inegi: n for n, s in enumerate(self.sites)}  # sites changed since the last lookup
            position = self._index.get(cve_inegi)
        if position is None:
            raise KeyError(cve_inegi)
        return self.sites[position]

    def behaviours(self) -> dict[str, str]:
        """clave → behaviour, for every site that is not plainly normal."""
        return {s.cve_inegi: s.behaviour for s in self.sites if s.behaviour != NORMAL}

    @staticmethod
    def ipomex_fraction_ids() -> tuple[str, ...]:
        """The 87 IPOMEX obligation ids (ipomex.92.<fraccion>) every municipality's truth has."""
        return fraction_ids()

    def ipomex(self, cve_inegi: str) -> IpomexSite:
        """How one municipality appears on the simulated IPOMEX."""
        found = self.site(cve_inegi).ipomex
        if found is None:
            raise KeyError(cve_inegi)
        return found

    def ipomex_behaviours(self) -> dict[str, tuple[str, str]]:
        """clave → (generation, behaviour) on IPOMEX, for every municipality."""
        return {
            s.cve_inegi: (self.ipomex(s.cve_inegi).generation, self.ipomex(s.cve_inegi).behaviour) for s in self.sites
        }

    def dns_table(self) -> dict[str, str | None]:
        """The farm's DNS for the channel probes (crawler.dns format): each mail domain its sites use, with an
        address when it receives mail and null when it lapsed; the simulated platforms (simulator.platforms) the
        farm's own address, the other social hosts null, so that no probe of the demo ever leaves this machine."""
        table: dict[str, str | None] = dict.fromkeys(SOCIAL_HOSTS)
        table.update(dict.fromkeys(sorted(PLATFORM_HOSTS), FARM_ADDRESS))
        for site in self.sites:
            table.update({domain: FARM_ADDRESS if ok else None for domain, ok in site.mail_domains})
        return table

    def channels(self) -> dict[str, str]:
        """YouTube path → what it answers, for every channel a site's home links (simulator.platforms)."""
        found: dict[str, str] = {}
        for site in self.sites:
            for url in site.social:
                if urlsplit(url).hostname in OPEN_HOSTS:
                    path = channel_path(url)
                    if found.setdefault(path, site.channel) != site.channel:
                        raise ValueError(f"{site.cve_inegi}: channel {path} belongs to another site too")
        return found

    def to_json(self) -> str:
        """The ground-truth document (stable key order, UTF-8 text)."""
        sites = {
            s.cve_inegi: {
                "behaviour": s.behaviour,
                "ipomex": self.ipomex_summary(s.cve_inegi),
                "checks": self.ground_truth[s.cve_inegi],
            }
            for s in self.sites
        }
        document = {"seed": self.seed, "run_date": self.run_date.isoformat(), "sites": sites}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    def ipomex_summary(self, cve_inegi: str) -> dict[str, str]:
        """{"generation", "behaviour"} of a municipality on IPOMEX."""
        site = self.ipomex(cve_inegi)
        return {"generation": site.generation, "behaviour": site.behaviour}

    def write_ground_truth(self, path: str | Path) -> None:
        """Write the ground truth as JSON: {"seed", "run_date", "sites": {cve: {"behaviour", "ipomex", "checks"}}}."""
        Path(path).write_text(self.to_json(), encoding="utf-8")


def assign_behaviours(seed: int) -> dict[str, str]:
    """Special behaviours to fixed claves: the first of all 125 in a seed-keyed hash order.

    The choice never depends on which municipalities are built, so a subset keeps the behaviours its members
    have in the full farm (and may have none).
    """
    claves = [str(c) for c in range(FIRST_CVE, LAST_CVE + 1)]
    order = sorted(claves, key=lambda c: hashlib.sha256(f"vigia-sim:{seed}:behaviour:{c}".encode()).hexdigest())
    return dict(zip(order, SPECIAL_BEHAVIOURS, strict=False))


def build_world(
    seed: int = DEFAULT_SEED,
    run_date: date | None = None,
    municipalities: list[Municipality] | None = None,
    pages_per_site: int | None = None,
    variants: bool = True,
) -> World:
    """Build every simulated site and its ground truth; same arguments give byte-identical output.

    municipalities may include synthetic ones (simulator.scale): claves outside the 125 behave normally. With
    pages_per_site, every content site is padded with evidence-free pages to about that many crawlable pages
    (at most the crawl's page budget); the ground truth is the same as without padding. With variants (default), a
    seeded share of sites writes the real-world forms of simulator.variants; the ground truth is the same as
    without them, and variants=False builds the farm exactly as before they existed.
    """
    if pages_per_site is not None and not 1 <= pages_per_site <= MAX_PAGES:
        raise ValueError(f"pages_per_site must be between 1 and {MAX_PAGES} (the crawl's page budget)")
    day = run_date or date.today()
    chosen = list(municipalities) if municipalities is not None else load_registry()
    special = assign_behaviours(seed)
    portals = assign_ipomex(seed)
    sites = [
        replace(
            build_site(m, seed, day, special.get(m.cve_inegi, NORMAL), pages_per_site, variants),
            ipomex=build_ipomex(m, seed, day, assignment_for(portals, seed, m.cve_inegi)),
        )
        for m in chosen
    ]
    truth = {s.cve_inegi: {**derive_truth(s, day), **(s.ipomex.truth() if s.ipomex else {})} for s in sites}
    return World(seed, day, chosen, sites, truth)
