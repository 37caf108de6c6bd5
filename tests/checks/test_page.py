"""Page parsing: one lxml pass into text, links, forms and metadata; hostile or odd input never breaks it."""

from __future__ import annotations

import pytest

from checks.engine import SiteEvaluator, split_links
from checks.page import absolute, is_document, parse_page

from .conftest import RUN_DATE, html

URL = "https://municipio.gob.mx/seccion/pagina.html"


def test_visible_text_excludes_invisible_elements():
    page = parse_page(
        URL,
        html(
            "<p>Información Pública</p><script>var oculto = 1;</script><style>.x{}</style>"
            "<noscript>Active JavaScript</noscript><template><p>plantilla</p></template><!-- comentario -->"
        ),
    )
    assert "Información Pública" in page.text and "informacion publica" in page.folded
    for hidden in ("oculto", "plantilla", "comentario", "Active JavaScript", ".x{}"):
        assert hidden not in page.text
    assert page.noscript == "active javascript" and page.title == "H. Ayuntamiento de Ejemplo"


def test_links_are_absolute_without_fragments_and_dead_links_are_not_links():
    page = parse_page(
        URL,
        html(
            '<a href="../transparencia/#art92">Transparencia</a><a href="#directorio">Aviso de privacidad</a>'
            '<a href="javascript:void(0)">Pagos</a><a href="">Vacío</a><a href="  #  ">Espacio</a>'
            '<a href="//cdn.gob.mx/a.pdf"><img alt="Bando Municipal 2025"></a><a href="mailto:x@y.mx">Correo</a>'
            '<a name="ancla">Sin href</a><a href="/inicio" title="Inicio" aria-label="Ir al inicio"></a>'
        ),
    )
    urls = [link.url for link in page.links]
    assert urls[0] == "https://municipio.gob.mx/transparencia/"
    assert "https://cdn.gob.mx/a.pdf" in urls and "mailto:x@y.mx" in urls
    assert "Aviso de privacidad" not in page.text and "aviso de privacidad" in page.dead_text
    assert "Sin href" in page.text
    texts = {link.url: link.text for link in page.links}
    assert texts["https://cdn.gob.mx/a.pdf"] == "Bando Municipal 2025"
    assert texts["https://municipio.gob.mx/inicio"] == "Inicio Ir al inicio"


def test_split_links_deduplicates_in_order_and_separates_documents():
    page = parse_page(
        URL,
        html(
            '<a href="/b">B</a><a href="/a#x">A</a><a href="/b#y">B otra vez</a><a href="/docs/plan.PDF">Plan</a>'
            '<a href="/datos.csv?v=2">CSV</a><a href="tel:7221234567">Tel</a><a href="ftp://x/y">FTP</a>'
        ),
    )
    pages, documents = split_links(page)
    assert pages == ("https://municipio.gob.mx/b", "https://municipio.gob.mx/a")
    assert documents == ("https://municipio.gob.mx/docs/plan.PDF", "https://municipio.gob.mx/datos.csv?v=2")
    assert is_document("https://x.mx/a.docx") and not is_document("https://x.mx/pdf/")


def test_hostile_and_odd_hrefs():
    assert absolute(URL, "java\tscript:alert(1)") is None
    assert absolute(URL, "http:\\\\evil.example\\x") == "http://evil.example/x"
    assert absolute(URL, "https://[::1") is None
    assert absolute(URL, "?page=2") == "https://municipio.gob.mx/seccion/pagina.html?page=2"
    assert absolute(URL, "./a/../b.html") == "https://municipio.gob.mx/seccion/b.html"
    page = parse_page(URL, html('<base href="https://otro.gob.mx/raiz/"><a href="x.html">X</a>'))
    assert page.links[0].url == "https://otro.gob.mx/raiz/x.html"


def test_forms_meta_scripts_iframes_and_dates():
    page = parse_page(
        URL,
        html(
            '<form action="/enviar" id="contacto"><input name="nombre" placeholder="Su nombre">'
            '<input type="hidden" name="token"><textarea name="mensaje"></textarea></form>'
            '<input type="search" name="q"><iframe src="https://www.youtube.com/embed/x"></iframe>'
            '<time datetime="2026-03-01T10:00">1 de marzo</time><script src="/js/app.js"></script>',
            head='<meta name="viewport" content="width=device-width"><meta property="article:published_time" '
            'content="2026-02-02"><meta http-equiv="refresh" content="0; url=/inicio">',
        ),
    )
    contact, orphans = page.forms
    assert contact.action == "/enviar" and [f.tag for f in contact.fields] == ["input", "textarea"]
    assert "su nombre" in contact.fields[0].label and orphans.fields[0].type == "search"
    assert page.viewport == "width=device-width" and page.refresh == "https://municipio.gob.mx/inicio"
    assert page.scripts == ("https://municipio.gob.mx/js/app.js",)
    assert page.iframes == ("https://www.youtube.com/embed/x",)
    assert set(page.times) == {"2026-02-02", "2026-03-01T10:00"}


def test_cloudflare_protected_emails_are_decoded():
    page = parse_page(
        URL,
        html(
            '<a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="422d242b212b2d31022f372c2b212b'
            '322b2d6c252d206c2f3a">[email&#160;protected]</a>'
            '<a href="/cdn-cgi/l/email-protection#86e5e9e8f2e7e5f2e9c6ebf3e8efe5eff6efe9a8e1e9e4a8ebfe">correo</a>'
        ),
    )
    assert set(page.emails) == {"oficios@municipio.gob.mx", "contacto@municipio.gob.mx"}


def test_empty_xml_declared_and_windows_1252_pages():
    assert parse_page(URL, "").text == ""
    assert parse_page(URL, "   ").links == ()
    page = parse_page(URL, '<?xml version="1.0" encoding="utf-8"?><html><body><p>Hola</p></body></html>')
    assert page.text == "Hola"
    raw = (
        "<html><head><meta charset='windows-1252'><title>Información</title></head><body>Información "
        "pública – Teléfono</body></html>".encode("cp1252")
    )
    page = parse_page(URL, raw.decode("cp1252"))
    assert page.title == "Información" and "informacion publica – telefono" in page.folded


def test_add_page_returns_kind_links_and_documents(catalogue):
    evaluator = SiteEvaluator(catalogue, RUN_DATE)
    analysis = evaluator.add_page(URL, html('<a href="/a">A</a><a href="/a.pdf">PDF</a>'), 0)
    assert analysis.kind == "ok" and analysis.links == ("https://municipio.gob.mx/a",)
    assert analysis.documents == ("https://municipio.gob.mx/a.pdf",) and analysis.title


def _menu_page(menu: str, script: str) -> str:
    return html(
        f'<nav><ul id="menu-principal">{menu}</ul></nav>{script}<p>Contenido</p><a href="/aviso.html">Aviso</a>'
    )


MENU_ITEMS = (
    '[["Transparencia", "/transparencia.html"], ["Tr\\u00e1mites", "/tramites/"], ["Cabildo", "/cabildo.html"]]'
)
ARRAY_SCRIPT = (
    f"<script>var menu = JSON.parse('{MENU_ITEMS}'); var h = '';"
    "for (var i = 0; i < menu.length; i++) { h += '<li><a href=\"' + menu[i][1] + '\">' + menu[i][0] + '</a></li>'; }"
    "document.getElementById('menu-principal').innerHTML = h;</script>"
)
WRITE_SCRIPT = (
    '<script>document.write("<li><a href=\\"/transparencia.html\\">Transparencia</a></li>'
    '<li><a href=\\"/tramites/\\">Trámites</a></li><li><a href=\\"/cabildo.html\\">Cabildo</a></li>");</script>'
)
RELATIVE_WRITE_SCRIPT = (
    '<script>document.write("<tr><td><a href=\\"transparencia.html\\">Transparencia<\\/a><\\/td><\\/tr>'
    '<tr><td><a href=\\"tramites/\\">Trámites<\\/a><\\/td><\\/tr><tr><td><a href=\\"cabildo.html\\">Cabildo'
    '<\\/a><\\/td><\\/tr>");</script>'
)
DRAWN = (
    '<li><a href="/transparencia.html">Transparencia</a></li><li><a href="/tramites/">Trámites</a></li>'
    '<li><a href="/cabildo.html">Cabildo</a></li>'
)


@pytest.mark.parametrize("script", [ARRAY_SCRIPT, WRITE_SCRIPT], ids=["arreglo", "document_write"])
def test_a_home_menu_written_by_a_script_is_seen_until_rendered(script: str) -> None:
    assert parse_page(URL, _menu_page("", script), home=True).scripted_nav
    # The browser's DOM has the menu: nothing the script names is missing any more.
    assert not parse_page(URL, _menu_page(DRAWN, script), home=True).scripted_nav
    # Only the home is examined (inner pages are reached from it).
    assert not parse_page(URL, _menu_page("", script)).scripted_nav


def test_a_script_menu_with_relative_links_is_seen_until_rendered() -> None:
    home = "https://municipio.gob.mx/"
    assert parse_page(home, _menu_page("", RELATIVE_WRITE_SCRIPT), home=True).scripted_nav
    assert not parse_page(home, _menu_page(DRAWN, RELATIVE_WRITE_SCRIPT), home=True).scripted_nav


def test_scripts_naming_assets_or_apis_are_not_menus() -> None:
    script = "<script>load('/js/app.js'); fetch('/api/v1/noticias'); img('/img/logo.png'); css('/css/a.css');</script>"
    assert not parse_page(URL, _menu_page(DRAWN, script), home=True).scripted_nav


def test_a_phone_inside_a_link_that_leads_nowhere_is_still_shown_text() -> None:
    page = parse_page(
        URL, html('<p>Unidad de Transparencia</p><a href="">Conmutador: 716 835 2844</a><a href="#">Bando</a>')
    )
    assert "716 835 2844" in page.text and "Bando" not in page.text
