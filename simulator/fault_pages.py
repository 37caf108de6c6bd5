"""Bodies served by the fault farm: a plain municipal page and the hostile answers built around it."""

from __future__ import annotations

import zlib
from functools import lru_cache
from html import escape

NOMBRE = "San Fallas de la Prueba"
MIB = 1 << 20


def municipal_page(
    title: str = "Inicio", links: tuple[tuple[str, str], ...] = (), extra: str = "", nombre: str = NOMBRE
) -> str:
    """A small real municipal page (identity, phone, e-mail, viewport) with the given links."""
    anchors = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for href, text in links)
    return (
        "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)} | H. Ayuntamiento de {escape(nombre)}</title></head><body>"
        f"<header><h1>H. Ayuntamiento de {escape(nombre)}</h1><nav><ul>{anchors}</ul></nav></header>"
        f"<main><h2>{escape(title)}</h2><p>Bienvenidos al portal del municipio de {escape(nombre)}, Estado de "
        f"México. Información para la ciudadanía sobre trámites, servicios y obras.</p>{extra}</main>"
        "<footer><p>Palacio Municipal, Plaza Hidalgo 1. Teléfono: (722) 275 13 00. "
        "Correo: <a href='mailto:contacto@sanfallas.gob.mx'>contacto@sanfallas.gob.mx</a></p></footer>"
        "</body></html>"
    )


HOME_LINKS = (("/contacto", "Contacto"), ("/transparencia", "Transparencia"), ("/noticias", "Noticias"))
# What the home-scope checks look for (viewport is in every page): search form, social account, Transparencia link,
# site map.
HOME_EVIDENCE = (
    "<form action='/buscar' role='search'><input type='search' name='q' aria-label='Buscar'><button>Buscar</button>"
    "</form>"
    "<a href='https://www.facebook.com/AyuntamientoSanFallas'>Facebook</a>"
    "<a href='/mapa-del-sitio'>Mapa del sitio</a>"
)
# Evidence for every site-scope check, so that an ordinary fault site scores cumple everywhere but HTTPS (its form
# fields are labelled: the home's accessibility basics hold).
SITE_EVIDENCE = (
    "<h3>Noticias</h3><p>Publicado el 20 de noviembre de 2026: inicia la campaña de bacheo.</p>"
    "<ul><li><a href='/aviso-de-privacidad.pdf'>Aviso de privacidad integral</a></li>"
    "<li><a href='https://wa.me/527222751300'>WhatsApp</a></li>"
    "<li><a href='/tramites'>Trámites y servicios</a></li><li><a href='/pagos'>Pagos en línea</a></li>"
    "<li><a href='/reporte'>Reporte ciudadano</a></li><li><a href='/denuncia'>Buzón de quejas y denuncias</a></li>"
    "<li><a href='/bando-municipal.pdf'>Bando Municipal 2026</a></li>"
    "<li><a href='/gaceta'>Gaceta Municipal</a></li><li><a href='/pdm'>Plan de Desarrollo Municipal</a></li>"
    "<li><a href='https://www.ipomex.org.mx/ipo3/lgt/indice/SANFALLAS.web'>IPOMEX</a></li>"
    "<li><a href='https://www.saimex.org.mx/'>Solicitudes de información (SAIMEX)</a></li>"
    "<li><a href='/conac'>Información financiera CONAC</a></li><li><a href='/datos'>Datos abiertos</a></li>"
    "<li><a href='/datos/diccionario'>Diccionario de datos</a></li><li><a href='/organigrama'>Organigrama</a></li>"
    "<li><a href='/presupuesto'>Presupuesto de Egresos 2026</a></li>"
    "<li><a href='/licitaciones'>Licitaciones públicas</a></li></ul>"
    "<p>Consejos de Participación Ciudadana (COPACI) y Comités Ciudadanos de Control y Vigilancia (COCICOVI).</p>"
    "<p>Convocatoria al presupuesto participativo 2026.</p><p>Sesiones de cabildo abierto.</p>"
    "<p>Unidad de Transparencia: Tel. (722) 275 13 01, transparencia@sanfallas.gob.mx</p>"
    "<h3>Trámite: Licencia de funcionamiento</h3><p>Requisitos: identificación oficial y comprobante de domicilio. "
    "Costo: $350.00. Tiempo de respuesta: 5 días hábiles.</p>"
    "<form action='/contacto' method='post'><label>Nombre <input type='text' name='nombre'></label>"
    "<label>Correo <input type='email' name='correo'></label><label>Mensaje <textarea name='mensaje'></textarea>"
    "</label><button>Enviar</button></form>"
    "<script src='https://embed.tawk.to/abc/default'></script>"
)


def home(extra: str = "", links: tuple[tuple[str, str], ...] = HOME_LINKS) -> str:
    """The fault sites' ordinary home page: evidence for every check (only HTTPS depends on the server)."""
    return municipal_page("Inicio", links, HOME_EVIDENCE + SITE_EVIDENCE + extra)


def inner(path: str) -> str:
    """An ordinary inner page named after its path."""
    name = path.strip("/").split("?")[0].replace("-", " ").capitalize() or "Inicio"
    return municipal_page(name, (("/", "Inicio"),))


def maintenance() -> str:
    """A CMS maintenance notice served with 200 at every path."""
    return (
        "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>Sitio en mantenimiento</title></head>"
        f"<body><h1>H. Ayuntamiento de {NOMBRE}</h1><h2>Sitio en mantenimiento</h2>"
        "<p>Estamos realizando mejoras en nuestro portal. Volveremos pronto.</p></body></html>"
    )


def not_found_200(path: str) -> str:
    """A soft-404: "no encontrado" wording that repeats what was asked for, served with 200."""
    asked = escape(path.strip("/").replace("-", " "))
    return (
        "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>Página no encontrada</title></head>"
        f"<body><h1>H. Ayuntamiento de {NOMBRE}</h1><p>La página «{asked}» que buscas no existe: aviso de "
        "privacidad, presupuesto participativo y COPACI no encontrados.</p><a href='/'>Inicio</a></body></html>"
    )


SOFT404_HOME_LINKS = (
    ("/transparencia", "Transparencia"),
    ("/informacion-legal", "Más información"),
    ("/participacion", "Participa"),
    ("/copaci", "Consejos"),
    ("/tramites", "Servicios"),
    ("/pagos", "Pagar"),
)


def parked() -> str:
    """A for-sale parked domain."""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>sanfallas.gob.mx</title></head><body>"
        "<h1>sanfallas.gob.mx</h1><p>This domain may be for sale! Buy this domain.</p>"
        "<a href='https://dan.com/buy-domain/sanfallas'>Haz una oferta</a></body></html>"
    )


def casino() -> str:
    """A municipal domain taken over by gambling spam."""
    words = " ".join(["Casino online", "slot gacor", "maxwin", "judi togel", "poker", "jackpot"] * 4)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Slot Gacor Maxwin | Casino Online</title>"
        f"</head><body><h1>Situs Slot Gacor</h1><p>{words}</p><a href='/daftar'>Daftar</a></body></html>"
    )


def challenge() -> str:
    """Cloudflare's interstitial."""
    return (
        "<!DOCTYPE html><html lang='en-US'><head><title>Just a moment...</title></head><body>"
        "<div id='challenge-platform'>Checking if the site connection is secure</div>"
        "<noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
    )


def js_shell() -> str:
    """An application root that only a browser fills."""
    return (
        "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>Ayuntamiento</title>"
        "<script src='/static/app.js'></script></head><body><div id='app'></div>"
        "<noscript>Necesitas habilitar JavaScript para ver este sitio.</noscript></body></html>"
    )


def legacy_encoded(encoding: str, declare_meta: bool) -> bytes:
    """A home in a legacy encoding, optionally declaring it only in a meta tag."""
    meta = f"<meta http-equiv='Content-Type' content='text/html; charset={encoding}'>" if declare_meta else ""
    return home().replace("<meta charset='utf-8'>", meta).encode(encoding)


def mojibake() -> bytes:
    """UTF-8 text that a broken CMS double-encoded ("InformaciÃ³n"), served as UTF-8."""
    return home().encode("utf-8").decode("latin-1").encode("utf-8")


def malformed() -> bytes:
    """Unclosed tags, stray bytes and NUL bytes around real municipal content."""
    page = home("<div><p>Sin cerrar<table><tr><td>celda<b>negrita")
    return b"\x00\xff\xfe" + page.replace("<main>", "<main>\x00\x00<<>>").encode("utf-8") + b"\x00\x80\x81<div"


def calendar(month: int) -> str:
    """A calendar page linking to the next month forever."""
    return municipal_page(f"Agenda mes {month}", (("/", "Inicio"), (f"/calendario?mes={month + 1}", "Siguiente")))


def soft404_home() -> str:
    """Home-scope evidence only: what the site-scope checks need sits behind links a catch-all answers."""
    return municipal_page("Inicio", SOFT404_HOME_LINKS, HOME_EVIDENCE)


@lru_cache(maxsize=2)
def gzip_bomb(mib: int = 1024) -> bytes:
    """A gzip body of ~mib/1000 MiB that inflates to mib MiB of zeros (one flushed block, repeated)."""
    chunk = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = crc.to_bytes(4, "little") + ((mib * MIB) & 0xFFFFFFFF).to_bytes(4, "little")
    return header + block * mib + compressor.flush() + trailer
