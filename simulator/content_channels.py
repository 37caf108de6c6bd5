"""Citizen-service channels: phone, e-mail, contact form, WhatsApp, chat widgets and social-network accounts."""

from __future__ import annotations

import random
import string

from simulator.content_common import share_buttons
from simulator.draft import SiteDraft
from simulator.model import PageDraft, esc
from simulator.phrasing import PHONE_STYLES, camel, compact, email_html, format_phone, new_phone, person, phone_html
from simulator.platforms import shown_accounts
from simulator.quality import form_attributes, form_tags
from simulator.variant_forms import phone_form
from simulator.variants import BROKEN
from simulator.variants_probes import PHONE_CHECK, placeholder_phone, whatsapp_digits

CONTACT_TITLES = ("Contacto", "Contáctanos", "CONTACTO", "Contacto y ubicación")
EMAIL_USERS = ("contacto", "presidencia", "informes", "comunicacionsocial", "secretaria", "gobierno")
AREAS = (
    ("Presidencia Municipal", "presidencia"),
    ("Secretaría del Ayuntamiento", "secretaria"),
    ("Tesorería Municipal", "tesoreria"),
    ("Obras Públicas", "obraspublicas"),
    ("Desarrollo Social", "desarrollosocial"),
    ("Desarrollo Económico", "desarrolloeconomico"),
    ("Registro Civil", "registrocivil"),
    ("DIF Municipal", "dif"),
    ("Protección Civil", "proteccioncivil"),
    ("Seguridad Pública", "seguridadpublica"),
)


def token(rng: random.Random, size: int, alphabet: str = "abcdef0123456789") -> str:
    """A vendor id; digit runs are broken up so no id ever reads like a phone number."""
    chars: list[str] = []
    for _ in range(size):
        pool = string.ascii_lowercase[:6] if len(chars) >= 3 and all(c.isdigit() for c in chars[-3:]) else alphabet
        chars.append(rng.choice(pool))
    return "".join(chars)


def phone_style(d: SiteDraft) -> str:
    """The site's phone layout; old table sites often show the bare local number."""
    if d.plan.template == "table" and d.rng.random() < 0.4:
        return "local"
    return d.rng.choice(PHONE_STYLES)


def site_phone(d: SiteDraft, style: str, label: str | None = None) -> str:
    """The town hall's number as the site writes it: the usual layout or (variant) a real-world one."""
    return phone_form(d.variants, d.phone, label, phone_html(d.rng, d.phone, style, label))


def main_phone(d: SiteDraft) -> str:
    """The town hall's number with a label; the Windows-1252 site spells out "Teléfono:" (accents to decode)."""
    label = "Teléfono:" if d.plan.legacy_charset == "cp1252" else None
    return site_phone(d, phone_style(d), label)


def contact_page(d: SiteDraft) -> PageDraft:
    """The contact page (created once), with the address and office hours."""
    if "contacto" in d.sections:
        return d.sections["contacto"]
    label = d.rng.choice(CONTACT_TITLES)
    page = d.section("contacto", "contacto", f"{label.title()} | {d.nombre}", label)
    page.add(
        f"<h2>{esc(label.title())}</h2><p><strong>Palacio Municipal</strong><br>{esc(d.address)}</p>"
        "<p>Horario de atención: lunes a viernes de 9:00 a 18:00 horas.</p>"
        f'<iframe src="https://maps.google.com/maps?q={esc(compact(d.nombre))}&amp;output=embed" width="600" '
        'height="300" loading="lazy"></iframe>'
    )
    return page


def directory(d: SiteDraft, parent: PageDraft, with_phone: bool, with_mail: bool) -> None:
    """Directorio de dependencias two clicks from the home, with extensions and/or e-mails."""
    page = d.subpage(
        parent,
        "directorio",
        f"Directorio | {d.nombre}",
        d.rng.choice(("Directorio", "Directorio de dependencias", "DIRECTORIO")),
    )
    tags = (["canal.telefono"] if with_phone else []) + (["canal.correo"] if with_mail else [])
    label = "Teléfono:" if d.plan.legacy_charset == "cp1252" else "Conmutador:"
    head = f"<p>{site_phone(d, phone_style(d), label)}</p>" if with_phone else ""
    style = d.rng.choice(("mailto", "texto", "arroba", "at", "entidad"))
    rows = []
    for area, user in d.rng.sample(AREAS, d.rng.randint(5, len(AREAS))):
        ext = f"<td>Ext. {d.rng.randint(100, 399)}</td>" if with_phone else ""
        mail = f"<td>{email_html(d.rng, d.email(user), style, '')}</td>" if with_mail else ""
        rows.append(f"<tr><td>{esc(area)}</td><td>{esc(person(d.rng))}</td>{ext}{mail}</tr>")
    page.add(f"<h2>Directorio de dependencias</h2>{head}<table class='table directorio'>{''.join(rows)}</table>", *tags)


def contact_form(d: SiteDraft, own_path: str, subject: str = "Mensaje") -> str:
    """A real contact form: name, e-mail or phone, and a free-text textarea, in the template's markup; it posts to
    its own page, or (simulator.quality) to a dead address, to "#" or to an alert only."""
    action, extra = form_attributes(d.quality, own_path)
    if d.plan.template == "wordpress":
        return (
            f'<div class="wpcf7"><form action="{esc(action)}"{extra} method="post" class="wpcf7-form"><p><label>Tu nombre '
            '(requerido)<br><input type="text" name="your-name" size="40"></label></p><p><label>Tu correo '
            'electrónico (requerido)<br><input type="email" name="your-email" size="40"></label></p><p><label>'
            f'{esc(subject)}<br><textarea name="your-message" cols="40" rows="10"></textarea></label></p><p>'
            '<input type="submit" value="Enviar" class="wpcf7-submit"></p></form></div>'
        )
    if d.plan.template == "table":
        return (
            f'<form action="{esc(action)}"{extra} method="post"><table><tr><td>Nombre:</td><td><input type="text" '
            'name="nombre" size="40"></td></tr><tr><td>Teléfono:</td><td><input type="text" name="telefono">'
            f'</td></tr><tr><td>{esc(subject)}:</td><td><textarea name="comentarios" rows="6" cols="40"></textarea>'
            '</td></tr><tr><td></td><td><input type="submit" value="Enviar"></td></tr></table></form>'
        )
    return (
        f'<form action="{esc(action)}"{extra} method="post" class="contact-form"><div class="mb-3"><label for="nombre" '
        'class="form-label">Nombre completo</label><input type="text" class="form-control" id="nombre" '
        'name="nombre" required></div><div class="mb-3"><label for="correo" class="form-label">Correo '
        'electrónico</label><input type="email" class="form-control" id="correo" name="correo"></div><div '
        f'class="mb-3"><label for="mensaje" class="form-label">{esc(subject)}</label><textarea '
        'class="form-control" id="mensaje" name="mensaje" rows="5"></textarea></div><button type="submit" '
        'class="btn btn-primary">Enviar</button></form>'
    )


def footer_contact(d: SiteDraft, tel: bool, mail: bool, user: str) -> None:
    """Address, phone and e-mail in the footer or a top bar, on every page."""
    lines: list[str] = []
    tags: list[str] = []
    if not d.plan.ut_trap and d.rng.random() < 0.85:
        lines.append(esc(d.address))
    if tel:
        lines.append(main_phone(d))
        tags.append("canal.telefono")
    if mail:
        lines.append(email_html(d.rng, d.email(user), d.rng.choice(("mailto", "texto", "arroba", "at", "entidad"))))
        tags.append("canal.correo")
    if not lines:
        return
    if (tel or mail) and d.plan.template != "table" and d.rng.random() < 0.3:
        d.chrome("header", f"<div class='top-bar'>{' | '.join(lines[-2:])}</div>", *tags)
        lines = lines[:-2]
        tags = []
    if lines:
        d.chrome("footer", f"<div class='footer-contacto'><p>{'<br>'.join(lines)}</p></div>", *tags)


def build_contact(d: SiteDraft) -> None:
    """canal.telefono, canal.correo and canal.formulario: footer, contact page or the directory behind it."""
    places = ("contacto", "directorio") if d.plan.ut_trap else ("footer", "footer", "contacto", "directorio")
    tel = d.rng.choice(places) if d.plan.has("canal.telefono") else None
    mail = d.rng.choice(places) if d.plan.has("canal.correo") else None
    user = d.rng.choice(EMAIL_USERS)
    footer_contact(d, tel == "footer", mail == "footer", user)
    placeholder = None if tel else placeholder_phone(d.variants, d.plan.lada)
    if placeholder is not None:
        d.chrome("footer", placeholder, BROKEN + PHONE_CHECK)
    if not ({tel, mail} & {"contacto", "directorio"} or d.plan.has("canal.formulario") or d.rng.random() < 0.6):
        return
    page = contact_page(d)
    if tel == "contacto":
        d.add_framed(page, "telefono", "Teléfono", f"<p>{main_phone(d)}</p>", "canal.telefono")
    if mail == "contacto":
        page.add(
            f"<p>{email_html(d.rng, d.email(user), d.rng.choice(('mailto', 'texto', 'arroba', 'at')))}</p>",
            "canal.correo",
        )
    if "directorio" in (tel, mail):
        directory(d, page, tel == "directorio", mail == "directorio")
    if d.plan.has("canal.formulario"):
        target = (
            page
            if d.rng.random() < 0.65
            else d.subpage(
                page, "escribenos", f"Escríbenos | {d.nombre}", d.rng.choice(("Escríbenos", "Formulario de contacto"))
            )
        )
        form = contact_form(d, target.path)
        target.add(f"<h3>Envíanos tu mensaje</h3>{form}", "canal.formulario", *form_tags(d.quality))


def build_form_traps(d: SiteDraft) -> None:
    """Forms that are not contact forms: newsletter sign-up, a textarea without any contact field."""
    if d.plan.has("canal.formulario"):
        return
    if d.rng.random() < 0.2:
        d.chrome(
            "footer",
            '<form action="/suscripcion" method="post" class="boletin"><label>Recibe nuestro boletín '
            'informativo</label> <input type="email" name="email" placeholder="Tu correo"> <button type="submit">'
            "Suscribirme</button></form>",
        )
    if d.plan.has("canal.reporte_ciudadano") and "contacto" in d.sections and d.rng.random() < 0.3:
        d.sections["contacto"].add(
            '<form action="/opinion" method="post"><p>¿Te fue útil esta página?</p><textarea '
            'name="opinion" rows="3"></textarea><button type="submit">Enviar</button></form>'
        )


def whatsapp_html(d: SiteDraft) -> tuple[str, tuple[str, ...]]:
    """A WhatsApp channel: wa.me or api.whatsapp.com link, whatsapp:// link, or a number labelled WhatsApp; and the
    probe's tag of a link (working, or broken on sites writing that variant)."""
    number = d.phone if d.rng.random() < 0.3 else new_phone(d.rng, d.plan.lada)
    label = d.rng.choice(("WhatsApp", "Escríbenos por WhatsApp", "Atención por WhatsApp", "WHATSAPP"))
    kind = d.rng.choice(("wa_me", "wa_me", "api", "texto", "uri"))
    if kind == "texto":
        shown = format_phone(number, d.rng.choice(PHONE_STYLES))
        return f"{d.rng.choice(('WhatsApp:', 'WhatsApp', 'Whatsapp:'))} {esc(shown)}", ()
    digits, tag = whatsapp_digits(d.variants, number.digits)
    if kind == "wa_me":
        return f'<a href="https://wa.me/{digits}" target="_blank" class="btn-whatsapp">{esc(label)}</a>', (tag,)
    if kind == "api":
        link = f'<a href="https://api.whatsapp.com/send?phone={digits}&amp;text=Hola" target="_blank">'
        return f"{link}{esc(label)}</a>", (tag,)
    return f'<a href="whatsapp://send?phone=+{digits}">{esc(label)}</a>', (tag,)


def build_whatsapp(d: SiteDraft) -> None:
    """canal.whatsapp: floating button on every page, a footer line, or the contact page."""
    if not d.plan.has("canal.whatsapp"):
        return
    places = ("contacto",) if d.plan.ut_trap else ("flotante", "footer", "contacto")
    where = d.rng.choice(places)
    fragment, probe = whatsapp_html(d)
    if where == "contacto":
        contact_page(d).add(f"<p>{fragment}</p>", "canal.whatsapp", "canal.telefono", *probe)
    else:
        css = "whatsapp-flotante" if where == "flotante" else "footer-whatsapp"
        d.chrome("footer", f"<div class='{css}'>{fragment}</div>", "canal.whatsapp", "canal.telefono", *probe)


def chat_script(d: SiteDraft) -> str:
    """The loader of a chat or chatbot vendor (the script pointing at the vendor is the evidence)."""
    r, alnum = d.rng, string.ascii_lowercase + string.digits
    return r.choice(
        (
            f'<script async src="https://embed.tawk.to/{token(r, 24)}/{token(r, 9, alnum)}"></script>',
            f'<script src="//code.tidio.co/{token(r, 32, alnum)}.js" async></script>',
            f'<script id="ze-snippet" src="https://static.zdassets.com/ekr/snippet.js?key={token(r, 8)}-{token(r, 4)}-'
            f'{token(r, 4)}-{token(r, 12)}"></script>',
            f'<script src="//code.jivosite.com/widget/{token(r, 10, string.ascii_letters)}" async></script>',
            '<script src="https://cdn.botpress.cloud/webchat/v1/inject.js"></script>',
            '<div id="fb-root"></div><div class="fb-customerchat" attribution="biz_inbox"></div><script async defer '
            'crossorigin="anonymous" src="https://connect.facebook.net/es_LA/sdk/xfbml.customerchat.js"></script>',
        )
    )


def build_chat(d: SiteDraft) -> None:
    """canal.chat: a vendor widget on every page, or only on the contact page."""
    if not d.plan.has("canal.chat"):
        return
    if "contacto" in d.sections and d.rng.random() < 0.3:
        d.sections["contacto"].add(chat_script(d), "canal.chat")
    else:
        d.chrome("head", chat_script(d), "canal.chat")


def account_urls(d: SiteDraft) -> list[tuple[str, str]]:
    """Official accounts (network, URL) in the URL shapes each network uses."""
    page, handle = camel(f"Ayuntamiento {d.nombre}")[:40], compact(d.nombre)[:15]
    r = d.rng
    found = [
        (
            "Facebook",
            r.choice(
                (
                    f"https://www.facebook.com/{page}",
                    f"https://facebook.com/Gob{page[12:]}/",
                    f"https://www.facebook.com/H.{page}",
                )
            ),
        )
    ]
    if r.random() < 0.6:
        found.append(("X", r.choice((f"https://twitter.com/gob_{handle}", f"https://x.com/{handle}gob"))))
    if r.random() < 0.5:
        found.append(("Instagram", f"https://www.instagram.com/gob{handle}/"))
    if r.random() < 0.4:
        found.append(("YouTube", r.choice((f"https://www.youtube.com/@{page}", f"https://www.youtube.com/c/{page}"))))
    if r.random() < 0.25:
        found.append(("TikTok", f"https://www.tiktok.com/@gob{handle}"))
    return r.sample(found, len(found))


def social_links(d: SiteDraft, accounts: list[tuple[str, str]]) -> str:
    """Links to the accounts, as icons with aria-labels or as plain words."""
    icons = d.rng.random() < 0.6
    parts = []
    for network, url in accounts:
        inner = f'<i class="fab fa-{network.lower()}"></i>' if icons else esc(network)
        aria = f' aria-label="{esc(network)}"' if icons else ""
        parts.append(f'<a href="{esc(url)}" target="_blank" rel="noopener"{aria}>{inner}</a>')
    title = d.rng.choice(("Síguenos:", "Síguenos en redes", "Redes sociales"))
    return f"<div class='redes'>{title} {' '.join(parts)}</div>"


def facebook_plugin(url: str, nombre: str) -> str:
    """Facebook's page plugin: an account link inside, plus the SDK (which is not a chat widget)."""
    return (
        f'<div class="fb-page" data-href="{esc(url)}" data-tabs="timeline"><blockquote cite="{esc(url)}" '
        f'class="fb-xfbml-parse-ignore"><a href="{esc(url)}">H. Ayuntamiento de {esc(nombre)}</a></blockquote>'
        '</div><script async defer crossorigin="anonymous" '
        'src="https://connect.facebook.net/es_LA/sdk.js#xfbml=1&amp;version=v19.0"></script>'
    )


def build_social(d: SiteDraft) -> None:
    """canal.redes_sociales (home scope): accounts in header/footer; traps: share buttons, accounts off the home."""
    tag = "canal.redes_sociales"
    accounts = account_urls(d)
    if d.plan.has(tag):
        shown = shown_accounts(accounts, d.profiles)
        d.chrome(d.rng.choice(("header", "footer")), social_links(d, shown), tag)
        d.social = tuple(url for _, url in shown)
        facebook = next(url for network, url in accounts if network == "Facebook")
        # The draw is made either way: the site's generator, and so the rest of the site, stays as it was.
        if d.rng.random() < 0.25 and shown is accounts:
            d.home.add(facebook_plugin(facebook, d.nombre), tag)
        return
    trap = d.rng.choice(("nada", "compartir", "compartir", "solo_contacto"))
    if trap == "compartir":
        d.home.add(share_buttons(d, d.home.path))
    elif trap == "solo_contacto":
        contact_page(d).add(social_links(d, accounts), tag)
