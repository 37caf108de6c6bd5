"""IPOMEX 3 look-alike: server-rendered index per sujeto obligado, fraction pages that are shells filled by
fraccion.js from a JSON data endpoint (the records never appear in the HTML as served)."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

from simulator.ipomex_model import ERROR, NO_APLICA, IpomexFraction, IpomexRecord, IpomexSite
from simulator.model import Resource, esc
from simulator.special import html

TEMPLATES = Path(__file__).with_name("templates")
JSON_UTF8 = "application/json; charset=utf-8"
JS_UTF8 = "application/javascript; charset=utf-8"
INDEX_PREFIX = "/ipo3/lgt/indice/"
DATA_PREFIX = "/ipo3/lgt/datos/"
SCRIPT_PATH = "/ipo3/static/fraccion.js"
BANNER = (
    '<div id="encabezado"><a href="/ipo3/">IPOMEX 3.0</a> <span>Información Pública de Oficio Mexiquense</span></div>'
)
FOOTER = (
    '<div id="pie"><a href="https://www.saimex.org.mx/">SAIMEX</a> | <a href="/ipo3/aviso.web">Aviso de '
    "privacidad</a> | Instituto de Transparencia del Estado de México</div>"
)


def page(title: str, body: str, status: int = 200) -> Resource:
    """A complete IPOMEX 3 page."""
    return html(
        status,
        f'<!DOCTYPE html>\n<html lang="es">\n<head><meta charset="utf-8"><title>{esc(title)}</title>'
        f'<link rel="stylesheet" href="/ipo3/static/ipomex.css"></head>\n<body>{BANNER}\n{body}\n'
        f"{FOOTER}</body>\n</html>\n",
    )


def index_url(site: IpomexSite) -> str:
    """Path of the sujeto obligado's index."""
    return f"{INDEX_PREFIX}{site.ipo3_id}.web"


def fraction_href(site: IpomexSite, f: IpomexFraction, base: str) -> str:
    """The href of a fraction link, in the form the index uses for it (root, relative or absolute)."""
    path = f"{INDEX_PREFIX}{site.ipo3_id}/{f.slug}"
    if f.href_style == "relative":
        return f"{site.ipo3_id}/{f.slug}"
    return base + path if f.href_style == "absolute" else path


def index_page(site: IpomexSite, base: str) -> Resource:
    """The index: the sujeto obligado's name and one link per fraction it lists."""
    items = "\n".join(
        f'<li><a href="{esc(fraction_href(site, f, base))}">{esc(f.label)}</a></li>' for f in site.fractions if f.listed
    )
    body = (
        f"<h1>{esc(site.nombre)}</h1>\n<h2>Artículo 92. Obligaciones de transparencia comunes</h2>\n"
        f'<ul class="fracciones" data-articulo="92">\n{items}\n</ul>'
    )
    return page(f"{site.nombre} | IPOMEX", body)


def captcha_page(site: IpomexSite) -> Resource:
    """The reCAPTCHA gate shown instead of the index (status 200, like the real one)."""
    body = (
        f'<h1>{esc(site.nombre)}</h1>\n<form method="post" action="{esc(index_url(site))}" class="verificacion">'
        f'<p>Verifique que no es un robot para continuar.</p><div class="g-recaptcha" data-sitekey="'
        f'{esc(site.sitekey)}"></div><button type="submit">Continuar</button></form>'
    )
    return page("IPOMEX | Verificación", body)


def data_path(site: IpomexSite, f: IpomexFraction) -> str:
    """The JSON endpoint a fraction shell reads: /ipo3/lgt/datos/<ID>/<page name without .web>.json."""
    return f"{DATA_PREFIX}{site.ipo3_id}/{f.slug.removesuffix('.web')}.json"


def shell_page(site: IpomexSite, f: IpomexFraction) -> Resource:
    """A fraction page as served: heading and an empty #registros that fraccion.js fills."""
    source = f' data-fuente="{esc(data_path(site, f))}"'
    on_div, on_script = (source, "") if site.data_on_div else ("", source)
    body = (
        f'<h1>{esc(site.nombre)}</h1>\n<h2 class="fraccion">Artículo 92, Fracción {esc(f.fraccion)}. '
        f'{esc(f.titulo)}</h2>\n<p><a href="{esc(index_url(site))}">Regresar al índice</a></p>\n'
        f'<div id="registros"{on_div}><p class="cargando">Cargando…</p></div>\n'
        f'<script src="{SCRIPT_PATH}"{on_script}></script>'
    )
    return page(f"Fracción {f.fraccion} | {site.nombre} | IPOMEX", body)


def dmy(day: date) -> str:
    """dd/mm/aaaa."""
    return day.strftime("%d/%m/%Y")


def record_json(record: IpomexRecord) -> dict[str, object]:
    """One record as the IPOMEX 3 data endpoint sends it (dates dd/mm/aaaa, root-relative document paths)."""
    return {
        "ejercicio": str(record.ejercicio),
        "fecha_inicio": dmy(record.inicio),
        "fecha_termino": dmy(record.termino),
        "fecha_actualizacion": dmy(record.actualizacion),
        "fecha_validacion": dmy(record.validacion),
        "area": record.area,
        "nota": record.nota,
        "documentos": [{"nombre": d.nombre, "url": d.path} for d in record.documentos],
    }


def data_json(site: IpomexSite, f: IpomexFraction) -> Resource:
    """The fraction's data: 500 for failing fractions, else aplica/justificación, column order and records."""
    if f.state == ERROR:
        return html(
            500,
            "<html><head><title>Error 500</title></head><body><h1>HTTP Status 500 – Internal Server "
            "Error</h1><p>java.lang.NullPointerException</p></body></html>",
        )
    document = {
        "sujeto": site.nombre,
        "articulo": "92",
        "fraccion": f.fraccion,
        "titulo": f.titulo,
        "aplica": f.state != NO_APLICA,
        "justificacion": f.justificacion,
        "columnas": list(site.columns),
        "registros": [record_json(r) for r in f.records],
    }
    return Resource(200, JSON_UTF8, json.dumps(document, ensure_ascii=False).encode("utf-8"))


def forbidden_json() -> Resource:
    """What the data endpoint answers for a captcha-gated sujeto obligado."""
    return Resource(403, JSON_UTF8, b'{"error": "captcha"}')


@cache
def script(name: str) -> Resource:
    """A JavaScript file of simulator/templates."""
    return Resource(200, JS_UTF8, (TEMPLATES / name).read_bytes())


def not_found_page() -> Resource:
    """IPOMEX's own 404."""
    return page("IPOMEX | No encontrado", "<h1>Página no encontrada</h1><p>El recurso solicitado no existe.</p>", 404)
