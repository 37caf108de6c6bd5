"""Broken channels for the working-channel probes: published, but a placeholder phone, an impossible WhatsApp
number or addresses at a domain that receives no mail (the «sonda.*» variant classes).

Each writer keeps what the existence checks see: a placeholder phone is written only where the site has no real
one (and in text, which the existence check does not count), a short WhatsApp number stays a chat link, and the
addresses stay addresses. The blocks carry the tag BROKEN + check id, from which simulator.truth derives no_cumple.
"""

from __future__ import annotations

from simulator.model import esc
from simulator.phrasing import compact
from simulator.variants import BROKEN, Variants

PHONE_CHECK, WHATSAPP_CHECK = "canal.telefono_valido", "canal.whatsapp_valido"


def placeholder_phone(v: Variants, lada: str) -> str | None:
    """A labelled phone nobody can dial (repeated digits, or an area code that does not exist), or None."""
    option = v.pick("sonda.telefono_relleno")
    if option is None:
        return None
    local = "5" * (10 - len(lada))
    shown = f"({lada}) {local[:-4]} {local[-4:]}" if option == "relleno" else "(100) 214 9035"
    return f"<p class='telefono'>Teléfono: {esc(shown)}</p>"


def whatsapp_digits(v: Variants, digits: str) -> tuple[str, str]:
    """The international digits a WhatsApp link dials and the tag of its block: the number cut short (still long
    enough to read as a chat link) on sites writing the broken variant."""
    if v.pick("sonda.whatsapp_roto") is not None:
        return f"52{digits[:7]}", BROKEN + WHATSAPP_CHECK
    return f"52{digits}", WHATSAPP_CHECK


def mail_domain(v: Variants, domain: str, nombre: str) -> str:
    """The domain of the site's addresses: its own, or (broken variant) a former administration's that lapsed."""
    if domain != "gmail.com" and v.pick("sonda.correo_sin_mx") is not None:
        return former_domain(nombre)
    return domain


def former_domain(nombre: str) -> str:
    """The lapsed domain of a former administration (no mail records anywhere in the farm's DNS)."""
    return f"admon{compact(nombre)[:12]}.com.mx"


def mail_dns(v: Variants, domain: str, nombre: str) -> tuple[tuple[str, bool], ...]:
    """(domain, receives mail) of every domain the site's addresses may use: its own, and the lapsed one it wrote."""
    own = () if domain == "gmail.com" else ((domain, True),)
    return own + (((former_domain(nombre), False),) if dict(v.written()).get("sonda.correo_sin_mx") else ())
