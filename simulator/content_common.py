"""Content every portal has: home, government section, news, filler pages, search and login forms."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from simulator.draft import SiteDraft
from simulator.model import NavItem, PageDraft, block, esc
from simulator.phrasing import COMMUNITIES, format_date, person, slugify

NEWS = (
    (
        "Arranca programa de bacheo en la cabecera municipal",
        "Cuadrillas de Obras Públicas rehabilitan calles y avenidas con mezcla asfáltica para mejorar la movilidad.",
    ),
    (
        "Entregan uniformes y útiles escolares a estudiantes de {c}",
        "Más de mil alumnas y alumnos de nivel básico recibieron paquetes escolares para el nuevo ciclo.",
    ),
    (
        "Jornada de salud en {c}",
        "Se ofrecieron consultas médicas, vacunación, detección de diabetes y orientación nutricional.",
    ),
    (
        "Campaña de esterilización canina y felina",
        "La campaña es gratuita; se pide llevar a las mascotas en ayuno de ocho horas.",
    ),
    (
        "Reforestan el cerro con más de dos mil árboles",
        "Voluntarios, escuelas y servidores públicos plantaron especies nativas en la zona alta.",
    ),
    (
        "Inauguran techumbre en la escuela primaria de {c}",
        "La obra beneficia a la comunidad escolar, que ahora cuenta con un espacio para actividades al aire libre.",
    ),
    (
        "Rehabilitan la red de agua potable en {c}",
        "Se sustituyeron tramos de tubería dañada para garantizar el abasto a las familias de la zona.",
    ),
    (
        "Celebran las fiestas patronales con saldo blanco",
        "Protección Civil y Seguridad Pública coordinaron los operativos durante los festejos.",
    ),
    (
        "Programa de descacharrización para prevenir el dengue",
        "Los camiones recorren las colonias para retirar cacharros y llantas que acumulan agua.",
    ),
    (
        "Taller de oficios para mujeres emprendedoras",
        "El DIF municipal imparte cursos de repostería, corte y confección y belleza.",
    ),
    (
        "Torneo municipal de futbol infantil",
        "Participan equipos de todas las comunidades en las categorías infantil y juvenil.",
    ),
    (
        "Entrega de despensas a adultos mayores de {c}",
        "El apoyo alimentario llega a familias en situación de vulnerabilidad.",
    ),
    (
        "Mantenimiento al alumbrado público en la zona centro",
        "Se sustituyeron luminarias por tecnología LED de bajo consumo.",
    ),
    (
        "Feria del empleo en la explanada municipal",
        "Empresas de la región ofrecieron vacantes para personas de todas las edades.",
    ),
)
FILLER = (
    (
        "historia",
        "Historia",
        "El nombre del municipio proviene de la lengua originaria de la región. Durante la "
        "Colonia se fundó la primera parroquia y en el siglo XIX se erigió como municipio del Estado de México.",
    ),
    (
        "turismo",
        "Turismo",
        "Te invitamos a conocer nuestra parroquia, el mercado tradicional, los paisajes de la "
        "sierra y la gastronomía local: barbacoa, mixiotes, tamales y pulque.",
    ),
    ("galeria", "Galería", "Imágenes de eventos, obras y festividades del municipio."),
    (
        "cronista",
        "Cronista Municipal",
        "El cronista resguarda la memoria histórica y las tradiciones de las comunidades.",
    ),
    (
        "gastronomia",
        "Gastronomía",
        "Platillos típicos de la región: barbacoa de hoyo, mole, quesadillas de flor de "
        "calabaza y dulces tradicionales.",
    ),
    (
        "fiestas-patronales",
        "Fiestas Patronales",
        "Cada comunidad celebra a su santo patrono con danzas, música de "
        "banda, juegos mecánicos y fuegos pirotécnicos.",
    ),
    (
        "escudo",
        "Escudo y Toponimia",
        "El escudo municipal representa los elementos naturales y la historia de sus pueblos.",
    ),
)
MIN_PAGES = 10
GOBIERNO_TITLES = ("Gobierno", "Ayuntamiento", "Tu Gobierno", "H. Ayuntamiento", "GOBIERNO")
NOTICIAS_TITLES = ("Noticias", "Comunicados", "Boletines", "Sala de Prensa", "NOTICIAS")


def build_gobierno(d: SiteDraft) -> PageDraft:
    """The government section: the mayor's message, and often the list of cabildo members."""
    label = d.rng.choice(GOBIERNO_TITLES)
    page = d.section("gobierno", "gobierno", f"{label.title()} | {d.nombre}", label)
    mayor = person(d.rng)
    page.add(
        f"<h2>Mensaje del Presidente Municipal</h2><p>{esc(mayor)}, Presidente Municipal Constitucional de "
        f"{esc(d.nombre)}, da la bienvenida a este espacio de comunicación con la ciudadanía.</p>"
        "<h3>Misión</h3><p>Ser un gobierno cercano, honesto y eficiente que atienda las necesidades de la "
        "población.</p><h3>Visión</h3><p>Un municipio ordenado, seguro y con oportunidades para todas y "
        "todos.</p>"
    )
    if d.rng.random() < 0.55:
        members = d.subpage(
            page,
            "cabildo",
            f"Integrantes del H. Cabildo{d.period()}",
            d.rng.choice(("Cabildo", "H. Cabildo", "Integrantes del Cabildo")),
        )
        rows = [("Presidente Municipal", mayor), ("Síndico Municipal", person(d.rng))]
        rows += [(f"{n}.º Regidor(a)", person(d.rng)) for n in range(1, d.rng.randint(6, 11))]
        cells = "".join(f"<tr><td>{esc(role)}</td><td>{esc(name)}</td></tr>" for role, name in rows)
        members.add(
            f"<h2>Integrantes del H. Ayuntamiento{esc(d.period())}</h2><table class='table'>"
            f"<tr><th>Cargo</th><th>Nombre</th></tr>{cells}</table>"
        )
    if d.rng.random() < 0.5:
        staff = d.subpage(page, "funcionarios", "Directorio de funcionarios", "Funcionarios")
        areas = (
            "Secretaría del Ayuntamiento",
            "Tesorería Municipal",
            "Dirección de Obras Públicas",
            "Dirección de Desarrollo Social",
            "DIF Municipal",
            "Protección Civil",
            "Registro Civil",
        )
        items = "".join(f"<li><strong>{esc(a)}</strong>: {esc(person(d.rng))}</li>" for a in areas)
        staff.add(f"<h2>Funcionarios de la administración municipal</h2><ul>{items}</ul>")
    return page


def news_date_html(d: SiteDraft, day: date | None) -> str:
    """The date line of a news item as the template shows it."""
    if day is None:
        return ""
    text = esc(format_date(day, d.plan.date_style))
    if d.plan.template == "wordpress":
        return (
            f'<span class="posted-on"><time class="entry-date published" datetime="{day.isoformat()}">{text}'
            "</time></span>"
        )
    prefix = d.rng.choice(("", "Publicado el ", "Fecha: ")) if d.plan.template != "bootstrap5" else ""
    return f'<p class="fecha"><small>{prefix}{text}</small></p>'


def share_buttons(d: SiteDraft, path: str) -> str:
    """Share buttons (never accounts): Facebook sharer, tweet intent, and WhatsApp share where WhatsApp is used."""
    target = esc(quote(f"https://{d.public_host}{path}", safe=""))
    buttons = [
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={target}" target="_blank">Facebook</a>',
        d.rng.choice(
            (
                f'<a href="https://twitter.com/intent/tweet?url={target}" target="_blank">Twitter</a>',
                f'<a href="https://twitter.com/share?url={target}" target="_blank">X</a>',
            )
        ),
    ]
    if d.plan.has("canal.whatsapp"):
        buttons.append(f'<a href="https://api.whatsapp.com/send?text={target}" target="_blank">WhatsApp</a>')
    title = d.rng.choice(("Compartir:", "Comparte:", "Compartir en"))
    return f'<div class="compartir">{title} {" | ".join(buttons)}</div>'


def build_news(d: SiteDraft) -> list[tuple[str, str, date | None]]:
    """A news section with articles; dated or not according to the site's freshness."""
    if not d.dates.dated and d.rng.random() < 0.35:
        return []
    count = 3 if d.plan.small else d.rng.randint(4, 9)
    days: list[date | None] = list(d.dates.series(count, lag=0, step=(2, 25))) or [None] * count
    label = d.rng.choice(NOTICIAS_TITLES)
    listing = d.section("noticias", "noticias", f"{label.title()} | {d.nombre}", label)
    picked = d.rng.sample(NEWS, count)
    shares = d.rng.random() < 0.5
    items: list[tuple[str, str, date | None]] = []
    for (title, body), day in zip(picked, days, strict=True):
        title = title.format(c=d.rng.choice(COMMUNITIES))
        path = d.paths.article(slugify(title), day)
        article = d.add_page(path, title, 2)
        dated = (day,) if day else ()
        article.add(
            f"<h1 class='entry-title'>{esc(title)}</h1>{news_date_html(d, day)}"
            f"<p>{esc(d.nombre)}, Estado de México. {esc(body)}</p>"
            "<p>El gobierno municipal refrenda su compromiso de trabajar por el bienestar de las familias.</p>",
            dates=dated,
        )
        if shares:
            article.add(share_buttons(d, path))
        listing.add(
            f"<article class='nota'><h3><a href='{esc(path)}'>{esc(title)}</a></h3>"
            f"{news_date_html(d, day)}<p>{esc(body[:90])}…</p></article>",
            dates=dated,
        )
        items.append((title, path, day))
    return items


def build_home(d: SiteDraft, news: list[tuple[str, str, date | None]]) -> None:
    """Home page: welcome text, the latest news and a few quick links."""
    hello = d.rng.choice(("Bienvenidos", "Bienvenidas y bienvenidos", "BIENVENIDOS"))
    welcome = (
        f"<section class='bienvenida'><h2>{hello}</h2><p>Portal oficial del Gobierno Municipal de "
        f"{esc(d.nombre)}, Estado de México: información, servicios y noticias.</p></section>"
    )
    d.home.blocks.insert(0, block(welcome))
    if news:
        latest = news[: d.rng.randint(2, 3)]
        cards = "".join(
            f"<div class='card'><h4><a href='{esc(p)}'>{esc(t)}</a></h4>{news_date_html(d, day)}</div>"
            for t, p, day in latest
        )
        d.home.add(
            f"<section class='ultimas'><h2>Últimas noticias</h2>{cards}</section>",
            dates=tuple(day for _, _, day in latest if day),
        )
    quick = [n for n in d.ordered_nav() if n.href.startswith("/") and n.key != "inicio"]
    if quick and d.rng.random() < 0.6:
        chosen = d.rng.sample(quick, min(len(quick), 3))
        for item in chosen:
            d.home.add(f"<div class='acceso-rapido'><a href='{esc(item.href)}'>{esc(item.label)}</a></div>", *item.tags)


def build_filler(d: SiteDraft) -> None:
    """Pages with no evidence (history, tourism...), some under a '#' dropdown toggle as real menus do."""
    count = 1 if d.plan.small else d.rng.randint(1, 4)
    count = min(max(count, MIN_PAGES - len(d.pages)), len(FILLER))
    children = []
    for slug, title, text in d.rng.sample(FILLER, count):
        page = d.add_page(d.paths.page(slug), f"{title} | {d.nombre}", 1)
        page.add(f"<h2>{esc(title)}</h2><p>{esc(text)}</p><p><img src='/img/{slug}.jpg' alt='{esc(title)}'></p>")
        children.append((title, page.path))
    if d.plan.template != "table" and d.rng.random() < 0.6:
        kids = tuple(NavItem("conoce", t, p) for t, p in children)
        d.nav_item("conoce", f"Conoce {d.nombre}" if len(d.nombre) < 18 else "Municipio", "#", children=kids)
    else:
        for title, path in children:
            d.nav_item("conoce", title, path)


def search_form(d: SiteDraft, name: str = "s", action: str = "/") -> str:
    """A site search form in the template's own markup."""
    template = d.plan.template
    if template == "wordpress":
        return (
            f'<form role="search" method="get" class="search-form" action="{action}"><label><span '
            'class="screen-reader-text">Buscar:</span><input type="search" class="search-field" placeholder='
            f'"Buscar …" value="" name="{name}"></label><input type="submit" class="search-submit" '
            'value="Buscar"></form>'
        )
    if template == "joomla":
        return (
            '<div class="search"><form action="/index.php" method="post" class="form-inline"><input '
            'name="searchword" id="mod-search-searchword" maxlength="200" class="inputbox search-query" '
            'type="search" placeholder="Buscar..."><input type="hidden" name="task" value="search"><input '
            'type="hidden" name="option" value="com_search"></form></div>'
        )
    if template == "table":
        return (
            '<form action="/buscar.php" method="get"><font size="1">BUSCAR:</font> <input type="text" name="q" '
            'size="15"> <input type="submit" value="Ir"></form>'
        )
    return (
        '<form class="d-flex" role="search" action="/buscar"><input class="form-control me-2" type="search" '
        'name="q" placeholder="Buscar en el sitio" aria-label="Buscar"><button class="btn btn-outline-light" '
        'type="submit">Buscar</button></form>'
    )


def build_search(d: SiteDraft, news_page: PageDraft | None) -> None:
    """sitio.buscador: a search form on the home; traps: search only on an inner page, intranet login form."""
    where = "sidebar" if d.plan.template in ("wordpress", "table") and d.rng.random() < 0.6 else "header"
    if d.plan.has("sitio.buscador"):
        d.chrome(where, search_form(d), "sitio.buscador")
    elif news_page is not None and d.rng.random() < 0.3:
        news_page.add(f"<div class='buscar-notas'>{search_form(d, 'buscar', news_page.path)}</div>", "sitio.buscador")
    if d.rng.random() < 0.15:
        d.home.add(
            '<div class="intranet"><h4>Acceso a servidores públicos</h4><form action="/intranet/login.php" '
            'method="post"><input type="text" name="usuario" placeholder="Usuario"><input type="password" '
            'name="password" placeholder="Contraseña"><button type="submit">Entrar</button></form></div>'
        )
