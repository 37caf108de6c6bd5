"""Non-content responses: parked domain, maintenance page, server errors, 404, robots.txt and tiny documents."""

from __future__ import annotations

import random

from simulator.model import Resource, esc
from simulator.phrasing import compact

HTML_UTF8 = "text/html; charset=UTF-8"
TEXT_PLAIN = "text/plain; charset=UTF-8"
ROBOTS_BY_TEMPLATE = {
    "wordpress": "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n",
    "joomla": "User-agent: *\nDisallow: /administrator/\nDisallow: /cache/\nDisallow: /tmp/\n",
    "bootstrap5": "User-agent: *\nAllow: /\n",
    "bootstrap4": "User-agent: *\nDisallow:\n",
}
DISALLOW_ALL = Resource(200, TEXT_PLAIN, b"User-agent: *\nDisallow: /\n")
ALLOW_ALL = Resource(200, TEXT_PLAIN, b"User-agent: *\nAllow: /\n")


def html(status: int, body: str) -> Resource:
    """A UTF-8 HTML response."""
    return Resource(status, HTML_UTF8, body.encode("utf-8"))


def parked(rng: random.Random, nombre: str) -> Resource:
    """A parked, for-sale domain page that once was the municipality's (no trace of the town hall left)."""
    domain = rng.choice((f"{compact(nombre)}.com.mx", f"ayuntamiento{compact(nombre)}.mx", f"{compact(nombre)}.org.mx"))
    if rng.random() < 0.5:
        text = (
            f"<h1>{esc(domain)}</h1><p>Este dominio está a la venta.</p><p>¿Te interesa? <a "
            f'href="https://sedo.com/search/details/?domain={esc(domain)}">Haz una oferta en Sedo</a></p>'
        )
    else:
        text = (
            f"<h1>{esc(domain)}</h1><p>This domain may be for sale!</p><p><a "
            f'href="https://dan.com/buy-domain/{esc(domain)}">Buy this domain</a></p><p>Related searches: '
            '<a href="/search?q=seguros">Seguros</a> <a href="/search?q=creditos">Créditos</a></p>'
        )
    return html(
        200,
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{esc(domain)}</title></head>"
        f"<body>{text}</body></html>",
    )


def maintenance(nombre: str) -> Resource:
    """The maintenance notice a CMS shows at every path, with status 200."""
    return html(
        200,
        "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><meta name='viewport' "
        f"content='width=device-width, initial-scale=1'><title>Sitio en mantenimiento | {esc(nombre)}"
        f"</title></head><body><h1>H. Ayuntamiento de {esc(nombre)}</h1><h2>Sitio en mantenimiento</h2>"
        "<p>Estamos realizando mejoras en nuestro portal. Volveremos pronto.</p></body></html>",
    )


def server_error() -> Resource:
    """503 as an overloaded or broken backend answers every request."""
    return html(
        503,
        "<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1>"
        "<p>The server is temporarily unable to service your request.</p></body></html>",
    )


def not_found(nombre: str) -> Resource:
    """A real 404 page."""
    return html(
        404,
        f"<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>Página no encontrada | "
        f"{esc(nombre)}</title></head><body><h1>Error 404</h1><p>La página que buscas no existe.</p>"
        "<p><a href='/'>Volver al inicio</a></p></body></html>",
    )


def redirect(location: str, status: int = 302) -> Resource:
    """A redirect with a relative Location, so it works whatever port the site gets."""
    return Resource(status, HTML_UTF8, f"<a href='{esc(location)}'>Moved</a>".encode(), location)


def robots_for(template: str) -> Resource | None:
    """The template's usual robots.txt; old table sites have none (404, which means allow-all)."""
    text = ROBOTS_BY_TEMPLATE.get(template)
    return None if text is None else Resource(200, TEXT_PLAIN, text.encode())


def tiny_pdf(title: str) -> bytes:
    """A minimal valid one-page PDF whose text is the document title."""
    safe = title.encode("latin-1", "replace").decode("latin-1").replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


def document(title: str, ext: str) -> Resource | None:
    """Body of a linked document; XLSX files are left missing (404) like many real uploads."""
    if ext == "pdf":
        return Resource(200, "application/pdf", tiny_pdf(title))
    if ext == "csv":
        return Resource(200, "text/csv; charset=UTF-8", b"concepto,monto\nObra 1,150000\nObra 2,98000\n")
    if ext == "json":
        return Resource(200, "application/json", b'[{"area": "Tesoreria", "titular": "vacante"}]\n')
    return None
