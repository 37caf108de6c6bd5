"""LOSI content (issue 17): site map, procurement notices, open-data metadata and the organisation chart.

Drawn from a stream of the site's own (`vigia-sim:<seed>:<clave>:losi`) after every other content step, so the
site's generator draws nothing more and every other page, link and truth stays as it was. Each topic has a look-alike
the catalogue's keyword params must not count: a location map, a news item naming a past licitación in its text,
open-data notes that describe the files without naming metadata, and the photo of the Ayuntamiento.

Nothing here writes digits (phones, dates, years), headings or images on the home, or links to pages that do not exist,
so the recency, contact, accessibility and broken-link truths are untouched.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from simulator.catalogue import LOSI_CHECKS
from simulator.draft import Doc, SiteDraft
from simulator.model import PageDraft, esc

SITE_MAP = "sitio.mapa_sitio"
PROCUREMENT = "transparencia.licitaciones"
METADATA = "transparencia.datos_abiertos_metadatos"
ORG_CHART = "transparencia.organigrama"
OPEN_DATA = "transparencia.datos_abiertos"
# Base share of sites publishing each topic (richer municipalities a little more, as simulator.plan does); metadata
# only where the site publishes open data at all.
SHARES: dict[str, float] = {SITE_MAP: 0.42, PROCUREMENT: 0.5, METADATA: 0.75, ORG_CHART: 0.55}
LOOKALIKE_SHARE = 0.45

SITE_MAP_LABELS = ("Mapa del sitio", "Mapa de sitio", "MAPA DEL SITIO", "Mapa del portal")
PROCUREMENT_LABELS = (
    "Licitaciones públicas",
    "Convocatorias a licitación",
    "Licitaciones y concursos de obra pública",
    "LICITACIONES",
)
CALLS = (
    "Rehabilitación de la red de agua potable en la cabecera municipal",
    "Pavimentación con concreto hidráulico de la calle Morelos",
    "Adquisición de luminarias para el alumbrado público",
    "Adquisición de uniformes para el personal de protección civil",
    "Servicio de recolección y traslado de residuos sólidos",
)
CALL_STATES = ("Convocatoria vigente", "Junta de aclaraciones realizada", "Fallo publicado", "Desierta")
COMPRAMEX = "https://compramex.edomex.gob.mx/compramex/public/index.xhtml"
ORG_CHART_LABELS = ("Organigrama", "Organigrama municipal", "Estructura orgánica", "ORGANIGRAMA")
AREAS = (
    "Secretaría del Ayuntamiento",
    "Tesorería Municipal",
    "Dirección de Obras Públicas",
    "Dirección de Desarrollo Social",
    "Dirección de Seguridad Pública",
    "Dirección de Desarrollo Económico",
    "Sistema Municipal DIF",
)
METADATA_LABELS = ("Metadatos", "Diccionario de datos", "Metadatos de los conjuntos de datos")
DATASETS = (
    ("Obras públicas", "Obras realizadas por el municipio, con su ubicación y estado de avance"),
    ("Padrón de proveedores", "Personas físicas y morales registradas como proveedoras del municipio"),
    ("Directorio de servidores públicos", "Nombre, cargo y área de adscripción de cada servidor público"),
)


@dataclass(frozen=True)
class Losi:
    """Which LOSI topics one site publishes and which look-alikes it shows."""

    publishes: frozenset[str]
    lookalikes: frozenset[str]

    @classmethod
    def draw(cls, rng: random.Random, richness: float) -> Losi:
        """Each topic and each look-alike independently; richer sites publish a little more."""
        publishes = {c for c in LOSI_CHECKS if rng.random() < min(max(SHARES[c] + 0.4 * (richness - 0.5), 0.12), 0.9)}
        lookalikes = {c for c in LOSI_CHECKS if rng.random() < LOOKALIKE_SHARE}
        return cls(frozenset(publishes), frozenset(lookalikes))


def build_losi(d: SiteDraft, rng: random.Random) -> Losi:
    """Write the site's LOSI topics and look-alikes from rng alone; returns what was drawn."""
    losi = Losi.draw(rng, d.plan.richness)
    steps = (
        (SITE_MAP, add_site_map, add_location_map),
        (PROCUREMENT, add_procurement, add_past_contract_news),
        (METADATA, add_metadata, add_data_notes),
        (ORG_CHART, add_org_chart, add_ayuntamiento_photo),
    )
    for check, publish, lookalike in steps:
        if check in losi.lookalikes:
            lookalike(d, rng)
        if check in losi.publishes:
            publish(d, rng)
    return losi


def unique_page(d: SiteDraft, slug: str, title: str, depth: int) -> PageDraft:
    """A new page at the template's path for slug (suffixed while taken)."""
    path = d.paths.page(slug)
    while path in d.pages:
        slug += "-b"
        path = d.paths.page(slug)
    return d.add_page(path, title, depth)


def local_nav(d: SiteDraft) -> list[tuple[str, str, frozenset[str]]]:
    """(label, path, tags) of the menu entries that lead to a page of the site (toggles, «#» and other hosts left out)."""
    items = [child for item in d.ordered_nav() for child in (item, *item.children)]
    return [(i.label, i.href, i.tags) for i in items if i.href.startswith("/") and i.href in d.pages]


def add_site_map(d: SiteDraft, rng: random.Random) -> None:
    """sitio.mapa_sitio: a footer link (so on the home) to a page listing the home and every menu section."""
    label = rng.choice(SITE_MAP_LABELS)
    page = unique_page(d, "mapa-del-sitio", f"Mapa del sitio | {d.nombre}", 1)
    # Only pages the menu already links from every page: the map changes no page's depth, so no other truth.
    entries = local_nav(d)
    items = "".join(f'<li><a href="{esc(path)}">{esc(text)}</a></li>' for text, path, _ in entries)
    tags: set[str] = set().union(*(t for _, _, t in entries))
    html = f'<h2>Mapa del sitio</h2><ul class="mapa-sitio"><li><a href="/">Inicio</a></li>{items}</ul>'
    page.add(html, SITE_MAP, *tags)
    d.chrome("footer", f'<p class="mapa-sitio"><a href="{esc(page.path)}">{esc(label)}</a></p>', SITE_MAP)


def add_location_map(d: SiteDraft, rng: random.Random) -> None:
    """Look-alike: a map of where the municipality is (an outside map service), not a map of the site."""
    query = "+".join(f"Palacio Municipal {d.nombre} Estado de México".split())
    text = rng.choice(("Ver mapa de ubicación", "¿Cómo llegar?", "Mapa del municipio", "Ubicación en el mapa"))
    d.home.add(
        f"<div class='ubicacion'><p><strong>Mapa del municipio</strong>: ubicación del Palacio Municipal y de las "
        f'comunidades de {esc(d.nombre)}.</p><p><a href="https://www.google.com/maps/search/?api=1&amp;query='
        f'{esc(query)}" target="_blank">{esc(text)}</a></p></div>'
    )


def transparency_or_government(d: SiteDraft) -> PageDraft:
    """The transparency section when the site has one, else the government page."""
    return d.sections.get("transparencia") or d.sections["gobierno"]


def add_procurement(d: SiteDraft, rng: random.Random) -> None:
    """transparencia.licitaciones: a page (or block) of calls for tender with their state, and COMPRAMEX."""
    label = rng.choice(PROCUREMENT_LABELS)
    parent = transparency_or_government(d)
    target = d.subpage(parent, "licitaciones", f"{label.title()} | {d.nombre}", label, PROCUREMENT)
    rows = "".join(
        f"<tr><td>{esc(call)}</td><td>{esc(rng.choice(CALL_STATES))}</td></tr>"
        for call in rng.sample(CALLS, rng.randint(2, 4))
    )
    compramex = ""
    if rng.random() < 0.4:
        compramex = (
            f'<p>Consulta también los procedimientos en <a href="{COMPRAMEX}" target="_blank">COMPRAMEX</a>.</p>'
        )
    target.add(
        f"<h3>{esc(label)}</h3><table class='table'><tr><th>Objeto</th><th>Estado</th></tr>{rows}</table>{compramex}",
        PROCUREMENT,
    )


def add_past_contract_news(d: SiteDraft, rng: random.Random) -> None:
    """Look-alike: a news item on finished works that names the licitación in its text, never in a heading or link."""
    work = rng.choice(("la calle Hidalgo", "el mercado municipal", "la unidad deportiva", "el camino a la cabecera"))
    page = d.sections.get("noticias") or d.sections["gobierno"]
    page.add(
        f"<article class='nota'><h3>Entregan la rehabilitación de {esc(work)}</h3><p>La obra, adjudicada mediante "
        "licitación pública por la administración anterior, quedó concluida y fue entregada a las vecinas y "
        "vecinos.</p></article>"
    )


def open_data_page(d: SiteDraft) -> PageDraft | None:
    """The page showing the site's open data (its own page when it has one), if any."""
    pages = [p for p in d.pages.values() if any(OPEN_DATA in b.tags for b in p.blocks)]
    return pages[-1] if pages else None


def add_metadata(d: SiteDraft, rng: random.Random) -> None:
    """transparencia.datos_abiertos_metadatos: a table describing each data set, or a served data dictionary."""
    page = open_data_page(d)
    if page is None:  # no open data, so nothing to describe
        return
    label = rng.choice(METADATA_LABELS)
    if rng.random() < 0.5:
        rows = "".join(
            f"<tr><td>{esc(name)}</td><td>{esc(about)}</td><td>{esc(rng.choice(('Trimestral', 'Semestral', 'Anual')))}"
            "</td></tr>"
            for name, about in DATASETS
        )
        page.add(
            f"<h4>{esc(label)}</h4><table class='table'><tr><th>Conjunto de datos</th><th>Descripción</th>"
            f"<th>Periodicidad</th></tr>{rows}</table>",
            METADATA,
        )
        return
    path = d.paths.doc("diccionario-de-datos", "pdf", d.dates.newest)
    d.docs.setdefault(path, Doc(path, "Diccionario de datos", "pdf", True))
    page.add(f'<p><a href="{esc(path)}" target="_blank">{esc(label)} (PDF)</a></p>', METADATA)


def add_data_notes(d: SiteDraft, rng: random.Random) -> None:
    """Look-alike: notes on the open data's format and licence, which describe the files but are not metadata."""
    page = open_data_page(d)
    if page is None:
        return
    licence = rng.choice(("Libre Uso MX", "Creative Commons Atribución"))
    page.add(
        f"<p>Los archivos pueden descargarse y reutilizarse libremente citando la fuente. Licencia: {licence}.</p>"
    )


def add_org_chart(d: SiteDraft, rng: random.Random) -> None:
    """transparencia.organigrama: the structure as a list on the government page, or a served PDF linked there."""
    label = rng.choice(ORG_CHART_LABELS)
    page = d.sections["gobierno"]
    if rng.random() < 0.5:
        path = d.paths.doc("organigrama", "pdf", d.dates.newest)
        d.docs.setdefault(path, Doc(path, "Organigrama de la Administración Pública Municipal", "pdf", True))
        page.add(f'<p><a href="{esc(path)}" target="_blank">{esc(label)}</a></p>', ORG_CHART)
        return
    areas = "".join(f"<li>{esc(a)}</li>" for a in rng.sample(AREAS, rng.randint(4, len(AREAS))))
    page.add(
        f"<h3>{esc(label)}</h3><ul class='organigrama'><li>Presidencia Municipal<ul>{areas}</ul></li></ul>", ORG_CHART
    )


def add_ayuntamiento_photo(d: SiteDraft, rng: random.Random) -> None:
    """Look-alike: the Ayuntamiento's official photo shows who governs, not how the offices are organised."""
    caption = rng.choice(("Presidencia, sindicatura y regidurías de la administración actual", "Nuestro Ayuntamiento"))
    d.sections["gobierno"].add(
        f"<figure class='foto-ayuntamiento'><img src='/img/foto-oficial-ayuntamiento.jpg' "
        f"alt='Fotografía oficial del H. Ayuntamiento'><figcaption>{esc(caption)}</figcaption></figure>"
    )
