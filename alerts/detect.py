"""Turn a complete run into alert events and per-recipient digests in the outbox, once, in one transaction."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from alerts.blackout import blackout_on, held, split
from alerts.model import KIND_LABELS, AlertError, AlertEvent, DetectionResult, Digest, RenderedMail
from alerts.rules import Transition, alertable, decide, most_sites_down, route
from checks.catalogue import load_catalogue
from checks.reliability import load_reliability
from config.operation import AlertsConfig, Blackout
from config.registry import Municipality
from core.clock import LOCAL_TZ, local_date
from core.errors import DatabaseError
from storage.alerts_store import (
    AVAILABILITY_CHECK,
    Observation,
    check_observations,
    covered_checks,
    covered_sites,
    history_runs,
    load_states,
    municipality_names,
    site_observations,
)
from storage.db import Database
from storage.manifest import head_of
from storage.models import AlertEventRow, AlertRunRow, AlertStateRow, OutboxRow, RunRow, utcnow

logger = logging.getLogger("vigia.alerts")

# How many complete runs back the rules look (two months of nightly runs): older history is not read.
HISTORY_RUNS = 60
Render = Callable[[Digest], RenderedMail]
_Key = tuple[str, str]


def detect_changes(
    db: Database,
    run_id: int,
    cfg: AlertsConfig,
    registry: Sequence[Municipality],
    render: Render | None = None,
    under_review: Collection[str] | None = None,
    day: date | None = None,
) -> DetectionResult:
    """Detect the complete run's regressions, recoveries and site outages and queue one digest per recipient;
    regressions of the checks under_review (by default those of config/confiabilidad.yaml) never alert, and those
    a blackout covers on `day` (by default the run's local start date) are recorded but withheld."""
    if under_review is None:
        under_review = load_reliability(load_catalogue().version).under_review()
    towns = {m.cve_inegi: m for m in registry}
    try:
        with db.Session.begin() as session:
            return _detect_once(session, run_id, cfg, towns, render or render_plain, frozenset(under_review), day)
    except IntegrityError as exc:
        # A concurrent detection of the same run committed first (its marker or outbox keys exist).
        logger.warning("La corrida %s ya se estaba procesando en otro proceso: %s", run_id, exc)
        return DetectionResult(run_id, [], 0, already_processed=True)
    except SQLAlchemyError as exc:
        logger.error("Falló la detección de alertas de la corrida %s", run_id, exc_info=exc)
        raise DatabaseError(f"No se pudieron derivar las alertas de la corrida {run_id} en «{db.url}»: {exc}") from exc


def _detect_once(
    session: Session,
    run_id: int,
    cfg: AlertsConfig,
    registry: Mapping[str, Municipality],
    render: Render,
    under_review: frozenset[str],
    day: date | None,
) -> DetectionResult:
    """Everything inside the transaction: refuse, skip or detect, write events, states, outbox and marker."""
    run = _complete_run(session, run_id)
    if session.get(AlertRunRow, run_id) is not None or _later_run_processed(session, run):
        return DetectionResult(run_id, [], 0, already_processed=True)
    marker = AlertRunRow(run_id=run_id, processed_at=utcnow(), events=0, mails=0, sites_down_held=False)
    session.add(marker)
    session.flush()
    blackout = blackout_on(cfg.vedas, day or run.started_at.astimezone(LOCAL_TZ).date())
    events, withheld, sites_held = _detect(session, run, cfg, registry, under_review, blackout)
    digests = [split(d, withheld, blackout) for d in route(run_id, [*events, *withheld], cfg, registry)]
    head = head_of(session.connection())
    if head is not None:
        digests = [replace(d, chain_hash=head.manifest_hash, chain_run_id=head.run_id) for d in digests]
    _queue(session, digests, render)
    marker.events, marker.mails, marker.sites_down_held = len(events), len(digests), sites_held
    logger.info(
        "Corrida %s: %d alertas, %d retenidas por veda, %d correos en cola",
        run_id,
        len(events),
        len(withheld),
        len(digests),
    )
    return DetectionResult(run_id, events, len(digests), sites_down_held=sites_held, withheld=withheld)


def _complete_run(session: Session, run_id: int) -> RunRow:
    run = session.get(RunRow, run_id)
    if run is None:
        raise AlertError(f"La corrida {run_id} no existe: no se pueden derivar alertas de ella.")
    if run.status != "complete":
        raise AlertError(f"La corrida {run_id} terminó «{run.status}»: sólo una corrida completa genera alertas.")
    return run


def _later_run_processed(session: Session, run: RunRow) -> bool:
    """A later run of the same kind was already processed: this one is stale history, alerting from it would lie."""
    query = (
        select(AlertRunRow.run_id)
        .join(RunRow, RunRow.id == AlertRunRow.run_id)
        .where(RunRow.kind == run.kind, RunRow.started_at > run.started_at)
        .limit(1)
    )
    return session.scalar(query) is not None


def _detect(
    session: Session,
    run: RunRow,
    cfg: AlertsConfig,
    registry: Mapping[str, Municipality],
    under_review: frozenset[str],
    blackout: Blackout | None,
) -> tuple[list[AlertEvent], list[AlertEvent], bool]:
    """Apply the site and check rules to every municipality the run covers; return the told events, the events
    withheld by the blackout (recorded, their state left as it was so they alert once it is over) and the hold flag."""
    checks, sites = covered_checks(session, run.id), covered_sites(session, run.id)
    cves = {cve for cve, _ in checks} | sites
    runs = history_runs(session, run, HISTORY_RUNS)
    states = load_states(session, cves)
    site_changes, held_sites = _site_transitions(session, run, runs, sites, states, cfg.sitio_caido_corridas)
    check_changes = _check_transitions(session, runs, cves, checks, states, cfg.confirmacion_corridas)
    down = {cve for (cve, _), t in site_changes.items() if t.state == "caido"}
    down |= {cve for (cve, check), row in states.items() if check == AVAILABILITY_CHECK and row.state == "caido"}
    # While a site is down its checks raise no regressions (their recoveries still count).
    check_changes = {k: t for k, t in check_changes.items() if t.kind != "regresion" or k[0] not in down}
    check_changes = {k: t for k, t in check_changes.items() if alertable(t, k[1], under_review)}
    names = _names(session, cves, registry)
    changes = {**site_changes, **check_changes}
    told: list[AlertEvent] = []
    withheld: list[AlertEvent] = []
    for key, change in sorted(changes.items()):
        event = _event(run.id, key, states.get(key), change, names)
        if blackout is not None and held(event, blackout):
            note = f"Retenida por la veda electoral «{blackout.nombre}»"
            event = replace(event, detail=f"{note} · {event.detail}" if event.detail else note)
            withheld.append(event)
        else:
            _apply(session, run.id, key, states.get(key), change)
            told.append(event)
        _record(session, event)
    return told, withheld, held_sites


def _site_transitions(
    session: Session,
    run: RunRow,
    runs: list[int],
    sites: set[str],
    states: Mapping[_Key, AlertStateRow],
    threshold: int,
) -> tuple[dict[_Key, Transition], bool]:
    """Site down / recovered per municipality; «sitio caído» is held back when most sites are down in this run."""
    history: dict[str, list[Observation]] = defaultdict(list)
    for observation in site_observations(session, runs, sites):
        history[observation.cve_inegi].append(observation)
    current = [h[0] for h in history.values() if h[0].run_id == run.id]
    held = most_sites_down(current, len(sites))
    changes: dict[_Key, Transition] = {}
    for cve, found in history.items():
        key = (cve, AVAILABILITY_CHECK)
        state = states.get(key)
        newest_up = next((o for o in found if o.status == "cumple"), None)
        change = decide(state.state if state else None, found, newest_up, threshold, site=True)
        if change is not None and not (held and change.kind == "sitio_caido"):
            changes[key] = change
    return changes, held


def _check_transitions(
    session: Session,
    runs: list[int],
    cves: set[str],
    covered: set[_Key],
    states: Mapping[_Key, AlertStateRow],
    threshold: int,
) -> dict[_Key, Transition]:
    """Regressions and recoveries of every (cve, check) the run covers."""
    recent: dict[_Key, list[tuple[int, Observation]]] = defaultdict(list)
    newest_cumple: dict[_Key, Observation] = {}
    for ranked in check_observations(session, runs, cves, threshold):
        o = ranked.observation
        key = (o.cve_inegi, o.check_id)
        if ranked.rank <= threshold:
            recent[key].append((ranked.rank, o))
        if ranked.newest_cumple:
            newest_cumple[key] = o
    changes: dict[_Key, Transition] = {}
    for key in covered & set(recent):
        ordered = [o for _, o in sorted(recent[key], key=lambda pair: pair[0])]
        state = states.get(key)
        change = decide(state.state if state else None, ordered, newest_cumple.get(key), threshold)
        if change is not None:
            changes[key] = change
    return changes


def _names(session: Session, cves: set[str], registry: Mapping[str, Municipality]) -> dict[str, str]:
    """Municipality names from the registry, else from the database snapshot."""
    names = municipality_names(session, cves - set(registry))
    names.update({cve: registry[cve].nombre for cve in cves if cve in registry})
    return names


def _event(
    run_id: int, key: _Key, state: AlertStateRow | None, change: Transition, names: Mapping[str, str]
) -> AlertEvent:
    """The event a transition tells."""
    cve, check_id = key
    last = change.last_cumple.finished_at if change.last_cumple is not None else None
    return AlertEvent(
        run_id=run_id,
        cve_inegi=cve,
        municipio=names.get(cve, cve),
        check_id=check_id,
        kind=change.kind,
        evidence_url=change.evidence.evidence_url,
        evidence_text=change.evidence.evidence_text,
        last_cumple_at=last if last is not None else (state.last_cumple_at if state else None),
        detail=change.evidence.detail,
    )


def _apply(session: Session, run_id: int, key: _Key, state: AlertStateRow | None, change: Transition) -> None:
    """Move the alert state."""
    cve, check_id = key
    if state is None:
        state = AlertStateRow(cve_inegi=cve, check_id=check_id)
        session.add(state)
    state.state, state.since_run_id, state.updated_run_id = change.state, run_id, run_id
    if change.last_cumple is not None:
        state.last_cumple_run_id, state.last_cumple_at = change.last_cumple.run_id, change.last_cumple.finished_at


def _record(session: Session, event: AlertEvent) -> None:
    """Keep the event in the database, told or withheld."""
    session.add(
        AlertEventRow(
            run_id=event.run_id,
            cve_inegi=event.cve_inegi,
            check_id=event.check_id,
            kind=event.kind,
            evidence_url=event.evidence_url,
            evidence_text=event.evidence_text,
            last_cumple_at=event.last_cumple_at,
            detail=event.detail,
            created_at=utcnow(),
        )
    )


def _queue(session: Session, digests: Sequence[Digest], render: Render) -> None:
    """One pending outbox row per digest, keyed run:recipient so that it is never queued twice."""
    now = utcnow()
    for digest in digests:
        mail = render(digest)
        session.add(
            OutboxRow(
                run_id=digest.run_id,
                recipient=digest.recipient,
                recipient_name=digest.recipient_name,
                subject=mail.subject,
                body_text=mail.text,
                body_html=mail.html,
                idempotency_key=outbox_key(digest.run_id, digest.recipient),
                status="pending",
                attempts=0,
                created_at=now,
            )
        )
    session.flush()


def outbox_key(run_id: int, recipient: str) -> str:
    """The idempotency key of a run's digest for one recipient."""
    return f"{run_id}:{recipient.strip().casefold()}"


def render_plain(digest: Digest) -> RenderedMail:
    """A minimal Spanish plain-text digest: one line per event."""
    count = len(digest.events)
    noun = "cambio" if count == 1 else "cambios"
    subject = f"Vigía: {count} {noun} en portales municipales (corrida {digest.run_id})"
    lines = [
        f"Hola{' ' + digest.recipient_name if digest.recipient_name else ''}:",
        "",
        f"Vigía detectó estos cambios en la corrida {digest.run_id}:",
        "",
    ]
    if digest.withheld:
        lines += [f"{digest.withheld} regresiones retenidas: {digest.withheld_reason}", ""]
    for e in digest.events:
        lines.append(
            f"- {e.municipio} ({e.cve_inegi}) · {e.check_id} · {KIND_LABELS[e.kind]} · "
            f"evidencia: {e.evidence_url or 'sin URL'} · cumplió por última vez: {local_date(e.last_cumple_at)}"
        )
    if digest.chain_hash:
        lines += ["", f"Cadena de evidencia: {digest.chain_hash} (corrida {digest.chain_run_id})"]
    lines += ["", "Este mensaje se generó automáticamente."]
    return RenderedMail(subject, "\n".join(lines) + "\n", None)
