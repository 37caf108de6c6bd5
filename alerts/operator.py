"""Notices to the operator: no complete run for too long (dead-man's switch), most portals down, a partial run."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from config.operation import AlertsConfig
from config.registry import Municipality
from core.clock import people_datetime
from storage.db import Database
from storage.operator_store import SiteFact, last_complete_run, queue_once, run_facts, site_facts
from storage.resume import describe_unread, run_unread

logger = logging.getLogger("vigia.alerts")

# Failures that mean a site did not answer at all (the same ones storage.alerts_store counts as down).
UNREACHABLE = ("dns", "connect", "timeout", "http_error")
# The failure of a confirmed site that no longer proves to be the municipality's (spiders.sitio.watch).
IDENTITY = "identidad"
# Below this many sites «most down at once» says nothing about the network (as the crawl's network alarm).
MIN_SITES = 5
FOOTER = "\n--\nAviso automático de operación de Vigía (no se envía a los municipios).\n"


def watch(db: Database, cfg: AlertsConfig, now: datetime, kind: str = "crawl") -> bool:
    """Dead-man's switch: queue one notice when no complete run finished in the last sin_corrida_horas, at most one
    per repetir_horas while it lasts; the next complete run clears it. Return whether a notice was queued."""
    operator = cfg.operador
    newest = run_facts(db, kind=kind)
    if operator.correo is None or newest is None:
        return False
    last = last_complete_run(db, kind)
    # Never complete: count from the first run, the moment Vigía started trying.
    first = run_facts(db, kind=kind, first=True)
    since = last.finished_at if last is not None and last.finished_at else (first or newest).started_at
    overdue = now - since - timedelta(hours=operator.sin_corrida_horas)
    if overdue < timedelta(0):
        return False
    period = int(overdue / timedelta(hours=operator.repetir_horas))
    key = f"operador:sin_corrida:{last.id if last else 0}:{period}"
    hours = int((now - since) / timedelta(hours=1))
    subject = f"Vigía: ninguna corrida completa en {hours} horas"
    told = f"la última terminó el {people_datetime(since, zone=True)}" if last else "ninguna ha terminado completa"
    text = (
        f"Vigía no ha completado una corrida de rastreo en {hours} horas ({told}; la más reciente, la {newest.id}, "
        f"quedó «{newest.status}»{': ' + newest.error if newest.error else ''}).\n\nRevise el servicio programado "
        "(vigia programar), la red y el registro. Este aviso se repite cada "
        f"{operator.repetir_horas} horas mientras no haya una corrida completa.\n"
    )
    return _queue(db, newest.id, operator.correo, key, subject, text)


def run_notices(db: Database, cfg: AlertsConfig, run_id: int, planned: Sequence[Municipality]) -> list[str]:
    """After a run: queue «most portals down at once» and «partial run» (with what was not read) notices; return
    the kinds queued."""
    run = run_facts(db, run_id=run_id)
    if cfg.operador.correo is None or run is None:
        return []
    sites = site_facts(db, run_id)
    queued = []
    down = [s for s in sites if s.failure in UNREACHABLE]
    if len(sites) >= MIN_SITES and 2 * len(down) > len(sites):
        subject = f"Vigía: {len(down)} de {len(sites)} portales inalcanzables a la vez (corrida {run_id})"
        text = (
            f"En la corrida {run_id} no respondieron {len(down)} de {len(sites)} portales municipales a la vez. Tantos "
            "a la vez suelen ser nuestra red, el DNS o un corte general, no los municipios: no se enviaron alertas "
            "de «sitio caído» por ellos. Revise la conexión del servidor y repita la corrida.\n"
        )
        if _queue(db, run_id, cfg.operador.correo, f"operador:caida_masiva:{run_id}", subject, text):
            queued.append("caida_masiva")
    if _identity_notice(db, cfg.operador.correo, run_id, sites):
        queued.append("identidad")
    if run.status == "partial":
        stored = run_unread(db, run_id)
        missing = [f"- {line}" for line in describe_unread(stored)] if stored else missing_list(sites, planned)
        subject = f"Vigía: corrida {run_id} parcial, {len(missing)} {'etapas' if stored else 'municipios'} sin leer"
        text = (
            f"La corrida {run_id} terminó parcial{': ' + run.error if run.error else ''}. No se derivan alertas de ella "
            "y lo que no se leyó no cuenta como cambio. Lo que faltó:\n\n" + "\n".join(missing) + "\n\n"
            "Complete la corrida con «vigia rastrear --reanudar» o espere la siguiente.\n"
        )
        if _queue(db, run_id, cfg.operador.correo, f"operador:parcial:{run_id}", subject, text):
            queued.append("parcial")
    return queued


def identity_lost(sites: Sequence[SiteFact]) -> list[SiteFact]:
    """Sites whose confirmed address failed tonight's identity watch (parked, casino, another entity…)."""
    return [s for s in sites if s.failure == IDENTITY]


def _identity_notice(db: Database, recipient: str, run_id: int, sites: Sequence[SiteFact]) -> bool:
    """One notice per run listing every confirmed site that stopped proving to be the municipality's."""
    lost = identity_lost(sites)
    if not lost:
        return False
    lines = "\n".join(f"- {s.municipio} ({s.cve_inegi}): {s.detail or s.failure}" for s in lost)
    subject = f"Vigía: posible cambio de dominio o secuestro en {len(lost)} sitio(s) confirmado(s) (corrida {run_id})"
    text = (
        f"En la corrida {run_id}, la dirección confirmada de estos municipios ya no muestra su sitio:\n\n{lines}\n\n"
        "Sus verificaciones de esta noche quedan «indeterminado: identidad», nunca «no cumple»: el municipio pudo "
        "cambiar de dominio o el dominio pudo caer en otras manos. Vigía ya buscó candidatos nuevos; revíselos con "
        "«vigia sitios --municipio CLAVE» y confirme la dirección correcta con «vigia sitios confirmar CLAVE URL».\n"
    )
    return _queue(db, run_id, recipient, f"operador:identidad:{run_id}", subject, text)


def missing_list(sites: Sequence[SiteFact], planned: Sequence[Municipality]) -> list[str]:
    """One Spanish line per planned municipality whose site was not read (never reached, or stopped by our side),
    for a run that stored no list of what it did not read (storage.resume)."""
    seen = {s.cve_inegi: s for s in sites}
    lines = []
    for town in sorted(planned, key=lambda m: m.cve_inegi):
        fact = seen.get(town.cve_inegi)
        if fact is None:
            lines.append(f"- {town.nombre} ({town.cve_inegi}): el rastreo no llegó a leer su sitio")
        elif fact.failure is not None and fact.failure not in UNREACHABLE:
            lines.append(f"- {town.nombre} ({town.cve_inegi}): {fact.detail or fact.failure}")
    return lines


def _queue(db: Database, run_id: int, recipient: str, key: str, subject: str, text: str) -> bool:
    queued = queue_once(db, run_id, recipient, key, subject, text + FOOTER)
    if queued:
        logger.warning("Aviso al operador en cola: %s", subject)
    return queued
