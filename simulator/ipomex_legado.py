"""The legacy IPOMEX generation (/ipo/lgt/indice/<slug>.web): server-rendered pages and the Excel export.

Known of the real portal (../shared/data/README.md): the index and per-fraction page addresses, and the Excel export
`/ipo/lgt/infoExcel/<slug>/<formato>/<page>/<n>.web` answering a real .xls (BIFF) workbook whose sheet "Datos" has the
format's fields, then "Fecha de actualización", "Fecha de validación", "Área o unidad administrativa responsable" and
"Nota", one row per record with its own dates (e.g. 2018-02-12 10:44:17). The only formato key seen is
`marcoJuridico` (fraction I); the others here are invented in the same style. ASSUMPTIONS of this simulation: the
fraction page shows the first rows without their dates and links the export; a failing fraction's export answers a
broken workbook; the meaning of <page> and <n> is unknown (0 and the row count here).
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, datetime, time

import xlwt

from core.text import fold
from simulator.ipomex_model import ERROR, NO_APLICA, Documento, IpomexFraction, IpomexRecord, IpomexSite
from simulator.model import Resource, esc
from simulator.special import html

INDEX_PREFIX = "/ipo/lgt/indice/"
EXCEL_PREFIX = "/ipo/lgt/infoExcel/"
ATTACH_PREFIX = "/ipo/archivos/downloadAttach/"
XLS = "application/vnd.ms-excel"
KNOWN_FORMATS = {"ipomex.92.i": "marcoJuridico"}
FIELDS = ("Ejercicio", "Fecha de inicio del periodo que se informa", "Fecha de término del periodo que se informa")
DOCUMENTS = "Hipervínculo al documento"
TRAILING = ("Fecha de actualización", "Fecha de validación", "Área o unidad administrativa responsable", "Nota")
SHOWN_ROWS = 10
STOP_WORDS = frozenset({"de", "del", "la", "las", "los", "y", "a", "o", "e", "en", "el", "por", "para", "con"})


def page(title: str, body: str, status: int = 200) -> Resource:
    """A complete legacy page (no scripts: everything is rendered by the server)."""
    return html(
        status,
        f'<!DOCTYPE html>\n<html lang="es">\n<head><meta charset="utf-8"><title>{esc(title)}</title></head>\n'
        f'<body><div id="cabecera">IPOMEX · Información Pública de Oficio Mexiquense</div>\n{body}\n'
        f'<div id="pie">Instituto de Transparencia del Estado de México</div></body>\n</html>\n',
    )


def index_path(site: IpomexSite) -> str:
    """Path of the sujeto obligado's legacy index."""
    return f"{INDEX_PREFIX}{site.legacy_id}.web"


def index_page(site: IpomexSite) -> Resource:
    """A table with one row per listed fraction; the link itself only says "Consultar"."""
    rows = "\n".join(
        f'<tr><td>Fracción {esc(f.fraccion)}</td><td>{esc(f.titulo)}</td><td><a href="{esc(site.legacy_id or "")}/'
        f'{esc(f.slug)}">Consultar</a></td></tr>'
        for f in site.fractions
        if f.listed
    )
    body = (
        f'<h1>{esc(site.nombre)}</h1>\n<h2>Artículo 92</h2>\n<table class="obligaciones">'
        f"<tr><th>Fracción</th><th>Obligación</th><th></th></tr>\n{rows}\n</table>"
    )
    return page(f"{site.nombre} | IPOMEX", body)


def formato(f: IpomexFraction) -> str:
    """The export's format key: the one seen in the wild, else camelCase of the first four words of its title."""
    if f.id in KNOWN_FORMATS:
        return KNOWN_FORMATS[f.id]
    words = [w for w in re.sub(r"[^a-z ]", "", fold(f.titulo)).split() if w not in STOP_WORDS][:4]
    return words[0] + "".join(w.capitalize() for w in words[1:])


def excel_url(site: IpomexSite, f: IpomexFraction, base: str) -> str:
    """Absolute address of the fraction's export (the real one is on another host, ipomex2.ipomex.org.mx)."""
    return f"{base}{EXCEL_PREFIX}{site.legacy_id}/{formato(f)}/0/{len(f.records)}.web"


def fraction_page(site: IpomexSite, f: IpomexFraction, base: str) -> Resource:
    """A fraction: its justification, a notice that nothing is published, or its first rows and the export link."""
    heading = (
        f"<h1>{esc(site.nombre)}</h1>\n<h2>Artículo 92, Fracción {esc(f.fraccion)}. {esc(f.titulo)}</h2>\n"
        f'<p><a href="../{esc(site.legacy_id or "")}.web">Regresar</a></p>\n'
    )
    if f.state == NO_APLICA:
        body = f'<p class="leyenda"><strong>No aplica.</strong> {esc(f.justificacion or "")}</p>'
    elif not f.records and f.state != ERROR:
        body = '<p class="leyenda">No existe información registrada para esta fracción.</p>'
    else:
        body = rows_table(f) + f'\n<p><a class="excel" href="{esc(excel_url(site, f, base))}">Exportar a Excel</a></p>'
    return page(f"Fracción {f.fraccion} | {site.nombre}", heading + body)


def rows_table(f: IpomexFraction) -> str:
    """The first rows of the format, without their dates of update and validation."""
    head = "".join(f"<th>{esc(name)}</th>" for name in (*FIELDS, "Documentos"))
    rows = "\n".join(
        f"<tr><td>{r.ejercicio}</td><td>{r.inicio:%d/%m/%Y}</td><td>{r.termino:%d/%m/%Y}</td><td>"
        + "".join(f'<a href="{esc(attachment(d))}">{esc(d.nombre)}</a>' for d in r.documentos)
        + "</td></tr>"
        for r in f.records[:SHOWN_ROWS]
    )
    total = len(f.records)
    return (
        f'<table class="formato"><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>\n'
        f"<p>Registros 1 a {min(total, SHOWN_ROWS)} de {total}</p>"
    )


def attachment(d: Documento) -> str:
    """Where the legacy generation serves a record's file: /ipo/archivos/downloadAttach/<id>.web (seen in the wild)."""
    return f"{ATTACH_PREFIX}{int(hashlib.sha256(d.path.encode()).hexdigest()[:8], 16)}.web"


def moment(site: IpomexSite, record: IpomexRecord, day: date) -> datetime:
    """A date with a seeded time of day, as the portal stamps its rows."""
    digest = hashlib.sha256(f"{site.legacy_id}:{record.inicio}:{day}".encode()).digest()
    return datetime.combine(day, time(8 + digest[0] % 10, digest[1] % 60, digest[2] % 60))


def workbook(site: IpomexSite, f: IpomexFraction, base: str) -> bytes:
    """The export: sheet "Datos", header row, one row per record with its own dates."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Datos")
    for column, name in enumerate((*FIELDS, DOCUMENTS, *TRAILING)):
        sheet.write(0, column, name)
    stamp = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for row, record in enumerate(f.records, start=1):
        links = " ".join(base + attachment(d) for d in record.documentos)
        for column, value in enumerate(
            (str(record.ejercicio), f"{record.inicio:%d/%m/%Y}", f"{record.termino:%d/%m/%Y}", links)
        ):
            sheet.write(row, column, value)
        for column, day in ((4, record.actualizacion), (5, record.validacion)):
            when = moment(site, record, day)
            if site.excel_date_cells:
                sheet.write(row, column, when, stamp)
            else:
                sheet.write(row, column, f"{when:%Y-%m-%d %H:%M:%S}")
        sheet.write(row, 6, record.area)
        sheet.write(row, 7, record.nota)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(site: IpomexSite, f: IpomexFraction, base: str) -> Resource:
    """The .xls export; a failing fraction's export is broken (an error page or a cut workbook, served as .xls)."""
    if f.state == ERROR:
        if int(hashlib.sha256(f.id.encode()).hexdigest(), 16) % 2:
            return Resource(200, XLS, b"<html><body><h1>Error</h1><p>java.lang.NullPointerException</p></body></html>")
        return Resource(200, XLS, workbook(site, f, base)[:700])
    return Resource(200, XLS, workbook(site, f, base))


def fraction_by_formato(site: IpomexSite, key: str) -> IpomexFraction | None:
    """The listed fraction whose export has this format key (only those with a page that links it)."""
    return next((f for f in site.fractions if f.listed and formato(f) == key and f.state != NO_APLICA), None)
