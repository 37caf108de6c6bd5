"""Topics published only as a PDF behind a generic link («Descargar», «Ver documento»), as many real portals do.

For a seeded share of content sites, one or two topics the plan leaves out of the pages (Bando, Plan de Desarrollo,
Gaceta, CONAC, aviso de privacidad) are published as a real PDF (simulator.pdf): the link text says nothing, the
table row or list item around it names the topic, and some links go through a document viewer page (pdf.js style
`/visor/viewer.html?file=…`, Google style `/gview?url=…`). The block is tagged with the check, so the truth says
`cumple`: the topic is published, and only a crawl that reads documents can tell.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable

from simulator.draft import SiteDraft
from simulator.model import PageDraft, Resource, esc
from simulator.pdf import make_pdf
from simulator.special import HTML_UTF8

SHARE = 0.35
Writer = Callable[[SiteDraft], tuple[str, str | None, list[str]]]


def _bando(d: SiteDraft) -> tuple[str, str | None, list[str]]:
    year = d.run_date.year
    return (
        "Bando de Policía y Gobierno vigente",
        f"Bando Municipal {year}",
        [
            f"BANDO MUNICIPAL DE {d.nombre.upper()} {year}\nTítulo Primero. Del Municipio\n"
            "Artículo 1. El presente Bando es de orden público y de observancia general en el territorio municipal.",
            "Artículo 2. Son fines del Ayuntamiento garantizar la seguridad y el bienestar de sus habitantes.",
            "Título Segundo. Del territorio\nArtículo 10. El municipio se integra por su cabecera y sus localidades.",
        ],
    )


def _plan(d: SiteDraft) -> tuple[str, str | None, list[str]]:
    period = d.period()
    return (
        f"Plan de Desarrollo Municipal{period}",
        None,
        [
            f"PLAN DE DESARROLLO MUNICIPAL{period.upper()}\nH. Ayuntamiento de {d.nombre}\nPresentación",
            "Diagnóstico por pilares y ejes transversales.\nPilar 1. Social: municipio socialmente responsable.",
        ],
    )


def _gaceta(d: SiteDraft) -> tuple[str, str | None, list[str]]:
    return (
        "Gaceta Municipal, número más reciente",
        "Gaceta Municipal",
        [f"GACETA MUNICIPAL\nÓrgano oficial de difusión del H. Ayuntamiento de {d.nombre}\nAcuerdos de Cabildo"],
    )


def _conac(d: SiteDraft) -> tuple[str, str | None, list[str]]:
    return (
        "Información financiera (estados financieros)",
        None,
        [
            "ESTADOS FINANCIEROS\nEstado de Situación Financiera\n"
            f"Municipio de {d.nombre}\nLey General de Contabilidad Gubernamental, Título V",
            "Notas a los estados financieros.",
        ],
    )


def _aviso(d: SiteDraft) -> tuple[str, str | None, list[str]]:
    return (
        "Aviso de privacidad integral",
        "Aviso de Privacidad Integral",
        [
            f"AVISO DE PRIVACIDAD INTEGRAL\nH. Ayuntamiento de {d.nombre}\n"
            "Los datos personales que se recaben serán protegidos conforme a la ley de la materia."
        ],
    )


WRITERS: dict[str, tuple[str, Writer]] = {
    "normatividad.bando_municipal": ("normatividad", _bando),
    "normatividad.plan_desarrollo": ("normatividad", _plan),
    "normatividad.gaceta_municipal": ("normatividad", _gaceta),
    "transparencia.conac": ("transparencia", _conac),
    "sitio.aviso_privacidad": ("transparencia", _aviso),
}
LINK_TEXTS = ("Descargar", "Ver documento", "Consultar", "Descargar PDF")


def publish_documents(d: SiteDraft, rng: random.Random) -> dict[str, Resource]:
    """Publish one or two absent topics as PDFs on a seeded share of sites; returns the PDFs and viewer pages."""
    if rng.random() >= SHARE:
        return {}
    absent = [c for c in WRITERS if not d.plan.has(c) and c != d.plan.deep]
    chosen = rng.sample(absent, min(len(absent), rng.choice((1, 1, 2))))
    resources: dict[str, Resource] = {}
    for check in chosen:
        section, writer = WRITERS[check]
        label, title, pages = writer(d)
        pdf = d.paths.doc(
            "doc-" + hashlib.sha1(f"{d.m.cve_inegi}:{check}".encode()).hexdigest()[:10], "pdf", d.run_date
        )
        resources[pdf] = Resource(200, "application/pdf", make_pdf(title, pages))
        href, viewer = _wrapped(pdf, rng)
        if viewer is not None:
            resources[href] = viewer
        _page_for(d, section).add(_listing(label, href, rng), check)
    return resources


def _page_for(d: SiteDraft, section: str) -> PageDraft:
    """The section page the listing goes on (the government page when the site has no such section)."""
    return d.sections.get(section) or d.sections.get("gobierno") or d.home


def _wrapped(pdf: str, rng: random.Random) -> tuple[str, Resource | None]:
    """The link's address: the PDF itself, or a viewer page around it (pdf.js or Google style)."""
    roll = rng.random()
    if roll < 0.5:
        return pdf, None
    href = f"/visor/viewer.html?file={pdf}" if roll < 0.8 else f"/gview?url={pdf}&embedded=true"
    body = (
        "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>Visor de documentos</title></head>"
        f"<body><iframe src='{esc(pdf)}' width='100%' height='900'></iframe></body></html>"
    )
    return href, Resource(200, HTML_UTF8, body.encode("utf-8"))


def _listing(label: str, href: str, rng: random.Random) -> str:
    """A documents table row or list item naming the topic, its link saying only «Descargar» or the like."""
    link = f'<a href="{esc(href)}" target="_blank">{esc(rng.choice(LINK_TEXTS))}</a>'
    heading = rng.choice(("Documentos para descargar", "Consulta de documentos", "Documentos"))
    if rng.random() < 0.5:
        return f"<h3>{heading}</h3><table class='documentos'><tr><td>{esc(label)}</td><td>{link}</td></tr></table>"
    return f"<h3>{heading}</h3><ul class='documentos'><li>{esc(label)} — {link}</li></ul>"
