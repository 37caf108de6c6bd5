"""Transparency (P4): the section and its home link, IPOMEX, SAIMEX/PNT, Unidad de Transparencia, CONAC, open data."""

from __future__ import annotations

from simulator.content_channels import contact_form, contact_page, phone_style, site_phone
from simulator.draft import SiteDraft
from simulator.model import PageDraft, esc
from simulator.phrasing import compact, email_html, person
from simulator.quality import form_tags
from simulator.variant_forms import (
    CONAC_FORMS,
    PRIVACY_LABELS,
    SOLICITUD_LINES,
    SOLICITUD_PAGES,
    STATE_PORTALS,
    UNIT_NAMES,
)

PORTAL = "transparencia.enlace_portal"
SAIMEX = "https://www.saimex.org.mx/saimex/ciudadano/login.page"
SECTION_LABELS = (
    "Transparencia",
    "TRANSPARENCIA",
    "Transparencia y Acceso a la Información",
    "TRANSPARENCIA Y ACCESO A LA INFORMACIÓN",
    "Transparencia y Acceso a la Información Pública",
)
IPOMEX_LABELS = (
    "IPOMEX",
    "Información Pública de Oficio Mexiquense (IPOMEX)",
    "Consulta nuestra información en IPOMEX",
    "Portal IPOMEX",
)
CONAC_HEADINGS = (
    "Armonización Contable",
    "Información Financiera (CONAC)",
    "SEVAC",
    "Cuenta Pública",
    "Ley General de Contabilidad Gubernamental",
)
BUDGET = "transparencia.presupuesto"
BUDGET_REPORT = "Estado Analítico del Ejercicio del Presupuesto de Egresos"
CONAC_REPORTS = (
    "Estado de Situación Financiera",
    "Estado de Actividades",
    "Estado Analítico del Activo",
    "Estado Analítico de Ingresos",
    BUDGET_REPORT,
)
TRANSPARENCY_FEATURES = (
    "transparencia.enlace_ipomex",
    "transparencia.solicitudes",
    "transparencia.unidad_transparencia",
    "transparencia.conac",
    "transparencia.datos_abiertos",
)


def ipomex_url(d: SiteDraft) -> str:
    """The municipality's own IPOMEX index (the registry's when known, else the usual pattern)."""
    if d.m.ipomex_url:
        return d.m.ipomex_url
    slug = compact(d.nombre)
    return d.rng.choice(
        (f"https://www.ipomex.org.mx/ipo3/lgt/indice/{slug}.web", f"http://www.ipomex.org.mx/ipo/portal/{slug}.web")
    )


def home_linked_page(d: SiteDraft, where: str, label: str) -> PageDraft:
    """The transparency page linked from the footer or a home banner instead of the menu."""
    page = d.add_page(d.paths.page("transparencia"), f"Transparencia | {d.nombre}", 1)
    d.sections["transparencia"] = page
    if where == "footer":
        d.chrome("footer", f'<p><a href="{esc(page.path)}">{esc(label)}</a></p>', PORTAL)
    else:
        hint = "" if d.variants.pick("boton.imagen") else ' title="Transparencia"'
        d.chrome(
            "banners",
            f'<div class="banner"><a href="{esc(page.path)}"{hint}><img '
            f'src="/img/banner-transparencia.jpg" alt="{esc(label)}"></a></div>',
            PORTAL,
        )
    return page


def transparency_page(d: SiteDraft) -> PageDraft | None:
    """The transparency section, linked from the home (menu, footer, banner) or buried under the government page."""
    needed = any(d.plan.has(c) for c in TRANSPARENCY_FEATURES) or d.plan.ut_trap
    label = d.rng.choice(SECTION_LABELS)
    title = f"Transparencia | {d.nombre}"
    where = "enterrada"
    if not d.plan.has(PORTAL):
        if d.rng.random() < 0.3:
            d.nav_item("transparencia", d.rng.choice(("Transparencia", "TRANSPARENCIA")), "#")
    else:
        where = d.rng.choice(("menu", "menu", "menu", "menu", "footer", "banner", "ipomex"))
    if where == "ipomex" and d.plan.has("transparencia.enlace_ipomex"):
        d.nav_item("transparencia", label, ipomex_url(d), PORTAL, "transparencia.enlace_ipomex")
        where = "enterrada"
    state = d.variants.pick("transparencia.portal_estatal") if where == "menu" else None
    if state is not None:
        # The menu leads to the state's portal; the site's own section hangs from the government page.
        state_label, url = STATE_PORTALS[state]
        d.nav_item("transparencia", state_label, url.format(slug=compact(d.nombre)), PORTAL)
        where = "enterrada"
    if where == "enterrada" and not needed:
        return None
    if where == "enterrada":
        page = d.section("transparencia", "transparencia", title, "Transparencia", via=d.sections["gobierno"])
    elif where in ("footer", "banner"):
        page = home_linked_page(d, where, d.rng.choice(("Portal de Transparencia", "Transparencia")))
    else:
        page = d.section("transparencia", "transparencia", title, label, PORTAL)
    page.add(
        f"<h2>{esc(label)}</h2><p>En cumplimiento de la Ley de Transparencia y Acceso a la Información Pública "
        "del Estado de México y Municipios ponemos a tu disposición la información que establece la ley.</p>"
    )
    return page


def add_ipomex(d: SiteDraft, page: PageDraft) -> None:
    """transparencia.enlace_ipomex on the section, or on the home (banner, footer) when the home links transparency."""
    tag = "transparencia.enlace_ipomex"
    link = f'<a href="{esc(ipomex_url(d))}" target="_blank">{esc(d.rng.choice(IPOMEX_LABELS))}</a>'
    where = d.rng.choice(("pagina", "pagina", "pagina", "banner", "footer")) if d.plan.has(PORTAL) else "pagina"
    if where == "banner":
        d.chrome(
            "banners",
            f'<div class="banner"><a href="{esc(ipomex_url(d))}" target="_blank"><img '
            'src="/img/ipomex.png" alt="IPOMEX"></a></div>',
            tag,
            PORTAL,
        )
    elif where == "footer":
        d.chrome("footer", f"<p>Sitios de interés: {link}</p>", tag, PORTAL)
    else:
        page.add(f"<p>{link}</p>", tag)


def add_solicitudes(d: SiteDraft, page: PageDraft) -> None:
    """transparencia.solicitudes: SAIMEX or PNT link, or a request page of the site."""
    tag = "transparencia.solicitudes"
    saimex = '<a href="{}" target="_blank">{}</a>'.format(
        SAIMEX,
        esc(
            d.rng.choice(
                (
                    "SAIMEX",
                    "Sistema de Acceso a la Información Mexiquense (SAIMEX)",
                    "Solicitudes de información (SAIMEX)",
                )
            )
        ),
    )
    pnt = (
        '<a href="https://www.plataformadetransparencia.org.mx/" target="_blank">Plataforma Nacional de '
        "Transparencia</a>"
    )
    kind = d.rng.choice(("saimex", "saimex", "pnt", "pagina"))
    phrase = d.variants.pick("solicitudes.frase")
    if kind != "pagina":
        line = f"<p>Presenta tu solicitud de información: {saimex if kind == 'saimex' else pnt}</p>"
        line = SOLICITUD_LINES[phrase].format(saimex=SAIMEX) if phrase else line
        d.add_framed(page, "solicitudes", "Solicitudes de información", line, tag)
        return
    label, heading = SOLICITUD_PAGES.get(phrase or "", ("Solicitudes de acceso a la información",) * 2)
    target = d.subpage(page, "solicitudes-de-informacion", f"{label} | {d.nombre}", label, tag)
    target.add(
        f"<h3>{esc(heading)}</h3><p>Puedes presentar tu solicitud por escrito, de "
        f"manera verbal o en línea a través de {saimex} o de la {pnt}.</p>",
        tag,
    )
    if d.plan.has("canal.formulario") and d.rng.random() < 0.4:
        target.add(
            contact_form(d, target.path, "Información que solicitas"), tag, "canal.formulario", *form_tags(d.quality)
        )


def unit_block(d: SiteDraft, page: PageDraft, with_data: bool) -> None:
    """The Unidad de Transparencia: with at least one contact datum, or (trap) named without any."""
    name = d.rng.choice(
        (
            "Unidad de Transparencia",
            "Unidad de Transparencia y Acceso a la Información Pública",
            "UNIDAD DE TRANSPARENCIA",
        )
    )
    regional = d.variants.pick("unidad.nombre")
    name = UNIT_NAMES[regional] if regional else name
    lines = [f"<h3>{esc(name)}</h3>", f"<p>Titular: {esc(person(d.rng))}</p>"]
    tags = ["transparencia.unidad_transparencia"] if with_data else []
    if with_data:
        kinds = ["domicilio"] + [k for k, c in (("tel", "canal.telefono"), ("mail", "canal.correo")) if d.plan.has(c)]
        for kind in d.rng.sample(kinds, d.rng.randint(1, len(kinds))):
            if kind == "domicilio":
                lines.append(f"<p>Domicilio: Palacio Municipal, planta alta. {esc(d.address)}</p>")
            elif kind == "tel":
                lines.append(f"<p>{site_phone(d, phone_style(d))}</p>")
                tags.append("canal.telefono")
            else:
                style = d.rng.choice(("mailto", "texto", "at"))
                lines.append(f"<p>{email_html(d.rng, d.email('transparencia'), style)}</p>")
                tags.append("canal.correo")
    target = (
        page
        if d.rng.random() < 0.6
        else d.subpage(page, "unidad-de-transparencia", f"{name.title()} | {d.nombre}", name)
    )
    d.add_framed(target, "unidad-de-transparencia", name, "".join(lines), *tags)


def add_conac(d: SiteDraft, page: PageDraft) -> None:
    """transparencia.conac: financial statements under the Ley General de Contabilidad Gubernamental."""
    tag = "transparencia.conac"
    heading = d.rng.choice(CONAC_HEADINGS)
    contents = d.variants.pick("conac.contenidos")
    reports: tuple[str, ...] = CONAC_REPORTS
    if contents is not None:
        heading, reports = CONAC_FORMS[contents]
    # The budget statement is always among the reports (whatever their form), so it is «budget-related information»
    # (transparencia.presupuesto) wherever the CONAC block is, and variants never change that truth.
    if BUDGET_REPORT not in reports:
        reports = (*reports, BUDGET_REPORT)
    if d.rng.random() < 0.2:
        target = d.section("conac", "armonizacion-contable", f"{heading} | {d.nombre}", heading, tag)
    else:
        target = d.subpage(page, "armonizacion-contable", f"{heading} | {d.nombre}", heading, tag)
    year = d.dates.newest.year
    items = "".join(f"<li>{d.doc_link(f'{r.lower()} {year}', f'{r} {year}')}</li>" for r in reports)
    items += f"<li>{d.doc_link(f'cuenta publica {year - 1}', f'Cuenta Pública {year - 1}')}</li>"
    intro = (
        "<p>Información financiera conforme a la Ley General de Contabilidad Gubernamental y las normas del CONAC.</p>"
    )
    target.add(f"<h3>{esc(heading)}</h3>{'' if contents else intro}<ul>{items}</ul>", tag, BUDGET)


def add_datos(d: SiteDraft, page: PageDraft) -> None:
    """transparencia.datos_abiertos: CSV/XLSX/JSON downloads, or a link to an open-data portal."""
    tag = "transparencia.datos_abiertos"
    kind = d.rng.choice(("pagina", "pagina", "enlaces", "portal"))
    if kind == "portal":
        page.add('<p><a href="https://datos.gob.mx/" target="_blank">Portal de Datos Abiertos</a></p>', tag)
        return
    files = (
        ("Obras públicas", "obras-publicas", "csv"),
        ("Padrón de proveedores", "padron-de-proveedores", "xlsx"),
        ("Directorio de servidores públicos", "directorio-servidores", "json"),
    )
    links = "".join(f"<li>{d.doc_link(slug, f'{name} ({ext.upper()})', ext)}</li>" for name, slug, ext in files)
    if kind == "enlaces":
        page.add(f"<h4>Descargas en formato abierto</h4><ul>{links}</ul>", tag)
        return
    target = d.subpage(page, "datos-abiertos", f"Datos Abiertos | {d.nombre}", "Datos Abiertos", tag)
    target.add(f"<h3>Datos Abiertos</h3><p>Conjuntos de datos para descargar y reutilizar.</p><ul>{links}</ul>", tag)


def add_aviso(d: SiteDraft, page: PageDraft | None) -> None:
    """sitio.aviso_privacidad: a footer link to the notice (page or PDF), or a link on the contact/transparency page."""
    tag = "sitio.aviso_privacidad"
    if not d.plan.has(tag):
        return
    label = d.rng.choice(
        (
            "Aviso de Privacidad",
            "AVISO DE PRIVACIDAD",
            "Aviso de privacidad integral",
            "Aviso de privacidad simplificado",
        )
    )
    where = d.rng.choice(("footer", "footer", "pdf", "transparencia", "contacto"))
    label = d.variants.choice(PRIVACY_LABELS) if d.variants.pick("aviso.nombre") else label
    if where == "pdf" or (where == "transparencia" and page is None):
        d.chrome("footer", f"<p>{d.doc_link('aviso-de-privacidad', label)}</p>", tag)
        return
    if where == "contacto" and "contacto" in d.sections:
        contact_page(d).add(f"<p>{d.doc_link('aviso-de-privacidad-simplificado', label)}</p>", tag)
        return
    if where == "transparencia" and page is not None and page.depth < 2:
        target = d.subpage(page, "aviso-de-privacidad", f"Aviso de Privacidad | {d.nombre}", label, tag)
    else:
        target = d.add_page(d.paths.page("aviso-de-privacidad"), f"Aviso de Privacidad | {d.nombre}", 1)
        d.chrome("footer", f'<p><a href="{esc(target.path)}">{esc(label)}</a></p>', tag)
    target.add(
        f"<h2>{esc(label)}</h2><p>El H. Ayuntamiento de {esc(d.nombre)} es responsable del tratamiento de los "
        "datos personales que nos proporcione, los cuales serán protegidos conforme a la Ley de Protección de "
        "Datos Personales en Posesión de Sujetos Obligados del Estado de México y Municipios.</p>",
        tag,
    )


def build_transparency(d: SiteDraft) -> None:
    """Every transparency feature the plan asks for, plus the unit trap and the CONAC '#' trap."""
    page = transparency_page(d)
    if page is not None:
        steps = (
            ("transparencia.enlace_ipomex", add_ipomex),
            ("transparencia.solicitudes", add_solicitudes),
            ("transparencia.conac", add_conac),
            ("transparencia.datos_abiertos", add_datos),
        )
        for check, add in steps:
            if d.plan.has(check):
                add(d, page)
        if d.plan.has("transparencia.unidad_transparencia") or d.plan.ut_trap:
            unit_block(d, page, with_data=not d.plan.ut_trap)
    if not d.plan.has("transparencia.conac") and d.rng.random() < 0.2:
        d.nav_item("conac", "Armonización Contable", "#")
    add_aviso(d, page)
