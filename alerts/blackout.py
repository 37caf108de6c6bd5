"""Electoral blackouts (vedas): which regressions are recorded but not e-mailed as accusations, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from alerts.model import AlertEvent, Digest
from config.operation import Blackout
from core.clock import people_date

# Event kinds that accuse a municipality; recoveries are always told.
ACCUSING = ("regresion", "sitio_caido")


def blackout_on(blackouts: Sequence[Blackout], day: date) -> Blackout | None:
    """The blackout whose hold (veda plus its grace days) covers this local day, if any."""
    return next((b for b in blackouts if b.holds(day)), None)


def held(event: AlertEvent, blackout: Blackout | None) -> bool:
    """Whether the event is an accusation on a check the blackout legitimately empties."""
    return blackout is not None and event.kind in ACCUSING and blackout.covers(event.check_id)


def reason(blackout: Blackout) -> str:
    """Why regressions are withheld, in Spanish, for the digest (saying when the dates are only an estimate)."""
    estimated = "" if blackout.fechas_confirmadas else "; fechas estimadas, sin confirmar por la autoridad electoral"
    return (
        f"Veda electoral «{blackout.nombre}» (del {people_date(blackout.inicio)} al {people_date(blackout.fin)}, más "
        f"{blackout.gracia_dias} días{estimated}): los municipios deben retirar la propaganda gubernamental de sus sitios, así que "
        "la desaparición de ese contenido es legítima. Estas regresiones se registraron, pero no se notifican como "
        f"incumplimientos hasta después del {people_date(blackout.held_until)}."
    )


def split(digest: Digest, withheld: Sequence[AlertEvent], blackout: Blackout | None) -> Digest:
    """The digest without its withheld events, counting them and saying why."""
    if blackout is None:
        return digest
    kept = [e for e in digest.events if e not in withheld]
    count = len(digest.events) - len(kept)
    return replace(digest, events=kept, withheld=count, withheld_reason=reason(blackout) if count else None)
