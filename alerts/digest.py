"""Render a digest of alert events as a Spanish e-mail: subject, plain text and self-contained, escaped HTML."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from itertools import groupby
from urllib.parse import urlsplit

from alerts.model import EVENT_KINDS, AlertEvent, Digest, RenderedMail
from checks.catalogue import load_catalogue
from checks.obligations import load_obligations
from core.clock import local_date

# Spanish names of the event kinds: (singular, plural).
KIND_NAMES: dict[str, tuple[str, str]] = {
    "regresion": ("regresión", "regresiones"),
    "recuperacion": ("recuperación", "recuperaciones"),
    "sitio_caido": ("sitio caído", "sitios caídos"),
    "sitio_recuperado": ("sitio recuperado", "sitios recuperados"),
}
KIND_COLOURS = {
    "regresion": "#b00020",
    "sitio_caido": "#b00020",
    "recuperacion": "#1b5e20",
    "sitio_recuperado": "#1b5e20",
}
MAX_EVIDENCE_CHARS = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
FOOTER = (
    "Mensaje automático de Vigía, monitor de portales municipales de transparencia del Estado de México. "
    "Las evidencias se copiaron de los portales tal como estaban; verifíquelas antes de actuar."
)


def render_digest(digest: Digest) -> RenderedMail:
    """The digest as an e-mail: a counting subject, a plain-text body and an HTML body, grouped by municipality."""
    events = sorted(digest.events, key=_order)
    subject = f"Vigía: {summary(events)} en portales municipales (corrida {digest.run_id})"
    return RenderedMail(subject, _text(digest, events), _html(digest, events))


def summary(events: Sequence[AlertEvent]) -> str:
    """Counts by kind in Spanish, e.g. "3 regresiones y 1 recuperación"."""
    parts = []
    for kind in EVENT_KINDS:
        count = sum(e.kind == kind for e in events)
        if count:
            singular, plural = KIND_NAMES[kind]
            parts.append(f"{count} {singular if count == 1 else plural}")
    if not parts:
        return "sin cambios"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} y {parts[-1]}"


def withheld_text(digest: Digest) -> str:
    """How many accusations the digest does not tell, and why (the electoral blackout)."""
    count = digest.withheld
    noun = "regresión se registró y no se notifica" if count == 1 else "regresiones se registraron y no se notifican"
    return f"{count} {noun} en este correo. {clean(digest.withheld_reason, 1000)}"


def chain_text(digest: Digest) -> str | None:
    """The evidence chain's head as the mail states it, so that a copy lives outside Vigía's database."""
    if not digest.chain_hash:
        return None
    return (
        f"Cadena de evidencia: {clean(digest.chain_hash, 64)} (corrida {digest.chain_run_id}). Conserve este "
        "correo: con este valor, «vigia evidencia verificar» comprueba que lo registrado hasta esa corrida no cambió."
    )


def check_label(check_id: str) -> str:
    """The human label of a check: the catalogue's label, or the IPOMEX obligation's title; else the id."""
    try:
        if check_id.startswith("ipomex."):
            obligation = load_obligations().get(check_id)
            return f"IPOMEX, fracción {obligation.fraccion}: {obligation.titulo}"
        return load_catalogue().get(check_id).label
    except KeyError:
        return check_id


def kind_name(kind: str) -> str:
    """The kind of an event in Spanish (regresión, recuperación, sitio caído, sitio recuperado)."""
    return KIND_NAMES.get(kind, (kind, kind))[0]


def clean(value: str | None, limit: int = MAX_EVIDENCE_CHARS) -> str:
    """Untrusted text on one line: control and direction-override characters removed, length bounded."""
    text = _CONTROL.sub(" ", value or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def safe_link(url: str | None) -> str | None:
    """The URL when it is a plain http(s) address with a host, else None (javascript:, data:, file: …)."""
    if not url or _CONTROL.search(url) or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _order(event: AlertEvent) -> tuple[str, str, int, str]:
    return (event.municipio.casefold(), event.cve_inegi, EVENT_KINDS.index(event.kind), event.check_id)


def _groups(events: Sequence[AlertEvent]) -> list[tuple[str, list[AlertEvent]]]:
    """Events grouped by municipality, as («Nombre (clave)», events)."""
    grouped = groupby(events, key=lambda e: (e.municipio, e.cve_inegi))
    return [(f"{clean(name, 200)} ({clean(cve, 10)})", list(items)) for (name, cve), items in grouped]


def _greeting(digest: Digest) -> str:
    name = clean(digest.recipient_name, 200)
    return f"Hola{' ' + name if name else ''}:"


def _text(digest: Digest, events: Sequence[AlertEvent]) -> str:
    """The plain-text body."""
    lines = [_greeting(digest), "", f"Vigía detectó {summary(events)} en la corrida {digest.run_id}.", ""]
    if digest.withheld:
        lines += [withheld_text(digest), ""]
    for title, items in _groups(events):
        lines += [title, "=" * len(title)]
        for event in items:
            lines.append(f"- {kind_name(event.kind).capitalize()}: {check_label(event.check_id)}")
            lines.append(f"  Evidencia: {clean(event.evidence_url, 2000) or 'sin dirección'}")
            if event.evidence_text:
                lines.append(f"  Texto encontrado: «{clean(event.evidence_text)}»")
            if event.detail:
                lines.append(f"  Detalle: {clean(event.detail)}")
            lines.append(f"  Cumplió por última vez: {local_date(event.last_cumple_at)}")
        lines.append("")
    chain = chain_text(digest)
    if chain:
        lines += [chain, ""]
    return "\n".join([*lines, "--", FOOTER, ""])


def _html(digest: Digest, events: Sequence[AlertEvent]) -> str:
    """The HTML body: inline styles only, every value escaped, links only to http(s)."""
    esc = html.escape
    body = [
        f"<p>{esc(_greeting(digest))}</p>",
        f"<p>Vigía detectó <strong>{esc(summary(events))}</strong> en la corrida {digest.run_id}.</p>",
    ]
    if digest.withheld:
        body.append(f'<p style="background:#fff8e1;padding:8px">{esc(withheld_text(digest))}</p>')
    for title, items in _groups(events):
        body.append(f'<h2 style="font-size:16px;margin:18px 0 6px">{esc(title)}</h2>')
        body.append('<ul style="margin:0;padding-left:20px">')
        body.extend(_html_event(event) for event in items)
        body.append("</ul>")
    chain = chain_text(digest)
    if chain:
        body.append(f'<p style="font-family:monospace;font-size:12px;word-break:break-all">{esc(chain)}</p>')
    body.append(f'<p style="color:#555;font-size:12px;margin-top:24px">{esc(FOOTER)}</p>')
    return (
        '<!DOCTYPE html>\n<html lang="es"><head><meta charset="utf-8">'
        f"<title>{esc(summary(events))}</title></head>"
        f'<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">{"".join(body)}'
        "</body></html>\n"
    )


def _html_event(event: AlertEvent) -> str:
    """One event as an escaped list item."""
    esc = html.escape
    colour = KIND_COLOURS.get(event.kind, "#222")
    parts = [
        f'<strong style="color:{colour}">{esc(kind_name(event.kind).capitalize())}</strong>: '
        f"{esc(check_label(event.check_id))}"
    ]
    link = safe_link(event.evidence_url)
    if link:
        parts.append(f'Evidencia: <a href="{esc(link, quote=True)}">{esc(clean(link, 200))}</a>')
    else:
        parts.append(f"Evidencia: {esc(clean(event.evidence_url, 200) or 'sin dirección')}")
    if event.evidence_text:
        parts.append(f"Texto encontrado: «{esc(clean(event.evidence_text))}»")
    if event.detail:
        parts.append(f"Detalle: {esc(clean(event.detail))}")
    parts.append(f"Cumplió por última vez: {esc(local_date(event.last_cumple_at))}")
    return f'<li style="margin-bottom:8px">{"<br>".join(parts)}</li>'
