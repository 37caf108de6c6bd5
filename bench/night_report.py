"""The "noche real" benchmark's arithmetic: the night's lower bound, requests per municipality, and its rows.

Pure functions over what the simulated farm served (`simulator.latency_gate.Served`), so they are tested with fake
journals; `bench/night.py` runs the nights that feed them.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bench.measure import Measurement, at_least, at_most, versus
from checks.model import Unread
from config.latency import IPOMEX_HOST
from simulator.agreement import BUCKETS, Agreement
from simulator.latency_gate import Served

STATUS_ES = {"complete": "completa", "partial": "parcial", "failed": "fallida"}
MAX_RATIO = 1.3
UNREAD_SHOWN = 5


@dataclass(frozen=True)
class HostLoad:
    """What one host served in a night at true timescale, and the concurrency the crawler is allowed on it."""

    host: str
    requests: int
    seconds: float
    longest: float
    allowed: int

    @property
    def bound(self) -> float:
        """Shortest time the host's requests can take: their drawn seconds over the allowed concurrency, and never
        less than its longest request (a request cannot be split)."""
        return max(self.seconds / self.allowed, self.longest)


def host_loads(served: Iterable[Served], compression: float, allowed: Callable[[str], int]) -> list[HostLoad]:
    """Per host: requests, drawn seconds and longest request at true timescale (× compression)."""
    count: Counter[str] = Counter()
    seconds: dict[str, float] = {}
    longest: dict[str, float] = {}
    for item in served:
        true = item.seconds * compression
        count[item.host] += 1
        seconds[item.host] = seconds.get(item.host, 0.0) + true
        longest[item.host] = max(longest.get(item.host, 0.0), true)
    return [HostLoad(host, count[host], seconds[host], longest[host], allowed(host)) for host in count]


def night_bound(loads: Sequence[HostLoad]) -> HostLoad | None:
    """The host that bounds the night: every host is crawled in parallel, so the night takes at least the longest
    of the hosts' bounds (None for a night that made no request)."""
    return max(loads, key=lambda load: load.bound, default=None)


@dataclass(frozen=True)
class Spread:
    """Requests per municipality: mean, median, and the largest with whose it is."""

    mean: float
    median: float
    largest: int
    who: str

    def text(self) -> str:
        """Median and maximum in Spanish (the mean is the measurement's value)."""
        return f"mediana {self.median:g}, máx {self.largest} ({self.who})"


def spread(per_municipality: Mapping[str, int], names: Mapping[str, str]) -> Spread:
    """Mean, median and maximum of requests over the given municipalities (zeros included)."""
    if not per_municipality:
        return Spread(0.0, 0.0, 0, "—")
    who = max(per_municipality, key=lambda cve: (per_municipality[cve], cve))
    values = list(per_municipality.values())
    return Spread(statistics.fmean(values), statistics.median(values), per_municipality[who], names.get(who, who))


@dataclass(frozen=True)
class Requests:
    """Requests per municipality of one night: to its own site, and to the shared IPOMEX host (attributed by path or
    by the page that asked); shared: IPOMEX requests of no one municipality (the application, the list of sujetos)."""

    sites: dict[str, int]
    ipomex: dict[str, int]
    shared: int

    @property
    def per_municipality(self) -> float:
        """Mean requests per municipality over sites and IPOMEX (shared requests spread over everyone)."""
        total = sum(self.sites.values()) + sum(self.ipomex.values()) + self.shared
        return total / len(self.sites) if self.sites else 0.0


def count_requests(
    served: Iterable[Served], claves: Iterable[str], with_ipomex: Iterable[str], owner: Callable[[Served], str | None]
) -> Requests:
    """Count each municipality's site requests (host = its clave) and its IPOMEX requests (whose page they are)."""
    sites = dict.fromkeys(claves, 0)
    ipomex = dict.fromkeys(with_ipomex, 0)
    shared = 0
    for item in served:
        if item.host != IPOMEX_HOST:
            sites[item.host] = sites.get(item.host, 0) + 1
            continue
        cve = owner(item)
        if cve is None or cve not in ipomex:
            shared += 1
        else:
            ipomex[cve] += 1
    return Requests(sites, ipomex, shared)


@dataclass(frozen=True)
class Limits:
    """What the night is measured against: compression, the window, and the concurrency allowed per host."""

    compression: float
    window_hours: float
    window_text: str
    site_concurrency: int
    ipomex_concurrency: int

    def allowed(self, host: str) -> int:
        """Requests the crawler may have in flight on a host."""
        return self.ipomex_concurrency if host == IPOMEX_HOST else self.site_concurrency


@dataclass
class Night:
    """One measured night: wall seconds (compressed), its sites phase, CPU seconds (the crawl workers', and the
    whole run's with the browser and the farm), status, what it left unread, what the farm served, the most requests
    in flight per host, and its agreement with the simulated truth."""

    number: int
    wall: float
    sites_phase: float
    worker_cpu: float
    cpu: float
    status: str
    unread: list[Unread]
    requests: Requests
    loads: list[HostLoad]
    peaks: dict[str, int]
    agreement: Agreement
    names: dict[str, str] = field(default_factory=dict)
    # Probes (contact-form endpoints, mail domains, social profiles): requests, and seconds waited for them (true
    # timescale, summed over sites), and the sites that probed.
    probe_requests: float = 0.0
    probe_seconds: float = 0.0
    probe_sites: int = 0


def night_rows(night: Night, limits: Limits) -> list[Measurement]:
    """The measurements of one night, in Spanish: time, bound, window, completeness, requests, agreement."""
    return [
        *time_rows(night, limits),
        unread_row(night),
        probe_row(night),
        *request_rows(night),
        *agreement_rows(night),
    ]


def time_rows(night: Night, limits: Limits) -> list[Measurement]:
    """Wall time compressed, projected against the lower bound (≤ 1.3×), and projected against the window."""
    n, c = night.number, limits.compression
    projected = night.wall * c / 3600
    bound = night_bound(night.loads)
    return [
        at_most(
            f"noche {n}: duración comprimida ×{c:g}",
            night.wall,
            "s",
            None,
            note=f"fase de sitios {night.sites_phase:.0f} s, luego IPOMEX y las páginas con JavaScript; CPU (no se "
            f"comprime): {night.cpu:.0f} s en total, {night.cpu / max(night.wall, 1e-9):.1f} núcleos en promedio, "
            f"{night.worker_cpu:.0f} s de los procesos de rastreo sin el navegador",
        ),
        versus(
            f"noche {n}: duración proyectada vs su cota inferior",
            projected,
            bound.bound / 3600 if bound else 0.0,
            "h",
            MAX_RATIO,
            note=bound_note(night, bound),
        ),
        at_most(
            f"noche {n}: duración proyectada a escala real",
            projected,
            "h",
            limits.window_hours,
            note=f"duración × {c:g}; ventana {limits.window_text} (calendario.ventana_horas)",
        ),
    ]


def bound_note(night: Night, bound: HostLoad | None) -> str:
    """Which host bounds the night and why, and the most requests the crawler really held on IPOMEX at once."""
    if bound is None:
        return "sin peticiones"
    host = "IPOMEX" if bound.host == IPOMEX_HOST else f"el sitio {night.names.get(bound.host, bound.host)}"
    sites = [load.bound for load in night.loads if load.host != IPOMEX_HOST]
    return (
        f"cota: {host}, {bound.requests} peticiones, {bound.seconds / 3600:.2f} h de servidor ÷ {bound.allowed} a "
        f"la vez; sitio más lento {max(sites, default=0.0):.0f} s; simultáneas en IPOMEX: hasta "
        f"{night.peaks.get(IPOMEX_HOST, 0)}"
    )


def unread_row(night: Night) -> Measurement:
    """Municipality stages left unread (0 for a complete run), with the run's status and the first of them."""
    listed = "; ".join(f"{u.nombre} ({u.stage}: {u.reason})" for u in night.unread[:UNREAD_SHOWN])
    more = f" y {len(night.unread) - UNREAD_SHOWN} más" if len(night.unread) > UNREAD_SHOWN else ""
    note = f"corrida {STATUS_ES.get(night.status, night.status)}" + (f": {listed}{more}" if listed else "")
    return at_most(f"noche {night.number}: etapas sin leer", len(night.unread), "municipios", 0, note=note)


def probe_row(night: Night) -> Measurement:
    """Seconds the probes (form endpoints, mail domains, profiles) added to the night at real latency (summed over
    sites; sites run in parallel, so the night's wall clock grows by at most this over the sites in parallel)."""
    note = (
        f"{night.probe_requests:.0f} consultas (HEAD/OPTIONS/GET de formularios, DNS de correos, GET de perfiles; "
        f"nunca POST) en {night.probe_sites} sitios; suma de las esperas por sitio a escala real"
    )
    return Measurement(f"noche {night.number}: espera de los sondeos", night.probe_seconds, "s", note=note)


def request_rows(night: Night) -> list[Measurement]:
    """Mean requests per municipality to its site and to IPOMEX, with median and maximum in the note."""
    sites, ipomex = spread(night.requests.sites, night.names), spread(night.requests.ipomex, night.names)
    return [
        at_most(
            f"noche {night.number}: peticiones por municipio a su sitio",
            sites.mean,
            "peticiones",
            None,
            note=f"{sites.text()}; {sum(night.requests.sites.values())} en total",
        ),
        at_most(
            f"noche {night.number}: peticiones por municipio a IPOMEX",
            ipomex.mean,
            "peticiones",
            None,
            note=f"{ipomex.text()}; {len(night.requests.ipomex)} municipios con IPOMEX, "
            f"{sum(night.requests.ipomex.values())} en total más {night.requests.shared} comunes",
        ),
    ]


def agreement_rows(night: Night) -> list[Measurement]:
    """Agreement with the simulated truth: municipal sites (online and down) and IPOMEX fractions, target 100 %,
    naming the first mismatches."""
    sites = [night.agreement.buckets[name] for name in BUCKETS[:2]]
    ipomex = night.agreement.buckets[BUCKETS[2]]
    matched, total = sum(b.matched for b in sites), sum(b.total for b in sites)
    return [
        at_least(
            f"noche {night.number}: concordancia con la verdad simulada, sitios",
            100 * matched / total if total else 100.0,
            "%",
            100.0,
            note=f"{matched} de {total} verificaciones" + mismatches(night, ipomex=False),
        ),
        at_least(
            f"noche {night.number}: concordancia con la verdad simulada, IPOMEX",
            100 * ipomex.ratio,
            "%",
            100.0,
            note=f"{ipomex.matched} de {ipomex.total} fracciones" + mismatches(night, ipomex=True),
        ),
    ]


def mismatches(night: Night, ipomex: bool) -> str:
    """The first mismatches of sites or of IPOMEX, in Spanish ("" when there are none)."""
    found = [m for m in night.agreement.mismatches if m[1].startswith("ipomex.") == ipomex]
    shown = "; ".join(
        f"{night.names.get(cve, cve)} {check}: obtuvo {got}, se esperaba {want}"
        for cve, check, got, want in found[:UNREAD_SHOWN]
    )
    more = f" y {len(found) - UNREAD_SHOWN} más" if len(found) > UNREAD_SHOWN else ""
    return f"; difieren: {shown}{more}" if found else ""


def nights_rows(first: Night, second: Night) -> list[Measurement]:
    """Requests per municipality on the second night (nothing changed in the world) against the first."""
    before, after = first.requests, second.requests
    return [
        versus(
            "peticiones por municipio, noche 2 vs noche 1",
            after.per_municipality,
            before.per_municipality,
            "peticiones",
            None,
            note=f"sitio {mean(before.sites):.1f} → {mean(after.sites):.1f}; IPOMEX {mean(before.ipomex):.1f} → "
            f"{mean(after.ipomex):.1f} (sin cambios en el mundo simulado entre las dos noches)",
        )
    ]


def mean(values: Mapping[str, int]) -> float:
    """Mean of a mapping's values (0 when empty)."""
    return statistics.fmean(values.values()) if values else 0.0
