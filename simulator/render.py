"""Page templates: WordPress-like, Bootstrap 5, Bootstrap 4, old table layout and Joomla-like."""

from __future__ import annotations

from collections.abc import Callable

from simulator.draft import SiteDraft
from simulator.model import Block, NavItem, PageDraft, esc

VIEWPORTS = {
    "responsive": '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "fija": '<meta name="viewport" content="width=1024">',
    "ausente": "",
}
# Characters outside Latin-1 that sites declaring ISO-8859-1 simply do not use.
LATIN1_FIX = str.maketrans({"–": "-", "—": "-", "“": '"', "”": '"', "…": "...", "•": "*", "’": "'"})


def joined(blocks: list[Block]) -> str:
    """Concatenate block fragments."""
    return "\n".join(b.html for b in blocks)


def brand(d: SiteDraft) -> str:
    """The site's name as shown in its header."""
    if "brand" not in d.plan.chrome_choices:
        options = (
            f"H. Ayuntamiento de {d.nombre}",
            f"Gobierno Municipal de {d.nombre}",
            f"Municipio de {d.nombre}",
            f"H. Ayuntamiento Constitucional de {d.nombre}{d.period()}",
        )
        d.plan.chrome_choices["brand"] = d.rng.choice(options)
    return d.plan.chrome_choices["brand"]


def head(d: SiteDraft, page: PageDraft, charset: str, assets: str) -> str:
    """The <head>: charset declaration, viewport (or not), title and the template's assets."""
    title = esc(page.title if page is not d.home else f"{brand(d)} | Sitio oficial")
    return f"<head>\n{charset}\n{VIEWPORTS[d.plan.viewport]}\n<title>{title}</title>\n{assets}\n</head>"


def nav_links(items: list[NavItem], item_tpl: str, drop_tpl: str, child_tpl: str) -> str:
    """Render menu entries with per-template snippets ({href}, {label}, {children})."""
    out = []
    for item in items:
        if item.children:
            kids = "".join(child_tpl.format(href=esc(c.href), label=esc(c.label)) for c in item.children)
            out.append(drop_tpl.format(href=esc(item.href), label=esc(item.label), children=kids))
        else:
            out.append(item_tpl.format(href=esc(item.href), label=esc(item.label)))
    return "".join(out)


def with_home(d: SiteDraft, label: str = "Inicio") -> list[NavItem]:
    """The menu with its 'Inicio' entry first."""
    return [NavItem("inicio", label, "/"), *d.ordered_nav()]


def main_content(d: SiteDraft, page: PageDraft) -> str:
    """Page body: banners on the home, then the page's blocks."""
    banners = f'<div class="banners">{joined(d.banners)}</div>' if page is d.home and d.banners else ""
    return banners + joined(page.blocks)


def copyright_line(d: SiteDraft) -> str:
    """Footer copyright; stale sites keep an old year."""
    return f"<p>© {d.dates.newest.year} {esc(brand(d))}. Todos los derechos reservados.</p>"


def wordpress(d: SiteDraft, page: PageDraft) -> str:
    """WordPress-like theme with wp-content assets, sub-menus and sidebar widgets."""
    assets = (
        "<link rel='stylesheet' id='astra-theme-css-css' href='/wp-content/themes/astra/assets/css/minified/"
        "main.min.css?ver=4.6.4' media='all'>\n<script src='/wp-includes/js/jquery/jquery.min.js?ver=3.7.1' "
        "id='jquery-core-js'></script>"
    )
    menu = nav_links(
        with_home(d),
        '<li class="menu-item"><a href="{href}">{label}</a></li>',
        '<li class="menu-item menu-item-has-children"><a href="{href}">{label}</a><ul class="sub-menu">'
        "{children}</ul></li>",
        '<li class="menu-item"><a href="{href}">{label}</a></li>',
    )
    sidebar = f'<aside id="secondary" class="widget-area"><section class="widget">{joined(d.sidebar)}</section></aside>'
    top = head(d, page, '<meta charset="UTF-8">', assets)
    return (
        f'<!DOCTYPE html>\n<html lang="es-MX">\n{top}\n'
        f'<body class="page-template-default page"><div id="page" class="site"><header id="masthead" '
        f'class="site-header">{joined(d.header)}<div class="site-branding"><a href="/" class="custom-logo-link" '
        f'rel="home"><img src="/wp-content/uploads/escudo.png" alt="Escudo"></a><p class="site-title"><a href="/" '
        f'rel="home">{esc(brand(d))}</a></p></div><nav id="site-navigation" class="main-navigation"><ul '
        f'id="primary-menu" class="menu">{menu}</ul></nav></header><div id="content" class="site-content"><main '
        f'id="main" class="site-main"><article class="page type-page status-publish"><div class="entry-content">'
        f'{main_content(d, page)}</div></article></main>{sidebar}</div><footer id="colophon" class="site-footer">'
        f"{joined(d.footer)}{copyright_line(d)}</footer></div>\n{joined(d.head)}\n</body>\n</html>\n"
    )


def bootstrap(d: SiteDraft, page: PageDraft, version: int) -> str:
    """Bootstrap 4 or 5 navbar layout."""
    toggle = "data-bs-toggle" if version == 5 else "data-toggle"
    css = (
        "https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/css/bootstrap.min.css"
        if version == 5
        else "https://stackpath.bootstrapcdn.com/bootstrap/4.5.2/css/bootstrap.min.css"
    )
    assets = f'<link href="{css}" rel="stylesheet">'
    menu = nav_links(
        with_home(d),
        '<li class="nav-item"><a class="nav-link" href="{href}">{label}</a></li>',
        '<li class="nav-item dropdown"><a class="nav-link dropdown-toggle" href="{href}" role="button" '
        f'{toggle}="dropdown">{{label}}</a><ul class="dropdown-menu">{{children}}</ul></li>',
        '<li><a class="dropdown-item" href="{href}">{label}</a></li>',
    )
    top = head(d, page, '<meta charset="utf-8">', assets)
    return (
        f'<!doctype html>\n<html lang="es">\n{top}\n<body>\n'
        f'{joined(d.header)}<nav class="navbar navbar-expand-lg navbar-dark bg-dark"><div class="container-fluid">'
        f'<a class="navbar-brand" href="/"><img src="/img/logo.png" alt="" height="48"> {esc(brand(d))}</a>'
        f'<button class="navbar-toggler" type="button" {toggle}="collapse" data-target="#menu"><span '
        f'class="navbar-toggler-icon"></span></button><div class="collapse navbar-collapse" id="menu"><ul '
        f'class="navbar-nav me-auto">{menu}</ul></div></div></nav>\n<main class="container my-4">'
        f'{main_content(d, page)}{joined(d.sidebar)}</main>\n<footer class="bg-dark text-white py-4"><div '
        f'class="container">{joined(d.footer)}{copyright_line(d)}</div></footer>\n{joined(d.head)}\n'
        "</body>\n</html>\n"
    )


def relative(href: str) -> str:
    """Old sites link files next to each other ("transparencia.htm"); every page of theirs sits at the root."""
    name = href[1:]
    return name if href.startswith("/") and name and "/" not in name and "?" not in name else href


def table(d: SiteDraft, page: PageDraft) -> str:
    """Old table layout, upper-case menu, no viewport; the charset meta follows the site's legacy encoding."""
    charset = (
        ""
        if d.plan.legacy_charset == "cp1252"
        else f'<meta http-equiv="Content-Type" content="text/html; charset={d.plan.legacy_charset}">'
    )
    menu = "".join(
        f'<tr><td class="menu"><a href="{esc(relative(i.href))}">{esc(i.label.upper())}</a></td></tr>'
        for i in with_home(d, "INICIO")
    )
    top = head(d, page, charset, '<link href="estilos.css" rel="stylesheet" type="text/css">')
    return (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html>\n'
        f"{top}\n"
        '<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0">\n<table width="980" border="0" align="center" '
        f'cellpadding="0" cellspacing="0"><tr><td colspan="2"><img src="/imagenes/encabezado.jpg" width="980" '
        f'height="150" alt="{esc(brand(d).upper())}">{joined(d.header)}</td></tr>\n<tr><td width="200" '
        f'valign="top" bgcolor="#E8E8E8"><table width="100%">{menu}</table>{joined(d.sidebar)}</td>\n<td '
        f'width="780" valign="top">{main_content(d, page)}</td></tr>\n<tr><td colspan="2" align="center"><font '
        f'size="1" face="Arial">{joined(d.footer)}{copyright_line(d)}</font></td></tr></table>\n{joined(d.head)}'
        "\n</body>\n</html>\n"
    )


def joomla(d: SiteDraft, page: PageDraft) -> str:
    """Joomla-like protostar template with module positions."""
    assets = (
        '<meta name="generator" content="Joomla! - Open Source Content Management">\n<link '
        'href="/templates/protostar/css/template.css" rel="stylesheet">\n<script '
        'src="/media/jui/js/jquery.min.js"></script>'
    )
    menu = nav_links(
        with_home(d),
        '<li><a href="{href}">{label}</a></li>',
        '<li class="deeper parent"><a href="{href}">{label}</a><ul class="nav-child unstyled small">'
        "{children}</ul></li>",
        '<li><a href="{href}">{label}</a></li>',
    )
    top = head(d, page, '<meta charset="utf-8">', assets)
    return (
        f'<!DOCTYPE html>\n<html lang="es-es" dir="ltr">\n{top}\n'
        f'<body class="site com_content view-article"><div class="body"><div class="container"><header '
        f'class="header"><a class="brand pull-left" href="/">{esc(brand(d))}</a><div class="header-search '
        f'pull-right">{joined(d.header)}</div></header><nav class="navigation" role="navigation"><ul class="nav '
        f'menu nav-pills mod-list">{menu}</ul></nav><div class="row-fluid"><main id="content" role="main" '
        f'class="span9"><div class="item-page">{main_content(d, page)}</div></main><div id="aside" class="span3">'
        f'<div class="moduletable">{joined(d.sidebar)}</div></div></div></div></div><footer class="footer" '
        f'role="contentinfo"><div class="container">{joined(d.footer)}{copyright_line(d)}</div></footer>\n'
        f"{joined(d.head)}\n</body>\n</html>\n"
    )


SKINS: dict[str, Callable[[SiteDraft, PageDraft], str]] = {
    "wordpress": wordpress,
    "bootstrap5": lambda d, p: bootstrap(d, p, 5),
    "bootstrap4": lambda d, p: bootstrap(d, p, 4),
    "table": table,
    "joomla": joomla,
}


def render(d: SiteDraft, page: PageDraft) -> str:
    """The full HTML of one page."""
    html = SKINS[d.plan.template](d, page)
    return html.translate(LATIN1_FIX) if d.plan.legacy_charset == "iso-8859-1" else html
