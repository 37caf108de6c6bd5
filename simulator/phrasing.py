"""Spanish phrasings as Mexican municipal sites write them: phones, e-mails, dates, people and places."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date

from core.text import fold
from simulator.model import esc

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
WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
DATE_STYLES = ("largo", "largo", "largo_mayuscula", "dia_semana", "numerico", "numerico", "mes_primero", "abreviado")

# Long-distance codes of the Estado de México: the Valle de México uses 55, the rest three digits.
LADAS_INTERIOR = (
    "722",
    "722",
    "722",
    "712",
    "713",
    "714",
    "716",
    "718",
    "719",
    "721",
    "724",
    "725",
    "726",
    "728",
    "588",
    "591",
    "592",
    "593",
    "594",
    "595",
    "596",
    "597",
    "599",
)
PHONE_STYLES = (
    "parentesis_espaciado",
    "espacios",
    "guiones",
    "parentesis",
    "larga_distancia",
    "internacional",
    "puntos",
    "corrido",
)
PHONE_LABELS = (
    "Tel.",
    "Teléfono:",
    "Teléfonos:",
    "Conmutador:",
    "TEL.",
    "Telefono:",
    "Tel/Fax:",
    "Llámanos:",
    "Atención telefónica:",
    "Tel:",
)
EMAIL_STYLES = (
    "mailto",
    "mailto",
    "mailto_etiqueta",
    "texto",
    "texto",
    "entidad",
    "arroba",
    "arroba_parentesis",
    "at",
    "at_corchete",
)
EMAIL_LABELS = ("Correo:", "Correo electrónico:", "E-mail:", "Email:", "Escríbenos:", "correo:", "CORREO:")

FIRST_NAMES = (
    "María Guadalupe",
    "José Luis",
    "Ana Karen",
    "Juan Carlos",
    "Rosa María",
    "Miguel Ángel",
    "Verónica",
    "Alejandro",
    "Claudia",
    "Jorge",
    "Patricia",
    "Francisco Javier",
    "Leticia",
    "Raúl",
    "Mónica",
    "Arturo",
    "Norma Angélica",
    "Édgar",
    "Adriana",
    "Héctor",
    "Yolanda",
    "Ricardo",
    "Brenda",
    "Óscar",
)
SURNAMES = (
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Jiménez",
    "Reyes",
    "Díaz",
    "Torres",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Castillo",
    "Romero",
    "Álvarez",
    "Nava",
    "Becerril",
    "Albarrán",
    "Colín",
    "Mercado",
    "Velázquez",
    "Estrada",
    "Trujillo",
    "Zarza",
    "Garduño",
    "Bernal",
)
HONORIFICS = ("Lic.", "C.", "Mtra.", "Mtro.", "Ing.", "Dra.", "Arq.", "L.C.", "Profr.", "Lic.")
COMMUNITIES = (
    "San Juan",
    "Santa María",
    "San Pedro",
    "La Concepción",
    "Barrio de Guadalupe",
    "El Calvario",
    "San Miguel",
    "Santa Cruz",
    "San Francisco",
    "La Loma",
    "San José",
    "El Rosario",
    "San Lorenzo",
    "Santiago",
    "La Providencia",
    "San Antonio",
    "Los Reyes",
    "San Bartolo",
    "Ejido La Estación",
    "Colonia Centro",
    "San Isidro",
    "La Cañada",
)
STREETS = (
    "Palacio Municipal s/n, Col. Centro",
    "Plaza Hidalgo s/n, Centro",
    "Av. Juárez No. 1, Col. Centro",
    "Calle Independencia esquina Morelos, Centro",
    "Plaza de la Constitución s/n, Barrio Centro",
    "Av. Hidalgo Pte. s/n, Centro",
)


@dataclass(frozen=True)
class Phone:
    """A Mexican phone: long-distance code and local number, 10 digits together."""

    lada: str
    local: str

    @property
    def digits(self) -> str:
        """The 10 national digits."""
        return self.lada + self.local


def slugify(text: str, limit: int = 60) -> str:
    """Lower-case ASCII slug with dashes, as CMSs build permalinks, cut at a word boundary."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug if len(slug) <= limit else slug[:limit].rsplit("-", 1)[0]


def compact(text: str) -> str:
    """Lower-case ASCII letters and digits only, as in domain names and handles."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def camel(text: str) -> str:
    """CamelCase ASCII, as in social-network page names."""
    return "".join(w.capitalize() for w in slugify(text).split("-") if w not in ("de", "del", "la", "el", "los"))


def format_date(day: date, style: str) -> str:
    """Write a date the way a site's template shows it."""
    month = MONTHS[day.month - 1]
    if style == "numerico":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if style == "mes_primero":
        return f"{month.capitalize()} {day.day}, {day.year}"
    if style == "abreviado":
        return f"{day.day:02d} {month[:3].upper()} {day.year}"
    if style == "dia_semana":
        return f"{WEEKDAYS[day.weekday()].capitalize()} {day.day} de {month} de {day.year}"
    if style == "largo_mayuscula":
        return f"{day.day} de {month.capitalize()} de {day.year}"
    return f"{day.day} de {month} de {day.year}"


def new_phone(rng: random.Random, lada: str) -> Phone:
    """A random phone under the given long-distance code."""
    size = 10 - len(lada)
    return Phone(lada, str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(size - 1)))


def format_phone(phone: Phone, style: str) -> str:
    """Write a phone in one of the layouts seen on municipal sites."""
    lada, n = phone.lada, phone.local
    if len(lada) == 2:
        head, tail = n[:4], n[4:]
        spaced, dashed = f"{head} {tail}", f"{n[:2]}-{n[2:4]}-{n[4:6]}-{n[6:]}"
    else:
        head, tail = n[:3], n[3:]
        spaced, dashed = f"{head} {tail}", f"{head}-{n[3:5]}-{n[5:]}"
    layouts = {
        "parentesis_espaciado": f"({lada}) {n[0]} {n[1:3]} {n[3:5]} {n[5:]}" if len(n) == 7 else f"({lada}) {spaced}",
        "espacios": f"{lada} {spaced}",
        "guiones": f"{lada}-{dashed}" if len(lada) == 3 else f"{lada}-{head}-{tail}",
        "parentesis": f"({lada}) {head}-{tail}",
        "larga_distancia": f"01 ({lada}) {spaced}",
        "internacional": f"+52 {lada} {spaced}",
        "puntos": f"{lada}.{head}.{tail}",
        "corrido": lada + n,
        "local": dashed,
    }
    return layouts[style]


def phone_html(rng: random.Random, phone: Phone, style: str, label: str | None = None) -> str:
    """A labelled phone, sometimes as a tel: link and sometimes with an extension."""
    shown = format_phone(phone, style)
    if rng.random() < 0.25:
        shown += rng.choice((" ext. ", " Ext. ", " EXT ", " ext ")) + str(rng.randint(100, 1299))
    if rng.random() < 0.3:
        prefix = rng.choice(("tel:+52", "tel:", "tel:01"))
        shown = f'<a href="{prefix}{phone.digits}">{esc(shown)}</a>'
    else:
        shown = esc(shown)
    label = rng.choice(PHONE_LABELS) if label is None else label
    return f"{esc(label)} {shown}".strip()


def email_html(rng: random.Random, address: str, style: str, label: str | None = None) -> str:
    """An e-mail address as a mailto link, plain text or one of the usual obfuscations."""
    user, _, domain = address.partition("@")
    invitation = rng.choice(("Escríbenos", "Enviar correo", "Contáctanos por correo"))
    shown = {
        "mailto": f'<a href="mailto:{esc(address)}">{esc(address)}</a>',
        "mailto_etiqueta": f'<a href="mailto:{esc(address)}">{invitation}</a>',
        "texto": esc(address),
        "entidad": f"{esc(user)}&#64;{esc(domain)}",
        "arroba": f"{esc(user)} [arroba] {esc(domain)}",
        "arroba_parentesis": f"{esc(user)} (arroba) {esc(domain)}",
        "at": f"{esc(user)}(at){esc(domain)}",
        "at_corchete": f"{esc(user)} [at] {esc(domain)}",
    }[style]
    label = rng.choice(EMAIL_LABELS) if label is None else label
    return f"{esc(label)} {shown}".strip()


def person(rng: random.Random, honorific: bool = True) -> str:
    """A plausible full name (two surnames), with an honorific most of the time."""
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
    return f"{rng.choice(HONORIFICS)} {name}" if honorific else name


def postal_address(rng: random.Random, cabecera: str) -> str:
    """The town-hall address with a postal code of the state (50000–57999)."""
    cp = rng.randint(50000, 57999)
    state = rng.choice(("Estado de México", "Edo. de Méx.", "México"))
    return f"{rng.choice(STREETS)}, C.P. {cp}, {cabecera}, {state}"
