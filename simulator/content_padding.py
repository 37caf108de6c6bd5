"""Padding for scale benchmarks: plain "boletín" pages that prove nothing, so that a site grows without its truth
changing.

Every text here was written to stay clear of the catalogue (config/checks.yaml) and of the independent audit
(tests/simulator/evidence_audit.py): no digits (phones, dates, years), no e-mail or "arroba", no forms, no external
links, and none of their keywords or look-alikes (trámite, pago, en línea, sesión, acta, queja, bando, gaceta,
transparencia, presupuesto, contraloría, privacidad, reporta, apuesta, construcción, mantenimiento...).
"""

from __future__ import annotations

import random

from simulator.draft import MAX_DEPTH, SiteDraft
from simulator.model import esc

LISTING_SLUG = "boletines-informativos"
ITEM_SLUG = "boletin-informativo"
PLACES = (
    "San Juan",
    "Santa María",
    "San Pedro",
    "La Concepción",
    "El Calvario",
    "San Miguel",
    "Santa Cruz",
    "San Francisco",
    "La Loma",
    "San José",
    "El Rosario",
    "San Lorenzo",
    "Santiago",
    "San Antonio",
    "Los Reyes",
)
BULLETINS = (
    (
        "Rehabilitan el jardín principal de {c}",
        "Vecinas y vecinos cuentan ya con bancas nuevas, andadores limpios y jardineras con plantas de la región.",
    ),
    (
        "Concluye el curso de verano para niñas y niños",
        "Durante varias semanas hubo talleres de pintura, lectura, música y juegos tradicionales en la casa de cultura.",
    ),
    (
        "Exposición de artesanías en la explanada",
        "Artesanas y artesanos de {c} mostraron piezas de barro, textiles bordados a mano y juguetes de madera.",
    ),
    (
        "Limpieza del canal de riego en {c}",
        "Brigadas de voluntarios retiraron basura y maleza a lo largo del canal antes de la temporada de lluvias.",
    ),
    (
        "Festival de música tradicional",
        "Bandas de viento y grupos de son se presentaron en el kiosco ante cientos de familias de la región.",
    ),
    (
        "Nuevos juegos infantiles en el parque de {c}",
        "El parque cuenta ahora con columpios, resbaladillas y una zona de arena para los más pequeños.",
    ),
    (
        "Jornada de lectura en la biblioteca municipal",
        "Cuentacuentos, préstamo de libros y actividades para fomentar el gusto por la lectura entre la niñez.",
    ),
    (
        "Torneo de ajedrez entre escuelas secundarias",
        "Estudiantes de distintas comunidades compitieron en un ambiente de respeto y compañerismo.",
    ),
    (
        "Muestra gastronómica de {c}",
        "Cocineras tradicionales ofrecieron tamales, atole, tlacoyos y dulces típicos elaborados con recetas antiguas.",
    ),
    (
        "Siembra de árboles frutales en escuelas",
        "Alumnos y maestros plantaron duraznos, ciruelos y manzanos en los patios de varias escuelas.",
    ),
    (
        "Clases de baile folclórico en {c}",
        "El grupo de danza invita a jóvenes y adultos a aprender los bailes tradicionales de la región.",
    ),
    (
        "Mejoran el alumbrado del andador peatonal",
        "Se colocaron lámparas nuevas que dan más seguridad a quienes caminan por la tarde y la noche.",
    ),
    (
        "Campaña de limpieza en el río de {c}",
        "Familias, escuelas y grupos de jóvenes se sumaron para retirar residuos de las márgenes del río.",
    ),
    (
        "Encuentro de coros infantiles",
        "Coros de varias escuelas interpretaron canciones populares en el auditorio de la casa de cultura.",
    ),
)
CLOSINGS = (
    "El gobierno municipal agradece la participación de las familias.",
    "Se invita a la población a sumarse a las próximas actividades.",
    "Las actividades continuarán en otras comunidades del municipio.",
)


def reachable_pages(d: SiteDraft) -> int:
    """Pages a depth-bounded crawl can reach: every page not deliberately put beyond the crawl's depth."""
    return sum(1 for page in d.pages.values() if page.depth <= MAX_DEPTH)


def unique_path(d: SiteDraft, slug: str) -> str:
    """The template's path for slug, suffixed until no page has it."""
    path = d.paths.page(slug)
    while path in d.pages:
        slug += "-b"
        path = d.paths.page(slug)
    return path


def bulletin(rng: random.Random, d: SiteDraft) -> tuple[str, str]:
    """(title, body HTML) of one bulletin."""
    title, text = rng.choice(BULLETINS)
    place = rng.choice(PLACES)
    body = (
        f"<h1>{esc(title.format(c=place))}</h1><p>{esc(d.nombre)}, Estado de México. "
        f"{esc(text.format(c=place))}</p><p>{esc(rng.choice(CLOSINGS))}</p>"
    )
    return title.format(c=place), body


def pad_site(d: SiteDraft, target: int, rng: random.Random) -> None:
    """Add a bulletin listing (linked from the home) and as many bulletins as bring the site to about target pages.

    rng is the padding's own generator: the site's draws, and so everything else it serves, stay as they were.
    """
    missing = target - reachable_pages(d) - 1  # the listing is a page too
    if missing < 1:
        return
    listing = d.add_page(unique_path(d, LISTING_SLUG), f"Boletines informativos | {d.nombre}", 1)
    listing.add("<h2>Boletines informativos</h2><p>Noticias breves de las comunidades del municipio.</p>")
    d.home.add(f"<div class='boletines'><a href='{esc(listing.path)}'>Boletines informativos</a></div>")
    for n in range(missing):
        title, body = bulletin(rng, d)
        page = d.add_page(unique_path(d, f"{ITEM_SLUG}-{n + 1}"), f"{title} | {d.nombre}", 2)
        page.add(body)
        listing.add(f"<article class='boletin'><h3><a href='{esc(page.path)}'>{esc(title)}</a></h3></article>")
