"""Participation and oversight norms: COPACI, COCICOVI, participatory budget, denuncia, cabildo, bando, gaceta, plan."""

from __future__ import annotations

from datetime import date

from simulator.content_channels import contact_form, phone_style, site_phone
from simulator.draft import SiteDraft
from simulator.model import PageDraft, esc
from simulator.phrasing import COMMUNITIES, camel, email_html, format_date, person
from simulator.quality import form_tags
from simulator.variant_forms import ASAMBLEA, DENUNCIA_FORM_LABELS, external_form, rename

ORDINALS = ("Primera", "Segunda", "Tercera", "Cuarta", "Quinta", "Sexta", "Séptima", "Octava", "Novena", "Décima")


def place(d: SiteDraft, parent: PageDraft, slug: str, title: str, label: str, *tags: str) -> PageDraft:
    """Half the time a topic gets its own page under parent; otherwise it is shown on parent itself."""
    if d.rng.random() < 0.5 and not d.plan.small:
        return d.subpage(parent, slug, f"{title} | {d.nombre}", label, *tags)
    return parent


def participation_page(d: SiteDraft) -> PageDraft:
    """The 'Participación Ciudadana' section, from the menu or from the government page."""
    if "participacion" not in d.sections:
        via = None if d.rng.random() < 0.7 else d.sections["gobierno"]
        label = d.rng.choice(("Participación Ciudadana", "PARTICIPACIÓN CIUDADANA", "Participa"))
        page = d.section(
            "participacion", "participacion-ciudadana", f"Participación Ciudadana | {d.nombre}", label, via=via
        )
        page.add(
            "<h2>Participación Ciudadana</h2><p>La participación de la ciudadanía fortalece las decisiones del "
            "gobierno municipal.</p>"
        )
    return d.sections["participacion"]


def add_copaci(d: SiteDraft) -> None:
    """participacion.copaci: members table, election call (PDF) or what the councils do."""
    tag = "participacion.copaci"
    page = place(
        d,
        participation_page(d),
        "copaci",
        "COPACI",
        d.rng.choice(("COPACI", "Consejos de Participación Ciudadana")),
        tag,
    )
    kind = d.rng.choice(("integrantes", "convocatoria", "funciones"))
    head = "<h3>Consejos de Participación Ciudadana (COPACI)</h3>"
    if kind == "integrantes":
        rows = "".join(
            f"<tr><td>{esc(c)}</td><td>{esc(person(d.rng, False))}</td><td>{esc(person(d.rng, False))}</td></tr>"
            for c in d.rng.sample(COMMUNITIES, 5)
        )
        page.add(
            f"{head}<p>Integrantes electos{esc(d.period())}:</p><table><tr><th>Comunidad</th><th>Presidente"
            f"</th><th>Secretario</th></tr>{rows}</table>",
            tag,
        )
    elif kind == "convocatoria":
        link = d.doc_link(
            "convocatoria-copaci",
            "Convocatoria para la elección de Delegados, Subdelegados y Consejos de Participación Ciudadana",
        )
        page.add(f"{head}<p>{link}</p>", tag)
    else:
        page.add(
            f"{head}<p>Los COPACI son órganos de comunicación y colaboración entre la comunidad y el "
            "Ayuntamiento, conforme a la Ley Orgánica Municipal del Estado de México.</p>",
            tag,
        )


def add_cocicovi(d: SiteDraft) -> None:
    """participacion.cocicovi: committees per public work, on the participation or the Contraloría page."""
    tag = "participacion.cocicovi"
    parent = (
        d.sections["contraloria"] if "contraloria" in d.sections and d.rng.random() < 0.5 else participation_page(d)
    )
    page = place(d, parent, "cocicovi", "COCICOVI", "COCICOVI", tag)
    works = (
        "Pavimentación de la calle principal",
        "Rehabilitación de la red de drenaje",
        "Construcción de aulas",
        "Ampliación de la red eléctrica",
    )
    items = "".join(
        f"<li>{esc(w)} en {esc(d.rng.choice(COMMUNITIES))}: comité constituido</li>" for w in d.rng.sample(works, 3)
    )
    page.add(
        "<h3>Comités Ciudadanos de Control y Vigilancia (COCICOVI)</h3><p>Los COCICOVI vigilan que las obras "
        f"públicas se ejecuten conforme a lo programado.</p><ul>{items}</ul>",
        tag,
    )


def add_presupuesto(d: SiteDraft) -> None:
    """participacion.presupuesto_participativo: the consultation and the winning projects."""
    tag = "participacion.presupuesto_participativo"
    page = place(
        d,
        participation_page(d),
        "presupuesto-participativo",
        "Presupuesto Participativo",
        "Presupuesto Participativo",
        tag,
    )
    projects = "".join(
        f"<li>{esc(p)} en {esc(d.rng.choice(COMMUNITIES))}</li>"
        for p in ("Alumbrado con luminarias solares", "Rehabilitación del parque", "Techado de cancha")
    )
    page.add(
        f"<h3>Presupuesto Participativo {d.dates.newest.year}</h3><p>En consulta ciudadana, las y los vecinos "
        f"votaron por los proyectos a realizar con este presupuesto:</p><ol>{projects}</ol>",
        tag,
    )


def denuncia_channel(d: SiteDraft, page: PageDraft) -> None:
    """One way to report a public servant, tagged with every check it proves."""
    tag = "participacion.denuncia_ciudadana"
    kinds = ["sam", "sam"] + [
        k
        for k, c in (("form", "canal.formulario"), ("email", "canal.correo"), ("phone", "canal.telefono"))
        if d.plan.has(c)
    ]
    kind = d.rng.choice(kinds)
    if kind == "form":
        page.add(contact_form(d, page.path, "Hechos que denuncias"), tag, "canal.formulario", *form_tags(d.quality))
    elif kind == "email":
        page.add(
            "<p>"
            + email_html(d.rng, d.email("contraloria"), d.rng.choice(("mailto", "texto")), "Envía tu denuncia a:")
            + "</p>",
            tag,
            "canal.correo",
        )
    elif kind == "phone":
        page.add(f"<p>{site_phone(d, phone_style(d), 'Denuncias al')}</p>", tag, "canal.telefono")
    else:
        form = external_form(d.variants, "denuncia.formulario_externo", DENUNCIA_FORM_LABELS)
        page.add(
            form
            or '<p>También puedes presentarla en el <a href="https://sam.secogem.gob.mx/" target="_blank">Sistema '
            "de Atención Mexiquense (SAM)</a> de la Secretaría de la Contraloría.</p>",
            tag,
        )


def build_contraloria(d: SiteDraft) -> None:
    """participacion.denuncia_ciudadana on the Contraloría page; trap: a Contraloría page with no channel."""
    tag = "participacion.denuncia_ciudadana"
    present = d.plan.has(tag)
    if not present and d.rng.random() > 0.3:
        return
    label = d.rng.choice(("Contraloría", "Contraloría Municipal", "CONTRALORÍA", "Órgano Interno de Control"))
    via = None if d.rng.random() < 0.6 else d.sections["gobierno"]
    page = d.section("contraloria", "contraloria", f"Contraloría | {d.nombre}", label, via=via)
    page.add(
        "<h2>Contraloría Municipal</h2><p>La Contraloría Municipal vigila, fiscaliza y evalúa el ejercicio de los "
        "recursos públicos y el desempeño de los servidores públicos municipales.</p>"
    )
    if not present:
        return
    heading = d.rng.choice(("Denuncia ciudadana", "Denuncias contra servidores públicos", "Denuncia en línea"))
    if d.plan.has("canal.reporte_ciudadano"):
        heading = d.rng.choice((heading, "Quejas y denuncias"))
    target = place(d, page, "denuncia", heading, heading, tag)
    target.add(
        f"<h3>{esc(heading)}</h3><p>Si conoces de alguna conducta irregular de un servidor público municipal, "
        "denúnciala ante la Contraloría Municipal. Tu denuncia puede ser anónima.</p>",
        tag,
    )
    denuncia_channel(d, target)


def actas_html(d: SiteDraft) -> tuple[str, tuple[date, ...]]:
    """A list of cabildo minutes (PDF), dated on sites that show dates."""
    count = d.rng.randint(3, 8)
    days = d.dates.series(count, lag=30, step=(7, 21))
    items = []
    for n in range(count):
        when = f", {format_date(days[n], d.plan.date_style)}" if days else ""
        title = f"Acta de la {ORDINALS[n % 10]} Sesión Ordinaria de Cabildo{when}"
        items.append(f"<li>{d.doc_link(f'acta-sesion-ordinaria-{count - n}', title)}</li>")
    return f"<h3>Actas de Cabildo</h3><ul>{''.join(items)}</ul>", tuple(days)


def build_cabildo(d: SiteDraft) -> None:
    """participacion.cabildo_abierto: published minutes, an open-cabildo call or session broadcasts."""
    tag = "participacion.cabildo_abierto"
    if not d.plan.has(tag):
        return
    title = d.rng.choice(("Actas de Cabildo", "Sesiones de Cabildo", "Cabildo Abierto", "SESIONES DE CABILDO"))
    title = rename(d.variants, "cabildo.asamblea", ASAMBLEA, title)
    if d.rng.random() < 0.7:
        page = d.subpage(d.sections["gobierno"], "sesiones-de-cabildo", f"{title} | {d.nombre}", title, tag)
    else:
        page = d.section("cabildo", "sesiones-de-cabildo", f"{title} | {d.nombre}", title, tag)
    kind = d.rng.choice(("actas", "actas", "abierto", "transmision"))
    if kind == "actas":
        fragment, days = actas_html(d)
        page.add(rename(d.variants, "cabildo.asamblea", ASAMBLEA, fragment), tag, dates=days)
    elif kind == "abierto":
        days = tuple(d.dates.series(1, lag=20))
        when = f"<p>Publicada el {esc(format_date(days[0], d.plan.date_style))}</p>" if days else ""
        fragment = (
            f"<h3>Convocatoria a Sesión de Cabildo Abierto</h3>{when}<p>El H. Ayuntamiento convoca a la "
            "ciudadanía a participar con voz en la próxima Sesión de Cabildo Abierto. Registro de participantes "
            "en la Secretaría del Ayuntamiento.</p>"
        )
        page.add(
            rename(d.variants, "cabildo.asamblea", ASAMBLEA, fragment),
            tag,
            dates=tuple(days),
        )
    else:
        channel = f"https://www.youtube.com/@{camel('Ayuntamiento ' + d.nombre)[:40]}/streams"
        fragment = (
            f"<h3>Transmisión de las sesiones de cabildo</h3><p>Las sesiones se transmiten en vivo en nuestro "
            f'<a href="{esc(channel)}" target="_blank">canal de YouTube</a>.</p>'
        )
        page.add(
            rename(d.variants, "cabildo.asamblea", ASAMBLEA, fragment),
            tag,
            "canal.redes_sociales",
        )
