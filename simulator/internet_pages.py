"""Pages of the simulated internet that are not a farm site: homonyms, parked and hijacked domains, the state's
municipal directory, Facebook, and the identity footer real municipal sites carry."""

from __future__ import annotations

import random
from dataclasses import dataclass

from simulator.model import Resource, esc
from simulator.special import ALLOW_ALL, TEXT_PLAIN, html

ADMINISTRATION = "2025-2027"
# facebook.com/robots.txt lets a list of named crawlers in and disallows everyone else, as the real file does.
FACEBOOK_ROBOTS = Resource(
    200,
    TEXT_PLAIN,
    b"# Notice: Collection of data on Facebook through automated means is prohibited unless you have express\n"
    b"# written permission from Facebook.\nUser-agent: Googlebot\nDisallow: /ajax/\nDisallow: /checkpoint/\n\n"
    b"User-agent: bingbot\nDisallow: /ajax/\n\nUser-agent: *\nDisallow: /\n",
)


@dataclass(frozen=True)
class Homonym:
    """Another entity that owns the obvious domain of an Estado de México municipality's name."""

    cve: str
    title: str
    entity: str
    state: str
    period: str
    clase: str = "homonimo"


# Real namesakes in other states (or a business named after the town) of municipalities of the Estado de México.
HOMONYMS: tuple[Homonym, ...] = (
    Homonym("15070", "H. XVII Ayuntamiento de La Paz", "La Paz", "Baja California Sur", "2024-2027"),
    Homonym("15120", "H. Ayuntamiento de Eduardo Neri", "Zumpango del Río", "Guerrero", "2024-2027"),
    Homonym("15056", "Gobierno del Estado de Morelos", "Morelos", "Morelos", "2024-2030"),
    Homonym("15072", "H. Ayuntamiento de Rayón", "Rayón", "San Luis Potosí", "2024-2027"),
    Homonym("15027", "Bosque de Chapultepec", "Chapultepec", "Ciudad de México", "2024-2030"),
    Homonym("15064", "H. Ayuntamiento de El Oro", "El Oro", "Durango", "2022-2025"),
    Homonym("15088", "H. Ayuntamiento de Tenancingo", "Tenancingo", "Tlaxcala", "2024-2027"),
    Homonym("15045", "H. Ayuntamiento de Jilotepec", "Jilotepec", "Veracruz", "2022-2025"),
    Homonym("15107", "Balneario Tonatico", "Tonatico", "Estado de México", "", "comercial"),
)


def _page(title: str, body: str, status: int = 200) -> Resource:
    return html(
        status,
        f"<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>{esc(title)}</title></head>"
        f"<body>{body}</body></html>",
    )


def homonym_home(h: Homonym) -> Resource:
    """The home page of another state's namesake (or a business), which never says Estado de México (but Tonatico's
    spa, which is in the state and is no government)."""
    if h.clase == "comercial":
        return _page(
            f"{h.title} | Aguas termales en {h.entity}",
            f"<h1>{esc(h.title)}</h1><p>Albercas de aguas termales, toboganes y hospedaje en {esc(h.entity)}, "
            f"{esc(h.state)}.</p><p>Precios 2026: adultos $120, niños $80.</p><p>Reservaciones por WhatsApp.</p>",
        )
    return _page(
        f"{h.title} | {h.state}",
        f"<header><h1>{esc(h.title)}</h1><p>{esc(h.entity)}, {esc(h.state)}</p></header>"
        f"<main><h2>Bienvenidos</h2><p>Gobierno {esc(h.period)}.</p><ul><li><a href='/transparencia'>Transparencia"
        "</a></li><li><a href='/tramites'>Trámites y servicios</a></li></ul></main>"
        f"<footer>© 2026 {esc(h.title)}, {esc(h.state)}. Todos los derechos reservados.</footer>",
    )


def parked_home(domain: str, rng: random.Random) -> Resource:
    """A lapsed domain's parking page: for sale, with ad links, no trace of the town hall."""
    if rng.random() < 0.5:
        text = (
            f"<h1>{esc(domain)}</h1><p>Este dominio está a la venta.</p><p><a href='https://sedo.com/search/"
            f"details/?domain={esc(domain)}'>Haz una oferta en Sedo</a></p>"
        )
    else:
        text = (
            f"<h1>{esc(domain)}</h1><p>This domain may be for sale!</p><p><a href='https://dan.com/buy-domain/"
            f"{esc(domain)}'>Buy this domain</a></p><p>Related searches: <a href='/search?q=seguros'>Seguros</a> "
            "<a href='/search?q=creditos'>Créditos</a></p>"
        )
    return _page(domain, text)


def casino_home(nombre: str, keeps_name: bool) -> Resource:
    """A lapsed municipal domain bought for gambling spam; some keep the old title to ride its search ranking."""
    title = f"H. Ayuntamiento de {nombre} – Casino en línea" if keeps_name else "Casino en línea México 2026"
    return _page(
        title,
        "<h1>Los mejores casinos en línea de México</h1><p>Bono de bienvenida del 200% y 50 giros gratis. Juega "
        "tragamonedas, ruleta y blackjack con dinero real.</p><p><a href='/registro'>Regístrate y apuesta ahora</a>"
        "</p><p>Apuestas deportivas: Liga MX, NFL, Champions.</p><footer>+18 · Juega con responsabilidad</footer>",
    )


def identity_footer(nombre: str, neighbours: list[tuple[str, str]]) -> bytes:
    """The footer block real municipal home pages carry (ayuntamiento, state, administration), plus links to the
    neighbouring municipalities' sites some of them show."""
    links = "".join(f"<li><a href='{esc(url)}'>{esc(name)}</a></li>" for name, url in neighbours)
    vecinos = f"<p>Municipios vecinos:</p><ul>{links}</ul>" if links else ""
    text = (
        f"<footer class='pie-institucional'><p>H. Ayuntamiento de {esc(nombre)}, Estado de México · "
        f"Administración {ADMINISTRATION}</p>{vecinos}</footer>"
    )
    return text.encode("utf-8")


def facebook_page(nombre: str, handle: str) -> Resource:
    """A municipality's public Facebook page as an anonymous visitor sees it."""
    title = f"H. Ayuntamiento de {nombre} {ADMINISTRATION}"
    return html(
        200,
        f"<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>{esc(title)} | Facebook</title>"
        f"<meta property='og:title' content='{esc(title)}'><meta property='og:url' "
        f"content='https://www.facebook.com/{esc(handle)}'><meta property='og:description' content='Página "
        f"oficial del Gobierno Municipal de {esc(nombre)}, Estado de México.'></head><body><h1>{esc(title)}</h1>"
        f"<p>Entidad gubernamental · {esc(nombre)}, Estado de México</p><p>Gobierno Municipal {ADMINISTRATION}"
        "</p></body></html>",
    )


def facebook_login() -> Resource:
    """The login wall facebook.com shows anonymous visitors for most paths."""
    return _page(
        "Facebook - Inicia sesión o regístrate",
        "<h2>Facebook te ayuda a comunicarte y compartir con las personas que forman parte de tu vida.</h2>"
        "<form action='/login/' method='post'><input name='email'><input name='pass' type='password'>"
        "<button>Iniciar sesión</button></form><a href='/r.php'>Crear cuenta nueva</a>",
    )


def directory_page(rows: list[tuple[str, list[tuple[str, str]]]]) -> Resource:
    """The state's municipal directory: each municipality with the addresses the state lists for it (some stale)."""
    body = "".join(
        "<tr><td>{}</td><td>{}</td></tr>".format(
            esc(name), " ".join(f"<a href='{esc(url)}'>{esc(label)}</a>" for label, url in links) or "—"
        )
        for name, links in rows
    )
    return _page(
        "Municipios del Estado de México | Gobierno del Estado de México",
        "<h1>Municipios del Estado de México</h1><p>Directorio de los 125 ayuntamientos.</p><table><thead><tr>"
        f"<th>Municipio</th><th>Sitio web</th></tr></thead><tbody>{body}</tbody></table>",
    )


def state_home() -> Resource:
    """The state government's home page, linking its municipal directory."""
    return _page(
        "Gobierno del Estado de México",
        "<h1>Gobierno del Estado de México</h1><nav><a href='/municipios'>Municipios</a> "
        "<a href='/tramites'>Trámites</a></nav>",
    )


STATE_ROBOTS = ALLOW_ALL
