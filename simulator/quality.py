"""Working and broken channels and site quality, drawn per site from a stream of its own (issue 17).

Unlike the real-world variants (simulator.variants), these change what is true: a contact form that posts to a dead
address or nowhere, links to pages that no longer exist, images without alternative text, and trámite fichas that
state requirements, cost and time or leave the time out. The ground truth follows from what the pages show (simulator.truth).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Where a contact form sends: its own page (works), a handler that is gone (404), "#", or an alert only.
FORM_WORKS, FORM_DEAD, FORM_ANCHOR, FORM_ALERT = "funciona", "muerto", "ancla", "alerta"
DEAD_ENDPOINT = "/contacto/enviar-mensaje.php"
# Enough missing pages that the share is far above 5 % of any site the crawl reads (at most 60 pages).
BROKEN_LINKS = 6
IMAGES_WITHOUT_ALT = 3
FICHA_COMPLETE, FICHA_PARTIAL = "completa", "incompleta"
# Tags of the evidence blocks the truth reads.
FORM_WORKING_TAG = "canal.formulario_funcional"
FICHA_COMPLETE_TAG = "tramites.transparencia"
FICHA_PARTIAL_TAG = "tramites.ficha_incompleta"


@dataclass(frozen=True)
class Quality:
    """What one site does with its form, links, images and trámite pages."""

    form: str = FORM_WORKS
    broken_links: int = 0
    images_without_alt: int = 0
    # Whether the site's trámite fichas (when it publishes a catalogue) state the response time too.
    ficha: str = FICHA_COMPLETE

    @classmethod
    def for_site(cls, seed: int, cve_inegi: str) -> Quality:
        """The site's choices, from (seed, clave) only: the site's own generator draws nothing more."""
        rng = random.Random(f"vigia-sim:{seed}:{cve_inegi}:calidad")
        form = rng.choices((FORM_WORKS, FORM_DEAD, FORM_ANCHOR, FORM_ALERT), (70, 12, 9, 9))[0]
        broken = BROKEN_LINKS if rng.random() < 0.2 else 0
        images = IMAGES_WITHOUT_ALT if rng.random() < 0.25 else 0
        ficha = FICHA_PARTIAL if rng.random() < 0.3 else FICHA_COMPLETE
        return cls(form, broken, images, ficha)


def form_attributes(quality: Quality, own_path: str) -> tuple[str, str]:
    """(action, extra attributes) of the site's contact form and the tag it proves, if it works."""
    if quality.form == FORM_DEAD:
        return DEAD_ENDPOINT, ""
    if quality.form == FORM_ANCHOR:
        return "#", ""
    if quality.form == FORM_ALERT:
        return "#", " onsubmit=\"alert('¡Gracias! Tu mensaje fue enviado.'); return false;\""
    return own_path, ""


def form_tags(quality: Quality) -> tuple[str, ...]:
    """The tags a block with one of the site's contact forms carries besides its own: working, when it is."""
    return (FORM_WORKING_TAG,) if quality.form == FORM_WORKS else ()


def broken_links_html(count: int) -> str:
    """A list of links to pages of past administrations that the server no longer has."""
    items = "".join(
        f'<li><a href="/administracion-anterior/programa-{n}.html">Programa municipal {2016 + n}</a></li>'
        for n in range(count)
    )
    return f"<h3>Programas de administraciones anteriores</h3><ul>{items}</ul>"


def gallery_html(count: int) -> str:
    """Photos of the gallery written without alternative text."""
    images = "".join(f'<img src="/img/galeria-{n}.jpg" width="300">' for n in range(count))
    return f"<div class='galeria'>{images}</div>"


def ficha_tag(quality: Quality) -> str:
    """The tag of a trámite's ficha on this site: complete, or without the response time."""
    return FICHA_PARTIAL_TAG if quality.ficha == FICHA_PARTIAL else FICHA_COMPLETE_TAG
