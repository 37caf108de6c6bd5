"""The simulated internet: how every host name of the 125 municipalities' web presence answers, and the truth.

A seeded, deterministic model of what real municipalities do: official sites under the common naming patterns and
host layouts (www or bare, https-only, http-only, a state subdomain, a few unguessable names only the state's directory
or a neighbour links), plus the traps real discovery meets (namesakes in other states on the obvious domain, lapsed
former domains now parked or selling casinos, an old administration's domain redirecting, neighbours named in a
footer, a host on a private address, a Facebook-only town hall, towns with no web presence). Official sites serve the
farm's site of the municipality (`World.site`), so a crawl of a confirmed URL yields the farm's ground truth.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from urllib.parse import urljoin, urlsplit

from config.registry import Municipality
from simulator.internet_names import NamePlan, Names, plan_names
from simulator.internet_pages import (
    FACEBOOK_ROBOTS,
    HOMONYMS,
    STATE_ROBOTS,
    casino_home,
    directory_page,
    facebook_login,
    facebook_page,
    homonym_home,
    identity_footer,
    parked_home,
    state_home,
)
from simulator.model import CP1252, DOWN, EVALUATED, Resource, SimSite
from simulator.server import respond
from simulator.special import not_found
from simulator.world import DEFAULT_SEED, World, build_world

SITE, REDIRECT, STATIC = "sitio", "redireccion", "estatico"
BOTH = frozenset({"http", "https"})
STATE_HOST, FACEBOOK_HOST = "edomex.gob.mx", "www.facebook.com"
DIRECTORY_URL = f"https://{STATE_HOST}/municipios"
# Simulated public hosts get addresses in 11.0.0.0/8 (globally routable, never contacted: the seam delivers locally).
PUBLIC_NET, PRIVATE_NET = 11, 10


@dataclass
class Presence:
    """The truth about one municipality's web presence (truth_json writes these fields)."""

    oficial: str | None = None
    presencia: str = "ninguna"  # sitio | red_social | ninguna
    red_social: str | None = None
    trampas: list[dict[str, str]] = field(default_factory=list)
    # URLs that redirect to the official site (bare/www, http, an old administration's domain).
    alias: list[str] = field(default_factory=list)
    # The farm site's behaviour (normal, down, parked, ...): an official site may be unreadable tonight.
    comportamiento: str | None = None


@dataclass(frozen=True)
class Host:
    """How one host name answers: a farm site, a redirect keeping the path, or fixed pages (404 or fallback else)."""

    kind: str
    schemes: frozenset[str] = BOTH
    cve: str | None = None
    target: str | None = None
    pages: dict[str, Resource] = field(default_factory=dict)
    fallback: Resource | None = None
    # http answers 301 to the same URL on https (most hosts that serve both).
    upgrade: bool = False
    footer: bytes = b""


def address(host: str, network: int = PUBLIC_NET) -> str:
    """A stable IPv4 address for a simulated host in the given /8."""
    digest = hashlib.sha256(host.encode()).digest()
    return f"{network}.{digest[0]}.{digest[1]}.{max(digest[2], 1)}"


def base_of(url: str) -> str:
    """scheme://host of a URL (no path)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Internet:
    """Every simulated host and what it answers; `answer` is what the internet server sends for one request."""

    def __init__(self, world: World, plan: NamePlan, seed: int) -> None:
        self.world, self.seed = world, seed
        self.hosts: dict[str, Host] = {}
        self.nxdomain: set[str] = set(plan.nxdomain)
        self.private: dict[str, str] = {}
        self.truth: dict[str, Presence] = {}
        self._build(plan)

    # ---- building -------------------------------------------------------------------------------------------------
    def _build(self, plan: NamePlan) -> None:
        rng = random.Random(f"simnet:{self.seed}:pages")
        for m in self.world.municipalities:
            self.truth[m.cve_inegi] = self._empty_truth(m.cve_inegi)
        for names in plan.sites.values():
            self._add_site(names, plan)
        for homonym in HOMONYMS:
            self._add_homonym(homonym.cve, plan)
        for cve, hosts in plan.former.items():
            self._add_former(cve, hosts, rng)
        for cve, handle in plan.facebook.items():
            self.truth[cve].presencia, self.truth[cve].red_social = "red_social", f"https://{FACEBOOK_HOST}/{handle}"
        for cve, host in plan.private.items():
            self.private[host] = address(host, PRIVATE_NET)
            self._trap(cve, f"http://{host}/", "privada")
        self._add_footers(plan)
        self._add_facebook(plan)
        self._add_state(plan)

    def _empty_truth(self, cve: str) -> Presence:
        behaviour = self.world.site(cve).behaviour if _has_site(self.world, cve) else None
        return Presence(comportamiento=behaviour)

    def _add_site(self, names: Names, plan: NamePlan) -> None:
        site = self.world.site(names.cve)
        schemes = frozenset() if site.behaviour == DOWN else names.schemes
        host = Host(SITE, schemes, names.cve, upgrade=names.upgrade)
        self.hosts[names.host] = host
        self.truth[names.cve].oficial, self.truth[names.cve].presencia = names.url, "sitio"
        for alias in names.aliases:
            self.hosts[alias] = Host(REDIRECT, BOTH if schemes else frozenset(), names.cve, target=base_of(names.url))
            self.truth[names.cve].alias.append(f"https://{alias}/")
        for twin in names.twins:
            self.hosts[twin] = replace(host)

    def _add_homonym(self, cve: str, plan: NamePlan) -> None:
        homonym = next(h for h in HOMONYMS if h.cve == cve)
        for host in plan.homonyms.get(cve, ()):
            self.hosts[host] = Host(STATIC, BOTH, cve, pages={"/": homonym_home(homonym)}, upgrade=True)
            self._trap(cve, f"https://{host}/", homonym.clase)

    def _add_former(self, cve: str, hosts: list[tuple[str, str]], rng: random.Random) -> None:
        nombre = self.world.site(cve).nombre
        for host, clase in hosts:
            if clase == "redireccion":
                target = str(self.truth[cve].oficial)
                self.hosts[host] = Host(REDIRECT, BOTH, cve, target=base_of(target))
                self.truth[cve].alias.append(f"http://{host}/")
                continue
            home = casino_home(nombre, rng.random() < 0.5) if clase == "casino" else parked_home(host, rng)
            self.hosts[host] = Host(STATIC, BOTH, cve, pages={"/": home}, fallback=home)
            self._trap(cve, f"http://{host}/", clase)

    def _add_footers(self, plan: NamePlan) -> None:
        for cve, named in plan.footers.items():
            url = str(self.truth[cve].oficial)
            links = [(self.world.site(n).nombre, str(self.truth[n].oficial)) for n in named]
            host = urlsplit(url).hostname or ""
            self.hosts[host] = replace(self.hosts[host], footer=identity_footer(self.world.site(cve).nombre, links))
            for n in named:
                self._trap(n, url, "vecino")

    def _add_facebook(self, plan: NamePlan) -> None:
        pages = {"/robots.txt": FACEBOOK_ROBOTS}
        for cve, handle in plan.facebook.items():
            pages[f"/{handle}"] = facebook_page(self.world.site(cve).nombre, handle)
        login = facebook_login()
        self.hosts[FACEBOOK_HOST] = Host(STATIC, BOTH, pages=pages, fallback=login, upgrade=True)
        self.hosts["facebook.com"] = Host(REDIRECT, BOTH, target=f"https://{FACEBOOK_HOST}")

    def _add_state(self, plan: NamePlan) -> None:
        rows = []
        for m in self.world.municipalities:
            links = [(f"Sitio de {m.nombre}", url) for url in plan.directory.get(m.cve_inegi, ())]
            rows.append((m.nombre, links))
        pages = {"/": state_home(), "/municipios": directory_page(rows), "/robots.txt": STATE_ROBOTS}
        self.hosts[STATE_HOST] = Host(STATIC, BOTH, pages=pages, upgrade=True)
        self.hosts[f"www.{STATE_HOST}"] = Host(REDIRECT, BOTH, target=f"https://{STATE_HOST}")

    def _trap(self, cve: str, url: str, clase: str) -> None:
        self.truth[cve].trampas.append({"url": url, "clase": clase})

    # ---- answering ------------------------------------------------------------------------------------------------
    def resolves(self, host: str) -> bool:
        """Whether a name exists in the simulated DNS (public or private)."""
        return host in self.hosts or host in self.private

    def answer(self, host: str, scheme: str, port: int, path: str, query: str = "") -> Resource | None:
        """What host answers on scheme://host:port/path?query; None means the connection is refused."""
        found = self.hosts.get(host)
        if found is None or scheme not in found.schemes or port != (443 if scheme == "https" else 80):
            return None
        here = f"{scheme}://{host}"
        if found.upgrade and scheme == "http":
            return _moved(f"https://{host}{path}" + (f"?{query}" if query else ""))
        if found.kind == REDIRECT:
            return _moved(f"{found.target}{path}" + (f"?{query}" if query else ""))
        if found.kind == STATIC:
            resource = found.pages.get(path) or found.fallback or not_found(host)
        else:
            resource = self._site_answer(found, path, query)
        if resource.location is not None:
            resource = replace(resource, location=urljoin(f"{here}{path}", resource.location))
        return resource

    def _site_answer(self, host: Host, path: str, query: str) -> Resource:
        site = self.world.site(str(host.cve))
        resource = respond(site, path, query)
        # Only a site that shows its content carries the institutional footer (not a parked or maintenance page).
        home = path in ("/", site.home_path) and not query and site.behaviour in EVALUATED
        if home and resource.status == 200 and (resource.content_type or "").startswith("text/html"):
            footer = host.footer or identity_footer(site.nombre, [])
            charset = "utf-8" if _is_utf8(resource.body) and site.behaviour != CP1252 else "cp1252"
            return replace(resource, body=_with_footer(resource.body, footer, charset))
        return resource

    def site_of(self, host: str) -> SimSite | None:
        """The farm site a host serves, if it serves one."""
        found = self.hosts.get(host)
        return self.world.site(found.cve) if found is not None and found.kind == SITE and found.cve else None

    # ---- the seams ------------------------------------------------------------------------------------------------
    def dns_table(self) -> dict[str, str | None]:
        """The VIGIA_DNS_OVERRIDES table: every simulated host → its address, known dead names → null, the sites'
        mail domains as the farm answers them, and "*" → null (a name nobody registered does not exist)."""
        table: dict[str, str | None] = {host: address(host) for host in sorted(self.hosts)}
        table.update({host: None for host in sorted(self.nxdomain) if host not in self.hosts})
        table.update(self.private)
        # The mail domains of the farm's addresses answer as in the farm (simulator.world), where the table does not
        # already name them: lapsed ones do not exist.
        for site in self.world.sites:
            table.update({d: address(d) if ok else None for d, ok in site.mail_domains if d not in table})
        table["*"] = None
        return table

    def truth_json(self) -> str:
        """Per clave: oficial, presencia (sitio/red_social/ninguna), red_social, trampas [{url, clase}], alias (URLs
        that redirect to the official site) and comportamiento (the farm site's behaviour)."""
        document = {"seed": self.seed, "municipios": {cve: asdict(p) for cve, p in self.truth.items()}}
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    # ---- night-to-night changes -----------------------------------------------------------------------------------
    def move_site(self, cve: str, new_host: str, old: str = "redirect") -> None:
        """The municipality moves its site to https://new_host/; its former hosts redirect there, get parked or
        vanish (old = "redirect" | "parked" | "gone")."""
        if old not in ("redirect", "parked", "gone"):
            raise ValueError(f"old debe ser redirect, parked o gone, no {old!r}")
        truth, rng = self.truth[cve], random.Random(f"simnet:{self.seed}:move:{cve}:{new_host}")
        former = [h for h, spec in self.hosts.items() if spec.cve == cve and spec.kind in (SITE, REDIRECT)]
        previous = truth.oficial
        self.hosts[new_host] = Host(SITE, BOTH, cve, upgrade=True)
        self.nxdomain.discard(new_host)
        for host in former:
            if old == "redirect":
                self.hosts[host] = Host(REDIRECT, BOTH, cve, target=f"https://{new_host}")
            elif old == "parked":
                page = parked_home(host, rng)
                self.hosts[host] = Host(STATIC, BOTH, cve, pages={"/": page}, fallback=page)
            else:
                del self.hosts[host]
                self.nxdomain.add(host)
        truth.oficial, truth.presencia = f"https://{new_host}/", "sitio"
        if old == "redirect":
            truth.alias = [f"https://{h}/" for h in former]
        elif old == "parked" and previous:
            self._trap(cve, str(previous), "estacionado")

    def hijack(self, cve: str, kind: str) -> None:
        """The municipality's official hosts lapse and now serve a casino ("casino") or a parking page ("parked")."""
        if kind not in ("casino", "parked"):
            raise ValueError(f"kind debe ser casino o parked, no {kind!r}")
        rng = random.Random(f"simnet:{self.seed}:hijack:{cve}")
        nombre = self.world.site(cve).nombre
        for host, spec in list(self.hosts.items()):
            if spec.cve == cve and spec.kind == SITE:
                page = casino_home(nombre, True) if kind == "casino" else parked_home(host, rng)
                self.hosts[host] = Host(STATIC, BOTH, cve, pages={"/": page}, fallback=page)
        truth = self.truth[cve]
        if truth.oficial:
            self._trap(cve, truth.oficial, "casino" if kind == "casino" else "estacionado")
        truth.oficial, truth.presencia, truth.alias = None, "ninguna", []

    def official_url(self, cve: str) -> str | None:
        """The municipality's official URL today, None when it has no site."""
        return self.truth[cve].oficial


def _has_site(world: World, cve: str) -> bool:
    try:
        world.site(cve)
    except KeyError:
        return False
    return True


def _moved(location: str) -> Resource:
    return Resource(301, "text/html; charset=UTF-8", b"<html><body>Moved Permanently</body></html>", location)


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _with_footer(body: bytes, footer: bytes, charset: str) -> bytes:
    """The page with the footer inserted before </body> (in the page's own encoding)."""
    fragment = footer.decode("utf-8").encode(charset, "xmlcharrefreplace")
    at = body.lower().rfind(b"</body>")
    return body[:at] + fragment + body[at:] if at >= 0 else body + fragment


def build_internet(seed: int = DEFAULT_SEED, run_date: date | None = None, world: World | None = None) -> Internet:
    """The simulated internet of the 125 municipalities (or of world's), same arguments → same answers and truth."""
    chosen = world or build_world(seed=seed, run_date=run_date)
    municipalities: list[Municipality] = chosen.municipalities
    return Internet(chosen, plan_names(municipalities, seed), seed)
