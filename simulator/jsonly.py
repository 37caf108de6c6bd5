"""JavaScript-only sites: every page is served as an empty shell; /_app/sitio.js builds its content from JSON."""

from __future__ import annotations

import hashlib
import json

from simulator.draft import SiteDraft
from simulator.model import Resource, esc
from simulator.render import render
from simulator.special import HTML_UTF8

SCRIPT_PATH = "/_app/sitio.js"
NOSCRIPT = "<noscript>Habilite JavaScript para ver este sitio</noscript>"


def split_page(full: str) -> tuple[str, str]:
    """(the <head> element, the inner HTML of <body>) of a rendered page."""
    head = "<head>" + full.split("<head>", 1)[1].split("</head>", 1)[0] + "</head>"
    body = full.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0]
    return head, body


def data_path(page_path: str) -> str:
    """Where a page's content is served as JSON."""
    return f"/_app/datos/{hashlib.sha1(page_path.encode()).hexdigest()[:12]}.json"


def document(head: str, root: str, source: str) -> str:
    """A page around a #root element (empty in the served shell, filled in the rendered DOM)."""
    return (
        f'<!DOCTYPE html>\n<html lang="es">\n{head}\n<body>\n<div id="root" data-fuente="{esc(source)}">{root}'
        f'</div>\n{NOSCRIPT}\n<script src="{SCRIPT_PATH}"></script>\n</body>\n</html>\n'
    )


def shell_pages(d: SiteDraft) -> tuple[dict[str, Resource], dict[str, bytes]]:
    """(served resources: shells, JSON data and the script; the DOM of each page after the script ran)."""
    resources: dict[str, Resource] = {SCRIPT_PATH: Resource(200, "application/javascript; charset=UTF-8", SCRIPT)}
    rendered: dict[str, bytes] = {}
    for path, page in d.pages.items():
        head, body = split_page(render(d, page))
        source = data_path(path)
        resources[path] = Resource(200, HTML_UTF8, document(head, "", source).encode("utf-8"))
        data = {"ruta": path, "contenido": body.strip()}
        resources[source] = Resource(200, "application/json", json.dumps(data, ensure_ascii=False).encode("utf-8"))
        rendered[path] = document(head, body, source).encode("utf-8")
    return resources, rendered


SCRIPT = b"""/* Sitio municipal: arma la pagina a partir de su JSON. */
(function () {
  'use strict';
  var root = document.getElementById('root');
  var xhr = new XMLHttpRequest();
  xhr.open('GET', root.getAttribute('data-fuente'), true);
  xhr.onload = function () {
    if (xhr.status !== 200) {
      root.innerHTML = '<p class="error">No se pudo cargar el contenido.</p>';
      return;
    }
    var datos = JSON.parse(xhr.responseText);
    root.innerHTML = datos.contenido;
    root.setAttribute('data-estado', 'listo');
  };
  xhr.send();
}());
"""
