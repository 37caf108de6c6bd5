"""Config and database merged: the crosswalk of identifiers and the effective registry a crawl uses.

Which side holds what: config/ holds what an operator writes (municipios.csv, sujetos_pnt.csv, sitios_candidatos.csv)
and always wins; the database holds what discovery found (crosswalk_facts) and what auditors decided (official_sites,
site_decisions; storage/sites.py). A municipality's site is, in order: a «confirmado» row of municipios.csv; else its
current confirmed official site in the database; else «inexistente» when the latest auditor decision says it has no
site; else «desconocido» (nobody knows yet: desconocido ≠ inexistente). IPOMEX addresses found by discovery fill
ipomex_url and ipomex4_id only where config has none; they are built from the slug or id found, never from a name.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from config.crosswalk import CAMPOS, CrosswalkFact
from config.registry import Municipality
from core.errors import DatabaseError
from storage.site_models import CrosswalkFactRow
from storage.site_types import OfficialSite
from storage.sites import current_presences, current_sites, no_site_declared

logger = logging.getLogger("vigia.storage")
IPOMEX3_INDEX = "https://www.ipomex.org.mx/ipo3/lgt/indice/{slug}.web"
IPOMEX_LEGACY_INDEX = "https://www.ipomex.org.mx/ipo/lgt/indice/{slug}.web"
PRESENCE_LABEL = {"sitio": "sitio", "red_social": "red social", "directorio": "directorio"}


@contextmanager
def _reading(factory: sessionmaker[Session], action: str) -> Iterator[Session]:
    """One read transaction; driver failures become a Spanish DatabaseError."""
    try:
        with factory.begin() as session:
            yield session
    except SQLAlchemyError as exc:
        logger.error("Falló «%s» en la base de datos", action, exc_info=exc)
        raise DatabaseError(f"No se pudo {action} en la base de datos ({exc.__class__.__name__}).") from exc


def discovered_facts(session: Session, cve: str | None = None) -> dict[str, list[CrosswalkFact]]:
    """The latest discovered value of each campo per clave (origen «descubrimiento»)."""
    query = select(CrosswalkFactRow).order_by(CrosswalkFactRow.recorded_at, CrosswalkFactRow.id)
    if cve is not None:
        query = query.where(CrosswalkFactRow.cve_inegi == cve)
    latest: dict[tuple[str, str], CrosswalkFact] = {}
    for row in session.scalars(query):
        fecha = row.fecha.isoformat() if row.fecha else None
        latest[(row.cve_inegi, row.campo)] = CrosswalkFact(
            row.cve_inegi, row.campo, row.valor, row.fuente, fecha, row.origen
        )
    found: dict[str, list[CrosswalkFact]] = {}
    for (key, _campo), fact in latest.items():
        found.setdefault(key, []).append(fact)
    return found


def _site_fact(site: OfficialSite) -> CrosswalkFact:
    label = PRESENCE_LABEL.get(site.presencia, site.presencia)
    source = f"confirmado por un auditor ({label}; decisión {site.decision_id})"
    return CrosswalkFact(
        site.cve_inegi, "sitio_oficial", site.url, source, site.valid_from.date().isoformat(), "auditor"
    )


def merge_crosswalk(
    config: Sequence[CrosswalkFact], confirmed: Sequence[OfficialSite], discovered: Sequence[CrosswalkFact]
) -> list[CrosswalkFact]:
    """One municipality's crosswalk: config facts win per campo; then confirmed presences (sitio_oficial); then the
    latest discovered value of each campo config does not give."""
    facts = list(config)
    given = {f.campo for f in facts}
    if "sitio_oficial" not in given:
        facts.extend(_site_fact(s) for s in confirmed)
        given |= {"sitio_oficial"} if confirmed else set()
    facts.extend(f for f in discovered if f.campo not in given)
    return sorted(facts, key=lambda f: CAMPOS.index(f.campo))


def crosswalk(
    factory: sessionmaker[Session], config: Mapping[str, Sequence[CrosswalkFact]], cve: str | None = None
) -> dict[str, list[CrosswalkFact]]:
    """The crosswalk of every clave of config (or of one), merging config facts with the database's."""
    with _reading(factory, "leer el cruce de identificadores") as session:
        confirmed = current_presences(session)
        discovered = discovered_facts(session, cve)
    claves = [cve] if cve is not None else list(config)
    return {c: merge_crosswalk(config.get(c, ()), confirmed.get(c, []), discovered.get(c, [])) for c in claves}


def _ipomex_from(facts: Sequence[CrosswalkFact]) -> tuple[str | None, int | None]:
    """An IPOMEX index URL (IPOMEX 3 before legacy) and IPOMEX 4 id from crosswalk facts."""
    by_campo = {f.campo: f.valor for f in facts}
    url = None
    if "ipomex3_slug" in by_campo:
        url = IPOMEX3_INDEX.format(slug=by_campo["ipomex3_slug"])
    elif "ipomex_legado_slug" in by_campo:
        url = IPOMEX_LEGACY_INDEX.format(slug=by_campo["ipomex_legado_slug"])
    ident = by_campo.get("ipomex4_id")
    return url, int(ident) if ident and ident.isdigit() else None


def _effective(
    m: Municipality, site: OfficialSite | None, no_site: bool, facts: Sequence[CrosswalkFact]
) -> Municipality:
    if m.sitio_estado != "confirmado":
        if site is not None:
            m = replace(m, sitio_web=site.url, sitio_estado="confirmado")
        elif no_site:
            m = replace(m, sitio_web=None, sitio_estado="inexistente")
    ipomex_url, ipomex4_id = _ipomex_from(facts)
    if m.ipomex_url is None and ipomex_url is not None:
        m = replace(m, ipomex_url=ipomex_url)
    if m.ipomex4_id is None and ipomex4_id is not None:
        m = replace(m, ipomex4_id=ipomex4_id)
    return m


def effective_registry(
    session_factory: sessionmaker[Session],
    registry: Sequence[Municipality],
    config_facts: Mapping[str, Sequence[CrosswalkFact]] | None = None,
) -> list[Municipality]:
    """The registry a crawl uses: config wins; the database's confirmed sites, «no site» decisions and discovered
    IPOMEX identifiers fill what config leaves unknown. config_facts (config.crosswalk.load_config_crosswalk) adds
    the IPOMEX slugs config knows beyond municipios.csv (a legacy slug among the candidates)."""
    with _reading(session_factory, "leer los sitios oficiales confirmados") as session:
        sites = current_sites(session)
        no_site = no_site_declared(session)
        discovered = discovered_facts(session)
    result = []
    for m in registry:
        config = (config_facts or {}).get(m.cve_inegi, [])
        facts = merge_crosswalk(config, [], discovered.get(m.cve_inegi, []))
        result.append(_effective(m, sites.get(m.cve_inegi), m.cve_inegi in no_site, facts))
    return result
