"""Services to citizens: catalogue of trámites, online payments and citizen reports (with their traps)."""

from __future__ import annotations

from simulator.content_channels import contact_form, contact_page, phone_style, site_phone, whatsapp_html
from simulator.draft import SiteDraft
from simulator.model import NavItem, PageDraft, esc
from simulator.phrasing import compact, email_html, slugify
from simulator.quality import FICHA_PARTIAL, FICHA_PARTIAL_TAG, ficha_tag, form_tags
from simulator.variant_forms import REPORT_FORM_LABELS, REPORTA_072, external_form, payment_link, short_lines

TRAMITES = (
    (
        "Licencia de funcionamiento",
        "Desarrollo Económico",
        "Identificación oficial, comprobante de domicilio y croquis de ubicación del negocio",
    ),
    (
        "Constancia de domicilio",
        "Secretaría del Ayuntamiento",
        "Identificación oficial, comprobante de domicilio y dos fotografías tamaño infantil",
    ),
    (
        "Licencia de construcción",
        "Desarrollo Urbano",
        "Escrituras, planos arquitectónicos y boleta predial al corriente",
    ),
    ("Certificado de no adeudo predial", "Tesorería Municipal", "Clave catastral e identificación oficial"),
    ("Traslado de dominio", "Catastro", "Escritura pública, avalúo catastral e identificación oficial"),
    ("Constancia de vecindad", "Secretaría del Ayuntamiento", "Identificación oficial y dos testigos vecinos"),
    ("Alta en el padrón de usuarios de agua potable", "Organismo de Agua", "Contrato o escrituras e identificación"),
    ("Cédula informativa de zonificación", "Desarrollo Urbano", "Croquis de localización e identificación oficial"),
    ("Copias certificadas del Registro Civil", "Registro Civil", "Datos del registro e identificación oficial"),
    ("Permiso para eventos en vía pública", "Gobernación", "Escrito libre e identificación oficial"),
)
TRAMITES_HEADINGS = (
    "Catálogo de Trámites y Servicios",
    "Registro Municipal de Trámites y Servicios (REMTyS)",
    "Trámites y Servicios",
    "Catálogo Municipal de Regulaciones, Trámites y Servicios",
)
TRAMITES_LABELS = ("Trámites y Servicios", "TRÁMITES Y SERVICIOS", "Trámites", "Catálogo de Trámites")
PAGO_LABELS = (
    "Paga tu predial en línea",
    "Pago de predial en línea",
    "Pagos en línea",
    "Pago de agua en línea",
    "Paga aquí tu agua y predial en línea",
    "PAGO EN LÍNEA",
)


def tramite_html(d: SiteDraft, name: str, area: str, requisitos: str) -> str:
    """One trámite: requirements, cost, office and response time (the time left out where the site's fichas are
    incomplete, simulator.quality)."""
    cost = d.rng.choice(("Gratuito", f"${d.rng.randint(80, 900)}.00"))
    days = d.rng.randint(1, 15)
    time = (
        ""
        if d.quality.ficha == FICHA_PARTIAL
        else f"<li><strong>Tiempo de respuesta:</strong> {days} días hábiles</li>"
    )
    return (
        f"<h3>{esc(name)}</h3><ul><li><strong>Requisitos:</strong> {esc(requisitos)}.</li><li><strong>Costo:"
        f"</strong> {cost}</li><li><strong>Área responsable:</strong> {esc(area)}</li>{time}</ul>"
    )


def build_tramites(d: SiteDraft) -> PageDraft | None:
    """canal.tramites_en_linea: a catalogue section (items inline or one page each); trap: a '#' menu."""
    if not d.plan.has("canal.tramites_en_linea"):
        if d.rng.random() < 0.25:
            kids = tuple(NavItem("tramites", name, "#") for name, _, _ in d.rng.sample(TRAMITES, 3))
            d.nav_item("tramites", d.rng.choice(("Trámites", "TRÁMITES")), "#", children=kids)
        return None
    tag = "canal.tramites_en_linea"
    label = d.rng.choice(TRAMITES_LABELS)
    page = d.section("tramites", "tramites-y-servicios", f"Trámites y Servicios | {d.nombre}", label, tag)
    page.add(
        f"<h2>{esc(d.rng.choice(TRAMITES_HEADINGS))}</h2><p>Consulta los requisitos, costos y áreas responsables "
        "de los trámites y servicios que ofrece el Ayuntamiento.</p>",
        tag,
        FICHA_PARTIAL_TAG,  # names requirements and costs, not the time: an incomplete ficha on its own
    )
    split = d.rng.random() < 0.5 and not d.plan.small
    for name, area, requisitos in d.rng.sample(TRAMITES, 4 if d.plan.small else d.rng.randint(5, len(TRAMITES))):
        if split:
            detail = d.subpage(page, slugify(name, 40), f"{name} | {d.nombre}", name, tag)
            detail.add(tramite_html(d, name, area, requisitos), tag, ficha_tag(d.quality))
        else:
            page.add(tramite_html(d, name, area, requisitos), tag, ficha_tag(d.quality))
    if d.rng.random() < 0.3:
        page.add(
            f"<p>{d.doc_link('catalogo-tramites-servicios', 'Catálogo de Trámites y Servicios (descargar)')}</p>", tag
        )
    return page


def payment_target(d: SiteDraft) -> str:
    """Where 'pay online' leads: a payment page on the site or the municipality's payment host."""
    if d.rng.random() < 0.5:
        page = d.add_page(d.paths.page("pagos-en-linea"), f"Pagos en línea | {d.nombre}", 2)
        page.add(
            "<h2>Pago en línea del impuesto predial</h2><p>Ingresa tu clave catastral para consultar tu adeudo y "
            "pagar con tarjeta de crédito o débito.</p><form action='/pagos/consulta' method='post'><input "
            "type='text' name='clave_catastral' placeholder='Clave catastral'><button type='submit'>Consultar y "
            "pagar</button></form><h3>Pago de agua potable</h3><p>Ten a la mano tu número de cuenta.</p>",
            "canal.pagos_en_linea",
        )
        return page.path
    return d.rng.choice((f"https://pagos.{d.public_host}/", f"https://{d.public_host}/pagoenlinea/predial"))


def build_pagos(d: SiteDraft, tramites: PageDraft | None) -> None:
    """canal.pagos_en_linea: link to an online payment service; traps: '#' menu item, pay-at-the-counter notice."""
    tag = "canal.pagos_en_linea"
    if not d.plan.has(tag):
        roll = d.rng.random()
        if roll < 0.2:
            d.nav_item("pagos", d.rng.choice(("Pagos", "PAGOS", "Pago de predial")), "#")
        elif roll < 0.35:
            d.home.add(
                "<div class='aviso'><h4>Predial</h4><p>Aprovecha el descuento en el pago del impuesto predial "
                "durante enero y febrero: acude a las cajas de la Tesorería Municipal en el Palacio "
                "Municipal.</p></div>"
            )
        return
    href = payment_target(d)
    label = d.rng.choice(PAGO_LABELS)
    outbound = None if href.startswith("/") else payment_link(d.variants, compact(d.nombre), d.public_host)
    href, label = outbound or (href, label)
    where = d.rng.choice(("banner", "nav", "tramites", "footer"))
    link = f'<a href="{esc(href)}" target="_blank">{esc(label)}</a>'
    if where == "banner":
        caption = "" if d.variants.pick("boton.imagen") else f" {esc(label)}"
        d.chrome(
            "banners",
            f'<div class="banner"><a href="{esc(href)}"><img src="/img/banner-pagos.jpg" '
            f'alt="{esc(label)}">{caption}</a></div>',
            tag,
        )
    elif where == "nav":
        d.nav_item("pagos", label, href, tag)
    elif where == "tramites" and tramites is not None:
        tramites.add(f"<p class='destacado'>{link}</p>", tag)
    else:
        d.chrome("footer", f"<p class='pagos'>{link}</p>", tag)


def report_variants(d: SiteDraft) -> list[str]:
    """Ways this site can take citizen reports, limited to channels the site really publishes."""
    kinds = ["072", "072"]
    for kind, check in (
        ("form", "canal.formulario"),
        ("email", "canal.correo"),
        ("phone", "canal.telefono"),
        ("whatsapp", "canal.whatsapp"),
    ):
        if d.plan.has(check):
            kinds += [kind, kind]
    return kinds


def report_content(d: SiteDraft, page: PageDraft, kind: str) -> None:
    """The report channel itself, tagged with every check it also proves."""
    tag = "canal.reporte_ciudadano"
    intro = (
        "<p>Reporta fallas en los servicios públicos: baches, fugas de agua, luminarias apagadas y "
        "recolección de basura.</p>"
    )
    if kind == "form":
        page.add(
            intro + contact_form(d, page.path, "Describe tu reporte"), tag, "canal.formulario", *form_tags(d.quality)
        )
    elif kind == "email":
        page.add(
            intro
            + "<p>"
            + email_html(d.rng, d.email("buzon"), d.rng.choice(("mailto", "texto", "arroba")), "Envía tu reporte a:")
            + "</p>",
            tag,
            "canal.correo",
        )
    elif kind == "phone":
        page.add(intro + f"<p>{site_phone(d, phone_style(d), 'Línea de atención:')}</p>", tag, "canal.telefono")
    elif kind == "whatsapp":
        fragment, probe = whatsapp_html(d)
        page.add(intro + f"<p>{fragment}</p>", tag, "canal.whatsapp", "canal.telefono", *probe)
    else:
        page.add(intro_072(d, intro), tag)


def intro_072(d: SiteDraft, intro: str) -> str:
    """The 072 line (usual or real-world wording), or a link to an external report form, with the intro."""
    form = external_form(d.variants, "reporte.formulario_externo", REPORT_FORM_LABELS)
    if form is not None:
        return intro + form
    option = d.variants.pick("reporte.texto_072")
    if option is not None:
        return REPORTA_072[option] + intro
    return "<p>Marca al <strong>072</strong>, Línea de Atención Ciudadana, las 24 horas del día.</p>" + intro


def build_reporte(d: SiteDraft) -> None:
    """canal.reporte_ciudadano: a report channel page; trap: 'Atención Ciudadana' menu item with href '#'."""
    tag = "canal.reporte_ciudadano"
    if not d.plan.has(tag):
        if d.rng.random() < 0.2:
            d.nav_item("atencion", "Atención Ciudadana", "#")
        return
    titles = ["Reporte Ciudadano", "Atención Ciudadana", "ATENCIÓN CIUDADANA", "Buzón Ciudadano"]
    if d.plan.has("participacion.denuncia_ciudadana"):
        titles.append("Buzón de quejas y sugerencias")
    title = d.rng.choice(titles) if d.plan.legacy_charset != "cp1252" else "Atención Ciudadana"
    where = d.rng.choice(("nav", "nav", "banner", "contacto"))
    if where == "nav":
        page = d.section("atencion", "atencion-ciudadana", f"{title.title()} | {d.nombre}", title, tag)
    elif where == "banner":
        page = d.add_page(d.paths.page("reporte-ciudadano"), f"{title.title()} | {d.nombre}", 1)
        hint = "" if d.variants.pick("boton.imagen") else f' title="{esc(title)}"'
        d.chrome(
            "banners",
            f'<div class="banner"><a href="{esc(page.path)}"{hint}><img '
            f'src="/img/banner-reporte.jpg" alt="{esc(title)}"></a></div>',
            tag,
        )
    else:
        page = d.subpage(contact_page(d), "atencion-ciudadana", f"{title.title()} | {d.nombre}", title, tag)
    page.add(f"<h2>{esc(title)}</h2>", tag)
    report_content(d, page, d.rng.choice(report_variants(d)))
    lines = short_lines(d.variants, d.plan.has("participacion.denuncia_ciudadana"))
    if lines is not None:
        d.chrome(lines[0], lines[1], tag)
