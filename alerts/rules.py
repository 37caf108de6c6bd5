"""The alert rules as pure functions: when a check regresses or recovers, when a site is down, who gets what."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from alerts.model import AlertEvent, Digest, EventKind
from config.operation import AlertsConfig, Recipient
from config.registry import Municipality
from storage.alerts_store import Observation


@dataclass(frozen=True)
class Transition:
    """A confirmed change: the event to emit, the new alert state and the observations behind it."""

    kind: EventKind
    state: str
    evidence: Observation
    last_cumple: Observation | None


def decide(
    state: str | None,
    recent: Sequence[Observation],
    newest_cumple: Observation | None,
    threshold: int,
    site: bool = False,
) -> Transition | None:
    """Apply the rule to one (cve, check) or site: recent are its newest definitive statuses, newest first."""
    bad_state = "caido" if site else "regresion"
    if state == bad_state:
        if recent and recent[0].status == "cumple":
            return Transition("sitio_recuperado" if site else "recuperacion", "ok", recent[0], recent[0])
        return None
    streak = recent[:threshold]
    # No cumple before the streak means no baseline (a first run, or a check never seen complying).
    if newest_cumple is None or len(streak) < threshold or any(o.status != "no_cumple" for o in streak):
        return None
    if site:
        return Transition("sitio_caido", bad_state, streak[0], newest_cumple)
    return Transition("regresion", bad_state, newest_cumple, newest_cumple)


def alertable(transition: Transition, check_id: str, under_review: Collection[str]) -> bool:
    """Whether a check's transition may alert: a regression of a check «en revisión» (checks.precision: too many
    measured false accusations) is not an accusation we stand behind, so it never alerts."""
    return transition.kind != "regresion" or check_id not in under_review


def most_sites_down(current: Sequence[Observation], covered_sites: int) -> bool:
    """Whether more than half of the run's sites were down: likely our network (reliability rule 3)."""
    down = sum(1 for o in current if o.status == "no_cumple")
    return covered_sites > 0 and 2 * down > covered_sites


def route(
    run_id: int, events: Sequence[AlertEvent], cfg: AlertsConfig, registry: Mapping[str, Municipality]
) -> list[Digest]:
    """Group a run's events per recipient address; one address listed twice gets one digest."""
    boxes: dict[str, tuple[str, str | None, list[AlertEvent]]] = {}
    for recipient in cfg.destinatarios:
        for address, name, chosen in _deliveries(recipient, events, cfg, registry):
            kept = boxes.setdefault(address.casefold(), (address, name, []))[2]
            kept.extend(e for e in chosen if e not in kept)
    return [
        Digest(run_id, address, name, sorted(found, key=_order)) for address, name, found in boxes.values() if found
    ]


def _deliveries(
    r: Recipient, events: Sequence[AlertEvent], cfg: AlertsConfig, registry: Mapping[str, Municipality]
) -> list[tuple[str, str | None, list[AlertEvent]]]:
    """(address, name, events) for one configured recipient."""
    if r.alcance == "todo" and r.correo:
        return [(r.correo, r.nombre, list(events))]
    if r.alcance == "region" and r.correo:
        mine = [e for e in events if e.cve_inegi in registry and r.covers_region(registry[e.cve_inegi].region)]
        return [(r.correo, r.nombre, mine)]
    per_unit: dict[str, list[AlertEvent]] = {}
    for event in events:
        per_unit.setdefault(event.cve_inegi, []).append(event)
    return [
        (cfg.unidades_transparencia[cve], r.nombre or f"Unidad de Transparencia de {found[0].municipio}", found)
        for cve, found in per_unit.items()
        if cve in cfg.unidades_transparencia
    ]


def _order(event: AlertEvent) -> tuple[str, str, str]:
    return (event.municipio, event.check_id, event.kind)
