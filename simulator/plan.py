"""Seeded choice of what one simulated site has: template, features present, dates, traps."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from config.registry import Municipality
from simulator.catalogue import FEATURE_CHECKS, LOSI_CHECKS
from simulator.model import CP1252, JS_ONLY, SLOW
from simulator.phrasing import DATE_STYLES, LADAS_INTERIOR

TEMPLATES: tuple[tuple[str, int], ...] = (
    ("wordpress", 34),
    ("bootstrap5", 20),
    ("bootstrap4", 18),
    ("table", 12),
    ("joomla", 12),
)

# Base share of sites showing each feature; richer (more populous) municipalities get a little more.
PRESENCE: dict[str, float] = {
    "sitio.buscador": 0.55,
    "canal.redes_sociales": 0.68,
    "transparencia.enlace_portal": 0.72,
    "sitio.aviso_privacidad": 0.5,
    "canal.telefono": 0.7,
    "canal.correo": 0.68,
    "canal.formulario": 0.45,
    "canal.whatsapp": 0.36,
    "canal.chat": 0.38,
    "canal.tramites_en_linea": 0.55,
    "canal.pagos_en_linea": 0.36,
    "canal.reporte_ciudadano": 0.5,
    "participacion.copaci": 0.42,
    "participacion.cocicovi": 0.38,
    "participacion.presupuesto_participativo": 0.36,
    "participacion.denuncia_ciudadana": 0.42,
    "participacion.cabildo_abierto": 0.5,
    "normatividad.bando_municipal": 0.68,
    "normatividad.gaceta_municipal": 0.5,
    "normatividad.plan_desarrollo": 0.58,
    "transparencia.enlace_ipomex": 0.58,
    "transparencia.solicitudes": 0.55,
    "transparencia.unidad_transparencia": 0.45,
    "transparencia.conac": 0.55,
    "transparencia.datos_abiertos": 0.36,
}
DEEP_CANDIDATES = ("normatividad.gaceta_municipal", "normatividad.plan_desarrollo", "normatividad.bando_municipal")
FORCED_CP1252 = (
    "canal.telefono",
    "canal.reporte_ciudadano",
    "transparencia.enlace_portal",
    "transparencia.unidad_transparencia",
)


@dataclass
class Plan:
    """Everything decided up front for one site; pages are then built to match it."""

    template: str
    viewport: str
    present: dict[str, bool]
    freshness: str
    date_style: str
    lada: str
    richness: float
    home_redirect: str | None = None
    deep: str | None = None
    ut_trap: bool = False
    small: bool = False
    legacy_charset: str = "utf-8"
    chrome_choices: dict[str, str] = field(default_factory=dict)

    def has(self, check_id: str) -> bool:
        """Tell whether the site is meant to show this feature."""
        return self.present.get(check_id, False)


def richness(municipality: Municipality, rng: random.Random) -> float:
    """0..1 capacity of the municipality's web team: population on a log scale plus noise."""
    pop = max(municipality.poblacion_2020, 1000)
    scale = min(max((math.log10(pop) - 4.0) / 2.3, 0.0), 1.0)
    return 0.6 * scale + 0.4 * rng.random()


def choose_template(rng: random.Random, rich: float) -> str:
    """Pick a template; poorer municipalities keep old table layouts more often."""
    weights = [w * (1.8 - rich) if name == "table" else w for name, w in TEMPLATES]
    return rng.choices([name for name, _ in TEMPLATES], weights=weights)[0]


def choose_viewport(rng: random.Random, template: str) -> str:
    """responsive (width=device-width), ausente (no meta) or fija (width=1024)."""
    if template == "table":
        return "ausente"
    roll = rng.random()
    return "ausente" if roll < 0.06 else "fija" if roll < 0.11 else "responsive"


def choose_presence(rng: random.Random, rich: float) -> dict[str, bool]:
    """Draw each feature independently, then apply the couplings real sites show."""
    present = {check: rng.random() < min(max(p + 0.4 * (rich - 0.5), 0.12), 0.92) for check, p in PRESENCE.items()}
    # A WhatsApp line is always published next to an ordinary phone, so its digits never decide canal.telefono.
    if present["canal.whatsapp"]:
        present["canal.telefono"] = True
    return present


def make_plan(rng: random.Random, municipality: Municipality, behaviour: str) -> Plan:
    """Decide template, features, freshness and traps of one site."""
    rich = richness(municipality, rng)
    template = "table" if behaviour == CP1252 else choose_template(rng, rich)
    if behaviour == JS_ONLY and template == "table":  # script-built sites are never old table layouts
        template = "bootstrap5"
    present = choose_presence(rng, rich)
    if behaviour == CP1252:
        present.update(dict.fromkeys(FORCED_CP1252, True))
    viewport = choose_viewport(rng, template)
    present["sitio.movil"] = viewport == "responsive"
    # The budget statement is one of the CONAC reports (content_transparency.add_conac), never written alone.
    present["transparencia.presupuesto"] = present["transparencia.conac"]
    roll = rng.random()
    freshness = "reciente" if roll < 0.56 else "antigua" if roll < 0.86 else "sin_fechas"
    plan = Plan(
        template,
        viewport,
        present,
        freshness,
        rng.choice(DATE_STYLES),
        "55" if rng.random() < 0.35 else rng.choice(LADAS_INTERIOR),
        rich,
        small=behaviour == SLOW,
    )
    # Table sites use relative links, which only work from the root, so they never move their home.
    if rng.random() < 0.1 and template != "table":
        plan.home_redirect = rng.choice(("/inicio/", "/portal/index.html"))
    if template == "table":
        plan.legacy_charset = "cp1252" if behaviour == CP1252 else rng.choice(("utf-8", "iso-8859-1"))
    plan.ut_trap = not present["transparencia.unidad_transparencia"] and rng.random() < 0.4
    absent_deep = [c for c in DEEP_CANDIDATES if not present[c]]
    if absent_deep and behaviour not in (CP1252, SLOW) and rng.random() < 0.08:
        plan.deep = rng.choice(absent_deep)
    # The LOSI topics are drawn later, from a stream of their own (simulator.content_losi).
    assert set(present) == set(FEATURE_CHECKS) - set(LOSI_CHECKS), "the plan must decide every feature check"
    return plan


class DateSource:
    """Publication dates of one site, all consistent with its freshness class."""

    def __init__(self, rng: random.Random, run_date: date, freshness: str) -> None:
        self.rng, self.run_date, self.freshness = rng, run_date, freshness
        # Far from the 90-day boundary on purpose, so a one-day difference in "today" never flips the truth.
        back = rng.randint(1, 40) if freshness == "reciente" else rng.randint(130, 700)
        self.newest = run_date - timedelta(days=back)

    @property
    def dated(self) -> bool:
        """Whether this site shows any date at all."""
        return self.freshness != "sin_fechas"

    def series(self, count: int, lag: int = 0, step: tuple[int, int] = (4, 40)) -> list[date]:
        """count dates, newest first, starting up to lag days before the site's newest date."""
        if not self.dated:
            return []
        day = self.newest - timedelta(days=self.rng.randint(0, lag))
        result = []
        for _ in range(count):
            result.append(day)
            day -= timedelta(days=self.rng.randint(*step))
        return result
