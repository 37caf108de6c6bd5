"""Independent reading of the simulated pages: lenient detectors that must stay silent where the truth says absent.

These are not the crawler's checks; they read text, links, scripts and forms the way a careful auditor would, so
that the generator cannot leak evidence into a site whose ground truth says no_cumple (and vice versa).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import lxml.html

from core.text import fold

MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
PHONE_RUN = re.compile(r"(?:\d[\s().+-]{0,2}){7,}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
ACCOUNT = re.compile(
    r"https?://(?:www\.)?(facebook\.com|twitter\.com|x\.com|instagram\.com|youtube\.com|tiktok\.com)"
    r"/(?!sharer|share|intent|plugins)"
)
CHAT_VENDORS = ("tawk.to", "tidio", "zdassets", "jivosite", "botpress", "customerchat")
DEAD = ("#", "javascript:")


@dataclass
class View:
    """What an auditor reads on one page."""

    text: str
    links: list[tuple[str, str]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    forms: list[tuple[bool, set[str]]] = field(default_factory=list)
    viewport: str = ""


def decode(body: bytes) -> str:
    """UTF-8 when valid, else Windows-1252 (the legacy pages of the farm)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252")


def read(body: bytes) -> View:
    """Parse a page: folded visible text without dead links, live links, script sources, forms."""
    tree = lxml.html.fromstring(decode(body))
    view = View("")
    view.scripts = [str(s) for s in tree.xpath("//script/@src")]
    view.viewport = " ".join(str(v) for v in tree.xpath("//meta[@name='viewport']/@content"))
    for form in tree.iter("form"):
        fields = {f"{i.get('type', 'text')}:{i.get('name', '')}" for i in form.iter("input")}
        view.forms.append((bool(list(form.iter("textarea"))), fields))
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    for anchor in list(tree.iter("a")):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(DEAD):
            drop_dead_link(anchor)
            continue
        alt = " ".join(str(a) for a in anchor.xpath(".//img/@alt"))
        view.links.append((href, fold(f"{' '.join(anchor.itertext())} {alt} {anchor.get('title', '')}")))
    view.text = " ".join(fold(" ".join(tree.itertext())).split())
    return view


def drop_dead_link(anchor: lxml.html.HtmlElement) -> None:
    """A link going nowhere names nothing the site has, but a number written in it can still be dialled."""
    digits = " ".join(m.group(0) for m in PHONE_RUN.finditer(" ".join(anchor.itertext())))
    tail = anchor.tail or ""
    anchor.tail = f" {digits} {tail}" if digits else tail
    anchor.drop_tree()


def merged(page: View, frames: list[View]) -> View:
    """A page and the same-site documents it shows in iframes, read as one: a reader sees them together."""
    for frame in frames:
        page.text = f"{page.text} {frame.text}"
        page.links += frame.links
        page.scripts += frame.scripts
        page.forms += frame.forms
    return page


def frame_sources(body: bytes) -> list[str]:
    """Root-relative sources of a page's iframes (same-site documents)."""
    tree = lxml.html.fromstring(decode(body))
    return [str(src) for src in tree.xpath("//iframe/@src") if str(src).startswith("/")]


def has(view: View, *words: str) -> bool:
    """Any of the words in the visible text."""
    return any(w in view.text for w in words)


def href_has(view: View, *parts: str) -> bool:
    """Any live link whose href contains one of the parts."""
    return any(p in href.lower() for href, _ in view.links for p in parts)


def dialable(run: str) -> bool:
    """A digit run a person could dial: no area code in parentheses starting with 0 or 1 (none exists), and a
    subscriber number that is not one or two repeated digits (555 5555)."""
    digits = re.sub(r"\D", "", run)
    return re.match(r"[01]\d{1,2}\)", run) is None and len(set(digits[-7:])) > 2


def phone(view: View) -> bool:
    """Dialable digit runs of 7+ digits (phone-like), or tel: links."""
    return any(dialable(m.group(0)) for m in PHONE_RUN.finditer(view.text)) or href_has(view, "tel:")


def email(view: View) -> bool:
    """Addresses, obfuscated addresses, or mailto: links."""
    return (
        bool(EMAIL.search(view.text))
        or href_has(view, "mailto:")
        or has(view, "[arroba]", "(arroba)", " arroba ", "(at)", "[at]")
    )


def contact_form(view: View) -> bool:
    """A form with a textarea and a contact field."""
    contact = ("email:", "tel:", ":nombre", ":your-name", ":name", ":correo", ":telefono")
    return any(
        area and any(f.startswith(contact) or f.endswith(contact) for f in fields) for area, fields in view.forms
    )


def search_form(view: View) -> bool:
    """A form with a search box."""
    return any(
        any(f.startswith("search:") or f.endswith((":s", ":q", ":searchword", ":buscar")) for f in fields)
        for _, fields in view.forms
    )


UNIT_NAMES = (
    "unidad de transparencia",
    "coordinacion de transparencia",
    "departamento de transparencia",
    "direccion de transparencia",
)


def unit_with_datum(view: View) -> bool:
    """The Unidad de Transparencia (by any of its names) on a page that also shows a phone, e-mail or address."""
    return has(view, *UNIT_NAMES) and (phone(view) or email(view) or has(view, "c.p.", "domicilio"))


def portal_link(view: View) -> bool:
    """A live link to transparency (section or portal)."""
    keys = ("transparen", "ipomex", "saimex")
    return any(any(k in href.lower() or k in text for k in keys) for href, text in view.links)


Detector = Callable[[View], bool]
DETECTORS: dict[str, Detector] = {
    "sitio.movil": lambda v: "width=device-width" in v.viewport,
    "sitio.buscador": search_form,
    "sitio.aviso_privacidad": lambda v: has(v, "privacidad"),
    "canal.telefono": phone,
    "canal.correo": email,
    "canal.formulario": contact_form,
    "canal.whatsapp": lambda v: has(v, "whatsapp") or href_has(v, "whatsapp", "wa.me"),
    "canal.chat": lambda v: any(vendor in s for s in v.scripts for vendor in CHAT_VENDORS),
    "canal.redes_sociales": lambda v: any(ACCOUNT.match(href) for href, _ in v.links),
    "canal.tramites_en_linea": lambda v: has(v, "tramite", "remtys"),
    "canal.pagos_en_linea": lambda v: (
        bool(re.search(r"pag\w*[^.]{0,40}en linea", v.text))
        or any(re.search(r"[/.]pagos?[/.-]|pagoenlinea", href) for href, _ in v.links)
        or any(re.search(r"\bpag(a|o|os)\b", text) for _, text in v.links)
    ),
    "canal.reporte_ciudadano": lambda v: (
        has(v, "reporte ciudadano", "atencion ciudadana", "buzon", "queja", "sugerencia", "reporta")
        or bool(re.search(r"\b072\b", v.text))
    ),
    "participacion.copaci": lambda v: has(v, "copaci", "consejos de participacion", "consejo de participacion"),
    "participacion.cocicovi": lambda v: has(v, "cocicovi", "control y vigilancia"),
    "participacion.presupuesto_participativo": lambda v: has(v, "presupuesto participativo"),
    "participacion.denuncia_ciudadana": lambda v: has(v, "denuncia", "sistema de atencion mexiquense", "queja"),
    "participacion.cabildo_abierto": lambda v: has(
        v, "cabildo abierto", "acta de la", "actas de cabildo", " sesion", "transmision"
    ),
    "normatividad.bando_municipal": lambda v: has(v, "bando"),
    "normatividad.gaceta_municipal": lambda v: has(v, "gaceta"),
    "normatividad.plan_desarrollo": lambda v: has(v, "plan de desarrollo municipal", "plan municipal de desarrollo"),
    "transparencia.enlace_portal": portal_link,
    "transparencia.enlace_ipomex": lambda v: href_has(v, "ipomex"),
    "transparencia.solicitudes": lambda v: (
        has(
            v,
            "saimex",
            "plataforma nacional de transparencia",
            "solicitud de informacion",
            "solicitudes de informacion",
            "solicitud de acceso",
            "solicitudes de acceso",
        )
        or href_has(v, "saimex")
    ),
    "transparencia.unidad_transparencia": unit_with_datum,
    "transparencia.conac": lambda v: has(
        v,
        "conac",
        "sevac",
        "cuenta publica",
        "contabilidad gubernamental",
        "armonizacion contable",
        "situacion financiera",
        "presupuesto de egresos",
        "informacion financiera",
    ),
    "transparencia.presupuesto": lambda v: has(v, "presupuesto de egresos"),
    "transparencia.datos_abiertos": lambda v: (
        has(v, "datos abiertos") or href_has(v, ".csv", ".xlsx", ".json", "datos.gob.mx")
    ),
    # The LOSI topics (simulator.content_losi); their look-alikes (a location map, a news item naming one past
    # licitación, notes on the files' licence, the Ayuntamiento's photo) must leave these silent.
    "sitio.mapa_sitio": lambda v: has(v, "mapa del sitio", "mapa de sitio", "mapa del portal"),
    "transparencia.licitaciones": lambda v: has(v, "licitaciones", "convocatorias a licitacion", "compramex"),
    "transparencia.datos_abiertos_metadatos": lambda v: has(v, "metadatos", "diccionario de datos"),
    "transparencia.organigrama": lambda v: has(v, "organigrama", "estructura organica"),
}

DATE_PATTERNS = (
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"), "dmy"),
    (re.compile(r"\b(\d{1,2}) de (" + "|".join(MONTHS) + r") de (\d{4})"), "d_month_y"),
    (re.compile(r"\b(" + "|".join(MONTHS) + r") (\d{1,2}), (\d{4})"), "month_d_y"),
    (re.compile(r"\b(\d{2}) (" + "|".join(m[:3] for m in MONTHS) + r") (\d{4})\b"), "d_mon_y"),
)


def dates_in(view: View) -> set[date]:
    """Every date written in the page's text, in the Spanish formats municipal sites use."""
    found: set[date] = set()
    for pattern, kind in DATE_PATTERNS:
        for match in pattern.finditer(view.text):
            a, b, c = match.groups()
            if kind == "dmy":
                found.add(date(int(c), int(b), int(a)))
            elif kind == "d_month_y":
                found.add(date(int(c), MONTHS.index(b) + 1, int(a)))
            elif kind == "month_d_y":
                found.add(date(int(c), MONTHS.index(a) + 1, int(b)))
            else:
                found.add(date(int(c), [m[:3] for m in MONTHS].index(b) + 1, int(a)))
    return found
