"""Which names the simulated internet gives each municipality: seeded shares of the patterns real town halls use.

The shares model what municipalities do (most take `<nombre>.gob.mx`, some a short form, the state's subdomain,
`ayuntamiento<nombre>`, a `.mx`/`.com.mx`, a few an abbreviation nobody could guess), never what some candidate
generator would try.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from config.registry import Municipality
from core.text import fold
from simulator.internet_pages import HOMONYMS
from simulator.phrasing import camel, compact

# (pattern, weight) for a municipality's current official host.
PATTERNS = (("gob", 50), ("corto", 35), ("edomex", 8), ("ayuntamiento", 9), ("sufijo", 5), ("mx", 6))
# (layout, weight): where the site lives among bare/www names and schemes.
LAYOUTS = (("www", 28), ("bare", 30), ("www_only", 12), ("https_only", 10), ("http_only", 8), ("dup", 12))
# First words too generic to stand alone as a short name (Almoloya de Juárez and Almoloya del Río both exist).
GENERIC = frozenset(("san", "santo", "villa", "valle", "almoloya", "ixtapan", "tenango", "coatepec", "chapa", "el"))
CONNECTORS = ("de", "del")
SMALL_ONLY, SMALL_TOWN = frozenset(("facebook", "ninguna")), 20_000
SHARES = {"facebook": 1, "ninguna": 2, "directorio": 3, "vecino_oculto": 1}
BOTH_ = frozenset({"http", "https"})
TRAPS = {"estacionado": 5, "casino": 4, "redireccion": 5, "footer": 4, "privada": 1}


@dataclass(frozen=True)
class Names:
    """A municipality's official site: canonical host and URL, schemes served, redirecting aliases, twin hosts."""

    cve: str
    host: str
    url: str
    schemes: frozenset[str]
    upgrade: bool
    aliases: tuple[str, ...] = ()
    twins: tuple[str, ...] = ()
    pattern: str = "gob"
    layout: str = "bare"


@dataclass
class NamePlan:
    """Every name decision of the simulated internet (hosts only; the pages are built by simulator.internet)."""

    sites: dict[str, Names] = field(default_factory=dict)
    homonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    former: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    facebook: dict[str, str] = field(default_factory=dict)
    private: dict[str, str] = field(default_factory=dict)
    footers: dict[str, list[str]] = field(default_factory=dict)
    directory: dict[str, list[str]] = field(default_factory=dict)
    nxdomain: set[str] = field(default_factory=set)
    taken: set[str] = field(default_factory=set)


def full_name(nombre: str) -> str:
    """The whole name folded into a domain label: Atizapán de Zaragoza → atizapandezaragoza."""
    return compact(nombre)


def short_name(nombre: str) -> str | None:
    """The name before its "de" complement (Naucalpan de Juárez → naucalpan), None when there is none."""
    words = fold(nombre).split()
    if len(words) > 2 and words[1] in CONNECTORS and words[0] not in GENERIC:
        return compact(words[0])
    return None


def abbreviation(nombre: str) -> str:
    """An abbreviation of the kind some town halls register (initials, or a clipped single word)."""
    words = [w for w in fold(nombre).split() if w not in ("de", "del", "la", "las", "los", "el")]
    return "".join(w[0] for w in words) if len(words) > 1 else compact(words[0])[:5]


def candidates(m: Municipality, pattern: str) -> list[str]:
    """Host names a pattern gives a municipality (empty when it does not apply)."""
    full, short = full_name(m.nombre), short_name(m.nombre)
    return {
        "gob": [f"{full}.gob.mx"],
        "corto": [f"{short}.gob.mx"] if short else [],
        "edomex": [f"{full}.edomex.gob.mx"],
        "ayuntamiento": [f"ayuntamiento{short or full}.gob.mx", f"ayuntamiento{full}.gob.mx"],
        "sufijo": [f"{full}edomex.gob.mx", f"{full}-edomex.gob.mx"],
        "mx": [f"{full}.gob.mx", f"{full}.mx", f"{full}.com.mx"][1:],
    }[pattern]


def site_names(m: Municipality, host: str, layout: str, pattern: str) -> tuple[Names, set[str]]:
    """The Names of a site on host (bare form) with a layout, and the names that must not resolve."""
    cve, www = m.cve_inegi, f"www.{host}"
    if pattern == "edomex" or layout == "https_only":
        # The state's subdomains have no www form; an https-only host usually has none either.
        layout = layout if layout == "https_only" else "subdominio"
        return Names(
            cve,
            host,
            f"https://{host}/",
            frozenset({"https"}) if layout == "https_only" else BOTH_,
            layout != "https_only",
            pattern=pattern,
            layout=layout,
        ), {www}
    if layout == "www":
        return Names(cve, www, f"https://{www}/", BOTH_, True, (host,), pattern=pattern, layout=layout), set()
    if layout == "www_only":
        return Names(cve, www, f"https://{www}/", BOTH_, True, pattern=pattern, layout=layout), {host}
    if layout == "http_only":
        return Names(
            cve, host, f"http://{host}/", frozenset({"http"}), False, (www,), pattern=pattern, layout=layout
        ), set()
    if layout == "dup":
        return Names(cve, host, f"https://{host}/", BOTH_, True, twins=(www,), pattern=pattern, layout=layout), set()
    return Names(cve, host, f"https://{host}/", BOTH_, True, (www,), pattern=pattern, layout=layout), set()


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


class _Planner:
    """Assigns names in a seed-keyed order so that the classes land on the same claves for a given seed."""

    def __init__(self, municipalities: list[Municipality], seed: int) -> None:
        self.by_cve = {m.cve_inegi: m for m in municipalities}
        self.rng = random.Random(f"simnet:{seed}:names")
        key = lambda c: hashlib.sha256(f"simnet:{seed}:{c}".encode()).hexdigest()  # noqa: E731
        self.order = sorted(self.by_cve, key=key)
        self.plan = NamePlan()

    def run(self) -> NamePlan:
        homonyms = {h.cve for h in HOMONYMS if h.cve in self.by_cve}
        for cve in sorted(homonyms):
            self._homonym(self.by_cve[cve])
        known = [c for c in self.order if self.by_cve[c].sitio_web]
        free = [c for c in self.order if c not in homonyms and c not in known]
        special: dict[str, list[str]] = {}
        for name, count in SHARES.items():
            # Only small towns go without a site of their own (a Facebook page, or nothing).
            pool = [c for c in free if name not in SMALL_ONLY or self.by_cve[c].poblacion_2020 < SMALL_TOWN]
            special[name] = pool[:count]
            free = [c for c in free if c not in special[name]]
        for cve in known:
            self._known(self.by_cve[cve])
        placed = {c for group in special.values() for c in group}
        for cve in [c for c in self.order if c not in known and c not in placed]:
            self._site(self.by_cve[cve])
        for cve in special["directorio"] + special["vecino_oculto"]:
            self._unguessable(self.by_cve[cve])
        for cve in special["facebook"]:
            self.plan.facebook[cve] = f"Gobierno{camel(self.by_cve[cve].nombre)}"
        self._traps(special)
        self._directory(special)
        return self.plan

    def _take(self, *hosts: str) -> None:
        self.plan.taken.update(hosts)
        self.plan.taken.update(f"www.{h}" for h in hosts if not h.startswith("www."))

    def _homonym(self, m: Municipality) -> None:
        host = f"{full_name(m.nombre)}.gob.mx" if m.cve_inegi != "15107" else f"{full_name(m.nombre)}.com"
        self.plan.homonyms[m.cve_inegi] = (host, f"www.{host}")
        self._take(host)

    def _known(self, m: Municipality) -> None:
        host = urlsplit(str(m.sitio_web)).hostname or ""
        names, dead = site_names(m, host, "bare", "registro")
        self._register(names, dead)

    def _site(self, m: Municipality) -> None:
        # The drawn pattern when it applies and is free, else the others in order of popularity.
        drawn = _weighted(self.rng, PATTERNS)
        layout = _weighted(self.rng, LAYOUTS)
        for pattern in (drawn, *(p for p, _ in sorted(PATTERNS, key=lambda pw: -pw[1]))):
            free = [h for h in candidates(m, pattern) if h not in self.plan.taken]
            if free:
                names, dead = site_names(m, free[0], layout, pattern)
                self._register(names, dead)
                return
        raise RuntimeError(f"sin nombre libre para {m.nombre}")

    def _unguessable(self, m: Municipality) -> None:
        host = f"h{abbreviation(m.nombre)}{self.rng.randint(10, 99)}.gob.mx"
        names, dead = site_names(m, host, "bare", "inadivinable")
        self._register(names, dead)

    def _register(self, names: Names, dead: set[str]) -> None:
        bare = names.host.removeprefix("www.")
        self._take(bare)
        self.plan.sites[names.cve] = names
        self.plan.nxdomain.update(dead)

    def _traps(self, special: dict[str, list[str]]) -> None:
        ordinary = [c for c in self.order if c in self.plan.sites and self.plan.sites[c].pattern != "inadivinable"]
        picks = iter(ordinary)
        for clase in ("estacionado", "casino", "redireccion"):
            for _ in range(TRAPS[clase]):
                self._former(self.by_cve[next(picks)], clase)
        self._former(self.by_cve[special["ninguna"][0]], "estacionado")
        cve = next(picks)
        self.plan.private[cve] = f"sistemas.{self.plan.sites[cve].host.removeprefix('www.')}"
        hidden = special["vecino_oculto"]
        hosts = [n for h in hidden for n in (_neighbour(h, -1), _neighbour(h, 1)) if n in ordinary][:1]
        for cve in hosts + [c for c in picks if c not in hosts][: TRAPS["footer"] - len(hosts)]:
            named = [n for n in (_neighbour(cve, -1), _neighbour(cve, 1)) if n in self.plan.sites]
            self.plan.footers[cve] = list(dict.fromkeys(hidden + named))[:2] if hosts and cve == hosts[0] else named

    def _former(self, m: Municipality, clase: str) -> None:
        full = full_name(m.nombre)
        short = short_name(m.nombre) or full
        options = [f"{full}.com.mx", f"{full}.mx", f"ayuntamiento{short}.com.mx", f"h{full}.org.mx"]
        if clase == "redireccion":
            options = [f"{short}.gob.mx", f"ayuntamiento{full}.gob.mx", f"{full}.gob.mx", f"{full}.edomex.gob.mx"]
        host = next(h for h in options if h not in self.plan.taken)
        self._take(host)
        self.plan.former.setdefault(m.cve_inegi, []).append((host, clase))

    def _directory(self, special: dict[str, list[str]]) -> None:
        """The state's directory: mostly right, partly stale (a former domain where the site moved), some gaps."""
        hidden = set(special["vecino_oculto"])
        for cve in self.order:
            listed: list[str] = []
            former = self.plan.former.get(cve, [])
            if former and self.rng.random() < 0.6:
                listed.append(f"http://{former[0][0]}/")
            elif cve in self.plan.sites and cve not in hidden and self._listed(cve, special):
                listed.append(self.plan.sites[cve].url)
            if cve in self.plan.facebook:
                listed.append(f"https://www.facebook.com/{self.plan.facebook[cve]}")
            if cve in self.plan.private:
                listed.append(f"http://{self.plan.private[cve]}/")
            self.plan.directory[cve] = listed

    def _listed(self, cve: str, special: dict[str, list[str]]) -> bool:
        """Whether the directory lists a site: always the unguessable ones, most of the others."""
        return cve in special["directorio"] or self.rng.random() < 0.8


def _neighbour(cve: str, step: int) -> str:
    return str(int(cve) + step)


def plan_names(municipalities: list[Municipality], seed: int) -> NamePlan:
    """Every name of the simulated internet for these municipalities and seed."""
    return _Planner(municipalities, seed).run()
