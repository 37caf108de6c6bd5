"""Page classification: real municipal pages versus parked, maintenance, JS shells, challenges and foreign sites."""

from __future__ import annotations

import pytest

from checks.classify import classify, classify_detail
from checks.page import parse_page

from .conftest import html

URL = "https://municipio.gob.mx/"
NEWS = (
    "<article><h2>Trabajos de mantenimiento de calles</h2><p>La Dirección de Obras Públicas realiza trabajos de "
    "mantenimiento en la colonia Centro; la calle quedará en mantenimiento hasta el viernes.</p></article>"
)
LONG = "<p>" + "El Ayuntamiento informa sobre programas sociales, obras y servicios para la población. " * 20 + "</p>"


def kind(document: str, municipality: str | None = None, home: bool = True) -> str:
    return classify(parse_page(URL, document), municipality, home)


@pytest.mark.parametrize(
    "document",
    [
        html(NEWS + LONG),
        html("<p>Bienvenidos al portal del H. Ayuntamiento.</p>"),
        html(LONG + "<p>Cultura: visita el casino de la feria y la ruleta de la suerte.</p>"),
        html(LONG + "<noscript>Para ver el mapa active JavaScript</noscript><div id='app'></div>"),
    ],
)
def test_ok_pages(document):
    assert kind(document) == "ok"


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            "<html><head><title>municipio.gob.mx</title></head><body><h1>This domain is for sale!</h1>"
            "<p>Buy this domain at Sedo.</p></body></html>",
            "parked",
        ),
        ("<html><body><p>Este dominio está a la venta. Contáctenos.</p></body></html>", "parked"),
        (
            "<html><head><title>H. Ayuntamiento</title></head><body>"
            + "<p>Slot gacor maxwin, situs judi togel online, "
            "bonus casino deposit pulsa.</p>" * 12 + "</body></html>",
            "parked",
        ),
        ("<html><body><h1>Sitio en mantenimiento</h1><p>Volveremos pronto.</p></body></html>", "maintenance"),
        ("<html><head><title>En construcción</title></head><body><img src='obra.png'></body></html>", "maintenance"),
        ("<html><body><p>Estamos en mantenimiento, disculpe las molestias.</p></body></html>", "maintenance"),
        ("<html><body><div id='root'></div><script src='/static/js/main.js'></script></body></html>", "js_shell"),
        (
            "<html><body><noscript>You need to enable JavaScript to run this app.</noscript><app-root></app-root>"
            "</body></html>",
            "js_shell",
        ),
        ("<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>", "challenge"),
        ("<html><body><div id='challenge-form'>cf_chl_opt</div></body></html>", "challenge"),
        ("<html><head><title>Attention Required! | Cloudflare</title></head><body>blocked</body></html>", "challenge"),
    ],
)
def test_impostor_pages(document, expected):
    found, snippet = classify_detail(parse_page(URL, document), home=True)
    assert found == expected and snippet


def test_foreign_only_applies_to_the_home_page_with_a_municipality():
    blog = "<html><head><title>Recetas fáciles</title></head><body><p>Las mejores recetas de cocina.</p></body></html>"
    assert kind(blog, "Toluca") == "foreign"
    assert kind(blog, "Toluca", home=False) == "ok"
    assert kind(blog) == "ok"
    assert kind(blog.replace("cocina", "cocina de Toluca"), "Toluca") == "ok"
    assert kind(blog.replace("cocina", "cocina del municipio"), "Toluca") == "ok"
    assert kind(blog.replace("cocina", "cocina de ecatepec"), "Ecatepec de Morelos") == "ok"


@pytest.mark.parametrize(
    "document",
    [
        "<html><head><meta http-equiv='refresh' content=\"0; URL='inicio.php'\"></head><body></body></html>",
        "<html><frameset cols='100%'><frame src='/portal/inicio.html'></frameset></html>",
        "<html><body><script>window.location.href = '/web/';</script>Cargando…</body></html>",
    ],
)
def test_pages_that_only_forward_the_browser(document):
    page = parse_page(URL, document)
    assert classify(page, home=True) == "redirect" and page.refresh and page.refresh.startswith(URL)


def test_a_full_page_with_an_auto_refresh_is_ok():
    page = parse_page(URL, html(LONG, head="<meta http-equiv='refresh' content='300; url=/'>"))
    assert classify(page, home=True) == "ok"
