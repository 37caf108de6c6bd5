"""The HTML of each real-world form (simulator.variants): data tables of wordings, hosts and layouts."""

from __future__ import annotations

from simulator.model import esc
from simulator.phrasing import Phone, format_phone
from simulator.variants import Variants

# Phone layouts by length of the long-distance code: metropolitan sites (55) often omit it.
PHONE_FORMS: dict[int, tuple[str, ...]] = {
    2: ("local8_espacio", "local8_corrido", "puntos", "movil", "enlace_vacio"),
    3: ("uno_dos", "dos_uno", "puntos", "movil", "enlace_vacio"),
}
LOCAL_LABELS = ("Conmutador:", "Centro de mando:", "Tels.", "Oficina:")
PHONE_LABELS = ("Tel.", "Teléfono:", "Conmutador:", "Atención:")
EMPTY_LINKS = ('<a href="">{}</a>', '<a href="#" class="telefono">{}</a>', '<a class="tel">{}</a>')
SHORT_LINES = (
    ("Reporta al", "072"),
    ("Emergencias", "911"),
    ("Atención ciudadana", "*7311"),
    ("Línea ciudadana", "*7300"),
)
DENUNCIA_LINE = ("Denuncia anónima", "089")
REPORTA_072 = {
    "reporta_al": "<p>Reporta al <strong>072</strong> baches, fugas, luminarias apagadas y basura.</p>",
    "pregunta": "<p>¿Viste una fuga o un bache? Reporta al 072, atención ciudadana las 24 horas.</p>",
}
PAYMENT_HOSTS = {
    "tesoreria_estatal": "https://sfpya.edomexico.gob.mx/recaudacion/municipios/{slug}/predial",
    "proveedor": "https://{slug}.pagosmunicipales.com.mx/",
    "tesoreria_municipal": "https://tesoreria.{host}/predial/",
}
PAYMENT_LABELS = ("Paga tu predial", "Paga aquí tu predial y agua", "Consulta y paga tu predial", "Pago de derechos")
FORM_LINKS = {
    "docs_google": "https://docs.google.com/forms/d/e/1FAIpQLS{token}/viewform",
    "forms_gle": "https://forms.gle/{token}",
}
REPORT_FORM_LABELS = ("Levanta tu reporte ciudadano aquí", "Haz tu reporte ciudadano en línea", "Reporte ciudadano")
# No "queja": quejas are citizen reports (canal.reporte_ciudadano), which this site may not take.
DENUNCIA_FORM_LABELS = ("Presenta tu denuncia aquí", "Formato de denuncia ciudadana", "Denuncia en línea")
STATE_PORTALS = {
    "infoem": ("Transparencia", "https://www.infoem.org.mx/es/contenido/transparencia/municipios/{slug}"),
    "edomex": ("Portal de Transparencia", "https://transparencia.edomex.gob.mx/municipios/{slug}"),
}
BANDO_TITLES = {
    "policia_buen_gobierno": "Bando de Policía y Buen Gobierno {year}",
    "policia": "Bando de Policía {year}",
    "completo": "Bando de Policía y Buen Gobierno del Municipio de {nombre} {year}",
}
# The cabildo as "Asamblea Municipal": every wording of the cabildo page, longest first.
ASAMBLEA = (
    ("Sesión de Cabildo Abierto", "Sesión Abierta de la Asamblea Municipal"),
    ("Sesión Ordinaria de Cabildo", "Sesión Ordinaria de la Asamblea Municipal"),
    ("SESIONES DE CABILDO", "SESIONES DE LA ASAMBLEA"),
    ("Sesiones de Cabildo", "Sesiones de la Asamblea"),
    ("sesiones de cabildo", "sesiones de la Asamblea"),
    ("Actas de Cabildo", "Actas de la Asamblea Municipal"),
    ("Cabildo Abierto", "Asamblea Municipal Abierta"),
)
UNIT_NAMES = {
    "coordinacion": "Coordinación de Transparencia",
    "departamento": "Departamento de Transparencia",
    "direccion": "Dirección de Transparencia y Acceso a la Información",
}
SOLICITUD_LINES = {
    "solicita": '<p><a href="{saimex}" target="_blank">Solicita información</a></p>',
    "quieres_saber": '<p>¿Quieres saber algo del Ayuntamiento? <a href="{saimex}" target="_blank">Pregúntanos a '
    "través del SAIMEX</a></p>",
    "derecho_acceso": '<p>Derecho de acceso a la información: <a href="{saimex}" target="_blank">ingresa aquí</a></p>',
}
SOLICITUD_PAGES = {
    "solicita": ("Solicita información", "Solicita información"),
    "quieres_saber": ("¿Quieres saber algo del Ayuntamiento?", "¿Quieres saber algo del Ayuntamiento?"),
    "derecho_acceso": ("Derecho de acceso a la información", "Derecho de Acceso a la Información"),
}
PRIVACY_LABELS = ("Anuncio de privacidad", "ANUNCIO DE PRIVACIDAD", "Anuncio de privacidad integral")
# CONAC formats named only by their contents (no "CONAC", no "Ley General de Contabilidad Gubernamental"),
# five reports like the usual list so the site draws the same documents.
CONAC_FORMS = {
    "trimestral": (
        "Información financiera trimestral",
        (
            "Estado de Situación Financiera",
            "Estado de Actividades",
            "Balanza de Comprobación",
            "Estado de Flujos de Efectivo",
            "Notas a los Estados Financieros",
        ),
    ),
    "estados": (
        "Estados financieros",
        (
            "Estado de Situación Financiera",
            "Balanza de Comprobación",
            "Estado Analítico del Activo",
            "Estado de Variación en la Hacienda Pública",
            "Estado Analítico de la Deuda y Otros Pasivos",
        ),
    ),
    "cuenta_publica": (
        "Cuenta Pública",
        (
            "Estado de Situación Financiera",
            "Balanza de Comprobación",
            "Estado de Actividades",
            "Informe sobre Pasivos Contingentes",
            "Estado Analítico de Ingresos",
        ),
    ),
}


def phone_form(v: Variants, phone: Phone, label: str | None, default: str) -> str:
    """The site's phone in its real-world layout, or default when the site writes the usual one."""
    option = v.pick("telefono.formato", PHONE_FORMS[len(phone.lada)])
    if option is None:
        return default
    d, n = phone.digits, phone.local
    shown = {
        "local8_espacio": f"{n[:4]} {n[4:]}",
        "local8_corrido": n,
        "uno_dos": f"({phone.lada}) {n[0]}-{n[1:3]}-{n[3:5]}-{n[5:]}",
        "dos_uno": f"({phone.lada}) {n[:2]}-{n[2]}-{n[3:5]}-{n[5:]}",
        "puntos": f"{d[:3]}.{d[3:6]}.{d[6:]}",
        "movil": f"+52 1 {d[:3]} {d[3:6]} {d[6:]}",
        "enlace_vacio": format_phone(phone, "espacios"),
    }[option]
    label = label or v.choice(LOCAL_LABELS if option.startswith("local8") else PHONE_LABELS)
    if option == "enlace_vacio":
        return v.choice(EMPTY_LINKS).format(f"{esc(label)} {esc(shown)}")
    return f"{esc(label)} {esc(shown)}"


def short_lines(v: Variants, with_denuncia: bool) -> tuple[str, str] | None:
    """(where, fragment) of the short citizen lines (072, 911, 089, *73xx), or None."""
    option = v.pick("reporte.lineas_cortas")
    if option is None:
        return None
    lines = [SHORT_LINES[0], SHORT_LINES[1], v.choice(SHORT_LINES[2:])]
    if with_denuncia:
        lines.append(DENUNCIA_LINE)
    items = "".join(f"<li>{esc(label)} <strong>{esc(number)}</strong></li>" for label, number in lines)
    title = v.choice(("Números de emergencia", "Líneas de atención", "Teléfonos de emergencia"))
    return (
        "footer" if option == "pie" else "header"
    ), f"<div class='lineas-cortas'><h4>{title}</h4><ul>{items}</ul></div>"


def payment_link(v: Variants, slug: str, host: str) -> tuple[str, str] | None:
    """(href, label) of a payment service on the state treasury's or a vendor's domain, or None."""
    option = v.pick("pagos.externo")
    if option is None:
        return None
    return PAYMENT_HOSTS[option].format(slug=slug, host=host), v.choice(PAYMENT_LABELS)


def external_form(v: Variants, name: str, labels: tuple[str, ...]) -> str | None:
    """A link to a Google Forms-like form, with words naming the service, or None."""
    option = v.pick(name)
    if option is None:
        return None
    href = FORM_LINKS[option].format(token=v.token(48 if option == "docs_google" else 17))
    return f'<p><a href="{esc(href)}" target="_blank">{esc(v.choice(labels))}</a></p>'


def rename(v: Variants, name: str, table: tuple[tuple[str, str], ...], text: str) -> str:
    """text with the regional wordings of a class, when the site uses them."""
    if v.pick(name) is None:
        return text
    for old, new in table:
        text = text.replace(old, new)
    return text


def iframe_document(title: str, fragment: str, charset: str) -> str:
    """A same-site page shown inside another one through <iframe src>."""
    meta = f'<meta charset="{charset}">\n' if charset else ""
    return (
        f'<!DOCTYPE html>\n<html lang="es">\n<head>\n{meta}<title>{esc(title)}</title>\n<link rel="stylesheet" '
        f'href="/css/embebido.css">\n</head>\n<body class="embebido">\n{fragment}\n</body>\n</html>\n'
    )
