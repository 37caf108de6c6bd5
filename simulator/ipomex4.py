"""IPOMEX 4 look-alike: a single-page application (hash routes) fed by a JSON API under /ipomex/api/v1."""

from __future__ import annotations

import json
from collections.abc import Iterable

from simulator.ipomex3 import JSON_UTF8
from simulator.ipomex_model import ERROR, NO_APLICA, IpomexFraction, IpomexRecord, IpomexSite
from simulator.model import Resource
from simulator.special import html

SPA_PREFIX = "/ipomex/"
API_PREFIX = "/ipomex/api/v1/sujetos"
SHELL = (
    '<!DOCTYPE html>\n<html lang="es">\n<head><meta charset="utf-8"><meta name="viewport" '
    'content="width=device-width, initial-scale=1"><title>IPOMEX 4.0 | Información Pública de Oficio Mexiquense'
    '</title><link rel="stylesheet" href="/ipomex/app.css"></head>\n<body><noscript>Para consultar IPOMEX '
    'habilite JavaScript en su navegador.</noscript><div id="app"></div><script src="/ipomex/app.js"></script>'
    "</body>\n</html>\n"
)


def api(status: int, document: object) -> Resource:
    """A JSON API response."""
    return Resource(status, JSON_UTF8, json.dumps(document, ensure_ascii=False).encode("utf-8"))


def spa_shell() -> Resource:
    """The SPA's only HTML page: an empty #app and the script that routes on the hash."""
    return html(200, SHELL)


def sujeto(site: IpomexSite) -> dict[str, object]:
    """{"id", "nombre"} of a sujeto obligado."""
    return {"id": site.ipo4_id, "nombre": site.nombre}


def sujetos(sites: Iterable[IpomexSite]) -> Resource:
    """Every IPOMEX 4 sujeto obligado of the farm, by id."""
    return api(200, {"sujetos": [sujeto(s) for s in sorted(sites, key=lambda s: s.ipo4_id or 0)]})


def obligacion(f: IpomexFraction) -> dict[str, object]:
    """One entry of the obligations list.

    ASSUMPTION (not known of the real IPOMEX 4, whose API is not public): each entry carries the newest fecha de
    actualización of its records (ISO date; null when it has none), so a crawler can tell what changed without
    asking for every fraction's records. The crawler reads every fraction when the field is absent.
    """
    newest = f.newest_update
    return {
        "id": f.obl_id,
        "articulo": "92",
        "fraccion": f.fraccion,
        "titulo": f.titulo,
        "aplica": f.state != NO_APLICA,
        "justificacion": f.justificacion,
        "fecha_actualizacion": newest.isoformat() if newest else None,
    }


def obligaciones(site: IpomexSite) -> Resource:
    """The obligations the portal lists for the sujeto obligado (fractions it omits are absent)."""
    return api(200, {"sujeto": sujeto(site), "obligaciones": [obligacion(f) for f in site.fractions if f.listed]})


def record(r: IpomexRecord, base: str) -> dict[str, object]:
    """One record as the API sends it: ISO dates, absolute document URLs."""
    return {
        "ejercicio": r.ejercicio,
        "fecha_inicio": r.inicio.isoformat(),
        "fecha_termino": r.termino.isoformat(),
        "fecha_actualizacion": r.actualizacion.isoformat(),
        "fecha_validacion": r.validacion.isoformat(),
        "area_responsable": r.area,
        "nota": r.nota,
        "documentos": [{"nombre": d.nombre, "url": base + d.path} for d in r.documentos],
    }


def registros(site: IpomexSite, obl_id: str, base: str) -> Resource:
    """Records of one obligation: 404 if not listed, 500 for failing fractions, [] when nothing is published."""
    f = next((f for f in site.fractions if f.obl_id == obl_id and f.listed), None)
    if f is None:
        return api(404, {"error": "obligación no encontrada"})
    if f.state == ERROR:
        return api(500, {"error": "Error interno del servidor"})
    return api(200, {"obligacion": obligacion(f), "registros": [record(r, base) for r in f.records]})


def captcha(site: IpomexSite) -> Resource:
    """403 for a captcha-gated sujeto obligado."""
    return api(403, {"error": "captcha", "sitekey": site.sitekey})


def not_found() -> Resource:
    """Unknown API path or sujeto."""
    return api(404, {"error": "no encontrado"})
